import re

from linter.located import YMap, get_in
from linter.rule import Example, Related, Severity, collector, rule
from linter.values import resolve_vars

from ._proxy import inject_related, pod_anchor

ENFORCE = "pod-security.kubernetes.io/enforce"
CNI_LABEL = "linkerd.io/cni-resource"
FACT = "linkerd-cni"  # inventory.facts[FACT]: [(what, file)] evidence that the CNI plugin is in use


@collector(name="linkerd-cni", trigger=r"linkerd\.io/cni-resource|linkerd2?-cni|cniEnabled|linkerd-network-validator")
def collect_cni(res, inventory):
    """Evidence in the input that Linkerd runs in CNI mode (linkerd-init is then not injected)."""
    what = _cni_evidence(res)
    if what:
        inventory.facts.setdefault(FACT, []).append((what, res.file))


def _cni_evidence(res) -> str | None:
    if CNI_LABEL in res.labels:
        return f"{res.kind} {res.name} labelled {CNI_LABEL}"
    if res.kind == "DaemonSet" and res.name == "linkerd-cni":
        return "the linkerd-cni DaemonSet"
    spec = res.data.get("spec")
    if res.kind == "HelmRelease" and isinstance(spec, YMap):
        chart = get_in(spec, "chart", "spec", "chart")
        if chart == "linkerd2-cni":
            return f"HelmRelease {res.name} of the linkerd2-cni chart"
        if chart in ("linkerd-control-plane", "linkerd2") and get_in(spec, "values", "cniEnabled") is True:
            return f"HelmRelease {res.name} with cniEnabled: true"
    if res.kind == "Application" and isinstance(spec, YMap):  # Argo CD
        sources = [spec.get("source")] + list(spec.get("sources") or [])
        if any(isinstance(s, YMap) and s.get("chart") == "linkerd2-cni" for s in sources):
            return f"Application {res.name} of the linkerd2-cni chart"
    if res.kind == "ConfigMap" and res.name == "linkerd-config":
        values = get_in(res.data, "data", "values")
        if isinstance(values, str) and re.search(r"(?m)^cniEnabled:\s*true\s*$", values):
            return "linkerd-config with cniEnabled: true"
    pod = res.pod_template
    if pod is not None and any(c.get("name") == "linkerd-network-validator" for c in pod.containers(init=True)):
        return f"{res.kind} {res.name} injected with linkerd-network-validator"
    return None


@rule(
    id="LNK402",
    name="pod-security-blocks-proxy-init",
    severity=Severity.ERROR,
    kinds=("PodTemplate",),
    summary="A meshed pod is in a Namespace that enforces the baseline or restricted Pod Security Standard, and linkerd-init needs NET_ADMIN and NET_RAW.",
    why=(
        "Without the Linkerd CNI plugin the injector adds the `linkerd-init` init container, which sets up iptables "
        "and therefore adds the NET_ADMIN and NET_RAW capabilities. Pod Security Admission's `baseline` level (and "
        "`restricted`, which includes it) forbids both, so in a Namespace labelled "
        "`pod-security.kubernetes.io/enforce: baseline` or `restricted` every injected pod is rejected: the "
        "Deployment's ReplicaSet never gets its pods. Linkerd labels its own namespace `privileged` unless CNI mode "
        "is on. With the CNI plugin, pods get the unprivileged `linkerd-network-validator` instead."
    ),
    how_to_fix=(
        "Install the linkerd-cni plugin and the control plane with `cniEnabled: true` (tell linkerd-lint with "
        "`cni: true` in .linkerd-lint.yaml), or relax the Namespace to `pod-security.kubernetes.io/enforce: "
        "privileged`, or do not mesh the workloads of this Namespace."
    ),
    references=(
        "linkerd/linkerd2 charts/partials/templates/_proxy-init.tpl (capabilities add NET_ADMIN, NET_RAW)",
        "linkerd/linkerd2 charts/patch/templates/patch.json (linkerd-init only when not cniEnabled)",
        "linkerd/linkerd2 charts/linkerd-control-plane/templates/namespace.yaml (enforce: privileged, restricted with CNI)",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        "https://linkerd.io/2-edge/features/cni/",
    ),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "  namespace: shop\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:  # <- LNK402\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n",
        files=(
            (
                "namespace.yaml",
                "apiVersion: v1\n"
                "kind: Namespace\n"
                "metadata:\n"
                "  name: shop\n"
                "  annotations:\n"
                "    linkerd.io/inject: enabled\n"
                "  labels:\n"
                "    pod-security.kubernetes.io/enforce: baseline\n",
            ),
        ),
    ),
    good=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "  namespace: shop\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n",
        config={"cni": True},
        files=(
            (
                "namespace.yaml",
                "apiVersion: v1\n"
                "kind: Namespace\n"
                "metadata:\n"
                "  name: shop\n"
                "  annotations:\n"
                "    linkerd.io/inject: enabled\n"
                "  labels:\n"
                "    pod-security.kubernetes.io/enforce: restricted\n",
            ),
        ),
    ),
)
def check(ctx):
    mesh = ctx.mesh
    ns = ctx.namespace
    if mesh is None or not mesh.meshed or ns is None:
        return
    k8s = ctx.settings.kubernetes_version
    if k8s is not None and k8s < (1, 23):
        return  # Pod Security Admission is beta (on by default) from 1.23
    labels = ns.labels
    level = resolve_vars(labels.get(ENFORCE))
    if level not in ("baseline", "restricted"):
        return
    cni = ctx.settings.cni
    if cni is None:
        cni = bool(ctx.inventory.facts.get(FACT))
    if cni:
        return
    res = ctx.resource
    related = inject_related(ctx)
    if isinstance(labels, YMap) and labels.value_span(ENFORCE) is not None:
        related += (Related(ns.file, labels.value_span(ENFORCE), f"Namespace {ns.name} enforces {level} here"),)
    ctx.report(
        pod_anchor(ctx),
        f"meshed {res.kind} {res.name}: Namespace {ns.name} enforces the {level} Pod Security Standard, which "
        "forbids the NET_ADMIN and NET_RAW capabilities of the injected linkerd-init container; the pods are "
        "rejected (use the Linkerd CNI plugin, or enforce privileged)",
        related=related,
    )

