"""Shared by the proxy-resource rules: effective values and where to point for them."""

from __future__ import annotations

from linter.context import Where, key_of
from linter.values import parse_quantity

RESOURCES = ("cpu", "memory", "ephemeral-storage")


def annotation(resource: str, kind: str) -> str:
    return f"config.linkerd.io/proxy-{resource}-{kind}"


def effective_quantity(mesh, key):
    """(Value, Decimal) of an effective annotation; (value, None) when unparseable or unresolved."""
    value = mesh.get(key)
    if value is None:
        return None, None
    text = value.text
    if text is None:
        return value, None
    return value, parse_quantity(text)


def anchor_for(ctx, value) -> Where:
    """Point at the value when the pod sets it; otherwise at the pod template (the Namespace is related)."""
    if value is not None and value.source == "pod" and value.span is not None:
        return Where(value.span, value.field_path)
    return pod_anchor(ctx)


def pod_anchor(ctx) -> Where:
    pod = ctx.pod
    mesh = ctx.mesh
    inject = mesh.inject if mesh is not None else None
    if inject is not None and inject.source == "pod" and inject.span is not None:
        return Where(inject.span, inject.field_path)
    res = ctx.resource
    if pod.path:
        parent = res.data
        for part in pod.path[:-1]:
            parent = parent[part]
        return key_of(parent, pod.path[-1])
    return Where(res.anchor, ("kind",))


def inject_related(ctx, value=None) -> tuple:
    """Related locations: the Namespace annotation that meshes the pod and/or sets the value."""
    mesh = ctx.mesh
    out = ()
    if mesh is not None and mesh.inject is not None and mesh.inject.source == "namespace":
        out += ctx.related(mesh.inject, "injection is enabled by the Namespace here")
    if value is not None and value.source != "pod":
        out += ctx.related(value, f"{value.source} value set here")
    return out
