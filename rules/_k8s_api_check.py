"""Shared by LNK502/LNK503: the Kubernetes version an apiVersion is judged against, what to use
instead, and the fix."""

from __future__ import annotations

from linter.context import value_of
from linter.fixes import replace_scalar
from linter.rule import Fix
from linter.versions import fmt, judged_target

from ._detect import detected
from ._k8s_apis import lookup, served_from, successor
from ._k8s_matrix import refuses_below


def judged_version(ctx):
    """(version, as written, note): the Kubernetes version an apiVersion is judged against.

    Configured: that version.  Detected from several clusters: the newest, since an API it no
    longer serves fails there (the oldest stays the run's target for everything else).  Unknown:
    the oldest Kubernetes the target Linkerd installs on.
    """
    s = ctx.settings
    if s.kubernetes_version is not None:
        clusters = _detected_clusters(ctx) if (s.kubernetes_version_source or "").startswith("detected") else []
        if len(clusters) > 1:
            newest = max(clusters, key=lambda d: d.version)
            return newest.version, newest.text, f" ({newest.via} at {newest.where}, the newest of {len(clusters)} detected clusters)"
        return s.kubernetes_version, s.kubernetes_version_text, ""
    lv = judged_target(s)
    floor = refuses_below(lv)
    if floor is None:
        return None, None, ""
    return floor, fmt(floor), f" (Kubernetes version unknown: judged against {fmt(floor)}, the oldest {lv.name} installs on)"


def _detected_clusters(ctx) -> list:
    found = detected(ctx.inventory) if ctx.inventory is not None else None
    return [d for d in found.kubernetes if d.role == "cluster" and d.version is not None] if found else []


def api_row(ctx):
    res = ctx.resource
    return lookup(res.api_version, res.kind)


def where(ctx):
    return value_of(ctx.resource.data, "apiVersion")


def use_instead(ctx, api, version) -> tuple:
    """(advice for the message, the apiVersion a fix may write or None)."""
    target, rename, gone = successor(api, ctx.resource.kind, version)
    passed = "; ".join(f"{'its' if i == 0 else 'then'} replacement {row.api_version} is removed in {fmt(row.removed)} too"
                       for i, row in enumerate(gone))
    psa = " (use Pod Security Admission)" if ctx.resource.kind.startswith("PodSecurityPolicy") else ""
    if target is None:
        if not gone:
            return f"it has no replacement{psa}", None
        return f"nothing replaces it on Kubernetes {fmt(version)}: {passed}{psa}", None
    since = served_from(api, gone)
    if since is not None and since > version:  # deprecated before its successor is served (autoscaling/v2beta1 in 1.22)
        return f"move to {target} once on Kubernetes {fmt(since)} or later, which serves it", None
    if not gone:
        return f"use {target}", (target if rename else None)
    fields = "" if rename else "; mind the field changes the deprecation guide lists"
    return f"use {target} ({passed}{fields})", (target if rename else None)


def fix(ctx, target):
    """Changing the apiVersion alone is a full migration only where every step of the guide lists no notable changes."""
    if target is None:
        return None
    span = ctx.resource.data.value_span("apiVersion")
    if span is None:
        return None
    return Fix(f"use {target}", (replace_scalar(ctx.source, span, target),))
