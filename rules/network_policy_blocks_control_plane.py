from linter.rule import Example, Severity, rule

from ._coverage import Coverage
from ._netpol import KINDS, governing, index, related_pods, report_anchor, rule_allows_peer, rule_allows_port, union_allows, workloads
from ._selectors import all_of

_NETPOL_HEADER = (
    "apiVersion: networking.k8s.io/v1\n"
    "kind: NetworkPolicy\n"
    "metadata:\n"
    "  name: default-deny-egress\n"
    "  namespace: shop\n"
    "spec:\n"
    "  podSelector: {}\n"
    "  policyTypes:\n"
)
_WORKLOAD = (
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
    "    spec:\n"
    "      containers:\n"
    "        - name: web\n"
    "          image: nginx:1.27\n"
)


def targets(version: tuple, cp_ns: str):
    """(port, port names, role, control-plane pod labels) the proxy connects to, per release.

    Ports and names from charts/linkerd-control-plane/templates/{identity,destination}.yaml: the
    container ports were all named `grpc` until 2.18 and `ident-grpc`/`dest-grpc`/`policy-grpc`
    from 2.19; the policy controller (8090) exists from 2.11.
    """
    new = version >= (2, 19)

    def labels(component, deployment):
        return {
            "linkerd.io/control-plane-component": component,
            "linkerd.io/control-plane-ns": cp_ns,
            "linkerd.io/workload-ns": cp_ns,
            "linkerd.io/proxy-deployment": deployment,
        }

    out = [
        (8080, ("ident-grpc",) if new else ("grpc",), "identity", labels("identity", "linkerd-identity")),
        (8086, ("dest-grpc",) if new else ("grpc",), "destination", labels("destination", "linkerd-destination")),
    ]
    if version >= (2, 11):
        out.append((8090, ("policy-grpc",) if new else ("grpc",), "policy", labels("destination", "linkerd-destination")))
    return out


@rule(
    id="LNK801",
    name="network-policy-blocks-control-plane",
    severity=Severity.WARNING,
    scope="inventory",
    kinds=KINDS,
    summary="A NetworkPolicy restricts the egress of meshed pods and allows none to the Linkerd control plane.",
    why=(
        "Every meshed proxy connects to the control plane when it starts: to the identity controller "
        "(`linkerd-identity-headless`, port 8080) for its mTLS certificate, and to the destination and policy "
        "controllers (`linkerd-dst-headless` 8086, `linkerd-policy` 8090) for service discovery and policy. "
        "NetworkPolicies match the pod port after Service translation, so these are the ports to allow. A policy "
        "that restricts egress (an `Egress` policy type, or egress rules) and lets none of this through leaves "
        "the proxy without a certificate: it never becomes ready and the pod never serves traffic. Policies are "
        "additive, so linkerd-lint looks at every policy in the namespace that selects the same pods; peers it "
        "cannot judge from the manifests (ipBlocks other than 0.0.0.0/0, selectors on labels it cannot see) "
        "count as allowing."
    ),
    how_to_fix=(
        "Add an egress rule for the meshed pods: `to: [{namespaceSelector: {matchLabels: "
        "{kubernetes.io/metadata.name: linkerd}}}]` with `ports: [{port: 8080}, {port: 8086}, {port: 8090}]` "
        "(use your control-plane namespace; set it with `control-plane-namespace` in .linkerd-lint.yaml)."
    ),
    references=(
        "linkerd/linkerd2 charts/partials/templates/_proxy.tpl (LINKERD2_PROXY_IDENTITY/DESTINATION/POLICY_SVC_ADDR: :8080, :8086, :8090)",
        "linkerd/linkerd2 charts/linkerd-control-plane/templates/identity.yaml, destination.yaml (container ports and names)",
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
        "https://linkerd.io/2-edge/reference/architecture/",
    ),
    bad=Example(
        _NETPOL_HEADER + "    - Egress  # <- LNK801 @Egress\n" + "  egress:\n    - ports:\n        - {port: 53, protocol: UDP}\n",
        files=(("web.yaml", _WORKLOAD),),
    ),
    good=Example(
        _NETPOL_HEADER
        + "    - Egress\n"
        + "  egress:\n"
        + "    - ports:\n        - {port: 53, protocol: UDP}\n"
        + "    - to:\n"
        + "        - namespaceSelector:\n"
        + "            matchLabels: {kubernetes.io/metadata.name: linkerd}\n"
        + "      ports:\n"
        + "        - {port: 8080}\n        - {port: 8086}\n        - {port: 8090}\n",
        files=(("web.yaml", _WORKLOAD),),
    ),
)
def check(ctx):
    inv = ctx.inventory
    by_ns, pods = index(inv)
    if not pods:
        return
    cp_ns = ctx.settings.control_plane_namespace
    cp = targets(ctx.settings.linkerd_version, cp_ns)
    for ns, policies in by_ns.items():
        verdicts: dict = {}  # id(pod template's resource) -> {(port, role)} it cannot reach
        if policies and Coverage.of(inv).partly_unread(policies[0].res):
            continue  # a policy that allows what this one does not may be in the file we could not read
        for policy in policies:
            if policy.restricts("egress") is not True or not ctx.inventory.reports(policy.res):
                continue  # (a policy read only as context is still counted for the pods it selects)
            blocked, missing = [], set()
            for res, labels, _mesh in pods.get(ns, ()):
                if policy.selects(labels) is not True:
                    continue
                if id(res) not in verdicts:
                    verdicts[id(res)] = _unreachable(policies, labels, cp, ns, cp_ns, inv)
                if verdicts[id(res)]:
                    blocked.append(res)
                    missing |= verdicts[id(res)]
            if not blocked:
                continue
            ports = ", ".join(f"{p} ({role})" for p, role in sorted(missing))
            ctx.report_on(
                policy.res,
                report_anchor(policy, "egress"),
                f"NetworkPolicy {policy.res.name} restricts the egress of meshed pods ({workloads(blocked)}) and "
                f"no policy selecting them allows egress to the Linkerd control plane in namespace {cp_ns} on "
                f"{'port' if len(missing) == 1 else 'ports'} {ports}: the proxy gets no identity or discovery and "
                "never becomes ready",
                related=related_pods(blocked, "meshed pod selected by this policy"),
            )


def _unreachable(policies, labels, cp, ns, cp_ns, inv) -> set:
    """The control-plane (port, role)s that no egress rule governing the pod lets it reach."""
    gov = governing(policies, labels, "egress")
    out = set()
    for port, names, role, cp_labels in cp:

        def test(rule, port=port, names=names, cp_labels=cp_labels):
            peer = rule_allows_peer(rule, "egress", policy_ns=ns, target_ns=cp_ns, target_pod=cp_labels, inventory=inv)
            return all_of([rule_allows_port(rule, port, names), peer])

        if union_allows(gov, "egress", test) is False:
            out.add((port, role))
    return out
