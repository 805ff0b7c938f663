from linter.context import key_of, value_of
from linter.fixes import delete_entry, insert_entry, replace_scalar, text_at
from linter.located import YMap, get_in
from linter.rule import Edit, Example, Fix, Severity, collector, rule
from linter.values import resolve_vars
from linter.versions import fmt

EXPORTED = "mirror.linkerd.io/exported"
FEDERATED = "mirror.linkerd.io/federated"
FACT = "multicluster-link-selectors"  # inventory.facts[FACT]: {label key: set of values, or None for any}
_TRUTHY = ("True", "TRUE", "yes", "Yes", "enabled", "enable", "1", "on")


@collector(name="multicluster-links", trigger=r"kind[\"']?\s*:\s*[\"']?Link\b")
def collect_links(res, inventory):
    """Label values that Link objects in the input select Services by (custom --selector flags)."""
    if res.kind != "Link" or not res.api_version.startswith("multicluster.linkerd.io/"):
        return
    accepted = inventory.facts.setdefault(FACT, {})
    for field in ("selector", "remoteDiscoverySelector", "federatedServiceSelector"):
        sel = get_in(res.data, "spec", field)
        if not isinstance(sel, dict):
            continue
        for key, value in (sel.get("matchLabels") or {}).items() if isinstance(sel.get("matchLabels"), dict) else ():
            _accept(accepted, key, {value})
        for expr in sel.get("matchExpressions") or () if isinstance(sel.get("matchExpressions"), list) else ():
            if not isinstance(expr, dict):
                continue
            op, values = expr.get("operator"), expr.get("values")
            if op == "In" and isinstance(values, list):
                _accept(accepted, expr.get("key"), set(values))
            elif op in ("Exists", "NotIn"):
                accepted[expr.get("key")] = None


def _accept(accepted, key, values):
    if key in accepted and accepted[key] is None:
        return
    accepted.setdefault(key, set()).update(v for v in values if isinstance(v, str))


@rule(
    id="LNK803",
    name="multicluster-label",
    severity=Severity.WARNING,
    fixable=True,
    kinds=("Service",),
    summary="A Service's multicluster export is misspelled: `mirror.linkerd.io/exported` / `mirror.linkerd.io/federated` as an annotation, or with a value no Link selects.",
    why=(
        "The service mirror of a linked cluster picks the Services to mirror with label selectors: by default "
        "`mirror.linkerd.io/exported=true` (through the gateway), `mirror.linkerd.io/exported=remote-discovery` "
        "(pod-to-pod, Linkerd 2.14+) and `mirror.linkerd.io/federated=member` (federated services, 2.17+). As an "
        "annotation, or with any other value (`\"yes\"`, `enabled`, …), the Service is silently not exported; "
        "`linkerd check --proxy` warns about the annotation. Values selected by a Link in the input (a custom "
        "`--selector`) are accepted."
    ),
    how_to_fix=(
        "Put the key under `metadata.labels` with `\"true\"` or `remote-discovery` (exported) or `member` "
        "(federated), and check that the target Linkerd version supports the mode."
    ),
    references=(
        "linkerd/linkerd2 multicluster/cmd/link.go@version-2.18 L502-504 (default selector, remoteDiscoverySelector, federatedServiceSelector)",
        "linkerd/linkerd2 pkg/healthcheck/healthcheck_labels.go@version-2.18 L14-16 (validAsLabelOnly: mirror.linkerd.io/exported)",
        "linkerd/linkerd2 multicluster/charts/linkerd-multicluster/values.yaml@version-2.17 L124 (federatedServiceSelector: first in 2.17)",
        "https://linkerd.io/2-edge/reference/multicluster/",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: web\n"
        "  namespace: shop\n"
        "  annotations:\n"
        "    mirror.linkerd.io/exported: \"true\"  # <- LNK803\n"
        "spec:\n"
        "  selector: {app: web}\n"
        "  ports:\n"
        "    - port: 80\n"
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: web\n"
        "  namespace: shop\n"
        "  labels:\n"
        "    mirror.linkerd.io/exported: \"true\"\n"
        "spec:\n"
        "  selector: {app: web}\n"
        "  ports:\n"
        "    - port: 80\n"
    ),
)
def check(ctx):
    res = ctx.resource
    meta = res.metadata
    if meta is None:
        return
    labels = meta.get("labels") if isinstance(meta.get("labels"), YMap) else None
    annotations = meta.get("annotations") if isinstance(meta.get("annotations"), YMap) else None
    version = ctx.settings.linkerd_version
    accepted = ctx.inventory.facts.get(FACT, {})
    for key, valid, since in ((EXPORTED, ("true", "remote-discovery"), (2, 10)), (FEDERATED, ("member",), (2, 17))):
        if annotations is not None and key in annotations:
            _annotation(ctx, meta, labels, annotations, key, _missing_mode(key, since, version))
        if labels is None or key not in labels:
            continue
        raw = labels[key]
        text = resolve_vars(raw) if isinstance(raw, str) else None
        if text is None:
            continue  # not a string (LNK104's finding) or a variable without default
        custom = accepted.get(key, set())
        if custom is None or text in custom:
            continue
        where = value_of(labels, key)
        if text in valid:
            need = (2, 14) if text == "remote-discovery" else since
            if version < need:
                mode = {"remote-discovery": "remote discovery needs", "member": "federated services need"}.get(text, "this mode needs")
                ctx.report(where, f"{key}={text}: {mode} Linkerd {fmt(need)}+, the target is {fmt(version)}")
            continue
        missing = _missing_mode(key, since, version)
        if missing:
            # the label means nothing to this release whatever its value: say that, not which value to use
            ctx.report(where, f"{key}={text!r}: {missing}")
            continue
        wanted = " or ".join(repr(v) for v in valid)
        fix = None
        if text in _TRUTHY and "${" not in raw:  # rewriting a variable would drop it
            target = valid[0]
            fix = Fix(f"set {key} to {target!r}", (replace_scalar(ctx.source, labels.value_span(key), target),), safe=False)
        ctx.report(where, f"{key}={text!r} is selected by no Link: use {wanted}", fix=fix)


def _missing_mode(key, since, version) -> str:
    """Why the key does nothing in the target release at all ('' when the release knows it)."""
    if version >= since:
        return ""
    return f"federated services need Linkerd {fmt(since)}+ (label value 'member'), the target is {fmt(version)}"


def _annotation(ctx, meta, labels, annotations, key, missing=""):
    where = key_of(annotations, key)
    src = ctx.source
    if labels is not None and key in labels:
        same = labels[key] == annotations[key]
        delete = delete_entry(src, annotations, key) if len(annotations) > 1 else delete_entry(src, meta, "annotations")
        label = labels[key]
        shown = resolve_vars(label) if isinstance(label, str) else label
        msg = f"{key} is also an annotation, which Linkerd ignores" + (
            "" if same else f" (with another value than the label's {label if shown is None else shown!r})"
        )
        fix = Fix(f"remove the {key} annotation", (delete,)) if delete is not None and same else None
        ctx.report(where, msg, fix=fix)
        return
    if missing:
        ctx.report(where, f"{key} is an annotation, and {missing}")
        return  # moving it to the labels would not help either
    ctx.report(
        where,
        f"{key} is an annotation: the service mirror selects Services by label, so this Service is not exported",
        fix=_move_to_labels(src, meta, annotations, key),
    )


def _move_to_labels(src, meta, annotations, key):
    value_text = text_at(src, annotations.value_span(key))
    delete = delete_entry(src, annotations, key) if len(annotations) > 1 else delete_entry(src, meta, "annotations")
    labels = meta.get("labels")
    if isinstance(labels, YMap) and labels:
        insert = insert_entry(src, labels, key, value_text)
    elif "labels" in meta:
        insert = None  # empty or flow-style labels: leave it to the user
    else:
        base = insert_entry(src, meta, "labels", "")
        if base is None:
            insert = None
        else:
            indent = " " * (next(iter(meta.spans.values()))[0].col - 1)
            step = " " * max(2, annotations.key_span(key).col - next(iter(meta.spans.values()))[0].col)
            newline = "\r\n" if "\r\n" in src.text else "\n"
            insert = Edit(base.span, f"{indent}labels:{newline}{indent}{step}{key}: {value_text}{newline}")
    if delete is None or insert is None:
        return None
    # exporting changes what the linked clusters see: review before applying
    return Fix(f"move {key} to the Service's labels", (delete, insert), safe=False)
