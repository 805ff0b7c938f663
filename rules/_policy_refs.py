"""How Linkerd's policy controller reads references between its resources.

Sources (linkerd/linkerd2 at HEAD):

* ``policy-controller/k8s/api/src/policy.rs`` (``targets_kind``): a reference names a
  kind when its group (missing or empty means ``core``) and its kind match, both
  compared case-insensitively.
* ``policy-controller/k8s/index/src/outbound/index.rs`` (``is_service``,
  ``is_egress_network``): a Service parent needs group ``core`` or ``""``; an
  EgressNetwork parent needs group ``policy.linkerd.io``.
* CRD defaults of ``parentRefs[].group``/``kind``: ``policy.linkerd.io``/``Gateway`` in
  Linkerd's HTTPRoute (``charts/linkerd-crds/templates/policy/httproute.yaml``),
  ``gateway.networking.k8s.io``/``Gateway`` in the Gateway API routes
  (``charts/linkerd-crds/templates/gateway.networking.k8s.io_*.yaml``).  The API server
  fills them in before Linkerd sees the route.
"""

from __future__ import annotations

from linter.located import YMap, YSeq
from linter.values import resolve_vars

POLICY = "policy.linkerd.io"
GATEWAY = "gateway.networking.k8s.io"
ROUTE_KINDS = ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute")

# The group each kind a Linkerd reference may name lives in ("core" for the core API).
KIND_GROUPS = {
    "server": POLICY,
    "httproute": None,  # policy.linkerd.io or gateway.networking.k8s.io
    "grpcroute": GATEWAY,
    "meshtlsauthentication": POLICY,
    "networkauthentication": POLICY,
    "egressnetwork": POLICY,
    "serviceaccount": "core",
    "namespace": "core",
    "service": "core",
}


def text(value):
    """A reference field as Linkerd reads it: a string with GitOps defaults applied, else None."""
    if not isinstance(value, str):
        return None
    return resolve_vars(value)


def ref_group(ref: YMap, default: str = "core") -> str | None:
    """The group of a reference; ``default`` when absent (the CRD default); None when unresolved.

    An explicit empty group stays empty: Linkerd reads it as the core group.
    """
    raw = ref.get("group")
    if raw is None:
        return default
    return text(raw)


def ref_kind(ref: YMap) -> str | None:
    k = text(ref.get("kind"))
    return k.lower() if k else None


def targets(ref: YMap, kind: str, *, default_group: str = "core") -> bool | None:
    """Does the reference name ``kind`` in Linkerd's eyes?  None when it cannot be told."""
    k = ref_kind(ref)
    g = ref_group(ref, default_group)
    if k is None or g is None:
        return None
    if k != kind.lower():
        return False
    want = KIND_GROUPS.get(kind.lower())
    if want is None:  # HTTPRoute: either group
        return g.lower() in (POLICY, GATEWAY)
    return g.lower() == want or (want == "core" and g == "")


def parent_default_group(route) -> str:
    """What the API server writes into a parentRef without ``group``."""
    return POLICY if route.group == POLICY else GATEWAY


def parent_refs(route):
    """(index, parentRef YMap) of a route's parentRefs."""
    spec = route.data.get("spec")
    refs = spec.get("parentRefs") if isinstance(spec, YMap) else None
    if not isinstance(refs, YSeq):
        return []
    return [(i, r) for i, r in enumerate(refs) if isinstance(r, YMap)]


def parent_kind(route, ref: YMap) -> str | None:
    """Which parent Linkerd sees: ``server``, ``service``, ``egressnetwork``, ``gateway``/other, or None (unknown).

    Mirrors the CRD defaults plus ``targets_kind``/``is_service``/``is_egress_network``.
    """
    raw_kind = ref.get("kind")
    if raw_kind is None:
        return "gateway"  # the CRD default kind
    k = text(raw_kind)
    g = ref_group(ref, parent_default_group(route))
    if k is None or g is None:
        return None
    k_low, g_low = k.lower(), g.lower()
    if k_low == "server" and g_low == POLICY:
        return "server"
    if k_low == "service" and g_low in ("core", ""):
        return "service"
    if k_low == "egressnetwork" and g_low == POLICY:
        return "egressnetwork"
    return k_low if k_low == "gateway" else "other"


def ref_namespace(ref: YMap, own: str | None) -> str | None:
    """The namespace a namespaced reference points into: its ``namespace`` or the referrer's."""
    if "namespace" not in ref or ref.get("namespace") in (None, ""):
        return own
    return text(ref.get("namespace")) or None
