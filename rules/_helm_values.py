"""Recognising the linkerd-control-plane chart's values wherever they appear in the input.

Three shapes carry them:

* a values file (``helm install -f values.yaml``): a YAML document that is not a
  Kubernetes object, recognised by keys only that chart has;
* a Flux ``HelmRelease`` for the chart: its ``spec.values`` (merged last by Flux, so
  they win over ``spec.valuesFrom``, which a static linter cannot read);
* the ``linkerd-config`` ConfigMap that ``linkerd install`` and ``helm template`` render
  (charts/linkerd-control-plane/templates/config.yaml): the chart's values, minus the
  private keys, as YAML text in ``data.values``.  The proxy injector mounts it and decodes
  that text into its values (pkg/config/config.go ``Values``, read from
  ``MountPathValuesConfig``; pkg/charts/linkerd2/values.go ``ValuesFromConfigMap`` for the
  CLI and ``linkerd check``): what it says is what every injected proxy gets.  The text is
  parsed here with positions mapped into the file (see ``config_map_values``).

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

from linter.located import Span, YMap, YSeq, get_in

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
    r"crtPEM|externalCA|issuanceLifetime|scheme\s*:\s*[\"']?(?i:[a-z0-9.-]+/tls)|"
    r"name\s*:\s*[\"']?linkerd-config\b"
)
CONFIG_MAP = "linkerd-config"


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
    """The control-plane values a Kubernetes object carries, else None.

    ``spec.values`` of a Flux HelmRelease of the control-plane chart (a release whose
    chart is not named in the object, ``spec.chartRef`` to an OCIRepository, counts when
    its values have the chart's distinctive keys), or ``data.values`` of the
    ``linkerd-config`` ConfigMap (``config_map_values``; without the file's text its
    columns assume the usual two-space step).
    """
    if resource.kind == "ConfigMap":
        return config_map_values(resource)
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


def config_map_values(resource, lines=None) -> YMap | None:
    """``data.values`` of the ``linkerd-config`` ConfigMap, parsed, with positions in the file.

    The text is a literal block scalar (``values: |``): its line k is line k of the file
    after the ``values:`` line, shifted right by the block's indentation.  With the file's
    ``lines`` that indentation is read (or an explicit indicator, ``|2``, honoured) and a
    block in another style (quoted, folded) is refused; without them, the usual step of
    two spaces beyond the key is assumed.  Values that do not parse as a mapping are
    left alone: the proxy injector would not start with them, which is not this check's
    finding.
    """
    if resource.kind != "ConfigMap" or resource.api_version != "v1" or resource.name != CONFIG_MAP:
        return None
    data = resource.data.get("data")
    if not isinstance(data, YMap):
        return None
    text = data.get("values")
    span, key_span = data.value_span("values"), data.key_span("values")
    if not isinstance(text, str) or not text.strip() or span is None or key_span is None:
        return None
    if lines:
        indent = _block_indent(lines, span, key_span)
    else:  # a block scalar starts on the key's line and ends below it; a quoted one-liner cannot be mapped
        indent = key_span.col + 1 if span.end_line > span.line else None
    if indent is None:
        return None
    from linter.source import parse_text  # only for a linkerd-config ConfigMap

    src = parse_text(resource.file, text)
    if any(p.kind != "duplicate-key" for p in src.problems) or len(src.documents) != 1:
        return None
    values = src.documents[0].data
    if not isinstance(values, YMap):
        return None
    return _relocate(values, span.line, indent, data.path + ("values",))


def _block_indent(lines, span, key_span) -> int | None:
    """Columns the block's content is indented by, or None when the value is not a literal block."""
    header = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    indicator = header[span.col - 1:].split("#", 1)[0].strip()
    if not indicator.startswith("|"):
        return None
    digits = "".join(c for c in indicator if c.isdigit())
    if digits:
        return key_span.col - 1 + int(digits)  # relative to the mapping that holds `values`
    for line in lines[span.line:]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return None


def _relocate(root: YMap, line_offset: int, indent: int, prefix: tuple) -> YMap:
    """The parsed block's spans moved to where its text stands in the file, paths under ``prefix``."""

    def move(sp):
        if sp is None:
            return None
        return Span(sp.line + line_offset, sp.col + indent, sp.end_line + line_offset, sp.end_col + indent)

    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if not isinstance(node, (YMap, YSeq)) or id(node) in seen:
            continue
        seen.add(id(node))
        node.span = move(node.span)
        node.path = prefix + node.path
        if isinstance(node, YMap):
            node.spans = {k: (move(ks), move(vs)) for k, (ks, vs) in node.spans.items()}
            stack.extend(node.values())
        else:
            node.spans = [move(sp) for sp in node.spans]
            stack.extend(node)
    return root

