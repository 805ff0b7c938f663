from linter.annotations import ADMISSION_WEBHOOKS
from linter.context import key_of
from linter.fixes import delete_entry, insert_entry
from linter.rule import Example, Fix, Severity, rule

from ._common import mapping, metadata_maps
from ._inject import text


@rule(
    id="LNK110",
    name="admission-webhooks-as-annotation",
    severity=Severity.WARNING,
    fixable=True,
    summary="`config.linkerd.io/admission-webhooks` is set as an annotation; it only works as a Namespace label.",
    why=(
        "Linkerd's proxy injector and its validating webhooks skip a namespace through their `namespaceSelector`, "
        "which matches Namespace *labels*. As an annotation (on a Namespace, a pod or any other object) the key "
        "is never read, so the webhooks keep running there. Linkerd's own 2.10 chart comment calls it an "
        "annotation, which is where the mistake usually comes from."
    ),
    how_to_fix="Set it as a label on the Namespace: `metadata.labels: {config.linkerd.io/admission-webhooks: disabled}`.",
    references=(
        "linkerd/linkerd2 charts/linkerd-control-plane/values.yaml (proxyInjector.namespaceSelector matches the label)",
        "linkerd/linkerd2 pkg/k8s/labels.go (AdmissionWebhookLabel)",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Namespace\n"
        "metadata:\n"
        "  name: legacy\n"
        "  labels:\n"
        "    team: payments\n"
        "  annotations:\n"
        "    config.linkerd.io/admission-webhooks: disabled  # <- LNK110\n"
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Namespace\n"
        "metadata:\n"
        "  name: legacy\n"
        "  labels:\n"
        "    team: payments\n"
        "    config.linkerd.io/admission-webhooks: disabled\n"
    ),
)
def check(ctx):
    res = ctx.resource
    for meta, role in metadata_maps(res):
        ann = mapping(meta, "annotations")
        if ann is None or ADMISSION_WEBHOOKS not in ann:
            continue
        where = key_of(ann, ADMISSION_WEBHOOKS)
        if role != "namespace":
            ctx.report(where, f"{ADMISSION_WEBHOOKS} is an annotation here; Linkerd reads it only as a label of the Namespace")
            continue
        ctx.report(
            where,
            f"{ADMISSION_WEBHOOKS} is an annotation on Namespace {res.name}; the webhooks' namespaceSelector matches "
            "only labels, so Linkerd's webhooks still run here",
            fix=_move(ctx, meta, ann),
        )


def _move(ctx, meta, ann):
    """Move the entry to the labels when both are block mappings and the label is not set yet."""
    labels = mapping(meta, "labels")
    value = text(ann[ADMISSION_WEBHOOKS])
    if labels is None or ADMISSION_WEBHOOKS in labels or value is None or "${" in str(ann[ADMISSION_WEBHOOKS]):
        return None
    delete = delete_entry(ctx.source, ann, ADMISSION_WEBHOOKS)
    import json

    shown = value if value.replace("-", "").isalnum() and value not in ("true", "false") else json.dumps(value)
    insert = insert_entry(ctx.source, labels, ADMISSION_WEBHOOKS, shown)
    if delete is None or insert is None:
        return None
    # A label switches the webhooks off for the namespace: a behaviour change, so not applied by default.
    return Fix(f"move {ADMISSION_WEBHOOKS} to the Namespace's labels", (delete, insert), safe=False)
