from linter.rule import Example, Severity, rule

from ._inject import istio_requested, label_related
from ._proxy import inject_related, pod_anchor


@rule(
    id="LNK108",
    name="istio-and-linkerd",
    severity=Severity.ERROR,
    kinds=("PodTemplate",),
    summary="A pod that Linkerd injects is also asked to be injected by Istio.",
    why=(
        "Both meshes inject a sidecar and rewrite the pod's iptables rules to send its traffic through their own "
        "proxy. They cannot share a pod: either Istio's webhook adds `istio-proxy` first and Linkerd's injector "
        "then skips the pod as already having a sidecar, or the pod ends up with two proxies fighting over the "
        "same connections. Istio is asked by the pod's `sidecar.istio.io/inject: \"true\"` label or annotation, "
        "or by its Namespace's `istio-injection: enabled` or `istio.io/rev` label."
    ),
    how_to_fix=(
        "Choose one mesh for the pod: remove the Istio request (or set `sidecar.istio.io/inject: \"false\"` on the "
        "pod template), or set `linkerd.io/inject: disabled`."
    ),
    references=(
        "linkerd/linkerd2 pkg/healthcheck/sidecar.go (istio-proxy counts as an existing sidecar)",
        "https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/ (injection policy: labels)",
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
        "      labels:\n"
        "        app: web\n"
        "        sidecar.istio.io/inject: \"true\"  # <- LNK108 @\"true\"\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n",
        files=(
            (
                "namespace.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
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
        "      labels:\n"
        "        app: web\n"
        "        sidecar.istio.io/inject: \"false\"\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n",
        files=(
            (
                "namespace.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n"
                "  annotations:\n    linkerd.io/inject: enabled\n",
            ),
        ),
    ),
)
def check(ctx):
    mesh = ctx.mesh
    if mesh is None or not mesh.meshed:
        return
    istio, where, ns_label = istio_requested(ctx.pod, ctx.namespace)
    if not istio:
        return
    related = inject_related(ctx)
    if where is None:
        where = pod_anchor(ctx)
        related += label_related(ctx.namespace, ns_label, f"Istio injection is enabled by the Namespace label {ns_label} here")
        cause = f"its Namespace's {ns_label} label"
    else:
        cause = "sidecar.istio.io/inject: \"true\""
    ctx.report(
        where,
        f"{ctx.resource.kind} {ctx.resource.name} is injected by Linkerd and also asked to be injected by Istio "
        f"({cause}); one pod cannot run both meshes' sidecars: choose one",
        related=related,
    )
