from linter.context import key_of, value_of
from linter.located import YMap, YSeq
from linter.rule import Example, Severity, rule

from ._policy_refs import GATEWAY, POLICY, ROUTE_KINDS, parent_default_group, parent_refs, ref_group, text


def _where_group(ref):
    return value_of(ref, "group") if "group" in ref else value_of(ref, "kind")


@rule(
    id="LNK605",
    name="route-parent-kind",
    severity=Severity.ERROR,
    kinds=ROUTE_KINDS,
    summary="A route's parentRef is one Linkerd ignores: no kind (Gateway), the wrong group, or a Server parent with a port.",
    why=(
        "In Linkerd's own `policy.linkerd.io` HTTPRoute, a parentRef without `kind` is defaulted by the API server "
        "to `kind: Gateway` (group `policy.linkerd.io`), a parent that does not exist: Linkerd ignores the route. "
        "The group is defaulted too, and Linkerd compares it: a Server parent must be in `policy.linkerd.io` (the "
        "Gateway API routes default to `gateway.networking.k8s.io`), a Service parent in the core group (`group: "
        "core` or `\"\"`; Linkerd's HTTPRoute defaults to `policy.linkerd.io`), an EgressNetwork parent in "
        "`policy.linkerd.io`. An inbound parent (a Server) must be in the route's own namespace and may not name a "
        "`port` or `sectionName`: otherwise the policy controller ignores the whole route. An EgressNetwork parent "
        "needs a `port` (the admission webhook rejects the route without one)."
    ),
    how_to_fix=(
        "Inbound: `parentRefs: [{group: policy.linkerd.io, kind: Server, name: <server>}]` with no port, "
        "sectionName or other namespace. Outbound: `{group: core, kind: Service, name: <svc>, port: <port>}`."
    ),
    references=(
        "linkerd/linkerd2 charts/linkerd-crds/templates/policy/httproute.yaml (parentRefs group/kind defaults)",
        "linkerd/linkerd2 policy-controller/k8s/index/src/inbound/routes.rs (from_http_parent_ref, InvalidParentRef)",
        "linkerd/linkerd2 policy-controller/k8s/index/src/outbound/index.rs (is_service, is_egress_network)",
        "linkerd/linkerd2 policy-controller/runtime/src/admission.rs (\"cannot target an EgressNetwork without "
        "specifying a port\")",
        "https://linkerd.io/2-edge/reference/httproute/",
    ),
    bad=Example(
        "apiVersion: policy.linkerd.io/v1beta3\n"
        "kind: HTTPRoute\n"
        "metadata:\n"
        "  name: web-get\n"
        "  namespace: shop\n"
        "spec:\n"
        "  parentRefs:\n"
        "    - name: web-http  # <- LNK605 @name\n"
        "    - kind: Server\n"
        "      name: web-admin\n"
        "      port: 4191  # <- LNK605 @port\n"
        "    - kind: Service  # <- LNK605 @Service\n"
        "      name: web\n"
        "      port: 80\n"
        "  rules:\n"
        "    - matches:\n"
        "        - method: GET\n"
    ),
    good=Example(
        "apiVersion: policy.linkerd.io/v1beta3\n"
        "kind: HTTPRoute\n"
        "metadata:\n"
        "  name: web-get\n"
        "  namespace: shop\n"
        "spec:\n"
        "  parentRefs:\n"
        "    - group: policy.linkerd.io\n"
        "      kind: Server\n"
        "      name: web-http\n"
        "    - group: core\n"
        "      kind: Service\n"
        "      name: web\n"
        "      port: 80\n"
        "  rules:\n"
        "    - matches:\n"
        "        - method: GET\n"
        "---\n"
        "apiVersion: gateway.networking.k8s.io/v1\n"
        "kind: HTTPRoute\n"
        "metadata:\n"
        "  name: ingress\n"
        "  namespace: shop\n"
        "spec:\n"
        "  parentRefs:\n"
        "    - name: public-gateway\n"
        "      namespace: ingress\n"
    ),
)
def check(ctx):
    route = ctx.resource
    if route.group not in (POLICY, GATEWAY):
        return
    spec = route.data.get("spec")
    refs = spec.get("parentRefs") if isinstance(spec, YMap) else None
    if not isinstance(refs, YSeq):
        return
    default_group = parent_default_group(route)
    for i, ref in parent_refs(route):
        if "kind" not in ref:
            if route.group == POLICY and route.kind == "HTTPRoute":
                ctx.report(
                    value_of(refs, i),
                    f"parentRef {text(ref.get('name')) or i!r} has no kind: the API server sets kind: Gateway "
                    f"(group {POLICY}), which Linkerd ignores, so the route applies nowhere; write kind: Server "
                    "for an inbound route, or group: core and kind: Service for an outbound one",
                )
            continue
        kind = text(ref.get("kind"))
        group = ref_group(ref, default_group)
        if kind is None or group is None:
            continue  # a GitOps variable without default
        _check_group(ctx, route, ref, kind, group, default_group)
        if kind.lower() == "server" and group.lower() == POLICY and route.kind in ("HTTPRoute", "GRPCRoute"):
            _check_server_parent(ctx, route, ref)
        if kind.lower() == "egressnetwork" and group.lower() == POLICY and ref.get("port") is None:
            ctx.report(
                value_of(ref, "kind"),
                f"EgressNetwork parent {text(ref.get('name'))!r} without a port: the policy admission webhook "
                "rejects the route (\"cannot target an EgressNetwork without specifying a port\")",
            )


def _check_group(ctx, route, ref, kind, group, default_group) -> None:
    k, g = kind.lower(), group.lower()
    implied = "" if "group" in ref else f" (no group: the API server sets {default_group})"
    if k == "server" and g != POLICY and route.kind in ("HTTPRoute", "GRPCRoute"):  # inbound routes only
        want = f"group: {POLICY}"
    elif k == "service" and g not in ("core", ""):
        want = "group: core (or \"\")"
    elif k == "egressnetwork" and g != POLICY:
        want = f"group: {POLICY}"
    else:
        return
    ctx.report(
        _where_group(ref),
        f"parentRef kind {kind} in group {group}{implied} is not a {kind} to Linkerd, which ignores this parent; "
        f"write {want}",
    )


def _check_server_parent(ctx, route, ref) -> None:
    name = text(ref.get("name")) or "?"
    for key in ("port", "sectionName"):
        if key in ref:
            ctx.report(
                key_of(ref, key),
                f"Server parent {name!r} names a {key}: the policy controller ignores the whole route "
                f"(\"route resource may not reference a parent by {'port' if key == 'port' else 'section name'}\"); "
                "a Server is already one port, remove it",
            )
    ns = ref.get("namespace")
    if ns not in (None, ""):
        ns = text(ns)
        if ns is not None and ns != route.namespace and route.namespace_written:
            ctx.report(
                value_of(ref, "namespace"),
                f"Server parent {name!r} in namespace {ns}, but the route is in {route.namespace}: the policy "
                "controller ignores the whole route (a route may only attach to Servers of its own namespace)",
            )
