from linter.annotations import ADMISSION_WEBHOOKS, INJECT, is_config_key
from linter.context import key_of
from linter.fixes import insert_annotation, take_entry
from linter.located import get_in
from linter.rule import Example, Fix, Severity, rule

from ._common import mapping, metadata_maps, widens_exposure


@rule(
    id="LNK103",
    name="linkerd-key-as-label",
    severity=Severity.ERROR,
    fixable=True,
    kinds=("Namespace", "PodTemplate", "Service"),
    summary="`linkerd.io/inject` or a `config.linkerd.io/*` key is written as a label; Linkerd reads annotations.",
    why=(
        "The injector reads these keys from annotations only; as labels they do nothing (`linkerd check --proxy` "
        "warns about exactly this, for pods and for Services). On a Service, `config.linkerd.io/opaque-ports` as a "
        "label leaves the ports to protocol detection: the destination controller reads the annotation. The one "
        "Linkerd key that is a label is the Namespace label `config.linkerd.io/admission-webhooks`."
    ),
    how_to_fix="Move the key from `metadata.labels` to `metadata.annotations` (on a workload, to the pod template's annotations).",
    references=(
        "linkerd/linkerd2 pkg/healthcheck/healthcheck_labels.go (checkMisconfiguredPodsLabels, "
        "checkMisconfiguredServiceLabels: config.linkerd.io/* and linkerd.io/inject labels should be annotations)",
        "https://linkerd.io/2-edge/reference/proxy-configuration/",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Namespace\n"
        "metadata:\n"
        "  name: shop\n"
        "  labels:\n"
        "    linkerd.io/inject: enabled  # <- LNK103\n"
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Namespace\n"
        "metadata:\n"
        "  name: shop\n"
        "  labels:\n"
        "    config.linkerd.io/admission-webhooks: disabled\n"
        "  annotations:\n"
        "    linkerd.io/inject: enabled\n"
    ),
)
def check(ctx):
    res = ctx.resource
    owners = _owners(res)
    for meta, role in metadata_maps(res):
        labels = mapping(meta, "labels")
        if labels is None:
            continue
        for key in labels:
            if not isinstance(key, str) or key == ADMISSION_WEBHOOKS or not (key == INJECT or is_config_key(key)):
                continue
            where = key_of(labels, key)
            if role in ("workload", "jobtemplate"):
                ctx.report(where, f"{key} is a label on the {res.kind}'s own metadata; Linkerd reads it as an annotation of the pod template")
                continue
            fix = None
            ann = mapping(meta, "annotations") or {}
            owner = owners.get(id(meta))
            if key not in ann and owner is not None and not (role == "pod" and _selected_on(res, key)):
                fix = _move(ctx, meta, labels, key, owner)
            on = f" on Service {res.name}" if res.kind == "Service" else ""
            ctx.report(where, f"{key} is a label{on}; Linkerd reads it only as an annotation", fix=fix)


def _selected_on(res, key) -> bool:
    """Whether the workload's own selector names the label: moving it off the pod template would leave
    a selector that no longer matches its template, which the API server refuses."""
    pod = res.pod_template
    cur = get_in(res.data, *(pod.path[:-1] if pod is not None and pod.path else ()), "selector")
    if not isinstance(cur, dict):
        return False
    if key in cur:  # a ReplicationController's selector is a plain map
        return True
    labels, exprs = cur.get("matchLabels"), cur.get("matchExpressions")
    return (isinstance(labels, dict) and key in labels) or (
        isinstance(exprs, list) and any(isinstance(e, dict) and e.get("key") == key for e in exprs)
    )


def _owners(res):
    """metadata id -> the object holding it (needed to insert annotations)."""
    out = {}
    meta = res.data.get("metadata")
    if meta is not None:
        out[id(meta)] = res.data
    pod = res.pod_template
    if pod is not None and pod.metadata is not None and res.kind != "Pod":
        cur = res.data
        for part in pod.path:
            cur = cur.get(part) if isinstance(cur, dict) else None
        if cur is not None:
            out[id(pod.metadata)] = cur
    return out


def _move(ctx, meta, labels, key, owner):
    src = ctx.source
    # the last label takes its `labels:` line with it; comments travel with the key
    cut = take_entry(src, labels, key, meta, "labels") if len(labels) == 1 else take_entry(src, labels, key)
    if cut is None:
        return None
    delete, value_text, comments = cut
    insert = insert_annotation(src, owner, key, value_text, comments)
    if insert is None:
        return None
    return Fix(f"move {key} from labels to annotations", (delete, insert), safe=not widens_exposure(key, labels.get(key)))
