"""Which apiVersions of Linkerd's custom resources (and of the Gateway API routes it reads)
each Linkerd release serves.

Read from the CRDs at every release tag of linkerd/linkerd2 (stable-2.10.0 … version-2.20):
``charts/linkerd2/templates/*-crd.yaml`` (2.10/2.11), ``charts/linkerd-crds/templates/**`` (2.12+,
Gateway API CRDs under ``templates/gateway.networking.k8s.io_*.yaml``) and
``multicluster/charts/linkerd-multicluster/templates/link-crd.yaml``; ``served: false`` and
``deprecated: true`` are taken from the same files.  This agrees with the fact sheet §6.1.
A release newer than the newest row is assumed to serve what the newest one does.
"""

from __future__ import annotations

from collections import namedtuple

# version: str; since: tuple; until: first release that no longer serves it (None: still
# served); deprecated: first release whose CRD marks it deprecated (None: not); source: str.
# (Not typing.NamedTuple: importing typing costs ~4 ms of every run.)
Served = namedtuple("Served", ("version", "since", "until", "deprecated", "source"), defaults=(None, None, ""),
                    module=__name__)


_P, _W, _G = "policy.linkerd.io", "workload.linkerd.io", "gateway.networking.k8s.io"

CRDS = {
    ("linkerd.io", "ServiceProfile"): (
        Served("v1alpha1", (2, 10), source="serviceprofile(-crd).yaml at every tag"),
        Served("v1alpha2", (2, 10), source="serviceprofile(-crd).yaml at every tag"),
    ),
    ("split.smi-spec.io", "TrafficSplit"): (
        Served("v1alpha1", (2, 10), (2, 12), source="charts/linkerd2/templates/trafficsplit-crd.yaml (2.10, 2.11); removed by 4170b49b3"),
        Served("v1alpha2", (2, 11), (2, 12), source="charts/linkerd2/templates/trafficsplit-crd.yaml (2.11)"),
    ),
    (_P, "Server"): (
        Served("v1alpha1", (2, 11), deprecated=(2, 12), source="policy-crd.yaml (2.11); policy/server.yaml deprecated: true (2.12+)"),
        Served("v1beta1", (2, 11), deprecated=(2, 15), source="policy/server.yaml deprecated: true (version-2.15+)"),
        Served("v1beta2", (2, 15), source="policy/server.yaml (version-2.15+)"),
        Served("v1beta3", (2, 16), source="policy/server.yaml (version-2.16+)"),
    ),
    (_P, "ServerAuthorization"): (
        Served("v1alpha1", (2, 11), deprecated=(2, 12), source="policy/server-authorization.yaml deprecated: true (2.12+)"),
        Served("v1beta1", (2, 11), source="policy/server-authorization.yaml"),
    ),
    (_P, "AuthorizationPolicy"): (Served("v1alpha1", (2, 12), source="policy/authorization-policy.yaml (2.12+)"),),
    (_P, "MeshTLSAuthentication"): (Served("v1alpha1", (2, 12), source="policy/meshtls-authentication.yaml (2.12+)"),),
    (_P, "NetworkAuthentication"): (Served("v1alpha1", (2, 12), source="policy/network-authentication.yaml (2.12+)"),),
    (_P, "HTTPRoute"): (
        Served("v1alpha1", (2, 12), source="policy/httproute.yaml (2.12+)"),
        Served("v1beta1", (2, 12), source="policy/httproute.yaml (2.12+)"),
        Served("v1beta2", (2, 13), source="policy/httproute.yaml (2.13+)"),
        Served("v1beta3", (2, 14), source="policy/httproute.yaml (2.14+)"),
    ),
    (_P, "EgressNetwork"): (Served("v1alpha1", (2, 17), source="policy/egress-network.yaml (2.17+)"),),
    (_P, "HTTPLocalRateLimitPolicy"): (Served("v1alpha1", (2, 17), source="policy/http-local-ratelimit-policy.yaml (2.17+)"),),
    (_W, "ExternalWorkload"): (
        Served("v1alpha1", (2, 15), source="workload/external-workload.yaml (version-2.15+)"),
        Served("v1beta1", (2, 15), source="workload/external-workload.yaml (version-2.15+)"),
    ),
    ("multicluster.linkerd.io", "Link"): (
        Served("v1alpha1", (2, 10), source="multicluster link-crd.yaml at every tag"),
        Served("v1alpha2", (2, 17), source="multicluster link-crd.yaml (2.17+)"),
        Served("v1alpha3", (2, 18), source="multicluster link-crd.yaml (2.18+)"),
    ),
}

# Gateway API routes as the linkerd-crds chart bundles them; the policy controller reads
# gateway HTTPRoute from 2.14, GRPCRoute from 2.16, TLSRoute/TCPRoute from 2.17
# (policy-controller/src/main.rs, runtime/src/args.rs: watch_all::<…> at each tag).  The docs'
# compatibility table (linkerd.io/2-edge/features/gateway-api) pairs 2.15-2.17 with
# HTTPRoute v1beta1 / GRPCRoute v1alpha2 and 2.18+ with v1 / v1.
GATEWAY_ROUTES = {
    (_G, "HTTPRoute"): (
        Served("v1alpha2", (2, 16), (2, 18), deprecated=(2, 16), source="gateway.networking.k8s.io_httproutes.yaml: not served in 2.14/2.15, deprecated 2.16/2.17, gone 2.18"),
        Served("v1beta1", (2, 14), source="gateway.networking.k8s.io_httproutes.yaml (2.14+)"),
        Served("v1", (2, 18), source="gateway.networking.k8s.io_httproutes.yaml (2.18+)"),
    ),
    (_G, "GRPCRoute"): (
        Served("v1alpha2", (2, 16), deprecated=(2, 18), source="gateway.networking.k8s.io_grpcroutes.yaml (2.16+, deprecated 2.18+)"),
        Served("v1", (2, 18), source="gateway.networking.k8s.io_grpcroutes.yaml (2.18+)"),
    ),
    (_G, "TLSRoute"): (Served("v1alpha2", (2, 17), source="gateway.networking.k8s.io_tlsroutes.yaml (2.17+)"),),
    (_G, "TCPRoute"): (Served("v1alpha2", (2, 17), source="gateway.networking.k8s.io_tcproutes.yaml (2.17+)"),),
}


def status(table: dict, group: str, kind: str, version: str, line: tuple) -> str | None:
    """served | deprecated | unserved for that release line; None when the kind is not in the table."""
    rows = table.get((group, kind))
    if rows is None:
        return None
    for r in rows:
        if r.version == version and r.since <= line and (r.until is None or line < r.until):
            return "deprecated" if r.deprecated is not None and line >= r.deprecated else "served"
    return "unserved"


def served_versions(table: dict, group: str, kind: str, line: tuple) -> list:
    return [r.version for r in table.get((group, kind), ()) if status(table, group, kind, r.version, line) == "served"]


def first_serving(table: dict, group: str, kind: str, version: str) -> tuple | None:
    """The first release that serves group/version kind (a lower bound the object implies)."""
    return min((r.since for r in table.get((group, kind), ()) if r.version == version), default=None)


def first_release(table: dict, group: str, kind: str) -> tuple | None:
    """The first release that serves ``kind`` in any version (None: not in the table)."""
    return min((r.since for r in table.get((group, kind), ())), default=None)


def dropped_in(table: dict, group: str, kind: str) -> tuple | None:
    """The first release that serves ``kind`` in no version (None: still served, or not in the table)."""
    rows = table.get((group, kind), ())
    if not rows or any(r.until is None for r in rows):
        return None
    return max(r.until for r in rows)
