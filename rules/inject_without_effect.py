from linter.annotations import INJECT
from linter.context import key_of
from linter.fixes import delete_entry
from linter.rule import Example, Fix, Severity, rule

from ._common import mapping

# API groups whose kinds are known: built-in Kubernetes, Gateway API and Linkerd's own.
# Custom resources of other groups may embed pod templates whose metadata matters: not judged.
_KNOWN_GROUPS = frozenset(
    {
        "", "apps", "batch", "autoscaling", "policy", "networking.k8s.io", "rbac.authorization.k8s.io",
        "storage.k8s.io", "discovery.k8s.io", "apiextensions.k8s.io", "admissionregistration.k8s.io",
        "scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io", "certificates.k8s.io",
        "apiregistration.k8s.io", "gateway.networking.k8s.io", "policy.linkerd.io", "linkerd.io",
        "split.smi-spec.io", "multicluster.linkerd.io", "workload.linkerd.io",
    }
)
# Where the annotation does work: Namespaces, Pods and what has a pod template (LNK102 judges
# a workload's own metadata); PodTemplate objects are left alone.
_NOT_HERE = frozenset({"Namespace", "Pod", "PodTemplate"})


@rule(
    id="LNK111",
    name="inject-without-effect",
    severity=Severity.INFO,
    fixable=True,
    summary="`linkerd.io/inject` on a kind where it does nothing (Service, ConfigMap, ...).",
    why=(
        "Linkerd's proxy injector reads `linkerd.io/inject` from pods (their templates) and from Namespaces, "
        "nowhere else. On a Service, ConfigMap, Ingress or any other object it has no effect; it usually means "
        "the annotation was meant for the workload or the Namespace and is missing there."
    ),
    how_to_fix="Remove it, and put it where it works: the pod template's annotations or the Namespace's.",
    references=(
        "linkerd/linkerd2 pkg/inject/report.go (disabledByAnnotation reads the pod and the Namespace)",
        "linkerd/linkerd2 controller/proxy-injector/webhook.go (Services get only opaque-ports)",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    linkerd.io/inject: enabled  # <- LNK111\n"
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
        "spec:\n"
        "  selector: {app: web}\n"
        "  ports:\n"
        "    - port: 80\n"
    ),
)
def check(ctx):
    res = ctx.resource
    if res.kind in _NOT_HERE or res.pod_template is not None or res.group not in _KNOWN_GROUPS:
        return
    meta = res.metadata
    ann = mapping(meta, "annotations") if meta is not None else None
    if ann is None or INJECT not in ann:
        return
    if "linkerd.io/created-by" in ann or "linkerd.io/extension" in res.labels:
        return  # rendered by Linkerd's own charts (viz annotates its Services): not the user's to edit
    delete = delete_entry(ctx.source, ann, INJECT)
    fix = Fix(f"remove {INJECT} from the {res.kind}", (delete,)) if delete is not None else None
    ctx.report(
        key_of(ann, INJECT),
        f"{INJECT} on a {res.kind} does nothing; the proxy injector reads it only from pod templates and Namespaces",
        fix=fix,
    )
