"""Target detection: which Linkerd and Kubernetes versions the input itself says it runs on.

Precedence (the run's Settings record where each version came from):
command line > configuration > detected here > default (Linkerd 2.18; Kubernetes unknown).
Detection only fills in what neither the command line nor the configuration set.

* Linkerd, from what an install writes: control-plane and proxy images
  (``cr.l5d.io/linkerd/<component>:<tag>``; the tag is the Linkerd version, fact sheet §11,
  ``charts/partials/templates/_proxy.tpl``), ``linkerd.io/created-by`` (``linkerd/helm <ver>``,
  ``linkerd/cli <ver>``, ``linkerd/proxy-injector <ver>``; ``pkg/k8s/labels.go``), the injector's
  ``linkerd.io/proxy-version``, the ``linkerd-config`` ConfigMap's ``linkerdVersion``, and the
  Helm chart versions of ``linkerd-control-plane``/``linkerd-crds``/``linkerd2`` (chart labels,
  Flux HelmRelease, Argo CD Application).  Version-only kinds and annotation keys never set
  the target: a key from a newer release is more often the mistake than the signal.
  When several control planes disagree, the newest wins (``context`` lists them all).
* Kubernetes, from cluster definitions: kind ``Cluster`` node images, Cluster API
  ``KubeadmControlPlane``/``MachineDeployment``/``Cluster`` topology versions, eksctl
  ``ClusterConfig``, kops ``Cluster``, k3d ``Simple``, and a Helm ``Chart.yaml``
  ``kubeVersion`` range.  Several clusters: the oldest is the target (an API removed by
  then is absent on all of them).  A range counts only without a concrete cluster, as its
  oldest admitted version that the target Linkerd installs on.
"""

from __future__ import annotations

import re

from linter.lazyre import pattern
from linter.located import Span, YMap, YSeq, get_in
from linter.record import Record
from linter.values import resolve_vars
from linter.versions import (
    ConstraintError,
    LinkerdVersion,
    VersionError,
    admitted_minors,
    fmt,
    parse_kubernetes,
    parse_linkerd_version,
)

from ._k8s_matrix import refuses_below
from ._linkerd_releases import CHART_LINES, LINKERD_CHARTS, OLDEST_LINE

FACTS_KEY = "versions"
# The oldest release line the version data covers: an older detected version is listed by
# `context` but never becomes the target (rules would judge it with data they do not have).
OLDEST_KNOWN = OLDEST_LINE

TRIGGER = (
    r"(?:linkerd|buoyantio)/[a-z-]+:|linkerd\.io/created-by|linkerd\.io/proxy-version|linkerdVersion|"
    r"linkerd-control-plane|linkerd-crds|linkerd2-\d|chart:\s*[\"']?linkerd2\b|"
    r"kindest/node|cluster\.x-k8s\.io|eksctl\.io/|kops\.k8s\.io/|k3d\.io/|kubeVersion"
)

# Images whose tag is the Linkerd version (proxy-init, cni-plugin and extension-init
# have their own version scheme and are left out).
CONTROL_PLANE_IMAGES = ("controller", "policy-controller", "metrics-api", "web", "tap", "jaeger-webhook")
DATA_PLANE_IMAGES = ("proxy", "debug")
_IMAGE = pattern(r"(?:^|/)(?:linkerd|buoyantio)/(?P<comp>[a-z0-9-]+):(?P<tag>[^@\s]+)")
_CREATED_BY = pattern(r"^linkerd/(?P<by>cli|helm|proxy-injector)\s+(?P<ver>\S+)$")
_CHART_LABEL = pattern(r"^(?P<chart>linkerd-control-plane|linkerd-crds|linkerd2)-(?P<ver>\d+\.\d+\.\d+\S*)$")
_LINKERD_VERSION_VALUE = pattern(r"^\s*linkerdVersion:\s*[\"']?(?P<v>[^\s\"'#]+)", re.M)
_CALENDAR = pattern(r"^(?P<y>20\d\d)\.(?P<m>\d{1,2})\.(?P<n>\d+)$")

# Stable chart versions -> Linkerd line (rules/_linkerd_releases.py, each row with its source).
_CHART_LINE = {(r.chart, r.version): r.line for r in CHART_LINES}


class Detection(Record):
    __slots__ = ("what", "text", "version", "path", "span", "via", "role", "admitted", "resource")

    def __init__(self, what: str, text: str, version: object, path: str, span: Span, via: str, role: str = "",
                 admitted: tuple = (), resource: str = ""):
        self.what = what  # linkerd | kubernetes
        self.text = text  # as written
        self.version = version  # LinkerdVersion, or a (1, minor) tuple
        self.path = path
        self.span = span
        self.via = via  # what it was read from, for people
        self.role = role  # linkerd: control-plane | data-plane; kubernetes: cluster | range
        self.admitted = admitted  # kubernetes ranges: the admitted minors
        self.resource = resource

    @property
    def where(self) -> str:
        return f"{self.path}:{self.span.line}"


class Detected(Record):
    __slots__ = ("base", "linkerd", "kubernetes", "linkerd_choice", "kubernetes_choice", "kubernetes_from_range")

    def __init__(self, base: object, linkerd: list | None = None, kubernetes: list | None = None,
                 linkerd_choice: Detection | None = None, kubernetes_choice: Detection | None = None,
                 kubernetes_from_range: tuple | None = None):
        self.base = base  # the settings before detection
        self.linkerd = [] if linkerd is None else linkerd
        self.kubernetes = [] if kubernetes is None else kubernetes
        self.linkerd_choice = linkerd_choice
        self.kubernetes_choice = kubernetes_choice
        self.kubernetes_from_range = kubernetes_from_range


def detected(inventory) -> Detected | None:
    return inventory.facts.get(FACTS_KEY)


def _state(inv) -> Detected:
    d = inv.facts.get(FACTS_KEY)
    if d is None:
        d = inv.facts[FACTS_KEY] = Detected(inv.settings)
    return d


# -- reading values -----------------------------------------------------------------------


def _text(container, key):
    """A scalar as the user wrote it: YAML reads an unquoted 1.30 as the float 1.3, so the
    digits are recovered from the width of its span."""
    value = container.get(key) if isinstance(container, dict) else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        span = container.value_span(key)
        width = span.end_col - span.col if span and span.line == span.end_line else 0
        whole = str(int(value))
        decimals = width - len(whole) - 1
        return f"{value:.{decimals}f}" if decimals > 0 else repr(value)
    if isinstance(value, int):
        return str(value)
    return resolve_vars(value) if isinstance(value, str) else None


def _inner_span(key: Span | None, block: Span | None, text: str, offset: int) -> Span | None:
    """Where a position inside a block scalar (`values: |`) stands in the file: its content
    starts on the line after the indicator (column assumes the usual two-space indent)."""
    if key is None or block is None or block.line == block.end_line:
        return None
    before = text[:offset]
    line = block.line + 1 + before.count("\n")
    col = key.col + 2 + len(before) - (before.rfind("\n") + 1)
    return Span(line, col, line, col)


def _span(container, key) -> Span:
    return container.value_span(key) or container.span or Span(1, 1, 1, 1)


# -- recording ------------------------------------------------------------------------------


def _add_linkerd(inv, res_or_path, container, key, text, via, role, lv=None, span=None):
    try:
        lv = lv or parse_linkerd_version(text)
    except VersionError:
        return
    path = res_or_path.file if hasattr(res_or_path, "file") else res_or_path
    ident = res_or_path.identity if hasattr(res_or_path, "identity") else ""
    d = _state(inv)
    d.linkerd.append(Detection("linkerd", text, lv, path, span or _span(container, key), via, role, resource=ident))
    _apply(inv, d)


def _add_kubernetes(inv, res_or_path, container, key, text, via, admitted=()):
    path = res_or_path.file if hasattr(res_or_path, "file") else res_or_path
    ident = res_or_path.identity if hasattr(res_or_path, "identity") else ""
    if admitted:
        version, role = (admitted[0] if admitted else None), "range"
    else:
        try:
            version, role = parse_kubernetes(text), "cluster"
        except VersionError:
            return
    d = _state(inv)
    d.kubernetes.append(
        Detection("kubernetes", text, version, path, _span(container, key), via, role, tuple(admitted), ident)
    )
    _apply(inv, d)


def _apply(inv, d: Detected) -> None:
    """Recompute the effective targets from the settings as configured and what was found."""
    base = d.base
    changes = {}
    usable = [x for x in d.linkerd if x.version.line >= OLDEST_KNOWN]
    if base.linkerd_version_source == "default" and usable:
        strong = [x for x in usable if x.role == "control-plane"] or usable
        best = max(strong, key=lambda x: (x.version.line, x.version.upto))
        d.linkerd_choice = best
        text = best.version.text if _parses(best.version.text) else fmt(best.version.line)
        changes.update(
            linkerd_version=best.version.line,
            linkerd_version_text=text,
            linkerd_version_source=f"detected in {best.where}",
        )
    lk = changes.get("linkerd_version_text", base.linkerd_version_text)
    if base.kubernetes_version is None and d.kubernetes:
        clusters = [x for x in d.kubernetes if x.role == "cluster"]
        if clusters:
            best = min(clusters, key=lambda x: x.version)
            version, text = best.version, best.text
            d.kubernetes_from_range = None
        else:
            best = d.kubernetes[0]
            floor = _floor(lk)
            usable = [m for r in d.kubernetes for m in r.admitted if floor is None or m >= floor]
            pool = usable or [m for r in d.kubernetes for m in r.admitted]
            version = min(pool) if pool else None
            text = fmt(version) if version else None
            d.kubernetes_from_range = version
        if version is not None:
            d.kubernetes_choice = best
            changes.update(
                kubernetes_version=version,
                kubernetes_version_text=text,
                kubernetes_version_source=f"detected in {best.where}",
            )
    if changes:
        inv.settings = base.replace(**changes)


def _parses(text) -> bool:
    try:
        parse_linkerd_version(text)
        return True
    except VersionError:
        return False


def _floor(linkerd_text):
    try:
        return refuses_below(parse_linkerd_version(linkerd_text))
    except VersionError:
        return None


# -- the sources ----------------------------------------------------------------------------


def _containers(res):
    pod = res.pod_template
    if pod is None:
        return []
    return pod.containers() + pod.containers(init=True)


def _is_control_plane(res) -> bool:
    pod = res.pod_template
    labels = dict(res.labels)
    if pod is not None:
        labels.update(pod.labels)
    return "linkerd.io/control-plane-component" in labels or "linkerd.io/extension" in labels


def _images(inv, res) -> None:
    cp = _is_control_plane(res)
    for c in _containers(res):
        image = _text(c, "image")
        if not isinstance(image, str):
            continue
        m = _IMAGE.search(image)
        if not m or m.group("comp") not in CONTROL_PLANE_IMAGES + DATA_PLANE_IMAGES:
            continue
        try:
            lv = parse_linkerd_version(m.group("tag"))
        except VersionError:
            continue
        if lv.channel == "plain":
            continue  # a bare v2.x tag is some other image's own version, not Linkerd's
        role = "control-plane" if cp or m.group("comp") in CONTROL_PLANE_IMAGES else "data-plane"
        _add_linkerd(inv, res, c, "image", m.group("tag"), f"{m.group('comp')} image", role, lv)


def _metadata_versions(inv, res) -> None:
    metas = [res.metadata]
    pod = res.pod_template
    if pod is not None and pod.metadata is not res.metadata:
        metas.append(pod.metadata)
    for meta in metas:
        ann = get_in(meta, "annotations")
        if isinstance(ann, YMap):
            created = _text(ann, "linkerd.io/created-by")
            m = _CREATED_BY.match(created) if isinstance(created, str) else None
            if m:
                _add_linkerd(inv, res, ann, "linkerd.io/created-by", m.group("ver"), f"linkerd.io/created-by (linkerd/{m.group('by')})", "control-plane")
            pinned = _text(ann, "linkerd.io/proxy-version")
            if isinstance(pinned, str):
                _add_linkerd(inv, res, ann, "linkerd.io/proxy-version", pinned, "linkerd.io/proxy-version (written by the injector)", "data-plane")
        labels = get_in(meta, "labels")
        if isinstance(labels, YMap):
            chart = _text(labels, "helm.sh/chart")
            m = _CHART_LABEL.match(chart) if isinstance(chart, str) else None
            if m:
                _chart(inv, res, labels, "helm.sh/chart", m.group("chart"), m.group("ver"), "helm.sh/chart label")


def chart_linkerd(chart: str, version: str) -> LinkerdVersion | None:
    """The Linkerd version a Linkerd chart version ships, when it can be told."""
    v = version.strip().lstrip("v")
    m = _CALENDAR.match(v)
    if m and chart in ("linkerd-control-plane", "linkerd-crds"):
        try:  # edge charts are versioned YYYY.M.N after their edge tag (bin/compute-edge-version)
            return parse_linkerd_version(f"edge-{int(m.group('y')) - 2000}.{m.group('m')}.{m.group('n')}")
        except VersionError:
            return None
    if v.endswith("-edge") and chart == "linkerd-control-plane":
        from ._linkerd_edge_charts import EDGE_OF_CHART

        edge = EDGE_OF_CHART.get(v)  # x.y.z-edge: the edge tag whose Chart.yaml carries it
        return parse_linkerd_version("edge-" + fmt(edge)) if edge else None
    m = re.match(r"^(\d+)\.(\d+)\.(\d+)$", v)
    if not m:
        return None
    major, minor = int(m.group(1)), int(m.group(2))
    if chart == "linkerd2" and major == 2:  # the 2.10/2.11 chart's version is the Linkerd version
        return parse_linkerd_version(f"stable-{v}")
    line = _CHART_LINE.get((chart, (major, minor)))
    return parse_linkerd_version(fmt(line)) if line else None


def _chart(inv, res, container, key, chart, version, via) -> None:
    if not isinstance(version, str):
        return
    lv = chart_linkerd(chart, version)
    if lv is not None:
        _add_linkerd(inv, res, container, key, lv.text, f"{via} {chart} {version}", "control-plane", lv)


def _releases(inv, res) -> None:
    group = res.group
    if res.kind == "HelmRelease" and group == "helm.toolkit.fluxcd.io":
        spec = get_in(res.data, "spec", "chart", "spec")
        if isinstance(spec, YMap):
            chart = _text(spec, "chart")
            if chart in LINKERD_CHARTS:
                _chart(inv, res, spec, "version", chart, _text(spec, "version"), "Flux HelmRelease")
    elif res.kind == "Application" and group == "argoproj.io":
        spec = res.data.get("spec")
        sources = []
        if isinstance(spec, YMap):
            if isinstance(spec.get("source"), YMap):
                sources.append(spec["source"])
            if isinstance(spec.get("sources"), YSeq):
                sources.extend(s for s in spec["sources"] if isinstance(s, YMap))
        for src in sources:
            chart = _text(src, "chart")
            if chart in LINKERD_CHARTS:
                _chart(inv, res, src, "targetRevision", chart, _text(src, "targetRevision"), "Argo CD Application")
    elif res.kind == "ConfigMap" and res.name == "linkerd-config":
        data = res.data.get("data")
        values = data.get("values") if isinstance(data, YMap) else None
        m = _LINKERD_VERSION_VALUE.search(values) if isinstance(values, str) else None
        if m:
            span = _inner_span(data.key_span("values"), data.value_span("values"), values, m.start("v"))
            _add_linkerd(inv, res, data, "values", m.group("v"), "linkerd-config ConfigMap (linkerdVersion)", "control-plane", span=span)


def _clusters(inv, res) -> None:
    group, kind, data = res.group, res.kind, res.data
    if kind == "Cluster" and group == "kind.x-k8s.io":
        nodes = data.get("nodes")
        for node in nodes if isinstance(nodes, YSeq) else ():
            image = _text(node, "image") if isinstance(node, YMap) else None
            m = re.search(r"kindest/node:(v?[0-9][^@\s]*)", image) if isinstance(image, str) else None
            if m:
                _add_kubernetes(inv, res, node, "image", m.group(1), "kind node image")
    elif kind == "KubeadmControlPlane" and group.startswith("controlplane.cluster.x-k8s.io"):
        spec = data.get("spec")
        if isinstance(spec, YMap) and _text(spec, "version"):
            _add_kubernetes(inv, res, spec, "version", _text(spec, "version"), "Cluster API KubeadmControlPlane spec.version")
    elif kind in ("MachineDeployment", "MachinePool") and group == "cluster.x-k8s.io":
        spec = get_in(data, "spec", "template", "spec")
        if isinstance(spec, YMap) and _text(spec, "version"):
            _add_kubernetes(inv, res, spec, "version", _text(spec, "version"), f"Cluster API {kind} spec.template.spec.version")
    elif kind == "Cluster" and group == "cluster.x-k8s.io":
        topo = get_in(data, "spec", "topology")
        if isinstance(topo, YMap) and _text(topo, "version"):
            _add_kubernetes(inv, res, topo, "version", _text(topo, "version"), "Cluster API Cluster spec.topology.version")
    elif kind == "ClusterConfig" and group == "eksctl.io":
        meta = res.metadata
        if meta is not None and _text(meta, "version"):
            _add_kubernetes(inv, res, meta, "version", _text(meta, "version"), "eksctl ClusterConfig metadata.version")
    elif kind == "Cluster" and group == "kops.k8s.io":
        spec = data.get("spec")
        text = _text(spec, "kubernetesVersion") if isinstance(spec, YMap) else None
        if text:  # may be a release URL ending in the version
            _add_kubernetes(inv, res, spec, "kubernetesVersion", text.rstrip("/").rsplit("/", 1)[-1], "kops Cluster spec.kubernetesVersion")
    elif kind == "Simple" and group == "k3d.io":
        image = _text(data, "image")
        m = re.search(r"k3s:(v?[0-9][^@\s]*)", image) if isinstance(image, str) else None
        if m:
            _add_kubernetes(inv, res, data, "image", m.group(1), "k3d Simple image")


def collect(res, inv) -> None:
    _images(inv, res)
    _metadata_versions(inv, res)
    _releases(inv, res)
    _clusters(inv, res)


def collect_document(path, doc, inv) -> None:
    """A Helm Chart.yaml: its ``kubeVersion`` range, and linkerd chart dependencies."""
    data = doc.data
    if not isinstance(data, YMap) or "kind" in data or not isinstance(data.get("name"), str):
        return
    if data.get("apiVersion") not in ("v1", "v2") or "version" not in data:
        return
    kube = _text(data, "kubeVersion")
    if isinstance(kube, str) and kube.strip():
        _kube_range(inv, path, data, kube)
    deps = data.get("dependencies")
    for dep in deps if isinstance(deps, YSeq) else ():
        if isinstance(dep, YMap) and _text(dep, "name") in LINKERD_CHARTS:
            _chart(inv, path, dep, "version", _text(dep, "name"), _text(dep, "version"), "Chart.yaml dependency")


# kubeVersion ranges are evaluated up to this minor; a range that still admits it has no upper end.
_NEWEST_MINOR_EVALUATED = 60


def describe_minors(minors) -> str:
    """Admitted Kubernetes minors for people: '1.22', '1.19-1.22', '1.25 and later', runs joined by commas."""
    runs = []
    for m in sorted(minors):
        if runs and m == (1, runs[-1][1][1] + 1):
            runs[-1][1] = m
        else:
            runs.append([m, m])
    if not runs:
        return "nothing"
    words = [fmt(lo) if lo == hi else f"{fmt(lo)}-{fmt(hi)}" for lo, hi in runs]
    if runs[-1][1] == (1, _NEWEST_MINOR_EVALUATED):
        words[-1] = f"{fmt(runs[-1][0])} and later"
    return ", ".join(words)


def _kube_range(inv, path, data, kube) -> None:
    try:
        admitted = admitted_minors(kube, highest=_NEWEST_MINOR_EVALUATED)
    except ConstraintError:
        return  # a range this reader cannot follow: say nothing rather than guess
    if admitted:
        _add_kubernetes(inv, path, data, "kubeVersion", kube, "Chart.yaml kubeVersion", admitted)
        return
    d = _state(inv)  # a range that admits nothing is still worth a finding (LNK501)
    d.kubernetes.append(Detection("kubernetes", kube, None, path, _span(data, "kubeVersion"), "Chart.yaml kubeVersion", "range"))
