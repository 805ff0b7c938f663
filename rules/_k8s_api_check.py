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
        clusters = _detected_clusters(ctx)
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
    """The clusters the target Kubernetes version was detected from ([] when it was configured)."""
    if not (ctx.settings.kubernetes_version_source or "").startswith("detected"):
        return []
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
    notes = [_deprecated_too(target, ctx.resource.kind, version), passed]
    if gone and not rename:
        notes.append("mind the field changes the deprecation guide lists")
    notes = "; ".join(n for n in notes if n)
    notes = f" ({notes})" if notes else ""
    since = served_from(api, gone)
    if since is not None and since > version:  # deprecated before its successor is served (autoscaling/v2beta1 in 1.22)
        return f"move to {target} once on Kubernetes {fmt(since)} or later, which serves it", None
    behind = _cluster_without(ctx, since)
    if behind is not None:  # a fix for the newest cluster would break the oldest one
        return (f"{target} replaces it{notes}, but Kubernetes {behind.text} ({behind.via} at {behind.where}) serves "
                f"{target} only from {fmt(since)} on"), None
    return f"use {target}{notes}", (target if rename else None)


def _deprecated_too(target: str, kind: str, version) -> str:
    row = lookup(target, kind)
    if row is None or not (row.deprecated <= version < row.removed):
        return ""
    return f"itself deprecated, removed in {fmt(row.removed)}"


def _cluster_without(ctx, since):
    """The oldest of several detected clusters, when it does not serve yet what is served from ``since``."""
    if since is None:
        return None
    clusters = _detected_clusters(ctx)
    if len(clusters) < 2:
        return None
    oldest = min(clusters, key=lambda d: d.version)
    return oldest if oldest.version < since else None


def fix(ctx, target):
    """Changing the apiVersion alone is a full migration only where every step of the guide lists no notable changes."""
    if target is None:
        return None
    span = ctx.resource.data.value_span("apiVersion")
    if span is None:
        return None
    return Fix(f"use {target}", (replace_scalar(ctx.source, span, target),))
