from linter.rule import Example, Severity, rule

from ._common import describe_source
from ._ports import container_ports, is_tcp, proxy_ports
from ._proxy import inject_related

_ROLES = {
    "inbound": ("inbound", "config.linkerd.io/inbound-port"),
    "outbound": ("outbound", "config.linkerd.io/outbound-port"),
    "admin": ("admin (metrics, probes)", "config.linkerd.io/admin-port"),
    "control": ("control (tap)", "config.linkerd.io/control-port"),
}


@rule(
    id="LNK301",
    name="proxy-port-collision",
    severity=Severity.ERROR,
    kinds=("PodTemplate",),
    summary="In a meshed pod, an application container port equals one of the proxy's own ports.",
    why=(
        "The linkerd-proxy sidecar shares the pod's network namespace and listens on 4143 (inbound), 4140 "
        "(outbound, loopback), 4191 (admin: metrics and the probes the kubelet sends to the proxy) and 4190 "
        "(control), or on the ports the `config.linkerd.io/*-port` annotations choose. Neither the injector nor "
        "the API server checks for a clash: at runtime either the application or the proxy fails to bind "
        "(\"address in use\"), and the pod crash-loops or never becomes ready. Dovecot's ManageSieve on 4190 is a "
        "classic case. (A `hostPort` is not a clash: it is opened on the node and forwarded to the container port.)"
    ),
    how_to_fix=(
        "Move the proxy out of the way with the matching annotation on the pod template (e.g. "
        "`config.linkerd.io/control-port: \"4290\"`), or move the application to another port."
    ),
    references=(
        "linkerd/linkerd2 charts/linkerd-control-plane/values.yaml (proxy.ports: admin 4191, control 4190, inbound 4143, outbound 4140)",
        "linkerd/linkerd2 charts/partials/templates/_proxy.tpl (listen addresses and container ports)",
        "https://linkerd.io/2-edge/reference/proxy-configuration/",
    ),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: mail\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: mail}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: mail}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: dovecot\n"
        "          image: dovecot/dovecot:2.3\n"
        "          ports:\n"
        "            - containerPort: 143\n"
        "            - containerPort: 4190  # <- LNK301 @4190\n"
    ),
    good=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: mail\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: mail}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: mail}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "        config.linkerd.io/opaque-ports: \"143,4190\"\n"
        "        config.linkerd.io/control-port: \"${PROXY_CONTROL_PORT:=4290}\"\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: dovecot\n"
        "          image: dovecot/dovecot:2.3\n"
        "          ports:\n"
        "            - containerPort: 143\n"
        "            - containerPort: 4190\n"
    ),
)
def check(ctx):
    mesh = ctx.mesh
    if mesh is None or not mesh.meshed:
        return
    taken = {}
    for role, (port, value) in proxy_ports(mesh).items():
        taken.setdefault(port, (role, value))
    for p in container_ports(ctx.pod):
        if p.number is None or not is_tcp(p.protocol) or p.number not in taken:
            continue
        role, value = taken[p.number]
        label, key = _ROLES[role]
        set_by = f" (set by {key}{describe_source(value)})" if value is not None else ""
        ctx.report(
            p.where(),
            f"container {p.container.get('name')} declares port {p.number}, which the linkerd-proxy sidecar uses as "
            f"its {label} port{set_by}; one of them fails to bind: move the proxy with {key} or the application "
            "to another port",
            related=inject_related(ctx, value),
        )
