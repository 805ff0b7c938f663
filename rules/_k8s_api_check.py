"""Shared by LNK502/LNK503: the Kubernetes version an apiVersion is judged against, and the fix."""

from __future__ import annotations

from linter.context import value_of
from linter.fixes import replace_scalar
from linter.rule import Fix
from linter.versions import fmt, linkerd_target

from ._k8s_apis import lookup
from ._k8s_matrix import refuses_below


def judged_version(settings):
    """(version, note): the target Kubernetes, or when unknown the oldest the target Linkerd installs on."""
    if settings.kubernetes_version is not None:
        return settings.kubernetes_version, ""
    lv = linkerd_target(settings)
    floor = refuses_below(lv)
    if floor is None:
        return None, ""
    return floor, f" (Kubernetes version unknown: judged against {fmt(floor)}, the oldest Linkerd {fmt(lv.line)} installs on)"


def api_row(ctx):
    res = ctx.resource
    return lookup(res.api_version, res.kind)


def where(ctx):
    return value_of(ctx.resource.data, "apiVersion")


def fix(ctx, api):
    """Changing the apiVersion alone is a full migration only where the guide lists no notable changes."""
    if not api.same_schema or not api.replacement:
        return None
    span = ctx.resource.data.value_span("apiVersion")
    if span is None:
        return None
    return Fix(f"use {api.replacement}", (replace_scalar(ctx.source, span, api.replacement),))
