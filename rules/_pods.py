"""Which pod templates a label selector picks, counting the labels pods get after admission.

A template shows only the labels written in it.  The pods it creates also carry labels
set by controllers (``_selectors.CONTROLLER_LABELS``) and, when meshed, labels the proxy
injector adds (pkg/k8s/labels.go: ``linkerd.io/control-plane-ns``, ``linkerd.io/workload-ns``,
``linkerd.io/proxy-<kind>``; set in pkg/inject/inject.go from the pod's owner).  A selector on
those keys is judged with the values the injector sets for a pod known to be meshed, and
counts as unknown where it cannot be told (mesh membership unknown, ``proxy-<kind>``).
"""

from __future__ import annotations

from . import _selectors

INJECTOR_LABELS = frozenset({"linkerd.io/control-plane-ns", "linkerd.io/workload-ns"})
INJECTOR_PREFIX = "linkerd.io/proxy-"  # linkerd.io/proxy-deployment, -statefulset, -job, -cronjob…


def _selector_keys(selector) -> set:
    keys = set()
    if isinstance(selector, dict):
        ml = selector.get("matchLabels")
        if isinstance(ml, dict):
            keys.update(k for k in ml if isinstance(k, str))
        exprs = selector.get("matchExpressions")
        if isinstance(exprs, list):
            keys.update(e.get("key") for e in exprs if isinstance(e, dict) and isinstance(e.get("key"), str))
    return keys


def selects(selector, res, inventory) -> bool | None:
    """Does a LabelSelector pick the pods of ``res`` (an object with a pod template)?  None: cannot tell."""
    pod = res.pod_template
    labels = dict(pod.labels)
    unknown = set(_selectors.CONTROLLER_LABELS)
    injected = inventory.mesh(pod).injected
    if injected is not False:
        added = {k for k in _selector_keys(selector) if k in INJECTOR_LABELS or k.startswith(INJECTOR_PREFIX)}
        if injected is True:
            # Values the injector sets on every pod it meshes (pkg/inject/inject.go: ControllerNSLabel
            # in NewResourceConfig, WorkloadNamespaceLabel in populateMeta); linkerd.io/proxy-<kind>
            # depends on the owner the webhook resolves and stays unknown.
            labels.setdefault("linkerd.io/workload-ns", res.namespace)
            labels.setdefault("linkerd.io/control-plane-ns", inventory.settings.control_plane_namespace)
            added -= set(labels)
        unknown |= added
    return _selectors.matches(selector, labels, unknown=frozenset(unknown))


def selects_map(labels_selector, res, inventory) -> bool | None:
    """The same for a Service's plain ``selector`` map."""
    return selects({"matchLabels": labels_selector}, res, inventory)
