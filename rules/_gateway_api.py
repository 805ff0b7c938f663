"""Gateway API route versions that upstream Gateway API releases stopped serving, whatever
Linkerd bundles.  Data, not a rule (LNK508 reads it): since 2.19 users install the Gateway API
themselves (linkerd-crds ``installGatewayAPI: false``), so the bundle is not the whole story.
"""

from __future__ import annotations

from collections import namedtuple

# kind, version: the route; removed: the first Gateway API release that does not serve it;
# supported_from: the first Linkerd line whose compatible Gateway API range reaches that
# release; source: str.  (Not typing.NamedTuple: importing typing costs ~4 ms of every run.)
Upstream = namedtuple("Upstream", ("kind", "version", "removed", "supported_from", "source"), module=__name__)

UPSTREAM_REMOVED = (
    Upstream("GRPCRoute", "v1alpha2", "v1.2.0", (2, 18),
             "kubernetes-sigs/gateway-api release v1.2.0 (Breaking changes: GRPCRoute and ReferenceGrant v1alpha2 "
             "removal, #3361); linkerd.io/2.18/features/gateway-api compatibility table: 2.18 with Gateway API 1.1.1 - 1.2.1"),
)
_BY_ROUTE = {(u.kind, u.version): u for u in UPSTREAM_REMOVED}


def upstream_removed(kind: str, version: str):
    return _BY_ROUTE.get((kind, version))
