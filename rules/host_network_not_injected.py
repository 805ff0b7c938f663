from linter.context import value_of
from linter.rule import Example, Severity, rule
from linter.values import substituted

from ._proxy import inject_related


@rule(
    id="LNK106",
    name="host-network-not-injected",
    severity=Severity.WARNING,
    kinds=("PodTemplate",),
    summary="A pod template that asks for Linkerd injection uses `hostNetwork: true`; the injector skips it.",
    why=(
        "Linkerd's proxy intercepts a pod's traffic with iptables rules in the pod's own network namespace. A "
        "host-network pod shares the node's network namespace, so the proxy injector refuses it "
        "(`host_network_enabled`): the pod starts without a proxy, with no mTLS, metrics or policy, although its "
        "annotations (or its Namespace) ask for injection."
    ),
    how_to_fix=(
        "Drop `hostNetwork: true` if the pod does not need it; otherwise say what happens: set "
        "`linkerd.io/inject: disabled` on the pod template so nobody expects it to be meshed."
    ),
    references=(
        "linkerd/linkerd2 pkg/inject/report.go@version-2.18 L90, L124-128 (Report.HostNetwork; Injectable: hostNetworkEnabled)",
        "https://linkerd.io/2-edge/features/proxy-injection/",
    ),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: DaemonSet\n"
        "metadata:\n"
        "  name: node-agent\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: node-agent}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: node-agent}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "    spec:\n"
        "      hostNetwork: true  # <- LNK106 @true\n"
        "      containers:\n"
        "        - name: agent\n"
        "          image: example/agent:1.0\n"
    ),
    good=Example(
        "apiVersion: apps/v1\n"
        "kind: DaemonSet\n"
        "metadata:\n"
        "  name: node-agent\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: node-agent}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: node-agent}\n"
        "      annotations:\n"
        "        linkerd.io/inject: disabled\n"
        "    spec:\n"
        "      hostNetwork: true\n"
        "      containers:\n"
        "        - name: agent\n"
        "          image: example/agent:1.0\n"
    ),
)
def check(ctx):
    mesh, pod = ctx.mesh, ctx.pod
    if mesh is None or mesh.requested is not True or pod.spec is None:
        return
    # as the cluster receives it: Flux turns `${HOST_NETWORK:=true}` into the boolean true
    if substituted(pod.spec.get("hostNetwork")) is not True:
        return
    via = " (through its Namespace)" if mesh.inject is not None and mesh.inject.source == "namespace" else ""
    raw = pod.spec.get("hostNetwork")
    how = f" (the default of {raw})" if isinstance(raw, str) else ""
    ctx.report(
        value_of(pod.spec, "hostNetwork"),
        f"{ctx.resource.kind} {ctx.resource.name} asks for Linkerd injection{via} but uses hostNetwork: true{how}; "
        "the proxy injector skips host-network pods, so it runs without a proxy",
        related=inject_related(ctx),
    )
