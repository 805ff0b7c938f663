"""The effective mesh configuration of a pod template, decided as Linkerd's proxy injector decides.

Sources (linkerd/linkerd2): the inject decision table in ``pkg/inject/report.go``
(``disabledByAnnotation``), the injector's gates in ``pkg/inject/report.go``
(``Injectable``) and the webhook selectors in
``charts/linkerd-control-plane/values.yaml`` (``proxyInjector.namespaceSelector``/
``objectSelector``), and Namespace inheritance in ``pkg/inject/inject.go``
(``AppendNamespaceAnnotations``: a key present on the pod, even empty, wins).

Every effective value carries its provenance, so rules can point at the place
that set it (the pod, its Namespace in another file, or the configuration).
"""

from __future__ import annotations

from linter.annotations import ADMISSION_WEBHOOKS, INJECT, INJECT_VALUES, inheritable
from linter.located import Span, YMap
from linter.record import Record
from linter.rules._injector_selectors import (  # the webhook selectors' one home
    EXCLUDED_NAMESPACES,
    EXCLUDED_NAMESPACES_SINCE,
    OBJECT_LABELS,
    OBJECT_SELECTOR_SINCE,
)
from linter.values import UNKNOWN, resolve_vars, substituted

# Existing sidecars (pkg/healthcheck/sidecar.go).
SIDECAR_CONTAINERS = ("linkerd-proxy", "istio-proxy")
SIDECAR_INITS = ("linkerd-init", "istio-init")
SIDECAR_IMAGES = ("cr.l5d.io/linkerd/proxy:", "gcr.io/istio-release/proxyv2:")
SIDECAR_INIT_IMAGES = ("cr.l5d.io/linkerd/proxy-init:", "gcr.io/istio-release/proxy_init:")


class Value(Record, frozen=True):
    """An effective value and where it came from."""

    __slots__ = ("value", "source", "file", "span", "field_path")

    def __init__(self, value: object, source: str, file: str | None = None, span: Span | None = None,
                 field_path: tuple = ()):
        self.value = value
        self.source = source  # pod | namespace | config | helm
        self.file = file
        self.span = span
        self.field_path = field_path

    @property
    def text(self):
        """The value as the injector reads it, GitOps variables resolved (None: unknown)."""
        return resolve_vars(self.value)


class MeshConfig(Record):
    __slots__ = ("requested", "injected", "reason", "inject", "namespace", "values")

    def __init__(self, requested: bool | None, injected: bool | None, reason: str, inject: Value | None,
                 namespace: object | None, values: dict | None = None):
        self.requested = requested  # does the inject annotation table say "inject"? None: unknown
        self.injected = injected  # after the injector's other gates
        self.reason = reason
        self.inject = inject
        self.namespace = namespace  # the Namespace Resource, when in the input
        self.values = {} if values is None else values

    def get(self, key: str) -> Value | None:
        return self.values.get(key)

    @property
    def meshed(self) -> bool:
        return self.injected is True


def _value(res, container: YMap, key: str, source: str) -> Value:
    return Value(container[key], source, res.file, container.value_span(key), container.path + (key,))


def _inject_state(text):
    """Classify an inject annotation value: absent, unknown (unresolved variable), valid or invalid."""
    if text is None:
        return "unknown"
    if text == "":
        return "absent"
    return text if text in INJECT_VALUES else "invalid"


def has_sidecar(pod) -> bool:
    for c in pod.containers():
        if c.get("name") in SIDECAR_CONTAINERS or str(c.get("image", "")).startswith(SIDECAR_IMAGES):
            return True
    for c in pod.containers(init=True):
        name, image = c.get("name"), str(c.get("image", ""))
        if name in SIDECAR_INITS or name in SIDECAR_CONTAINERS:
            return True
        if image.startswith(SIDECAR_INIT_IMAGES) or image.startswith(SIDECAR_IMAGES):
            return True
    return False


def decide(pod, namespace, version: tuple, defaults: dict) -> MeshConfig:
    """Effective mesh configuration of ``pod`` (a PodTemplate) in ``namespace`` (Resource or None)."""
    res = pod.owner
    ann = pod.metadata.get("annotations") if pod.metadata is not None else None
    ann = ann if isinstance(ann, YMap) else None
    ns_ann = namespace.metadata.get("annotations") if namespace is not None and namespace.metadata is not None else None
    ns_ann = ns_ann if isinstance(ns_ann, YMap) else None

    pod_inject = _value(res, ann, INJECT, "pod") if ann is not None and INJECT in ann else None
    ns_inject = _value(namespace, ns_ann, INJECT, "namespace") if ns_ann is not None and INJECT in ns_ann else None

    pod_state = _inject_state(_as_text(pod_inject)) if pod_inject else "absent"
    ns_state = _inject_state(_as_text(ns_inject)) if ns_inject else "absent"

    decided_by = pod_inject if pod_state != "absent" else ns_inject
    if ns_state == "invalid":
        requested, reason, decided_by = False, "invalid_inject_annotation_at_ns", ns_inject
    elif pod_state == "invalid":
        requested, reason = False, "invalid_inject_annotation_at_workload"
    elif "unknown" in (pod_state, ns_state) and pod_state not in ("enabled", "ingress", "disabled"):
        requested, reason = None, "unresolved_variable"
    elif pod_state == "disabled":
        requested, reason = False, "injection_disable_annotation_present"
    elif pod_state in ("enabled", "ingress") or ns_state in ("enabled", "ingress"):
        requested, reason = True, "annotation_at_workload" if pod_state != "absent" else "annotation_at_namespace"
    elif namespace is not None:
        requested, reason = False, "injection_enable_annotation_absent"
    else:
        requested, reason = None, "namespace_not_in_input"

    injected, gate = requested, reason
    if requested:
        gate, known = _gate(pod, namespace, version)
        if gate:
            injected = False if known else None
        else:
            gate = reason

    values = dict(defaults)
    if ns_ann is not None:
        allowed = inheritable(version)
        for key in ns_ann:
            if key in allowed:
                values[key] = _value(namespace, ns_ann, key, "namespace")
    if ann is not None:
        for key in ann:
            if isinstance(key, str) and key.startswith(("config.linkerd.io/", "config.alpha.linkerd.io/", "config.beta.linkerd.io/")):
                values[key] = _value(res, ann, key, "pod")
    return MeshConfig(requested, injected, gate, decided_by, namespace, values)


def _as_text(v: Value):
    raw = v.value
    if not isinstance(raw, str):
        return "\0invalid"  # a YAML bool/number: the API server rejects it; never a valid value
    return resolve_vars(raw)


def _gate(pod, namespace, version: tuple):
    """The injector's reason to skip a pod that asks for injection: (reason, known), or (None, True).

    Sources (linkerd/linkerd2@version-2.18): ``pkg/inject/report.go`` L124-131 (``Injectable``:
    host network, existing sidecar) and ``charts/linkerd-control-plane/values.yaml`` L497-515
    (``proxyInjector.namespaceSelector``: kube-system, cert-manager and
    ``config.linkerd.io/admission-webhooks NotIn [disabled]``; ``objectSelector``). The
    kube-system/cert-manager exclusion and the object selector arrived with the 2.12 chart;
    2.10/2.11 select namespaces by the admission-webhooks label only.

    Values are judged as the cluster receives them (Flux substitution: ``${HN:=true}`` is the
    boolean true). A gate hidden by a variable without a default makes the outcome unknown
    (``known`` False: ``injected`` None, so meshed-only rules stay quiet), unless another gate
    skips the pod for certain.
    """
    unknown = None
    host_network = substituted(pod.spec.get("hostNetwork")) if pod.spec is not None else None
    if host_network is True:
        return "host_network_enabled", True
    if host_network is UNKNOWN:
        unknown = "host_network_unresolved"
    if has_sidecar(pod):
        return "sidecar_already_exists", True
    ns_name = pod.owner.namespace
    if version >= EXCLUDED_NAMESPACES_SINCE and ns_name in EXCLUDED_NAMESPACES:
        return "namespace_excluded_by_webhook", True
    if namespace is not None and ADMISSION_WEBHOOKS in namespace.labels:
        webhooks = substituted(namespace.labels.get(ADMISSION_WEBHOOKS))
        if webhooks == "disabled":
            return "admission_webhooks_disabled", True
        if webhooks is UNKNOWN:
            unknown = unknown or "admission_webhooks_unresolved"
    labels = pod.labels
    if version >= OBJECT_SELECTOR_SINCE and any(k in labels for k in OBJECT_LABELS):
        return "excluded_by_object_selector", True
    return unknown, unknown is None
