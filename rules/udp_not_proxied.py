from linter.rule import Example, Severity, rule

from ._ports import container_ports


@rule(
    id="LNK307",
    name="udp-not-proxied",
    severity=Severity.INFO,
    kinds=("PodTemplate",),
    summary="A meshed pod declares UDP ports; the Linkerd proxy carries only TCP.",
    why=(
        "Linkerd's iptables rules redirect TCP only, so UDP traffic (DNS, syslog, QUIC, game or media protocols) "
        "bypasses the proxy: no mTLS, no metrics, no policy for it. The pod is still injected; `linkerd inject` "
        "prints the same warning (`udp_ports_enabled`). Worth knowing when you count on Linkerd for encryption."
    ),
    how_to_fix="Nothing to change if plain UDP is acceptable; otherwise protect that traffic by other means (application TLS/DTLS, NetworkPolicy).",
    references=(
        "linkerd/linkerd2 pkg/inject/report.go (checkUDPPorts, udp_ports_enabled)",
        "https://linkerd.io/2-edge/features/protocol-detection/ (Linkerd proxies TCP traffic)",
    ),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: dns-cache\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: dns-cache}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: dns-cache}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: dns\n"
        "          image: coredns/coredns:1.11.1\n"
        "          ports:\n"
        "            - containerPort: 53\n"
        "              protocol: UDP  # <- LNK307 @UDP\n"
        "            - containerPort: 53\n"
        "              protocol: TCP\n"
    ),
    good=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: dns-cache\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: dns-cache}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: dns-cache}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: dns\n"
        "          image: coredns/coredns:1.11.1\n"
        "          ports:\n"
        "            - containerPort: 53\n"
        "              protocol: TCP\n"
    ),
)
def check(ctx):
    mesh = ctx.mesh
    if mesh is None or not mesh.meshed:
        return
    for p in container_ports(ctx.pod):
        if p.protocol == "UDP":
            ctx.report(
                p.where("protocol"),
                f"container {p.container.get('name')} declares UDP port{'' if p.number is None else f' {p.number}'}; "
                "the linkerd-proxy carries TCP only, "
                "so this traffic bypasses the mesh (no mTLS, metrics or policy)",
            )
