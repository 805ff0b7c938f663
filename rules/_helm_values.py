"""Recognising the linkerd-control-plane chart's values wherever they appear in the input.

Two shapes carry them:

* a values file (``helm install -f values.yaml``): a YAML document that is not a
  Kubernetes object, recognised by keys only that chart has;
* a Flux ``HelmRelease`` for the chart: its ``spec.values`` (merged last by Flux, so
  they win over ``spec.valuesFrom``, which a static linter cannot read).

The chart was called ``linkerd2`` up to 2.11 and ``linkerd-control-plane`` since 2.12;
both have the same value keys for what rules read here.  Top-level keys compared with
``charts/linkerd-control-plane/values.yaml`` at stable-2.14.0, version-2.18 and HEAD,
and with ``charts/linkerd2/values.yaml`` at stable-2.10.0; keys the viz and
multicluster charts share (``linkerdVersion``, ``identityTrustDomain``,
``enablePodAntiAffinity``…) do not count.

Everything here is cheap: it is imported when the rules are.
"""

from __future__ import annotations

import re

from linter.located import YMap, get_in

CHARTS = ("linkerd-control-plane", "linkerd2")
HELMRELEASE_GROUP = "helm.toolkit.fluxcd.io"

# Keys only the control-plane chart has at the top level of its values.
DISTINCTIVE_KEYS = frozenset(
    {
        "identityTrustAnchorsPEM",
        "proxyInit",
        "proxyInjector",
        "profileValidator",
        "policyValidator",
        "spValidator",
        "policyController",
        "destinationController",
        # not controllerImage: the linkerd-multicluster-link chart has it too
        "controllerReplicas",
        "disableHeartBeat",
        "heartbeatSchedule",
        "enableH2Upgrade",
        "webhookFailurePolicy",
        "debugContainer",
    }
)

# For collectors' triggers: raw text that may hold control-plane values.  Over-matching
# only means a file is read in the context pass (once, not twice).
TRIGGER = (
    r"identityTrustAnchorsPEM|proxyInit\s*:|proxyInjector\s*:|policyController\s*:|"
    r"destinationController\s*:|controllerImage\s*:|controllerReplicas\s*:|linkerd-control-plane|"
    r"chart\s*:\s*[\"']?linkerd2\b|"
    # values files holding only identity.issuer (a common split of the certificates)
    r"crtPEM|externalCA|issuanceLifetime|scheme\s*:\s*[\"']?(?i:[a-z0-9.-]+/tls)"
)


def is_control_plane_values(data) -> bool:
    """Whether a document that is not a Kubernetes object is a values file of the chart."""
    if not isinstance(data, YMap) or "kind" in data or "apiVersion" in data:
        return False
    if any(k in data for k in DISTINCTIVE_KEYS):
        return True
    # A values file that sets only the identity material (a common split: certs.yaml).
    return isinstance(get_in(data, "identity", "issuer"), dict)


def is_helm_release(resource) -> bool:
    return resource.kind == "HelmRelease" and resource.group == HELMRELEASE_GROUP


def chart_name(resource) -> str | None:
    """The chart a Flux HelmRelease installs (``spec.chart.spec.chart``), base name only."""
    name = get_in(resource.data, "spec", "chart", "spec", "chart")
    if not isinstance(name, str):
        return None
    return re.split(r"[/:]", name.rstrip("/"))[-1] or None


def helm_release_values(resource) -> YMap | None:
    """``spec.values`` of a Flux HelmRelease of the control-plane chart, else None.

    A release whose chart is not named in the object (``spec.chartRef`` to an
    OCIRepository) counts when its values have the chart's distinctive keys.
    """
    if not is_helm_release(resource):
        return None
    values = get_in(resource.data, "spec", "values")
    if not isinstance(values, YMap):
        return None
    chart = chart_name(resource)
    if chart is not None:
        return values if chart in CHARTS else None
    return values if any(k in values for k in DISTINCTIVE_KEYS) else None


def release_namespace(resource, default: str) -> str:
    """The namespace a HelmRelease installs into: spec.targetNamespace, else its own."""
    target = get_in(resource.data, "spec", "targetNamespace")
    if isinstance(target, str) and target:
        return target
    return resource.namespace or default


def lookup(values: YMap, dotted: str):
    """(container YMap, key) of a dotted values path when present, else None.

    Keys may contain dots' neighbours such as ``ephemeral-storage``; the path is split on dots only.
    """
    parts = dotted.split(".")
    cur = values
    for part in parts[:-1]:
        cur = cur.get(part) if isinstance(cur, YMap) else None
    if isinstance(cur, YMap) and parts[-1] in cur:
        return cur, parts[-1]
    return None
