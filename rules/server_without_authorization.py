from linter.context import Where, value_of
from linter.located import YMap
from linter.rule import Example, Severity, rule
from linter.values import UNKNOWN, substituted

from . import _pods, _selectors
from ._coverage import POD_TEMPLATE, Coverage, kinds
from ._policy_refs import GATEWAY, POLICY, parent_kind, parent_refs, ref_kind, text

AUTHZ_KINDS = ("AuthorizationPolicy", "ServerAuthorization")


def access_policy(srv, spec):
    """'deny', 'deny-explicit', another policy name, or None (cannot tell)."""
    version = srv.api_version.rpartition("/")[2]
    if "accessPolicy" not in spec:
        return "deny"  # v1beta3 CRD default; older versions have no such field and deny without authorization
    if version != "v1beta3":
        return None  # the field does not exist in this version; LNK601 reports it
    value = substituted(spec.get("accessPolicy"))
    if value is UNKNOWN or not isinstance(value, str):
        return None
    return "deny-explicit" if value == "deny" else value


class _Authorizations:
    """The authorizations of one namespace, as the policy controller attaches them to Servers."""

    def __init__(self, cov, namespace):
        self.sazs = cov.candidates(namespace, "ServerAuthorization", POLICY)
        self.policies = cov.candidates(namespace, "AuthorizationPolicy", POLICY)
        self.routes = cov.candidates(namespace, "HTTPRoute") + cov.candidates(namespace, "GRPCRoute", GATEWAY)
        self.namespace = namespace

    def authorize(self, srv) -> bool:
        """True when something in the input may authorize ``srv`` (unknowns count as yes)."""
        for saz in self.sazs:
            server = saz.data.get("spec", {}).get("server") if isinstance(saz.data.get("spec"), YMap) else None
            if not isinstance(server, YMap):
                return True  # malformed: LNK601's business; do not guess
            if "name" in server:
                name = text(server.get("name"))
                if name is None or name == srv.name:
                    return True
            elif not _pods.well_formed(server.get("selector") or {}) or (
                _selectors.matches(server.get("selector") or {}, srv.labels) is not False
            ):
                return True  # an absent selector selects every Server
        for ap in self.policies:
            spec = ap.data.get("spec")
            target = spec.get("targetRef") if isinstance(spec, YMap) else None
            if not isinstance(target, YMap):
                return True
            kind, name = ref_kind(target), text(target.get("name"))
            if kind is None or name is None:
                return True
            if kind == "server" and name == srv.name:
                return True
            if kind == "namespace":
                return True  # another namespace is LNK606's finding
            if kind in ("httproute", "grpcroute") and self._route_attaches(kind, name, srv):
                return True
        return False

    def _route_attaches(self, kind, name, srv) -> bool:
        routes = [r for r in self.routes if r.kind.lower() == kind and r.name == name]
        if not routes:
            return True  # a route not in the input may well attach to this Server
        for route in routes:
            for _, ref in parent_refs(route):
                parent = parent_kind(route, ref)
                if parent is None or (parent == "server" and text(ref.get("name")) in (None, srv.name)):
                    return True
        return False


@rule(
    id="LNK607",
    name="server-without-authorization",
    severity=Severity.WARNING,
    severities=(Severity.INFO, Severity.WARNING),
    scope="inventory",
    kinds=kinds("Server", *AUTHZ_KINDS, "HTTPRoute", "GRPCRoute", POD_TEMPLATE),
    summary="A Server denies all traffic: its access policy is deny and nothing authorizes it.",
    why=(
        "Once a Server selects a port, the namespace's default inbound policy no longer applies to it: only the "
        "Server's own `accessPolicy` and the AuthorizationPolicies and ServerAuthorizations that target it decide. "
        "`accessPolicy` defaults to `deny` (policy.linkerd.io/v1beta3; older Server versions have no such field "
        "and deny too). A Server with no authorization therefore refuses every client of that port the moment it "
        "is created; only the kubelet's HTTP probes still get through (Linkerd authorizes probe paths from the "
        "probe networks on a Server without routes).\n\n"
        "An explicit `accessPolicy: deny` is reported as info, not as a warning: the outcome is as certain, but "
        "it is what the author wrote, and a Server with an explicit deny is the way to close one port of a "
        "namespace whose default policy admits traffic; a warning would fail CI for a deliberate setting.\n\n"
        "linkerd-lint judges a Server only when its namespace's authorizations would be in the input: when an "
        "AuthorizationPolicy or ServerAuthorization of the namespace is, or when a workload (pod template or "
        "Service) of the namespace was read from the Server's directory tree (the same directory, or one inside "
        "the other), policies being written beside the workloads they protect. A policy directory linted without "
        "its apps is not judged; configuration `assume-complete: true` judges every Server."
    ),
    how_to_fix=(
        "Add an AuthorizationPolicy with `targetRef: {group: policy.linkerd.io, kind: Server, name: <server>}` "
        "(or one targeting the Namespace, or a route of the Server) and the clients it should admit; or set "
        "`accessPolicy` to `all-unauthenticated`, `cluster-authenticated`… (or `audit` while you roll policies out)."
    ),
    references=(
        "linkerd/linkerd2 policy-controller/k8s/index/src/inbound/index.rs (client_authzs: server authorizations, "
        "policies and access_policy)",
        "linkerd/linkerd2 policy-controller/k8s/index/src/inbound/server.rs (access_policy)",
        "linkerd/linkerd2 policy-controller/k8s/index/src/inbound/index.rs (http_routes: default probe routes, "
        "authorized from policyController.probeNetworks)",
        "linkerd/linkerd2 charts/linkerd-crds/templates/policy/server.yaml (v1beta3 accessPolicy default: deny)",
        "https://linkerd.io/2-edge/reference/authorization-policy/#server",
    ),
    bad=Example(
        "apiVersion: policy.linkerd.io/v1beta3\n"
        "kind: Server  # <- LNK607\n"
        "metadata:\n"
        "  name: web-admin\n"
        "  namespace: shop\n"
        "spec:\n"
        "  podSelector:\n"
        "    matchLabels: {app: web}\n"
        "  port: linkerd-admin\n",
        files=(
            (
                "policy/authz.yaml",
                "apiVersion: policy.linkerd.io/v1beta3\n"
                "kind: Server\n"
                "metadata:\n"
                "  name: web-http\n"
                "  namespace: shop\n"
                "spec:\n"
                "  podSelector:\n"
                "    matchLabels: {app: web}\n"
                "  port: http\n"
                "---\n"
                "apiVersion: policy.linkerd.io/v1alpha1\n"
                "kind: AuthorizationPolicy\n"
                "metadata:\n"
                "  name: web-http\n"
                "  namespace: shop\n"
                "spec:\n"
                "  targetRef:\n"
                "    group: policy.linkerd.io\n"
                "    kind: Server\n"
                "    name: web-http\n"
                "  requiredAuthenticationRefs: []\n",
            ),
        ),
    ),
    good=Example(
        "apiVersion: policy.linkerd.io/v1beta3\n"
        "kind: Server\n"
        "metadata:\n"
        "  name: web-admin\n"
        "  namespace: shop\n"
        "spec:\n"
        "  podSelector:\n"
        "    matchLabels: {app: web}\n"
        "  port: linkerd-admin\n"
        "  accessPolicy: cluster-unauthenticated\n"
        "---\n"
        "apiVersion: policy.linkerd.io/v1beta3\n"
        "kind: Server\n"
        "metadata:\n"
        "  name: web-grpc\n"
        "  namespace: shop\n"
        "spec:\n"
        "  podSelector:\n"
        "    matchLabels: {app: web}\n"
        "  port: grpc\n",
        files=(
            (
                "policy/authz.yaml",
                "apiVersion: policy.linkerd.io/v1beta3\n"
                "kind: Server\n"
                "metadata:\n"
                "  name: web-http\n"
                "  namespace: shop\n"
                "spec:\n"
                "  podSelector:\n"
                "    matchLabels: {app: web}\n"
                "  port: http\n"
                "---\n"
                "apiVersion: policy.linkerd.io/v1alpha1\n"
                "kind: AuthorizationPolicy\n"
                "metadata:\n"
                "  name: web-http\n"
                "  namespace: shop\n"
                "spec:\n"
                "  targetRef:\n"
                "    group: policy.linkerd.io\n"
                "    kind: Server\n"
                "    name: web-http\n"
                "  requiredAuthenticationRefs: []\n"
                "---\n"
                "apiVersion: policy.linkerd.io/v1alpha1\n"
                "kind: AuthorizationPolicy\n"
                "metadata:\n"
                "  name: grpc-route-authz\n"
                "  namespace: shop\n"
                "spec:\n"
                "  targetRef:\n"
                "    group: policy.linkerd.io\n"
                "    kind: HTTPRoute\n"
                "    name: grpc-calls\n"
                "  requiredAuthenticationRefs: []\n"
                "---\n"
                "apiVersion: policy.linkerd.io/v1beta3\n"
                "kind: HTTPRoute\n"
                "metadata:\n"
                "  name: grpc-calls\n"
                "  namespace: shop\n"
                "spec:\n"
                "  parentRefs:\n"
                "    - {group: policy.linkerd.io, kind: Server, name: web-grpc}\n",
            ),
        ),
    ),
)
def check(ctx):
    cov = Coverage.of(ctx.inventory)
    cache: dict = {}
    for srv in ctx.inventory.resources:
        if srv.kind != "Server" or srv.group != POLICY or not ctx.inventory.reports(srv):
            continue
        spec = srv.data.get("spec")
        if not isinstance(spec, YMap):
            continue
        policy = access_policy(srv, spec)
        ns = cov.ns_of(srv)
        if policy not in ("deny", "deny-explicit") or not cov.covers(ns, AUTHZ_KINDS, near=srv):
            continue
        if ns not in cache:
            cache[ns] = _Authorizations(cov, ns)
        if cache[ns].authorize(srv) or not _serves_meshed_pods(ctx, cov, srv, spec):
            continue
        port = substituted(spec.get("port"))
        port = f" (port {port})" if port is not UNKNOWN and port is not None else ""
        explicit = policy == "deny-explicit"
        ctx.report_on(
            srv,
            value_of(spec, "accessPolicy") if explicit else Where(srv.anchor, ("kind",)),
            f"Server {srv.name}{port} {'sets accessPolicy: deny' if explicit else 'has the default accessPolicy deny'} "
            "and no AuthorizationPolicy or ServerAuthorization in the input authorizes it: every client of that "
            "port is refused (only kubelet HTTP probes get through)",
            severity=Severity.INFO if explicit else None,
        )


def _serves_meshed_pods(ctx, cov, srv, spec) -> bool:
    """False when the input shows the Server's pods and none is meshed, or it selects none (LNK603's case)."""
    selector = spec.get("podSelector")
    ns = cov.ns_of(srv)
    if not isinstance(selector, YMap) or not cov.covers(ns, POD_TEMPLATE):
        return True
    matched = []
    for res in cov.candidates(ns, POD_TEMPLATE):
        hit = _pods.selects(selector, res, ctx.inventory)
        if hit is None:
            return True
        if hit:
            matched.append(res)
    if not matched:
        return False
    return any(ctx.inventory.mesh(r.pod_template).injected is not False for r in matched)
