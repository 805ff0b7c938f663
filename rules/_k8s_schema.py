"""LNK509's machinery: Kubernetes' own JSON schemas, as the `kubernetes-validate` package ships them.

Nothing here is imported at start-up but this module's few names: the package is located with
``importlib.util.find_spec`` (which does not run it), its schema files are read with ``json``,
and ``jsonschema``/``referencing`` are imported when the first object is validated.

Layout of the package (1.25-1.37 in kubernetes-validate 1.37):
``kubernetes_validate/kubernetes-json-schema/v1.XX.0-local-strict/<kind>-<group>-<version>.json``
(``<group>`` is the first label of the API group, absent for the core group) and
``_definitions.json`` beside it, which every per-kind file ``$ref``s. The ``-strict`` sets say
``additionalProperties: false`` on every object type: unknown fields are errors, as with kubectl's
strict field validation.
"""

from __future__ import annotations

import os

_SETS: dict = {}  # schema root -> {(1, minor): directory}
_REGISTRIES: dict = {}  # set directory -> referencing.Registry holding _definitions.json
_VALIDATORS: dict = {}  # (set directory, apiVersion, kind) -> validator, or None: no schema
_ROOT: list = []  # [schema root or None], found once per process

# What kubectl and the API server do with an unknown field of a built-in type (the message's tail).
UNKNOWN = "kubectl apply rejects it (strict field validation); other clients drop it with a warning"


def schema_root() -> str | None:
    """The package's schema directory, or None when the `schemas` extra is not installed."""
    if not _ROOT:
        _ROOT.append(_find_root())
    return _ROOT[0]


def _find_root() -> str | None:
    import importlib.util

    try:
        spec = importlib.util.find_spec("kubernetes_validate")
    except (ImportError, ValueError):
        return None
    for base in (spec.submodule_search_locations or ()) if spec is not None else ():
        path = os.path.join(base, "kubernetes-json-schema")
        if os.path.isdir(path):
            return path
    return None


def schema_sets(root: str) -> dict:
    """(1, minor) -> directory of the strict schema set for that Kubernetes minor."""
    found = _SETS.get(root)
    if found is None:
        found = {}
        try:
            names = os.listdir(root)
        except OSError:
            names = []
        for name in names:
            if not (name.startswith("v") and name.endswith("-local-strict")):
                continue
            parts = name[1:].split("-", 1)[0].split(".")
            if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
                found[(int(parts[0]), int(parts[1]))] = os.path.join(root, name)
        _SETS[root] = found
    return found


def choose(settings, shipped) -> tuple:
    """(Kubernetes minor whose schemas to use, note for messages: "" when it is the target itself).

    The target's own minor when shipped; past either end, the nearest end. Unknown target: the
    newest shipped minor inside the target Linkerd's supported window (2.18: 1.28-1.32 -> 1.32).
    """
    from linter.versions import fmt

    versions = sorted(shipped)
    target = settings.kubernetes_version
    if target is not None:
        target = tuple(target)[:2]
        if target in shipped:
            return target, ""
        use = versions[-1] if target > versions[-1] else versions[0] if target < versions[0] else \
            max(v for v in versions if v <= target)
        return use, f"judged by the Kubernetes {fmt(use)} schemas, the nearest shipped to {fmt(target)}"
    from linter.versions import linkerd_target

    from ._k8s_matrix import row_for

    try:
        line = linkerd_target(settings).line
    except Exception:  # noqa: BLE001 - a version we cannot read: fall back to the newest schemas
        line = None
    row = row_for(line) if line is not None else None
    if row is not None:
        low, high = row.supported
        inside = [v for v in versions if low <= v <= high]
        use = inside[-1] if inside else (versions[0] if high < versions[0] else versions[-1])
        return use, f"Kubernetes version unknown: judged by the {fmt(use)} schemas"
    return versions[-1], f"Kubernetes version unknown: judged by the {fmt(versions[-1])} schemas"


def _group_file(api_version: str, kind: str) -> tuple:
    """(group, version, schema file name) of an apiVersion/kind, as the package names its files."""
    group, _, version = api_version.rpartition("/")
    short = group.split(".", 1)[0]
    name = f"{kind.lower()}-{short}-{version}.json" if group else f"{kind.lower()}-{version}.json"
    return group, version, name


def validator(set_dir: str, api_version: str, kind: str):
    """A validator for this apiVersion/kind in a schema set, or None when the set has no such type.

    Cached for the life of the process. A file is used only when its
    ``x-kubernetes-group-version-kind`` names exactly this group, version and kind: the package's
    file names keep only the first label of the group, so `apps.example.com/v1` Deployment (a
    custom resource) would otherwise be judged as `apps/v1`.
    """
    key = (set_dir, api_version, kind)
    if key in _VALIDATORS:
        return _VALIDATORS[key]
    _VALIDATORS[key] = None
    group, version, name = _group_file(api_version, kind)
    if not version or not kind or "/" in kind or os.sep in name or name.startswith("_"):
        return None
    path = os.path.join(set_dir, name)
    if not os.path.isfile(path):
        return None
    import json

    try:
        with open(path, encoding="utf-8") as fh:
            schema = json.load(fh)
    except (OSError, ValueError):
        return None
    gvks = schema.get("x-kubernetes-group-version-kind") if isinstance(schema, dict) else None
    if not isinstance(gvks, list) or not any(
        isinstance(g, dict) and g.get("group", "") == group and g.get("version") == version and g.get("kind") == kind
        for g in gvks
    ):
        return None
    registry = _registry(set_dir)
    if registry is None:
        return None
    import jsonschema  # noqa: PLC0415 - heavy, only when LNK509 validates something

    _mark_unknown(schema)
    v = jsonschema.Draft202012Validator(schema, registry=registry)
    _VALIDATORS[key] = v
    return v


def _registry(set_dir: str):
    if set_dir in _REGISTRIES:
        return _REGISTRIES[set_dir]
    import json

    _REGISTRIES[set_dir] = None
    try:
        with open(os.path.join(set_dir, "_definitions.json"), encoding="utf-8") as fh:
            defs = json.load(fh)
    except (OSError, ValueError):
        return None
    from referencing import Registry, Resource  # noqa: PLC0415 - comes with jsonschema

    _mark_unknown(defs)
    resource = Resource.from_contents(defs)
    registry = Registry().with_resource(defs.get("$id", "https://kubernetes.io/api/_definitions.json"), resource)
    _REGISTRIES[set_dir] = registry
    return registry


def _mark_unknown(node) -> None:
    """Tell linter.schemacheck what happens to an unknown field of a closed object (its message), and
    take "null" out of the types: every field says it may be null, LNK509 drops nulls before
    validating (and skips null items), so "or null" would only lengthen every message."""
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            if cur.get("additionalProperties") is False:
                cur["x-unknown-fields"] = UNKNOWN
            types = cur.get("type")
            if isinstance(types, list) and "null" in types and len(types) > 1:
                types = [t for t in types if t != "null"]
                cur["type"] = types[0] if len(types) == 1 else types
            stack.extend(cur.values())
        elif isinstance(cur, list):
            stack.extend(cur)
