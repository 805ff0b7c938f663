from linter.rule import Example, Related, Severity, rule

from ._ports import (
    OPAQUE,
    container_ports,
    default_opaque,
    is_headless,
    is_tcp,
    meshed_backends,
    pod_opaque,
    pod_skip_inbound,
    service_opaque,
    service_ports,
    services_and_pods,
    target_container_port,
)

# Well-known ports of protocols where the server talks first (the client waits for a greeting),
# outside Linkerd's default opaque list. SSH is not here: its clients send their version first.
SERVER_SPEAKS_FIRST = {
    21: "FTP",
    110: "POP3",
    119: "NNTP",
    143: "IMAP",
    2525: "SMTP",
    4222: "NATS",
    5900: "VNC",
    6222: "NATS cluster",
    7419: "Faktory",
}


_NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: queue\n  annotations:\n    linkerd.io/inject: enabled\n"
_SERVICE = (
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata:\n"
    "  name: nats\n"
    "  namespace: queue\n"
    "spec:\n"
    "  selector: {app: nats}\n"
    "  ports:\n"
    "    - port: 4222\n"
)


@rule(
    id="LNK306",
    name="server-speaks-first-port",
    severity=Severity.WARNING,
    scope="inventory",
    kinds=("Service", "PodTemplate"),
    summary="A meshed pod, or a Service in front of meshed pods, exposes a server-speaks-first port that is neither opaque nor skipped.",
    why=(
        "Linkerd's proxy detects the protocol of a connection by reading the client's first bytes. With FTP, "
        "POP3, IMAP, NATS and other server-speaks-first protocols the client sends nothing until the server's "
        "greeting, which the proxy holds back until it knows the protocol: every connection stalls for the "
        "detection timeout (10 seconds) or fails. SMTP, MySQL and the other protocols in Linkerd's default opaque "
        "list are covered out of the box; these ports are not."
    ),
    how_to_fix=(
        "Mark the port opaque with `config.linkerd.io/opaque-ports` on the pod template (or Namespace) and on the "
        "Service (or `appProtocol: linkerd.io/opaque` from 2.18), keeping the default ports you use in the list."
    ),
    references=(
        "https://linkerd.io/2-edge/features/protocol-detection/ (server-speaks-first protocols, NATS 4222/6222)",
        "linkerd/linkerd2 issue #5689 (FTP connections fail), #3166 (server-speaks-first detection)",
        "linkerd/linkerd2 charts/linkerd-control-plane/values.yaml (proxy.opaquePorts)",
    ),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: nats\n"
        "  namespace: queue  # <- LNK306 @file:service.yaml:9:13\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: nats}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: nats}\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: nats\n"
        "          image: nats:2.10\n"
        "          ports:\n"
        "            - containerPort: 4222  # <- LNK306 @4222\n"
        "            - containerPort: 8222\n",
        files=(("namespace.yaml", _NAMESPACE), ("service.yaml", _SERVICE)),
    ),
    good=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: nats\n"
        "  namespace: queue\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: nats}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: nats}\n"
        "      annotations:\n"
        "        config.linkerd.io/opaque-ports: \"4222\"\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: nats\n"
        "          image: nats:2.10\n"
        "          ports:\n"
        "            - containerPort: 4222\n"
        "            - containerPort: 8222\n",
        files=(
            ("namespace.yaml", _NAMESPACE),
            ("service.yaml", _SERVICE.replace("  name: nats\n", "  name: nats\n  annotations:\n    config.linkerd.io/opaque-ports: \"4222\"\n")),
        ),
    ),
)
def check(ctx):
    inv, settings = ctx.inventory, ctx.settings
    services, pods = services_and_pods(inv)
    ssf = {p: name for p, name in SERVER_SPEAKS_FIRST.items() if p not in default_opaque(settings)}
    # judge only subjects whose findings are shown (context files, the editor's other files)
    for pod in pods:
        if inv.reports(pod.owner):
            _pod(ctx, pod, ssf)
    for svc in services:
        if inv.reports(svc) and not is_headless(svc):
            _service(ctx, svc, pods, ssf)


def _pod(ctx, pod, ssf):
    mesh = ctx.inventory.mesh(pod)
    if not mesh.meshed:
        return
    opaque, _ = pod_opaque(pod, mesh, ctx.settings)
    skipped = pod_skip_inbound(mesh, ctx.settings)
    if opaque is None or skipped is None:
        return
    for p in container_ports(pod):
        if p.number in ssf and is_tcp(p.protocol) and p.number not in opaque and p.number not in skipped:
            ctx.report_on(
                pod.owner,
                p.where(),
                f"container {p.container.get('name')} exposes port {p.number} ({ssf[p.number]}, a server-speaks-first "
                f"protocol) that is neither opaque nor skipped; connections stall on protocol detection: add "
                f"{p.number} to {OPAQUE}",
            )


def _service(ctx, svc, pods, ssf):
    backends = meshed_backends(svc, pods, ctx.inventory, ctx.settings)
    if not backends:
        return
    ports = [sp for sp in service_ports(svc) if sp.port is not None and is_tcp(sp.protocol)]
    opaque = service_opaque(svc, ports, ctx.settings, ctx.inventory)
    for sp in ports:
        if opaque.get(sp.port) is not False:
            continue
        targets = [(pod, target_container_port(sp, pod), pod_set) for pod, pod_set, _ in backends]
        protocol = ssf.get(sp.port) or next((ssf[t] for _, t, _ in targets if t in ssf), None)
        if protocol is None:
            continue
        if any(t is not None and t in pod_set for _, t, pod_set in targets):
            continue  # the pods treat it as opaque: the disagreement is LNK304's
        owner = backends[0][0].owner
        ctx.report_on(
            svc,
            sp.where(),
            f"Service {svc.name} port {sp.port} leads to {protocol}, a server-speaks-first protocol, on meshed pods "
            f"({owner.kind} {owner.name}), and is not opaque; meshed clients stall on protocol detection: add "
            f"{sp.port} to the Service's {OPAQUE}",
            related=(Related(owner.file, owner.anchor, f"{owner.kind} {owner.name} selected by the Service"),),
        )
