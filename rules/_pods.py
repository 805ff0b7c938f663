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
# Labels a pod may carry that its template does not show.
ADDED_LATER = _selectors.CONTROLLER_LABELS | INJECTOR_LABELS


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


def well_formed(selector) -> bool:
    """A LabelSelector whose keys are strings (``_selectors.matches`` needs hashable keys)."""
    if not isinstance(selector, dict):
        return False
    ml = selector.get("matchLabels")
    if ml is not None and not (isinstance(ml, dict) and all(isinstance(k, str) for k in ml)):
        return False
    exprs = selector.get("matchExpressions")
    if exprs is not None and not (
        isinstance(exprs, list) and all(isinstance(e, dict) and isinstance(e.get("key"), str) for e in exprs)
    ):
        return False
    return True


def selects(selector, res, inventory) -> bool | None:
    """Does a LabelSelector pick the pods of ``res`` (an object with a pod template)?  None: cannot tell."""
    if not well_formed(selector):
        return None
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


class LabelIndex:
    """Pod templates by (label key, value), so that a selector is tried only where it may match.

    A template whose label ``k`` is missing cannot match ``k: v`` (unless ``k`` is a label pods
    get after admission, for which every template stays a candidate); one whose value is not a
    plain string (a GitOps variable) stays a candidate too.
    """

    def __init__(self, templates):
        self.all = templates
        self.plain: dict = {}
        self.irregular: dict = {}
        for t in templates:
            for k, v in t.pod_template.labels.items():
                if isinstance(v, str) and "${" not in v:
                    self.plain.setdefault((k, v), []).append(t)
                else:
                    self.irregular.setdefault(k, []).append(t)

    def candidates(self, match_labels) -> list:
        """Templates that may carry every label of ``match_labels`` (a plain label map)."""
        if not isinstance(match_labels, dict) or not match_labels:
            return self.all
        for key, value in match_labels.items():
            if isinstance(key, str) and isinstance(value, str) and "${" not in value and key not in ADDED_LATER \
                    and not key.startswith(INJECTOR_PREFIX):
                return self.plain.get((key, value), []) + self.irregular.get(key, [])
        return self.all


def index_of(cov) -> LabelIndex:
    """The label index of every kept pod template, built once per run."""
    index = cov.derived.get("labels")
    if index is None:
        index = cov.derived["labels"] = LabelIndex(cov.pod_templates())
    return index
