"""``linkerd-lint context [PATHS]``: what linkerd-lint believes about the input, and why.

It answers "which versions does it target?" and "why does it think this is meshed?":
the target Linkerd and Kubernetes versions with where each came from (command line,
configuration file, a file:line in the input, or the default), every version found in
the input, the lower bounds that version-only kinds and keys imply (never used as the
target), the namespaces, and for each pod template the mesh decision and the effective
proxy configuration with the place that set each value.
"""

from __future__ import annotations

import json
import os
import sys

import click

_REASONS = {
    "annotation_at_workload": "the pod template asks for injection",
    "annotation_at_namespace": "its Namespace asks for injection",
    "injection_disable_annotation_present": "the pod template opts out",
    "injection_enable_annotation_absent": "neither the pod template nor its Namespace asks for injection",
    "invalid_inject_annotation_at_ns": "the Namespace's linkerd.io/inject value is invalid: the injector skips every pod in it",
    "invalid_inject_annotation_at_workload": "the pod template's linkerd.io/inject value is invalid: the injector skips it",
    "unresolved_variable": "linkerd.io/inject holds a variable without a default: decided at deploy time",
    "namespace_not_in_input": "the pod template does not ask for injection and its Namespace is not in the input",
    "host_network_enabled": "it asks for injection, but hostNetwork pods are never injected",
    "host_network_unresolved": "it asks for injection, but hostNetwork is a variable without a default (a hostNetwork pod is never injected): decided at deploy time",
    "sidecar_already_exists": "it asks for injection, but it already has a proxy sidecar",
    "namespace_excluded_by_webhook": "it asks for injection, but the injector never runs in this namespace",
    "admission_webhooks_disabled": "it asks for injection, but its Namespace is labelled config.linkerd.io/admission-webhooks: disabled",
    "admission_webhooks_unresolved": "it asks for injection, but its Namespace's config.linkerd.io/admission-webhooks label is a variable without a default (disabled keeps the injector out): decided at deploy time",
    "excluded_by_object_selector": "it asks for injection, but its labels exclude it from the injector",
}


def _loc(path, span) -> str | None:
    if path is None:
        return None
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        path = path if rel.startswith("..") else rel.replace(os.sep, "/")
    return f"{path}:{span.line}:{span.col}" if span is not None else path


def _source_of(text) -> dict:
    """{'kind': default|config|command line|detected, 'at': location}."""
    text = text or "default"
    if text.startswith("detected in "):
        return {"kind": "detected", "at": text[len("detected in "):]}
    if text in ("default", "command line", "overrides"):
        return {"kind": text, "at": None}
    return {"kind": "config", "at": text}


def build(result, registry_rules=None) -> dict:
    """The context report as plain data (the JSON format)."""
    from linter.annotations import CATALOGUE
    from linter.located import YMap
    from linter.model import resources_of
    from linter.rules._detect import OLDEST_KNOWN, describe_minors, detected
    from linter.rules._linkerd_crds import CRDS, GATEWAY_ROUTES, first_serving
    from linter.versions import OLDEST_LINE, fmt, linkerd_target

    inv = result.inventory
    s = inv.settings
    found = detected(inv)
    lv = linkerd_target(s)
    targets = {
        "linkerd": {"version": fmt(s.linkerd_version), "as_written": s.linkerd_version_text, **_source_of(s.linkerd_version_source)},
        "kubernetes": (
            {"version": fmt(s.kubernetes_version), "as_written": s.kubernetes_version_text, **_source_of(s.kubernetes_version_source)}
            if s.kubernetes_version is not None
            else {"version": None, "as_written": None, "kind": "unknown", "at": None}
        ),
    }
    if not lv.covered and not lv.exact:  # an edge release before the data: its line is unknown
        targets["linkerd"]["version"] = f"older than {fmt(OLDEST_LINE)}"
    elif not lv.exact and lv.judged() is lv:
        targets["linkerd"]["may_include"] = fmt(lv.upto)
    if lv.judged().data_note:  # a release the version data does not reach
        targets["linkerd"]["note"] = lv.judged().data_note
    for name, choice in (("linkerd", found and found.linkerd_choice), ("kubernetes", found and found.kubernetes_choice)):
        if choice and targets[name]["kind"] == "detected":
            targets[name]["via"] = choice.via
    if found is not None and found.kubernetes_from_range is not None and s.kubernetes_version_source.startswith("detected"):
        targets["kubernetes"]["note"] = "the oldest version the chart's kubeVersion range admits that the target Linkerd installs on"

    def det(d):
        out = {"version": d.text, "at": f"{d.path}:{d.span.line}:{d.span.col}", "via": d.via, "role": d.role}
        if d.what == "linkerd":
            out["line"] = fmt(d.version.line)
            if d.version.line < OLDEST_KNOWN:
                out["note"] = f"older than {fmt(OLDEST_KNOWN)}, the oldest release linkerd-lint has data for: not used as the target"
        elif d.role == "range":
            out["admits"] = describe_minors(d.admitted)
        return out

    detections = {
        "linkerd": [det(d) for d in (found.linkerd if found else [])],
        "kubernetes": [det(d) for d in (found.kubernetes if found else [])],
        "implied_minimum": [],
    }

    namespaces: dict = {}
    pods: list = []
    implied: dict = {}
    for path, src in result.sources.items():
        for doc in src.documents:
            for res in resources_of(path, doc.index, doc.data, s.default_namespace, doc.template_source):
                _implied(res, implied, CRDS, GATEWAY_ROUTES, CATALOGUE, first_serving, YMap)
                if res.namespace:
                    namespaces.setdefault(res.namespace, {"objects": 0, "pod_templates": 0})
                    namespaces[res.namespace]["objects"] += 1
                pod = res.pod_template
                if pod is None:
                    continue
                if res.namespace:
                    namespaces[res.namespace]["pod_templates"] += 1
                pods.append(_pod(res, inv.mesh(pod), s.linkerd_version))
    for (what, bound), at in sorted(implied.items(), key=lambda kv: (kv[0][1], kv[0][0]), reverse=True):
        detections["implied_minimum"].append({"linkerd": fmt(bound), "by": what, "at": at})

    ns_out = []
    for name in sorted(set(namespaces) | set(inv.namespaces)):
        res = inv.namespaces.get(name)
        entry = {"name": name, "defined_at": _loc(res.file, res.anchor) if res else None}
        if res is not None:
            ann = res.annotations
            if "linkerd.io/inject" in ann:
                entry["inject"] = ann["linkerd.io/inject"]
        entry.update(namespaces.get(name, {"objects": 0, "pod_templates": 0}))
        ns_out.append(entry)
    return {"targets": targets, "detected": detections, "namespaces": ns_out, "pod_templates": pods}


def _implied(res, implied, crds, routes, catalogue, first_serving, YMap):
    from linter.rules._detect import OLDEST_KNOWN

    group, _, version = res.api_version.rpartition("/")
    for table in (crds, routes):
        since = first_serving(table, group, res.kind, version)
        if since and since > OLDEST_KNOWN:
            implied.setdefault((f"{res.api_version} {res.kind}", since), _loc(res.file, res.data.value_span("apiVersion")))
    metas = [res.metadata]
    if res.pod_template is not None and res.pod_template.metadata is not res.metadata:
        metas.append(res.pod_template.metadata)
    for meta in metas:
        ann = meta.get("annotations") if meta is not None else None
        if not isinstance(ann, YMap):
            continue
        for key in ann:
            entry = catalogue.get(key) if isinstance(key, str) else None
            if entry is not None and entry.where in ("pod", "service") and entry.since > OLDEST_KNOWN:
                implied.setdefault((key, entry.since), _loc(res.file, ann.key_span(key)))


def _pod(res, mesh, version) -> dict:
    meshed = {True: "yes", False: "no", None: "unknown"}[mesh.injected]
    why = _REASONS.get(mesh.reason, mesh.reason)
    entry = {
        "object": f"{res.kind} {res.namespace + '/' if res.namespace else ''}{res.name}",
        "at": _loc(res.file, res.anchor),
        "meshed": meshed,
        "reason": mesh.reason,
        "why": why,
        "inject": None,
        "proxy_config": [],
    }
    if mesh.inject is not None:
        entry["inject"] = {"value": mesh.inject.value, "from": mesh.inject.source, "at": _loc(mesh.inject.file, mesh.inject.span)}
    for key in sorted(mesh.values):
        v = mesh.values[key]
        entry["proxy_config"].append({"key": key, "value": v.value, "from": v.source, "at": _loc(v.file, v.span)})
    entry["proxy_config"].extend(_release_defaults(mesh, version))
    return entry


def _release_defaults(mesh, version) -> list:
    """Defaults that change with the release and that nothing in the input set: native sidecars
    are on by default from 2.20 (the Helm value proxy.nativeSidecar), which changes how Jobs end
    and how the proxy starts, so it is shown where it is on."""
    from linter.rules._lifecycle import native_keys, native_sidecar

    keys = native_keys(version)
    if not keys:
        return []
    on, value = native_sidecar(mesh, version)
    if value is not None or on is not True:
        return []
    from linter.versions import fmt

    return [{"key": keys[0], "value": "true", "from": f"default in Linkerd {fmt(version)}", "at": None}]


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_text(data: dict) -> str:
    out = []
    t = data["targets"]
    out.append("Targets")
    for name, label in (("linkerd", "Linkerd"), ("kubernetes", "Kubernetes")):
        d = t[name]
        if d["version"] is None:
            out.append(f"  {label:<11} unknown (no --kubernetes-version, no configuration, nothing detected)")
            continue
        written = f" ({d['as_written']})" if d["as_written"] and d["as_written"] != d["version"] else ""
        where = {"default": "default", "command line": "from the command line", "overrides": "from the API overrides"}.get(d["kind"])
        via = f" ({d['via']})" if d.get("via") else ""
        where = where or (f"detected in {d['at']}{via}" if d["kind"] == "detected" else f"from {d['at']}")
        extra = f"; may include part of {d['may_include']}" if d.get("may_include") else ""
        note = f" ({d['note']})" if d.get("note") else ""
        out.append(f"  {label:<11} {d['version']}{written}  {where}{extra}{note}")
    det = data["detected"]
    out.append("")
    out.append("Versions found in the input")
    if not det["linkerd"] and not det["kubernetes"]:
        out.append("  none")
    for d in det["linkerd"]:
        role = f", {d['role']}" if d["role"] else ""
        note = f"; {d['note']}" if d.get("note") else ""
        out.append(f"  Linkerd {d['version']:<20} {d['at']}  ({d['via']}{role}{note})")
    for d in det["kubernetes"]:
        admits = f", admits {d['admits']}" if "admits" in d else ""
        out.append(f"  Kubernetes {d['version']:<17} {d['at']}  ({d['via']}{admits})")
    if det["implied_minimum"]:
        out.append("")
        out.append("Lower bounds implied by version-only kinds and keys (never used as the target)")
        for d in det["implied_minimum"]:
            out.append(f"  Linkerd >= {d['linkerd']:<6} {d['by']}  {d['at']}")
    out.append("")
    out.append("Namespaces")
    if not data["namespaces"]:
        out.append("  none")
    for ns in data["namespaces"]:
        where = ns["defined_at"] or "not in the input"
        inject = f", linkerd.io/inject: {ns['inject']}" if "inject" in ns else ""
        counts = f"{_n(ns['objects'], 'object')}, {_n(ns['pod_templates'], 'pod template')}"
        out.append(f"  {ns['name']:<20} {where}{inject} ({counts})")
    out.append("")
    out.append("Pod templates")
    if not data["pod_templates"]:
        out.append("  none")
    for p in data["pod_templates"]:
        out.append(f"  {p['object']}  {p['at']}")
        inject = ""
        if p["inject"]:
            at = f" at {p['inject']['at']}" if p["inject"]["at"] else ""
            inject = f" (linkerd.io/inject: {p['inject']['value']}, {p['inject']['from']}{at})"
        out.append(f"    meshed: {p['meshed']} - {p['why']}{inject}")
        if p["proxy_config"]:
            out.append("    proxy configuration:")
            width = max(len(c["key"]) for c in p["proxy_config"])
            for c in p["proxy_config"]:
                at = f" {c['at']}" if c["at"] else ""
                out.append(f"      {c['key']:<{width}} = {c['value']}  ({c['from']}{at})")
    return "\n".join(out) + "\n"


@click.command("context")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", "config_file", type=click.Path(), help="Configuration file (skips discovery).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--linkerd-version", help="Target Linkerd version (overrides configuration and detection).")
@click.option("--kubernetes-version", help="Target Kubernetes version (overrides configuration and detection).")
@click.option("--context", "context_paths", multiple=True, type=click.Path(), help="Further paths read for facts (repeatable).")
@click.option("--exclude", multiple=True, help="Glob of paths to skip (repeatable).")
@click.option("--default-namespace", help="Namespace of objects that name none [default: default].")
def context(paths, config_file, fmt, linkerd_version, kubernetes_version, context_paths, exclude, default_namespace):
    """Show the target versions and where they come from, the namespaces, and each pod
    template's mesh decision and effective proxy configuration with provenance."""
    from linter.api import load_registry
    from linter.cli import UsageFailure, load_cli_settings
    from linter.engine import Engine
    from linter.files import InputError, discover

    cwd = os.getcwd()
    settings = load_cli_settings(
        config_file,
        cwd,
        {"linkerd-version": linkerd_version, "kubernetes-version": kubernetes_version, "default-namespace": default_namespace},
    )

    excludes = settings.exclude_globs(cwd, exclude)
    try:
        targets = discover(list(paths) or ["."], cwd, excludes)
        extra = settings.context_paths(context_paths)[0]
        ctx_targets = discover(extra, cwd, excludes) if extra else []
    except InputError as e:
        raise UsageFailure(str(e)) from None
    registry = load_registry(settings)
    engine = Engine(settings, registry, set(), keep_sources=True)  # no rules: collectors only
    result = engine.run(targets, ctx_targets)
    for msg in result.internal_errors:
        click.echo(f"linkerd-lint: internal error: {msg} (please report this)", err=True)
    data = build(result)
    if fmt == "json":
        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
    else:
        sys.stdout.write(render_text(data))
