from linter.rule import Example, Severity, rule
from linter.values import parse_quantity

from ._common import describe_source
from ._proxy import anchor_for, annotation, inject_related, pod_anchor


@rule(
    id="LNK201",
    name="proxy-memory-limit-missing",
    severity=Severity.WARNING,
    kinds=("PodTemplate",),
    summary="A meshed pod's proxy has no memory limit.",
    why=(
        "Without `config.linkerd.io/proxy-memory-limit` (on the pod, its Namespace, or `proxy.resources.memory.limit` "
        "in the control plane's Helm values) the linkerd-proxy container runs unbounded: under load or a leak it "
        "can take the node's memory and get other pods evicted, and the pod's QoS class drops to Burstable or "
        "BestEffort. With a limit, a runaway proxy is OOMKilled and restarted on its own. A value that is not a "
        "Kubernetes quantity (`256MB`, `1 Gi`) counts as missing: the injector logs a warning and ignores it."
    ),
    how_to_fix=(
        "Add `config.linkerd.io/proxy-memory-limit: 256Mi` (size it to your traffic) to the pod template's "
        "annotations or the Namespace's, or set `proxy.resources.memory.limit` in Helm and tell linkerd-lint with "
        "`proxy-defaults: {proxy-memory-limit: 256Mi}` in .linkerd-lint.yaml."
    ),
    references=(
        "linkerd/linkerd2 pkg/k8s/labels.go (ProxyMemoryLimitAnnotation)",
        "linkerd/linkerd2 pkg/inject/inject.go (applyAnnotationOverrides: an unparseable quantity is logged and skipped)",
        "https://linkerd.io/2-edge/reference/proxy-configuration/",
        "linkerd/linkerd2 charts/linkerd-control-plane/values.yaml (proxy.resources.memory.limit, empty by default)",
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
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled  # <- LNK201 @enabled\n"
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
        "  namespace: shop\n"
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
    mesh = ctx.mesh
    if mesh is None or not mesh.meshed:
        return
    key = annotation("memory", "limit")
    value = mesh.get(key)
    if value is not None and value.text is None:
        return  # a GitOps variable without default: filled in at deploy time
    if value is not None and str(value.text).strip():
        if parse_quantity(value.text) is not None:
            return
        # The injector logs and skips a value that is no quantity (LNK202 reports it): the control
        # plane's default applies instead, if there is one (pkg/inject/inject.go, applyAnnotationOverrides).
        fallback = ctx.inventory.proxy_defaults.get(key) if value.source in ("pod", "namespace") else None
        if fallback is not None and fallback.text is not None and parse_quantity(fallback.text) is not None:
            return
        ctx.report(
            anchor_for(ctx, value),
            f"meshed {ctx.resource.kind} {ctx.resource.name} has no usable proxy memory limit: {key} "
            f"{_text(value.text)}{describe_source(value)} is not a Kubernetes quantity, so the proxy injector ignores it "
            "and the linkerd-proxy container can grow without bound",
            related=inject_related(ctx, value),
        )
        return
    ctx.report(
        pod_anchor(ctx),
        f"meshed {ctx.resource.kind} {ctx.resource.name} has no proxy memory limit "
        "(config.linkerd.io/proxy-memory-limit); the linkerd-proxy container can grow without bound",
        related=inject_related(ctx),
    )


def _text(v) -> str:
    return repr(v) if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v)
