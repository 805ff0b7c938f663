from linter.context import value_of
from linter.rule import Example, Severity, rule

from ._inject import existing_sidecars
from ._proxy import inject_related
from .hand_written_linkerd_container import injected_by_webhook


@rule(
    id="LNK107",
    name="sidecar-already-present",
    severity=Severity.WARNING,
    kinds=("PodTemplate",),
    summary="A pod template that asks for injection already has a proxy or proxy-init container; the injector skips it.",
    why=(
        "Before injecting, Linkerd's proxy injector looks for an existing sidecar: a container or init container "
        "named `linkerd-proxy` or `istio-proxy`, an init container named `linkerd-init` or `istio-init`, or the "
        "Linkerd or Istio proxy images. If it finds one it skips the pod (`sidecar_already_exists`), so the "
        "annotation asking for injection does nothing and the pod keeps whatever was written by hand (often the "
        "frozen output of `linkerd inject --manual`, or Istio's sidecar). A pod the injector itself wrote "
        "(`linkerd.io/created-by: linkerd/proxy-injector …`, read back from the cluster) is left alone."
    ),
    how_to_fix=(
        "Remove the hand-written proxy containers and let the injector add current ones, or remove the "
        "`linkerd.io/inject` request if another mesh owns this pod."
    ),
    references=(
        "linkerd/linkerd2 pkg/healthcheck/sidecar.go@version-2.18 L12-32 (HasExistingSidecars)",
        "linkerd/linkerd2 pkg/inject/report.go@version-2.18 L91, L129-131 (Report.Sidecar; Injectable: sidecarExists)",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    linkerd.io/inject: enabled\n"
        "spec:\n"
        "  containers:\n"
        "    - name: web\n"
        "      image: nginx:1.27\n"
        "    - name: linkerd-proxy  # <- LNK107 @linkerd-proxy\n"
        "      image: cr.l5d.io/linkerd/proxy:stable-2.14.10\n"
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    linkerd.io/inject: enabled\n"
        "spec:\n"
        "  containers:\n"
        "    - name: web\n"
        "      image: nginx:1.27\n"
    ),
)
def check(ctx):
    mesh = ctx.mesh
    if mesh is None or mesh.requested is not True or injected_by_webhook(ctx.pod):
        return  # a pod read back from the cluster carries the sidecar the injector itself added
    found = existing_sidecars(ctx.pod)
    if not found:
        return
    container, key, what = found[0]
    others = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    ctx.report(
        value_of(container, key),
        f"{what} counts as an existing proxy sidecar{others}; the proxy injector skips pods that have one, "
        "so the request to inject this pod does nothing",
        related=inject_related(ctx),
    )
