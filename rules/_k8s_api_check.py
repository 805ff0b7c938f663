"""Shared by LNK502/LNK503: the Kubernetes version an apiVersion is judged against, what to use
instead, and the fix."""

from __future__ import annotations

from linter.context import value_of
from linter.fixes import replace_scalar
from linter.rule import Fix
from linter.versions import fmt, linkerd_target

from ._k8s_apis import lookup, successor
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
