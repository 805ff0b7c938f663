"""Shared by the injection rules: other meshes' requests, existing sidecars, related locations."""

from __future__ import annotations

from linter.context import value_of
from linter.located import YMap
from linter.rule import Related
from linter.values import resolve_vars

ISTIO_INJECT = "sidecar.istio.io/inject"
ISTIO_NS_LABEL = "istio-injection"
ISTIO_REV = "istio.io/rev"


def text(value):
    """A label/annotation value as the API server stores it (YAML bools read as their text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return resolve_vars(str(value))
    return None


def label_related(resource, key: str, message: str) -> tuple:
    """A related location for a label (or annotation) of another object, e.g. the Namespace."""
    meta = resource.metadata if resource is not None else None
    for field in ("labels", "annotations"):
        m = meta.get(field) if isinstance(meta, YMap) else None
        if isinstance(m, YMap) and key in m and m.value_span(key) is not None:
            return (Related(resource.file, m.value_span(key), message),)
    return ()


def pod_istio_flag(pod):
    """(value text, mapping) of the pod's sidecar.istio.io/inject label or annotation (the label wins)."""
    for field in ("labels", "annotations"):
        m = pod.metadata.get(field) if pod.metadata is not None else None
        if isinstance(m, YMap) and ISTIO_INJECT in m:
            return text(m[ISTIO_INJECT]), m
    return None, None


def istio_requested(pod, namespace):
    """(True, where, related-description) when Istio's injector would take this pod, else (False/None, ...).

    Istio's sidecar-injector webhooks select namespaces labelled ``istio-injection=enabled``
    or ``istio.io/rev=<rev>``, and pods labelled ``sidecar.istio.io/inject=true`` in namespaces
    not labelled ``istio-injection=disabled``; a pod saying ``false`` opts out.
    """
    flag, container = pod_istio_flag(pod)
    if flag is None and container is not None:
        return None, None, None  # an unresolved GitOps variable
    ns_labels = namespace.labels if namespace is not None else {}
    ns_injection = text(ns_labels.get(ISTIO_NS_LABEL)) if ISTIO_NS_LABEL in ns_labels else None
    if flag == "false" or ns_injection == "disabled":
        return False, None, None
    if flag == "true":
        return True, value_of(container, ISTIO_INJECT), None
    if ns_injection == "enabled":
        return True, None, ISTIO_NS_LABEL
    if ISTIO_REV in ns_labels and ns_injection is None:
        return True, None, ISTIO_REV
    return False, None, None


# What the injector counts as an existing sidecar (pkg/healthcheck/sidecar.go HasExistingSidecars).
SIDECAR_NAMES = ("linkerd-proxy", "istio-proxy")
SIDECAR_IMAGES = ("cr.l5d.io/linkerd/proxy:", "gcr.io/istio-release/proxyv2:")
INIT_NAMES = ("linkerd-init", "istio-init")
INIT_IMAGES = ("cr.l5d.io/linkerd/proxy-init:", "gcr.io/istio-release/proxy_init:")


def existing_sidecars(pod) -> list:
    """(container, key, what) for each container that makes the injector skip the pod."""
    out = []
    for init in (True, False):
        for c in pod.containers(init=init):
            name, image = c.get("name"), c.get("image")
            image = image if isinstance(image, str) else ""
            if name in SIDECAR_NAMES or (init and name in INIT_NAMES):
                out.append((c, "name", f"container {name}"))
            elif image.startswith(SIDECAR_IMAGES) or (init and image.startswith(INIT_IMAGES)):
                out.append((c, "image", f"container {name} with image {image}"))
    return out


# Containers Linkerd itself adds to a pod (charts/partials/templates: _proxy.tpl, _proxy-init.tpl, _debug.tpl).
LINKERD_CONTAINERS = ("linkerd-proxy", "linkerd-init", "linkerd-debug")
LINKERD_IMAGES = ("cr.l5d.io/linkerd/proxy:", "cr.l5d.io/linkerd/proxy-init:", "cr.l5d.io/linkerd/debug:")


def linkerd_containers(pod) -> list:
    """(container, key) for each container that Linkerd's injector would have written."""
    out = []
    for init in (True, False):
        for c in pod.containers(init=init):
            name, image = c.get("name"), c.get("image")
            if name in LINKERD_CONTAINERS:
                out.append((c, "name"))
            elif isinstance(image, str) and image.startswith(LINKERD_IMAGES):
                out.append((c, "image"))
    return out
