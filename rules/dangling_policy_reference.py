from linter.context import value_of
from linter.located import YMap, YSeq
from linter.rule import Example, Severity, rule

from ._coverage import POD_TEMPLATE, Coverage, kinds
from ._policy_refs import GATEWAY, POLICY, ROUTE_KINDS, parent_kind, parent_refs, ref_kind, ref_namespace, text

# What a dangling reference does, per referring field (policy-controller/k8s/index/src/inbound/index.rs).
_EFFECT = {
    "target": "the policy authorizes nothing",
    "authn": "Linkerd ignores the whole policy (\"could not find …\"), so it authorizes no one",
    "parent": "the route attaches to nothing and Linkerd ignores it",
    "saz": "the authorization applies to no Server",
}


def _names(resources) -> list:
    return sorted({r.name for r in resources})


def _hint(name: str, candidates: list) -> str:
    import difflib  # only when a reference dangles: ~1.5 ms with heapq

    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.7)
    if close:
        return f" (did you mean {close[0]!r}?)"
    if candidates:
        shown = ", ".join(candidates[:5]) + (", …" if len(candidates) > 5 else "")
        return f" (in the input: {shown})"
    return ""


class _Checker:
    def __init__(self, ctx):
        self.ctx = ctx
        self.cov = Coverage.of(ctx.inventory)

    def lookup(self, referrer, where, kind: str, name, namespace, effect: str, *, group=None, extra=()):
        """Report ``name`` when no ``kind`` of that name is in ``namespace`` and the namespace is covered."""
        if name is None or namespace is None or not self.cov.covers(namespace, kind, exclude=referrer, group=group,
                                                                         near=referrer):
            return
        if any(r.name == name for r in self.cov.candidates(namespace, kind, group)) or name in extra:
            return
        candidates = _names(r for r in self.cov.objects(namespace, kind, group) if r is not referrer)
        label = f"{referrer.kind} {referrer.name}"
        self.ctx.report_on(
            referrer,
            where,
            f"{label}: {kind} {name!r} is not in namespace {namespace} in the input{_hint(name, candidates)}; "
            f"{_EFFECT[effect]}",
        )

    def authorization_policy(self, ap, spec) -> None:
        target = spec.get("targetRef")
        if isinstance(target, YMap):
            kind, name = ref_kind(target), text(target.get("name"))
            where = value_of(target, "name")
            own = self.cov.ns_of(ap)
            if kind == "server":
                self.lookup(ap, where, "Server", name, own, "target", group=POLICY)
            elif kind == "httproute":
                group = text(target.get("group"))
                group = group if group in (POLICY, GATEWAY) else None
                self.lookup(ap, where, "HTTPRoute", name, own, "target", group=group)
            elif kind == "grpcroute":
                self.lookup(ap, where, "GRPCRoute", name, own, "target", group=GATEWAY)
        refs = spec.get("requiredAuthenticationRefs")
        if not isinstance(refs, YSeq):
            return
        for ref in refs:
            if not isinstance(ref, YMap):
                continue
            kind, name = ref_kind(ref), text(ref.get("name"))
            ns = ref_namespace(ref, self.cov.ns_of(ap))
            where = value_of(ref, "name")
            if kind == "meshtlsauthentication":
                self.lookup(ap, where, "MeshTLSAuthentication", name, ns, "authn", group=POLICY)
            elif kind == "networkauthentication":
                self.lookup(ap, where, "NetworkAuthentication", name, ns, "authn", group=POLICY)
            elif kind == "serviceaccount":
                self.lookup(ap, where, "ServiceAccount", name, ns, "target", group="", extra=self.used_accounts(ns))

    def used_accounts(self, namespace) -> set:
        """Service accounts that exist for sure: ``default``, and those pod templates run as."""
        out = {"default"}
        for res in self.cov.candidates(namespace, POD_TEMPLATE):
            spec = res.pod_template.spec
            if isinstance(spec, YMap):
                for key in ("serviceAccountName", "serviceAccount"):
                    name = text(spec.get(key))
                    if name:
                        out.add(name)
        return out

    def route(self, route) -> None:
        own = self.cov.ns_of(route)
        for _, ref in parent_refs(route):
            parent = parent_kind(route, ref)
            name = text(ref.get("name"))
            where = value_of(ref, "name")
            if parent == "server":
                ns = ref_namespace(ref, own)
                if ns == own:  # another namespace is LNK605's finding
                    self.lookup(route, where, "Server", name, ns, "parent", group=POLICY)
            elif parent == "service":
                self.lookup(route, where, "Service", name, ref_namespace(ref, own), "parent", group="")
            elif parent == "egressnetwork":
                self.lookup(route, where, "EgressNetwork", name, ref_namespace(ref, own), "parent",
                            group=POLICY)

    def server_authorization(self, saz, spec) -> None:
        server = spec.get("server")
        if isinstance(server, YMap) and "name" in server:
            self.lookup(saz, value_of(server, "name"), "Server", text(server.get("name")), self.cov.ns_of(saz), "saz",
                        group=POLICY)


@rule(
    id="LNK604",
    name="dangling-policy-reference",
    severity=Severity.WARNING,
    scope="inventory",
    kinds=kinds("AuthorizationPolicy", "ServerAuthorization", *ROUTE_KINDS),
    summary="An AuthorizationPolicy, route or ServerAuthorization refers to a Linkerd object that is not there.",
    why=(
        "Linkerd resolves these references by name at run time and says nothing when the target is missing. "
        "An AuthorizationPolicy whose `targetRef` names no Server or route authorizes nothing; one whose "
        "`requiredAuthenticationRefs` name a missing MeshTLSAuthentication or NetworkAuthentication is ignored as a "
        "whole by the policy controller; an HTTPRoute whose parent Server or Service is missing attaches to nothing; "
        "a ServerAuthorization whose `server.name` names no Server applies nowhere. The traffic you meant to allow "
        "stays denied, or the route you meant to apply never does.\n\n"
        "linkerd-lint reports a reference only when the input holds other objects of the same kind in the target "
        "namespace (a typo, or an object that was renamed), or a workload (pod template or Service) of the target "
        "namespace read from the referring object's directory tree (the same directory, or one inside the other): "
        "objects are written beside the workloads they belong to. Configuration `assume-complete: true` reports "
        "every reference that the input cannot resolve."
    ),
    how_to_fix="Correct the name (and `namespace`) of the reference, or add the missing object.",
    references=(
        "linkerd/linkerd2 policy-controller/k8s/index/src/inbound/index.rs (client_authzs, policy_client_authz: "
        "\"could not find MeshTLSAuthentication\")",
        "linkerd/linkerd2 policy-controller/k8s/index/src/inbound/authorization_policy.rs (target, authentication_ref)",
        "linkerd/linkerd2 policy-controller/k8s/index/src/inbound/server_authorization.rs (ServerSelector::selects)",
        "linkerd/linkerd2 policy-controller/k8s/index/src/inbound/routes.rs (ParentRef::from_http_parent_ref)",
        "https://linkerd.io/2-edge/reference/authorization-policy/",
    ),
    bad=Example(
        "apiVersion: policy.linkerd.io/v1alpha1\n"
        "kind: AuthorizationPolicy\n"
        "metadata:\n"
        "  name: web-authz\n"
        "  namespace: shop\n"
        "spec:\n"
        "  targetRef:\n"
        "    group: policy.linkerd.io\n"
        "    kind: Server\n"
        "    name: web-htp  # <- LNK604 @web-htp\n"
        "  requiredAuthenticationRefs:\n"
        "    - group: policy.linkerd.io\n"
        "      kind: MeshTLSAuthentication\n"
        "      name: web-client  # <- LNK604 @web-client\n",
        files=(
            (
                "policy/servers.yaml",
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
                "kind: MeshTLSAuthentication\n"
                "metadata:\n"
                "  name: web-clients\n"
                "  namespace: shop\n"
                "spec:\n"
                "  identities: [\"*.shop.serviceaccount.identity.linkerd.cluster.local\"]\n",
            ),
        ),
    ),
    good=Example(
        "apiVersion: policy.linkerd.io/v1alpha1\n"
        "kind: AuthorizationPolicy\n"
        "metadata:\n"
        "  name: web-authz\n"
        "  namespace: shop\n"
        "spec:\n"
        "  targetRef:\n"
        "    group: policy.linkerd.io\n"
        "    kind: Server\n"
        "    name: web-http\n"
        "  requiredAuthenticationRefs:\n"
        "    - group: policy.linkerd.io\n"
        "      kind: MeshTLSAuthentication\n"
        "      name: web-clients\n"
        "---\n"
        "apiVersion: policy.linkerd.io/v1alpha1\n"
        "kind: AuthorizationPolicy\n"
        "metadata:\n"
        "  name: api-authz\n"
        "  namespace: api\n"
        "spec:\n"
        "  targetRef:\n"
        "    group: policy.linkerd.io\n"
        "    kind: Server\n"
        "    name: api-http\n"
        "  requiredAuthenticationRefs:\n"
        "    - kind: ServiceAccount\n"
        "      name: web\n"
        "      namespace: shop\n",
        files=(
            (
                "policy/servers.yaml",
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
                "kind: MeshTLSAuthentication\n"
                "metadata:\n"
                "  name: web-clients\n"
                "  namespace: shop\n"
                "spec:\n"
                "  identities: [\"*.shop.serviceaccount.identity.linkerd.cluster.local\"]\n",
            ),
        ),
    ),
)
def check(ctx):
    checker = _Checker(ctx)
    for res in ctx.inventory.resources:
        spec = res.data.get("spec")
        if not ctx.inventory.reports(res):
            continue
        if not isinstance(spec, YMap):
            continue
        if res.kind == "AuthorizationPolicy" and res.group == POLICY:
            checker.authorization_policy(res, spec)
        elif res.kind == "ServerAuthorization" and res.group == POLICY:
            checker.server_authorization(res, spec)
        elif res.kind in ROUTE_KINDS and res.group in (POLICY, GATEWAY):
            checker.route(res)
