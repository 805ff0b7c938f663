from linter.located import YMap, YSeq, get_in
from linter.rule import Example, Severity, rule
from linter.versions import fmt, judged_target

from ._k8s_api_check import where
from ._linkerd_crds import GATEWAY_ROUTES, served_versions, status

_GROUP = "gateway.networking.k8s.io"
# The first release that reads each route kind: the oldest row of the bundle table.
ROUTE_SINCE = {kind: min(r.since for r in rows) for (group, kind), rows in GATEWAY_ROUTES.items() if group == _GROUP}
# Parents that make a route Linkerd's (policy-controller inbound/outbound indexes): a Service or
# EgressNetwork (outbound) or a Server (inbound).  Routes of ingress Gateways are not Linkerd's business.
_MESH_PARENTS = {("", "Service"), ("core", "Service"), ("policy.linkerd.io", "Server"), ("policy.linkerd.io", "EgressNetwork")}


def _mesh_route(data) -> bool:
    refs = get_in(data, "spec", "parentRefs")
    for ref in refs if isinstance(refs, YSeq) else ():
        if isinstance(ref, YMap) and (str(ref.get("group", "")), str(ref.get("kind", ""))) in _MESH_PARENTS:
            return True
    return False


@rule(
    id="LNK508",
    name="gateway-api-version",
    severity=Severity.WARNING,
    kinds=tuple(ROUTE_SINCE),
    summary="A Gateway API route of a version (or kind) the target Linkerd does not support, attached to a Service, Server or EgressNetwork.",
    why=(
        "Linkerd reads Gateway API routes in the versions its release was built for: HTTPRoute v1beta1 (2.14-2.17) or "
        "v1 (2.18+), GRPCRoute v1alpha2 (2.16-2.17) or v1 (2.18+), TLSRoute/TCPRoute v1alpha2 (2.17+); it reads no "
        "gateway HTTPRoute before 2.14, no GRPCRoute before 2.16. A route in another version is rejected by the CRDs "
        "Linkerd installs, or works only with Gateway API CRDs outside Linkerd's compatibility table; GRPCRoute v1alpha2 "
        "is deprecated from 2.18 and gone from Gateway API 1.2 on. Only routes whose parentRefs name a Service, Server "
        "or EgressNetwork (the mesh's routes) are checked."
    ),
    how_to_fix="Write the route in the version the message names, or install the Gateway API bundle your Linkerd release supports.",
    references=(
        "https://linkerd.io/2-edge/features/gateway-api/ (compatibility table)",
        "linkerd/linkerd2 charts/linkerd-crds/templates/gateway.networking.k8s.io_*.yaml at each release tag (served, deprecated)",
        "linkerd/linkerd2 policy-controller/src/main.rs, policy-controller/runtime/src/args.rs (watch_all of each route type)",
    ),
    bad=Example(
        "apiVersion: gateway.networking.k8s.io/v1  # <- LNK508 @gateway\n"
        "kind: HTTPRoute\n"
        "metadata:\n"
        "  name: web-canary\n"
        "  namespace: shop\n"
        "spec:\n"
        "  parentRefs:\n"
        "    - name: web\n"
        "      kind: Service\n"
        "      group: core\n"
        "      port: 80\n"
        "  rules:\n"
        "    - backendRefs:\n"
        "        - name: web-v2\n"
        "          port: 80\n",
        config={"linkerd-version": "2.16"},
    ),
    good=Example(
        "apiVersion: gateway.networking.k8s.io/v1beta1\n"
        "kind: HTTPRoute\n"
        "metadata:\n"
        "  name: web-canary\n"
        "  namespace: shop\n"
        "spec:\n"
        "  parentRefs:\n"
        "    - name: web\n"
        "      kind: Service\n"
        "      group: core\n"
        "      port: 80\n"
        "  rules:\n"
        "    - backendRefs:\n"
        "        - name: web-v2\n"
        "          port: 80\n"
        "---\n"
        "apiVersion: gateway.networking.k8s.io/v1\n"
        "kind: HTTPRoute\n"
        "metadata:\n"
        "  name: storefront\n"
        "  namespace: shop\n"
        "spec:\n"
        "  parentRefs:\n"
        "    - name: public-gateway\n"
        "  rules:\n"
        "    - backendRefs:\n"
        "        - name: web\n"
        "          port: 80\n",
        config={"linkerd-version": "2.16"},
    ),
)
def check(ctx):
    res = ctx.resource
    group, _, version = res.api_version.rpartition("/")
    if group != _GROUP or not _mesh_route(res.data):
        return
    lv = judged_target(ctx.settings)
    if not lv.covered:
        return  # older than the version data: not judged
    lk = lv.name
    since = ROUTE_SINCE[res.kind]
    if since > lv.upto:
        ctx.report(where(ctx), f"{lk} does not read Gateway API {res.kind} (from Linkerd {fmt(since)} on)")
        return
    states = {status(GATEWAY_ROUTES, group, res.kind, version, line) for line in {lv.line, lv.upto}}
    served = served_versions(GATEWAY_ROUTES, group, res.kind, lv.upto)
    use = f"; use {group}/{served[-1]}" if served else ""
    if states == {"unserved"}:
        ctx.report(where(ctx), f"{res.api_version} {res.kind} is not a version {lk} supports{use}")
    elif states == {"deprecated"}:
        from ._gateway_api import upstream_removed  # only for a deprecated route: off the start-up path

        gone = upstream_removed(res.kind, version)
        also = ""
        if gone is not None and lv.line >= gone.supported_from:
            also = (f", and Gateway API {gone.removed} and later (which Linkerd {fmt(gone.supported_from)} and later "
                    "support) do not serve it at all")
        ctx.report(where(ctx), f"{res.api_version} {res.kind} is deprecated in the Gateway API bundle of {lk}{also}{use}")
