from linter.annotations import ADMISSION_WEBHOOKS, INJECT, is_config_key
from linter.context import key_of
from linter.fixes import insert_annotation, take_entry
from linter.located import YMap
from linter.rule import Example, Fix, Severity, rule
from linter.source import describe

from ._common import mapping, metadata_maps, widens_exposure


@rule(
    id="LNK102",
    name="annotation-on-workload-metadata",
    severity=Severity.ERROR,
    fixable=True,
    kinds=("PodTemplate",),
    summary="A Linkerd annotation sits on the workload's own metadata, where the proxy injector never sees it.",
    why=(
        "Linkerd's proxy injector is an admission webhook for Pods: it reads `linkerd.io/inject` and the "
        "`config.linkerd.io/*` annotations from the pod, whose metadata comes from the pod template. Annotations "
        "on a Deployment's (StatefulSet's, Job's…) own `metadata`, or on a CronJob's `jobTemplate.metadata`, never "
        "reach the pod: the workload is silently left unmeshed or keeps the default proxy settings."
    ),
    how_to_fix="Move the annotation to `spec.template.metadata.annotations` (for a CronJob, `spec.jobTemplate.spec.template.metadata.annotations`).",
    references=(
        "linkerd/linkerd2 charts/linkerd-control-plane/templates/proxy-injector-rbac.yaml (the webhook matches CREATE of pods)",
        "linkerd/linkerd2 pkg/inject/inject.go (GetAnnotationOverrides reads the pod's annotations)",
        "https://linkerd.io/2-edge/reference/proxy-configuration/",
    ),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    linkerd.io/inject: enabled  # <- LNK102\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n"
    ),
    good=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "        config.linkerd.io/proxy-memory-limit: 256Mi\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n"
    ),
)
def check(ctx):
    res = ctx.resource
    pod = res.pod_template
    if pod is None or res.kind == "Pod":
        return
    pod_ann = pod.annotations
    tmpl = _template_object(res, pod)
    for meta, role in metadata_maps(res):
        if role not in ("workload", "jobtemplate"):
            continue
        ann = mapping(meta, "annotations")
        if ann is None:
            continue
        for key, value in ann.items():
            if not isinstance(key, str) or not (key == INJECT or is_config_key(key)) or key == ADMISSION_WEBHOOKS:
                continue  # admission-webhooks works only as a Namespace label (LNK110): no pod should carry it
            if key in pod_ann and pod_ann[key] == value:
                continue  # on both, with the same value: the pod gets it
            where = key_of(ann, key)
            place = "the CronJob's jobTemplate metadata" if role == "jobtemplate" else f"the {res.kind}'s own metadata"
            if key in pod_ann:
                ctx.report(
                    where,
                    f"{key} on {place} differs from the pod template's value {describe(pod_ann[key])}; only the pod template's is used",
                )
                continue
            msg = f"{key} on {place} is never seen by the proxy injector; put it on the pod template's annotations"
            ctx.report(where, msg, fix=_move(ctx, meta, ann, key, tmpl))


def _template_object(res, pod):
    cur = res.data
    for part in pod.path:
        cur = cur.get(part) if isinstance(cur, dict) else None
    return cur if isinstance(cur, YMap) else None


def _move(ctx, meta, ann, key, tmpl):
    if tmpl is None:
        return None
    src = ctx.source
    # the last annotation takes its `annotations:` line with it; comments travel with the key
    cut = take_entry(src, ann, key, meta, "annotations") if len(ann) == 1 else take_entry(src, ann, key)
    if cut is None:
        return None
    delete, value_text, comments = cut
    insert = insert_annotation(src, tmpl, key, value_text, comments)
    if insert is None:
        return None
    return Fix(f"move {key} to the pod template", (delete, insert), safe=not widens_exposure(key, ann.get(key)))
