from linter.context import Where
from linter.located import YMap, YSeq
from linter.rule import Example, Severity, rule

from ._coverage import Coverage, Unwritten, kinds
from ._policy_refs import POLICY, ref_kind, ref_namespace, text

AUTHN_KINDS = ("MeshTLSAuthentication", "NetworkAuthentication")
ANY = object()


def _references(policies, cov) -> set:
    """(kind lower-case, namespace, name) of every authentication an AuthorizationPolicy names; None: unknown."""
    out = set()
    for ap in policies:
        spec = ap.data.get("spec")
        refs = spec.get("requiredAuthenticationRefs") if isinstance(spec, YMap) else None
        if not isinstance(refs, YSeq):
            continue
        for ref in refs:
            if not isinstance(ref, YMap):
                continue
            kind, name, ns = ref_kind(ref), text(ref.get("name")), ref_namespace(ref, cov.ns_of(ap))
            if kind is None or name is None or ns is None:
                out.add(None)  # a variable: it may name anything
            elif isinstance(ns, Unwritten):
                out.add((kind, ANY, name))  # applied wherever the policy is: any namespace
            else:
                out.add((kind, ns, name))
    return out


@rule(
    id="LNK612",
    name="unused-authentication",
    severity=Severity.INFO,
    scope="inventory",
    kinds=kinds(*AUTHN_KINDS, "AuthorizationPolicy"),
    summary="A MeshTLSAuthentication or NetworkAuthentication is not used by any AuthorizationPolicy.",
    why=(
        "Authentications grant nothing by themselves: only an AuthorizationPolicy that lists one in "
        "`requiredAuthenticationRefs` admits the clients it describes. An unused one is usually the trace of a "
        "renamed object or a forgotten policy: the clients it names are not admitted anywhere.\n\n"
        "Reported only when the input holds AuthorizationPolicies of the authentication's namespace "
        "(configuration `assume-complete: true`: always); policies of any namespace count as users."
    ),
    how_to_fix="Reference it from the AuthorizationPolicy that should admit those clients, or delete it.",
    references=(
        "linkerd/linkerd2 policy-controller/k8s/index/src/inbound/index.rs (policy_client_authz looks "
        "authentications up by namespace and name)",
        "https://linkerd.io/2-edge/reference/authorization-policy/#meshtlsauthentication",
    ),
    bad=Example(
        "apiVersion: policy.linkerd.io/v1alpha1\n"
        "kind: MeshTLSAuthentication  # <- LNK612\n"
        "metadata:\n"
        "  name: old-clients\n"
        "  namespace: shop\n"
        "spec:\n"
        "  identities: [\"web.shop.serviceaccount.identity.linkerd.cluster.local\"]\n"
        "---\n"
        "apiVersion: policy.linkerd.io/v1alpha1\n"
        "kind: AuthorizationPolicy\n"
        "metadata:\n"
        "  name: api\n"
        "  namespace: shop\n"
        "spec:\n"
        "  targetRef: {group: policy.linkerd.io, kind: Server, name: api}\n"
        "  requiredAuthenticationRefs:\n"
        "    - {kind: ServiceAccount, name: web}\n"
    ),
    good=Example(
        "apiVersion: policy.linkerd.io/v1alpha1\n"
        "kind: MeshTLSAuthentication\n"
        "metadata:\n"
        "  name: web-clients\n"
        "  namespace: shop\n"
        "spec:\n"
        "  identities: [\"web.shop.serviceaccount.identity.linkerd.cluster.local\"]\n"
        "---\n"
        "apiVersion: policy.linkerd.io/v1alpha1\n"
        "kind: AuthorizationPolicy\n"
        "metadata:\n"
        "  name: api\n"
        "  namespace: shop\n"
        "spec:\n"
        "  targetRef: {group: policy.linkerd.io, kind: Server, name: api}\n"
        "  requiredAuthenticationRefs:\n"
        "    - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: web-clients}\n"
        "---\n"
        "apiVersion: policy.linkerd.io/v1alpha1\n"
        "kind: NetworkAuthentication\n"
        "metadata:\n"
        "  name: probes\n"
        "  namespace: monitoring\n"
        "spec:\n"
        "  networks: [{cidr: 10.0.0.0/8}]\n"
    ),
)
def check(ctx):
    cov = Coverage.of(ctx.inventory)
    policies = [r for r in ctx.inventory.resources if r.kind == "AuthorizationPolicy" and r.group == POLICY]
    used = _references(policies, cov)
    if None in used:
        return
    for res in ctx.inventory.resources:
        if res.kind not in AUTHN_KINDS or res.group != POLICY or not ctx.inventory.reports(res):
            continue
        ns = cov.ns_of(res)
        kind = res.kind.lower()
        if (kind, ns, res.name) in used or (kind, ANY, res.name) in used:
            continue
        if isinstance(ns, Unwritten) and any(u and u[0] == kind and u[2] == res.name for u in used):
            continue  # applied into some namespace: a policy of that namespace may name it
        if not cov.covers(ns, "AuthorizationPolicy", group=POLICY):
            continue
        ctx.report_on(
            res,
            Where(res.anchor, ("kind",)),
            f"{res.kind} {res.name} is not referenced by any AuthorizationPolicy in the input: it admits no one",
        )
