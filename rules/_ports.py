"""Ports of pods and Services as Linkerd sees them: proxy ports, opaque and skipped ports.

Sources (linkerd/linkerd2):

* proxy ports 4143/4140/4191/4190 and their ``config.linkerd.io/*-port`` overrides:
  ``charts/linkerd-control-plane/values.yaml`` (``proxy.ports``), ``pkg/inject/inject.go``
  (``ApplyAnnotationOverrides``: ``strconv.ParseInt``, a bad value keeps the default);
* default opaque and skip ports (``values.yaml`` ``proxy.opaquePorts``, ``proxyInit.ignore*Ports``):
  the annotation catalogue's ``default`` and, for 2.10, its ``OLD_DEFAULTS``
  (``rules/_linkerd_annotations.py``);
* pods: the opaque-ports annotation of the pod, else of its Namespace, else the defaults
  (``controller/proxy-injector/webhook.go``); names resolve to container ports
  (``pkg/util/parsing.go`` ``ParseContainerOpaquePorts``; init containers count from 2.20);
* Services: the annotation, else the Namespace's (written by the injector at CREATE), else the
  defaults filtered by port/targetPort (``inject.go`` ``CreateOpaquePortsPatch``); from 2.18 a
  port's ``appProtocol`` decides instead (``policy-controller/core/src/outbound.rs@version-2.18``
  L53-65 ``AppProtocol::from_str``: lower-cased first (L57), then ``http`` and
  ``kubernetes.io/h2c`` are HTTP, every other value is opaque; ``outbound/index.rs`` ignores
  the annotation for such ports).
"""

from __future__ import annotations

from functools import lru_cache

from linter.context import Where, value_of
from linter.located import Span, YMap, YSeq
from linter.values import resolve_vars

from ._grammar import go_int, go_port_set, rust_port_set
from ._linkerd_annotations import CATALOGUE, default_in

OPAQUE = "config.linkerd.io/opaque-ports"
SKIP_IN = "config.linkerd.io/skip-inbound-ports"
# (name, annotation, default port): the defaults are the catalogue's (values.yaml proxy.ports).
PROXY_PORTS = tuple(
    (name, key, int(CATALOGUE[key].default))
    for name, key in (
        ("inbound", "config.linkerd.io/inbound-port"),
        ("outbound", "config.linkerd.io/outbound-port"),
        ("admin", "config.linkerd.io/admin-port"),
        ("control", "config.linkerd.io/control-port"),
    )
)
APP_PROTOCOL_SINCE = (2, 18)
HTTP_APP_PROTOCOLS = ("http", "kubernetes.io/h2c")


def default_opaque(settings) -> frozenset:
    """The cluster's default opaque ports: the configured Helm value, else the release default."""
    configured = settings.proxy_defaults.get(OPAQUE)
    if configured is not None:
        text = resolve_vars(str(configured))
        if text is not None:
            return frozenset(go_port_set(text))
    return _release_default(OPAQUE, settings.linkerd_version)


def default_skip(settings) -> frozenset:
    """The release's default skip-inbound-ports (the annotation replaces it)."""
    return _release_default(SKIP_IN, settings.linkerd_version)


@lru_cache(maxsize=None)
def _release_default(key: str, version: tuple) -> frozenset:
    return frozenset(go_port_set(default_in(key, version)))


def as_port(value):
    """A port number from YAML (int, or a string that may hold a GitOps variable), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = resolve_vars(value)
        if text is not None and text.strip().isdigit():
            return int(text.strip())
    return None


def text_of(value):
    if isinstance(value, bool) or value is None:
        return None
    return resolve_vars(str(value)) if isinstance(value, (str, int)) else None


class Port:
    """One entry of a container's ``ports`` list."""

    __slots__ = ("container", "entry", "number", "name", "protocol")

    def __init__(self, container, entry, number, name, protocol):
        self.container = container
        self.entry = entry
        self.number = number
        self.name = name
        self.protocol = protocol

    def where(self, key="containerPort") -> Where:
        return value_of(self.entry, key) if key in self.entry else Where(self.entry.span, self.entry.path)


def _is_sidecar(container) -> bool:
    return container.get("restartPolicy") == "Always"


def running_containers(pod) -> list:
    """Containers that run beside the proxy: the app containers and native-sidecar init containers."""
    return pod.containers() + [c for c in pod.containers(init=True) if _is_sidecar(c)]


def container_ports(pod, containers=None) -> list:
    out = []
    for c in running_containers(pod) if containers is None else containers:
        ports = c.get("ports")
        if not isinstance(ports, YSeq):
            continue
        for entry in ports:
            if not isinstance(entry, YMap):
                continue
            proto = text_of(entry.get("protocol", "TCP"))
            name = entry.get("name")
            out.append(Port(c, entry, as_port(entry.get("containerPort")), name if isinstance(name, str) else None, proto))
    return out


# pkg/inject/inject.go@version-2.20 (GetNamedPorts and the opaque-ports filter over
# append(InitContainers, Containers...)); version-2.19 reads spec.Containers only.
INIT_CONTAINER_PORTS_SINCE = (2, 20)


def injector_containers(pod, settings) -> list:
    """Containers whose ports the injector reads (names, default filter): init ones too from 2.20."""
    if settings.linkerd_version >= INIT_CONTAINER_PORTS_SINCE:
        return pod.containers(init=True) + pod.containers()
    return pod.containers()


def named_ports(pod, settings) -> dict:
    return {p.name: p.number for p in container_ports(pod, injector_containers(pod, settings)) if p.name and p.number is not None}


def proxy_ports(mesh) -> dict:
    """role -> (port, Value or None): the effective proxy ports of a pod."""
    out = {}
    for role, key, default in PROXY_PORTS:
        value = mesh.get(key)
        port = default
        if value is not None:
            text = value.text
            parsed = go_int(str(text), 32) if text is not None else None
            if parsed is not None:
                port = parsed
            else:
                value = None  # unparseable or unresolved: the default applies
        out[role] = (port, value)
    return out


def pod_opaque(pod, mesh, settings):
    """(ports, Value) the pod treats as opaque on inbound; ports is None when unknown (unresolved variable)."""
    value = mesh.get(OPAQUE)
    if value is None:
        return default_opaque(settings), None
    text = value.text
    if text is None or not isinstance(text, str):
        return None, value
    return go_port_set(text, named_ports(pod, settings)), value


def pod_skip_inbound(mesh, settings):
    value = mesh.get(SKIP_IN)
    if value is None:
        return default_skip(settings)
    text = value.text
    if text is None or not isinstance(text, str):
        return None
    return go_port_set(text)


# -- Services ------------------------------------------------------------------------


UNKNOWN = object()


class ServicePort:
    __slots__ = ("entry", "port", "target", "name", "protocol", "app_protocol")

    def __init__(self, entry):
        self.entry = entry
        self.port = as_port(entry.get("port"))
        target = entry.get("targetPort")
        # int: a port number; str: a container port name; None: the same as port
        self.target = as_port(target)
        if self.target is None and target is not None:
            self.target = text_of(target) if isinstance(target, str) else UNKNOWN
            if self.target is None:
                self.target = UNKNOWN  # a GitOps variable without default
        name = entry.get("name")
        self.name = name if isinstance(name, str) else None
        self.protocol = text_of(entry.get("protocol", "TCP"))
        ap = entry.get("appProtocol")
        self.app_protocol = ap if isinstance(ap, str) else None

    def where(self) -> Where:
        return value_of(self.entry, "port") if "port" in self.entry else Where(self.entry.span, self.entry.path)


def service_ports(svc) -> list:
    spec = svc.data.get("spec")
    ports = spec.get("ports") if isinstance(spec, YMap) else None
    if not isinstance(ports, YSeq):
        return []
    return [ServicePort(p) for p in ports if isinstance(p, YMap)]


def is_headless(svc) -> bool:
    spec = svc.data.get("spec")
    return isinstance(spec, YMap) and spec.get("clusterIP") == "None"


def service_selector(svc):
    """The Service's selector as {key: value}, or None (no selector, ExternalName, unresolved)."""
    spec = svc.data.get("spec")
    if not isinstance(spec, YMap) or spec.get("type") == "ExternalName":
        return None
    sel = spec.get("selector")
    if not isinstance(sel, dict) or not sel:
        return None
    out = {}
    for k, v in sel.items():
        text = text_of(v)
        if text is None:
            return None
        out[k] = text
    return out


def selects(selector: dict, pod) -> bool:
    labels = pod.labels
    for k, v in selector.items():
        if k not in labels or text_of(labels[k]) != v:
            return False
    return True


def service_opaque_value(svc, inventory):
    """(value text, source, container, key) of the opaque-ports list a Service ends up with, or None."""
    ann = svc.annotations
    if OPAQUE in ann:
        return ann[OPAQUE], "service", ann, OPAQUE
    ns = inventory.namespace_of(svc)
    if ns is not None and OPAQUE in ns.annotations:
        return ns.annotations[OPAQUE], "namespace", ns.annotations, OPAQUE
    return None


POLICY_OUTBOUND_SINCE = (2, 13)  # before, the Go destination controller read Service opaque ports


def service_listed_ports(text: str, ports, settings):
    """The ports a Service's opaque-ports list marks, as its reader parses it (None: the list is void)."""
    if settings.linkerd_version < POLICY_OUTBOUND_SINCE:
        return go_port_set(text, {sp.name: sp.port for sp in ports if sp.name and sp.port is not None})
    return rust_port_set(text)


def service_opaque(svc, ports, settings, inventory) -> dict:
    """Service port -> True/False/None (unknown): is it opaque for meshed clients?"""
    found = service_opaque_value(svc, inventory)
    defaults = default_opaque(settings)
    explicit = None
    if found is not None:
        text = text_of(found[0])
        if text is None:
            explicit = "unknown"
        else:
            # An invalid list is read as empty by the policy controller.
            explicit = service_listed_ports(text, ports, settings) or set()
    else:
        # What the injector writes at CREATE; if it writes nothing, the controller's default applies.
        filtered = set()
        for sp in ports:
            if sp.port is None or sp.target is UNKNOWN:
                continue
            if sp.target is None:
                if sp.port in defaults:
                    filtered.add(sp.port)
            elif isinstance(sp.target, int) and sp.target in defaults:
                filtered.add(sp.port)
        explicit = filtered if filtered else set(defaults)
    out = {}
    for sp in ports:
        if sp.port is None:
            continue
        if settings.linkerd_version >= APP_PROTOCOL_SINCE and sp.app_protocol is not None:
            out[sp.port] = app_protocol_opaque(sp.app_protocol)
        elif explicit == "unknown":
            out[sp.port] = None
        else:
            out[sp.port] = sp.port in explicit
    return out


def app_protocol_opaque(app_protocol: str):
    """Does the policy controller treat a port with this appProtocol as opaque? None: unresolved variable.

    It lower-cases the value before matching (``HTTP`` is ``http``).
    """
    text = resolve_vars(app_protocol)
    return None if text is None else text.lower() not in HTTP_APP_PROTOCOLS


def target_container_port(sp: ServicePort, pod):
    """The container port a Service port sends to in this pod (number), or None when it names no port here."""
    if sp.target is None:
        return sp.port
    if isinstance(sp.target, int):
        return sp.target
    if isinstance(sp.target, str) and sp.target:
        for p in container_ports(pod, pod.containers(init=True) + pod.containers()):
            if p.name == sp.target:
                return p.number
    return None


def is_tcp(protocol) -> bool:
    return protocol in (None, "TCP")


def entry_where(source, container, key, index: int, entries) -> Where:
    """The place of the index-th comma-separated entry inside a one-line scalar (else the whole value)."""
    whole = value_of(container, key)
    span = whole.span
    if span is None or span.line != span.end_line:
        return whole
    line = source.lines[span.line - 1] if span.line - 1 < len(source.lines) else ""
    written = line[span.col - 1: span.end_col - 1]
    lead = 1 if written[:1] in ("'", '"') else 0
    inner = written[lead: len(written) - lead] if lead else written
    if "\\" in inner or "''" in inner or ",".join(e.raw for e in entries) != inner:
        return whole
    offset = sum(len(e.raw) + 1 for e in entries[:index])
    raw = entries[index].raw
    start = span.col + lead + offset + (len(raw) - len(raw.lstrip()))
    return Where(Span(span.line, start, span.line, start + len(raw.strip())), whole.field_path)


def services_and_pods(inventory):
    """The core Services and the pod templates an inventory rule kept."""
    services = [r for r in inventory.resources if r.kind == "Service" and r.group == ""]
    pods = [r.pod_template for r in inventory.resources if r.pod_template is not None]
    return services, pods


def meshed_backends(svc, pods, inventory, settings) -> list:
    """(pod, opaque ports, opaque Value) for the meshed pod templates a Service selects in its namespace."""
    selector = service_selector(svc)
    if selector is None:
        return []
    out = []
    for pod in _labelled(pods, inventory).get((svc.namespace, *next(iter(selector.items()))), ()):
        if not selects(selector, pod):
            continue
        mesh = inventory.mesh(pod)
        if not mesh.meshed:
            continue
        opaque, value = pod_opaque(pod, mesh, settings)
        if opaque is not None:
            out.append((pod, opaque, value))
    return out


_BY_LABEL = "_ports.pods-by-label"


def _labelled(pods, inventory) -> dict:
    """(namespace, label key, value text) -> the pods carrying it, in order; built once per pod list.

    A Service selects only pods of its namespace that carry each of its labels, so the
    pods under its first label are the only candidates: without this index every Service
    was tried against every pod (10,000 files: minutes).
    """
    hit = inventory.facts.get(_BY_LABEL)
    if hit is None or hit[0] is not pods:
        index: dict = {}
        for pod in pods:
            for k, v in pod.labels.items():
                index.setdefault((pod.owner.namespace, k, text_of(v)), []).append(pod)
        hit = inventory.facts[_BY_LABEL] = (pods, index)
    return hit[1]
