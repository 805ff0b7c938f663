from linter.context import value_of
from linter.rule import Example, Severity, rule

from ._inject import linkerd_containers

CREATED_BY = "linkerd.io/created-by"  # linkerd/cli <v> from `linkerd inject --manual`, linkerd/proxy-injector <v> from the webhook


@rule(
    id="LNK112",
    name="hand-written-linkerd-container",
    severity=Severity.WARNING,
    kinds=("PodTemplate",),
    summary="A pod template carries its own `linkerd-proxy`, `linkerd-init` or `linkerd-debug` container without asking for injection.",
    why=(
        "Linkerd's proxy containers are meant to be written by the proxy injector when the pod is created, from "
        "the control plane's current configuration. A copy kept in the manifest (hand-written, or the frozen "
        "output of `linkerd inject --manual`) pins the proxy version and settings of the day it was made: it "
        "drifts from the control plane on every upgrade, carries a trust anchor and identity settings that go "
        "stale, and the injector then skips the pod as already having a sidecar. A pod the proxy injector wrote "
        "(`linkerd.io/created-by: linkerd/proxy-injector …`, e.g. read back with `kubectl get pod -o yaml`) is "
        "left alone; `linkerd/cli …` marks the output of `linkerd inject --manual` and is reported."
    ),
    how_to_fix=(
        "Delete the Linkerd containers (and the volumes and annotations `linkerd inject --manual` added) and set "
        "`linkerd.io/inject: enabled` on the pod template; for the debug container use "
        "`config.linkerd.io/enable-debug-sidecar: \"true\"`."
    ),
    references=(
        "linkerd/linkerd2 cli/cmd/inject.go@version-2.18 L120, L202 (--manual renders the sidecar into the manifest; created-by: linkerd/cli <version>)",
        "linkerd/linkerd2 controller/proxy-injector/webhook.go@version-2.18 L98 (created-by: linkerd/proxy-injector <version> on injected pods)",
        "linkerd/linkerd2 pkg/healthcheck/sidecar.go@version-2.18 L12-32 (HasExistingSidecars)",
        "https://linkerd.io/2-edge/reference/cli/inject/",
    ),
    bad=Example(
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
        "    spec:\n"
        "      initContainers:\n"
        "        - name: linkerd-init  # <- LNK112 @linkerd-init\n"
        "          image: cr.l5d.io/linkerd/proxy-init:v2.2.1\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n"
        "        - name: linkerd-proxy\n"
        "          image: cr.l5d.io/linkerd/proxy:stable-2.14.10\n"
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
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n"
    ),
)
def check(ctx):
    mesh, pod = ctx.mesh, ctx.pod
    if mesh is None or mesh.requested is True:
        return  # asking for injection with a sidecar present is LNK107's
    if "linkerd.io/control-plane-component" in pod.labels:
        return  # the control plane's charts render their own proxies
    if injected_by_webhook(pod):
        return  # a pod the webhook injected, read back from the cluster: its proxy is the control plane's
    found = linkerd_containers(pod)
    if not any(c.get("name") != "linkerd-debug" and "/debug:" not in str(c.get("image")) for c, _ in found):
        return  # a lone linkerd-debug is Linkerd's debug image used as a tool, not a frozen injection
    names = ", ".join(str(c.get("name")) for c, _ in found)
    container, key = found[0]
    ctx.report(
        value_of(container, key),
        f"{ctx.resource.kind} {ctx.resource.name} carries Linkerd's own containers ({names}) written into the "
        "manifest; they drift from the control plane and the injector will not replace them: ask for injection "
        "with linkerd.io/inject: enabled instead",
    )


def injected_by_webhook(pod) -> bool:
    """Did the proxy injector write this pod's Linkerd containers (a pod read back from the cluster)?"""
    created_by = pod.annotations.get(CREATED_BY)
    return isinstance(created_by, str) and created_by.startswith("linkerd/proxy-injector")
