"""What the editor shows on hover and offers in completion, from the annotation catalogue and
its version-gated values (``linter.annotations``, whose data is ``rules/_linkerd_annotations.py``)
and the rule registry.  Markdown out, no LSP types."""

from __future__ import annotations

from linter.annotations import CATALOGUE, INJECT, VALUES_SINCE, inheritable
from linter.rules._linkerd_releases import OLDEST_LINE

_GRAMMAR = {
    "image": "an image name without its tag (e.g. `cr.l5d.io/linkerd/proxy`)",
    "tag": "an image tag (e.g. `edge-25.4.4`)",
    "port": "a port number, 1–65535",
    "ports": "a comma-separated list of ports and port ranges (e.g. `25,443,8000-8100`)",
    "ports-or-names": "a comma-separated list of ports, port ranges and named ports",
    "cidrs": "a comma-separated list of CIDRs (e.g. `10.0.0.0/8,192.168.0.0/16`)",
    "quantity": "a Kubernetes quantity (e.g. `100m`, `256Mi`)",
    "ratio": "a decimal number strictly between 0 and 1 (e.g. `0.5`)",
    "int": "an integer",
    "uint": "a non-negative integer",
    "loglevel": "a log filter (e.g. `warn,linkerd=info`)",
    "duration": "a duration (e.g. `100ms`, `5s`)",
    "bool": '`"true"` or `"false"` (quoted: annotation values are strings)',
    "env-json": 'a JSON list of environment variables (`[{"name": "A", "value": "1"}]`)',
    "any": "any string",
}
_WHERE = {
    "pod": "Linkerd annotation, read from the pod template",
    "written": "written by Linkerd itself, not something to set",
    "label": "Linkerd label",
    "service": "Linkerd Service annotation",
}


def version_text(v: tuple) -> str:
    return f"{v[0]}.{v[1]}"


def enum_values(key: str, target: tuple | None = None) -> tuple:
    """The allowed values of an enum-valued key (those the ``target`` Linkerd version accepts)."""
    meta = CATALOGUE.get(key)
    if meta is None or not meta.value.startswith("enum:"):
        return ()
    values = [v for v in meta.value[len("enum:"):].split(",") if v]
    if target is not None:
        values = [v for v in values if VALUES_SINCE.get((key, v), (0, 0)) <= target]
    return tuple(values)


def value_text(meta) -> str:
    values = enum_values(meta.key)
    if values:
        return "one of " + ", ".join(
            f"`{v}`" + (f" ({version_text(VALUES_SINCE[(meta.key, v)])}+)" if (meta.key, v) in VALUES_SINCE else "")
            for v in values
        )
    return _GRAMMAR.get(meta.value, meta.value)


def versions_text(meta) -> str:
    oldest = f"{version_text(OLDEST_LINE)} (the oldest checked)"
    since = f"every release since {oldest}" if meta.since <= OLDEST_LINE else f"Linkerd {version_text(meta.since)} and later"
    if meta.until is None:
        return since
    last = (meta.until[0], meta.until[1] - 1)
    start = oldest if meta.since <= OLDEST_LINE else version_text(meta.since)
    return f"Linkerd {start} to {version_text(last)}; not read from {version_text(meta.until)} on"


def inherit_text(meta) -> str:
    if meta.key == INJECT:
        return "a Namespace value applies to pods that do not set their own"
    if meta.inherit is None:
        return "no"
    lo, hi = meta.inherit
    text = f"yes, from {version_text(lo)}" if lo > OLDEST_LINE else "yes"
    return text + (f" until {version_text((hi[0], hi[1] - 1))}" if hi else "")


OPAQUE_PORTS = "config.linkerd.io/opaque-ports"
# A Service's opaque-ports annotation, which the catalogue (pod-centred) does not describe: the
# destination and policy controllers read it from the Service (controller/api/destination/watcher/
# opaque_ports_watcher.go getServiceOpaquePortsAnnotation; policy-controller/k8s/index/src/outbound/
# index.rs), and from 2.11 the proxy injector copies the Namespace's value onto a Service created
# without one (pkg/inject/inject.go CreateOpaquePortsPatch, IsService).
_SERVICE_OPAQUE = (
    "Linkerd Service annotation, read by the destination and policy controllers",
    "Ports of this Service whose traffic meshed clients send without protocol detection. Replaces the "
    "default list. The pods' own annotation governs connections made to them directly.",
    "yes, from 2.11: the proxy injector copies the Namespace's value onto a Service created without one",
    # policy-controller/k8s/index/src/ports.rs parse_portset refuses names and the whole set with them
    "a comma-separated list of port numbers and `lo-hi` ranges; a port name makes the policy controller "
    "drop the whole list (LNK305)",
)
_ROUTE_KEYS = ("retry.linkerd.io/", "timeout.linkerd.io/")  # also read from HTTPRoutes and GRPCRoutes


def annotation_markdown(key: str, target: tuple | None = None, owner: str | None = None) -> str | None:
    """Hover text for a Linkerd key of the catalogue; None for keys it does not hold.

    ``owner`` (see ``yamlctx.annotations_owner``) is whose annotations the key is among: a
    Service's opaque-ports has its own text, and a key written where Linkerd does not read it
    says so."""
    meta = CATALOGUE.get(key)
    if meta is None:
        return None
    where, doc = _WHERE.get(meta.where, meta.where), meta.doc or ""
    service_opaque = owner == "service" and key == OPAQUE_PORTS
    if service_opaque:
        where, doc = _SERVICE_OPAQUE[0], _SERVICE_OPAQUE[1]
    lines = [f"**`{key}`** — {where}", "", doc, ""]
    if meta.where == "written":
        return "\n".join(lines).strip() + "\n"
    lines.append(f"- **Value:** {_SERVICE_OPAQUE[3] if service_opaque else value_text(meta)}")
    if meta.default:
        lines.append(f"- **Default:** {meta.default if ' ' in meta.default else f'`{meta.default}`'}")
    lines.append(f"- **Read by:** {versions_text(meta)}")
    if service_opaque:
        lines.append(f"- **Inherited from the Namespace:** {_SERVICE_OPAQUE[2]}")
    elif meta.where == "pod" and owner in ("service", "route"):
        lines.append(f"- **Here:** NOT read: Linkerd reads it from pod templates (and Namespaces), not from a {owner.capitalize()}")
    elif meta.where == "pod":
        lines.append(f"- **Inherited from the Namespace:** {inherit_text(meta)}")
    elif meta.where == "service" and owner in ("pod", "namespace"):
        routes = " (or an HTTPRoute/GRPCRoute)" if key.startswith(_ROUTE_KEYS) else ""
        lines.append(f"- **Here:** NOT read: Linkerd reads it from a Service{routes}, not from a {'pod template' if owner == 'pod' else 'Namespace'}")
    elif meta.where == "service" and owner == "route" and not key.startswith(_ROUTE_KEYS):
        lines.append("- **Here:** NOT read: Linkerd reads it from a Service, not from a route")
    if target is not None:
        ok = meta.read_in(target)
        lines.append(f"- **Your target, Linkerd {version_text(target)}:** {'reads it' if ok else 'does NOT read it'}")
    return "\n".join(lines).replace("\n\n\n", "\n\n").strip() + "\n"


def rule_markdown(rule) -> str:
    from linter import fixsafety

    fix = f" · fix: {fixsafety.text(rule)}" if rule.fixable else ""
    return (
        f"**{rule.id}** `{rule.name}` · {rule.severity}{fix}\n\n{rule.summary}\n\n"
        f"How to fix: {rule.how_to_fix}\n\n[Documentation]({rule.doc_url})\n"
    )


def annotation_keys(owner: str, target: tuple) -> list:
    """Catalogue keys worth offering in the annotations of a pod template, a Namespace, a Service
    or a route ('pod', 'namespace', 'service', 'route'), for a Linkerd version."""
    if owner == "namespace":
        allowed = inheritable(target) | {INJECT}
        keys = [k for k in CATALOGUE if k in allowed]
    elif owner in ("service", "route"):
        keys = [k for k, meta in CATALOGUE.items() if meta.where == "service" and meta.read_in(target)
                and (owner == "service" or k.startswith(_ROUTE_KEYS))]
        keys += [OPAQUE_PORTS] if owner == "service" else []
        return sorted(keys)
    else:
        keys = [k for k, meta in CATALOGUE.items() if meta.where == "pod" and meta.read_in(target)]
    return sorted(keys, key=lambda k: (k != INJECT, k))
