"""Kubernetes label selectors, judged three ways: True (matches), False (does not), None (cannot tell).

"Cannot tell" covers GitOps variables without a default, malformed selectors, and labels
the manifest does not show (set by controllers, or on objects not in the input).  Rules
that must not guess treat None as "stay quiet".
"""

from __future__ import annotations

from linter.values import resolve_vars

# Labels Kubernetes controllers put on the pods they create; a template never shows them.
CONTROLLER_LABELS = frozenset(
    {
        "pod-template-hash",
        "controller-revision-hash",
        "statefulset.kubernetes.io/pod-name",
        "apps.kubernetes.io/pod-index",
        "job-name",
        "controller-uid",
        "batch.kubernetes.io/job-name",
        "batch.kubernetes.io/controller-uid",
        "batch.kubernetes.io/job-completion-index",
    }
)


def all_of(results) -> bool | None:
    """AND of three-valued results."""
    results = list(results)
    if False in results:
        return False
    return None if None in results else True


def any_of(results) -> bool | None:
    """OR of three-valued results."""
    results = list(results)
    if True in results:
        return True
    return None if None in results else False


def _text(value):
    if isinstance(value, bool) or value is None:
        return None  # not a valid label value: the API server rejects it
    return resolve_vars(str(value)) if isinstance(value, (str, int, float)) else None


def matches(selector, labels: dict, *, complete: bool = True, unknown=CONTROLLER_LABELS) -> bool | None:
    """Does a LabelSelector (matchLabels/matchExpressions) select an object with ``labels``?

    ``complete``: the labels are all the object has; otherwise an absent key is unknown.
    ``unknown``: keys whose presence is never known from a manifest.
    """
    if selector is None:
        return None
    if not isinstance(selector, dict):
        return None
    def lookup(key):
        """(present, value): present is True/False/None."""
        if key in labels:
            return True, _text(labels[key])
        if key in unknown or not complete:
            return None, None
        return False, None

    results = []
    ml = selector.get("matchLabels")
    if ml is not None and not isinstance(ml, dict):
        return None
    for key, want in (ml or {}).items():
        want = _text(want)
        present, have = lookup(key)
        if want is None or present is None or (present and have is None):
            results.append(None)
        else:
            results.append(bool(present) and have == want)
    exprs = selector.get("matchExpressions")
    if exprs is not None and not isinstance(exprs, list):
        return None
    for expr in exprs or ():
        results.append(_expression(expr, lookup))
    return all_of(results)


def _expression(expr, lookup) -> bool | None:
    if not isinstance(expr, dict):
        return None
    key, op = expr.get("key"), expr.get("operator")
    if not isinstance(key, str):
        return None  # the API server rejects it; nothing to judge
    raw = expr.get("values")
    wanted = [_text(v) for v in raw] if isinstance(raw, list) else []
    present, have = lookup(key)
    if present is None or None in wanted or (present and have is None):
        return None
    if op == "In":
        return present and have in wanted
    if op == "NotIn":
        return not present or have not in wanted
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    return None
