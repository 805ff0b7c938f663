"""Custom rules from the configuration: a team's own checks as JSON Schemas, without Python.

    custom-rules:
      - id: ORG001
        severity: warning
        message: meshed workloads in payments must set a proxy CPU limit
        match: {kinds: [Deployment], namespaces: [payments], meshed: true}
        target: pod
        schema: {...}

Each entry becomes a resource-scope ``Rule`` in the registry, so selection, severity
overrides, suppressions, reports, ``rules`` and ``explain`` treat it like a built-in
one.  ``target: object`` (the default) validates the object as written; ``target:
pod`` validates a Pod-shaped view of each pod template: ``metadata`` with the
*effective* annotations (the template's own, plus what the injector takes from the
Namespace, plus configured proxy defaults) and the template's ``spec``.

A bad entry is a configuration error (exit 2) that names the entry: unknown keys,
an invalid schema, an id used twice or taken by a built-in rule.
"""

from __future__ import annotations

import fnmatch
import json
import os
import pathlib

from linter import schemacheck
from linter.api import LintError
from linter.annotations import INJECT
from linter.located import get_in
from linter.registry import RegistryError
from linter.rule import Example, Rule, Severity

RESERVED_PREFIX = "LNK"  # built-in ids; `--select LNK` must not pick up a team's rules

_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
_NOT_A_SETTING = {"x-unknown-fields": "not a custom-rule setting"}
ENTRY_SCHEMA = {
    "type": "object",
    "required": ["id", "message", "schema"],
    "additionalProperties": False,
    **_NOT_A_SETTING,
    "properties": {
        "id": {"type": "string", "pattern": "^[A-Z][A-Z0-9]*[0-9]+$",
               "x-lint-pattern": "a rule id: upper-case letters then digits, like ORG001"},
        "name": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                 "x-lint-pattern": "a kebab-case name, like payments-proxy-cpu-limit"},
        "severity": {"enum": ["info", "warning", "error"]},
        "message": {"type": "string", "minLength": 1},
        "docs": {"type": "string"},
        "match": {
            "type": "object",
            "additionalProperties": False,
            **_NOT_A_SETTING,
            "properties": {
                "kinds": _STRINGS,
                "namespaces": _STRINGS,
                "labels": {"type": "object"},
                "meshed": {"type": "boolean"},
            },
        },
        "target": {"enum": ["object", "pod"]},
        "schema": {"type": ["object", "boolean"]},
    },
}
_SELECTOR_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    **_NOT_A_SETTING,
    "properties": {
        "matchLabels": {"type": "object", "additionalProperties": {"type": "string"}},
        "matchExpressions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "operator"],
                "additionalProperties": False,
                **_NOT_A_SETTING,
                "properties": {
                    "key": {"type": "string", "minLength": 1},
                    "operator": {"enum": ["In", "NotIn", "Exists", "DoesNotExist"]},
                    "values": _STRINGS,
                },
            },
        },
    },
}


class CustomRule(Rule):
    """A rule defined in the configuration; ``definition`` is its entry."""

    __slots__ = ("definition", "source")

    def __init__(self, id, name, severity, summary, why, how_to_fix, references, bad, good, check,  # noqa: A002
                 scope="resource", fixable=False, severities=(), kinds=(), origin="linkerd-lint", opt_in=False,
                 definition: dict | None = None, source: str = ""):
        super().__init__(id, name, severity, summary, why, how_to_fix, references, bad, good, check, scope, fixable,
                         severities, kinds, origin, opt_in)
        self.definition = {} if definition is None else definition
        self.source = source

    @property
    def doc_url(self) -> str:
        """``docs`` when it is a link; else the configuration file that defines the rule."""
        docs = self.definition.get("docs", "")
        if docs.startswith(("https://", "http://")):
            return docs
        if os.path.isabs(self.source):
            return pathlib.Path(self.source).as_uri()
        return "https://github.com/linkerd-lint/linkerd-lint/blob/main/docs/custom-rules.md"

    def markdown(self) -> str:
        d = self.definition
        match = d.get("match") or {}
        lines = [f"## {self.id} {self.name}", "", f"Severity: **{self.severity}** · Custom rule from `{self.source}`", "",
                 self.summary, ""]
        if d.get("docs"):
            lines += [d["docs"], ""]
        scope = [f"kinds {', '.join(match['kinds'])}" if match.get("kinds") else "every kind"]
        if match.get("namespaces"):
            scope.append(f"namespaces {', '.join(match['namespaces'])}")
        if match.get("labels"):
            scope.append(f"labels {json.dumps(match['labels'], sort_keys=True)}")
        if "meshed" in match:
            scope.append("meshed pods only" if match["meshed"] else "pods that are not meshed")
        target = d.get("target", "object")
        lines += ["### Applies to", "", "; ".join(scope) + f". Target: {target}"
                  + (" (each pod template, with its effective annotations)" if target == "pod" else " (as written)") + ".",
                  "", "### Schema the target must satisfy", "", "```json", json.dumps(d.get("schema"), indent=2), "```", ""]
        return "\n".join(lines)


class CustomRuleError(RegistryError, LintError):
    """A bad custom rule: exit 2 on the command line, ``LintError`` for library callers."""


def register_custom_rules(registry, settings) -> None:
    entries = getattr(settings, "custom_rules", None) or []
    source = getattr(settings, "config_path", None) or "configuration"
    if not isinstance(entries, list):
        raise CustomRuleError(f"{source}: custom-rules must be a list of rules")
    builtin_names = {r.name: r.id for r in registry.rules.values()}
    seen: dict = {}
    for index, entry in enumerate(entries):
        rule = build(entry, index, source)
        where = f"{source}: custom-rules[{index}] ({rule.id})"
        if rule.id in seen:
            raise CustomRuleError(f"{where}: duplicate id {rule.id} (also custom-rules[{seen[rule.id]}])")
        if rule.id in registry.rules:
            taken = registry.rules[rule.id]
            raise CustomRuleError(f"{where}: id {rule.id} is taken by the rule {taken.name} ({taken.origin})")
        if rule.name in builtin_names:
            raise CustomRuleError(f"{where}: name {rule.name!r} is taken by {builtin_names[rule.name]}")
        seen[rule.id] = index
        builtin_names[rule.name] = rule.id
        registry.add(rule)


def _fail(source: str, index: int, entry, problem: str):
    rid = entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else None
    name = f"custom-rules[{index}]" + (f" ({rid})" if rid else "")
    raise CustomRuleError(f"{source}: {name}: {problem}")


def build(entry, index: int, source: str) -> CustomRule:
    """A ``CustomRule`` from one configuration entry, or a ``CustomRuleError`` that names it."""
    if not isinstance(entry, dict):
        _fail(source, index, entry, "each custom rule must be a mapping")
    meta = schemacheck.validator(("custom-rules", "entry"), ENTRY_SCHEMA)
    found = schemacheck.problems(meta, entry, root="the rule")
    if found:
        _fail(source, index, entry, "; ".join(p.message for p in found[:5]))
    rid = entry["id"]
    if rid.startswith(RESERVED_PREFIX):
        _fail(source, index, entry, f"ids starting with {RESERVED_PREFIX} are reserved for built-in rules; "
                                    "use your team's own prefix, like ORG001")
    match = entry.get("match") or {}
    selector = _selector(match.get("labels"), source, index, entry)
    schema = entry["schema"]
    validator = _compile(schema, source, index, entry)
    target = entry.get("target", "object")
    rule = CustomRule(
        id=rid,
        name=entry.get("name") or f"custom-{rid.lower()}",
        severity=Severity.parse(entry.get("severity", "warning")),
        summary=entry["message"],
        why=entry.get("docs") or entry["message"],
        how_to_fix="Change the object so that it satisfies the rule's schema (see `linkerd-lint explain "
                   f"{rid}`), or suppress the finding with a reason.",
        references=(entry["docs"],) if entry.get("docs") else (f"custom rule defined in {source}",),
        bad=Example(""),
        good=Example(""),
        check=_checker(entry["message"], match, selector, target, validator),
        scope="resource",
        kinds=tuple(match.get("kinds") or ()),
        origin=f"custom-rules ({source})",
        definition=entry,
        source=source,
    )
    return rule


def _selector(labels, source, index, entry):
    """matchLabels/matchExpressions, from either selector form or a plain label map."""
    if labels is None:
        return None
    if not set(labels) <= {"matchLabels", "matchExpressions"}:
        labels = {"matchLabels": labels}
    v = schemacheck.validator(("custom-rules", "selector"), _SELECTOR_SCHEMA)
    found = schemacheck.problems(v, labels, root="match.labels")
    if found:
        _fail(source, index, entry, "match.labels: " + "; ".join(p.message for p in found[:5]))
    for expr in labels.get("matchExpressions") or []:
        has_values = bool(expr.get("values"))
        if expr["operator"] in ("In", "NotIn") and not has_values:
            _fail(source, index, entry, f"match.labels: operator {expr['operator']} needs values")
        if expr["operator"] in ("Exists", "DoesNotExist") and has_values:
            _fail(source, index, entry, f"match.labels: operator {expr['operator']} takes no values")
    return labels


def _compile(schema, source, index, entry):
    import jsonschema  # noqa: PLC0415 - only when custom rules are configured

    if _remote_ref(schema):
        _fail(source, index, entry, "schema: only local references ($ref: '#/...') are supported")
    cls = jsonschema.Draft202012Validator
    if isinstance(schema, dict) and "$schema" in schema:
        # validator_for falls back to the latest draft for a dialect it does not know (with only a
        # DeprecationWarning): the schema would then be read under rules its author did not mean.
        dialect = schema["$schema"]
        known = jsonschema.validators.validator_for(schema, default=None) if isinstance(dialect, str) else None
        if known is None:
            _fail(source, index, entry, f"schema: $schema {dialect!r} is not a JSON Schema dialect jsonschema "
                                        "knows (draft 3, 4, 6, 7, 2019-09 or 2020-12, e.g. "
                                        "https://json-schema.org/draft/2020-12/schema)")
        cls = known
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as e:
        where = "/".join(str(p) for p in e.absolute_path)
        _fail(source, index, entry, f"invalid schema{' at ' + where if where else ''}: {e.message}")
    problem = _unresolved_ref(schema, cls) or _ref_cycle(schema, cls)
    if problem:
        _fail(source, index, entry, problem)
    return cls(schema)


# Keywords whose values are maps of names to subschemas, and keywords whose values are data.
_SCHEMA_MAPS = frozenset(("properties", "patternProperties", "$defs", "definitions", "dependentSchemas",
                          "dependencies"))
_DATA_KEYWORDS = frozenset(("enum", "const", "default", "examples"))


def _nodes(schema, cls):
    """Every subschema of ``schema`` as ``(node, resolver, path)``, each with the resolver in force
    where it is written (an ``$id`` on the way changes the base URI), via jsonschema's own
    resolver (``referencing``)."""
    from referencing import Registry
    from referencing.jsonschema import specification_with

    spec = specification_with(cls.META_SCHEMA.get("$schema") or cls.META_SCHEMA.get("id"))
    root = spec.create_resource(schema)
    base = root.id() or ""
    resolver = Registry().with_resource(base, root).crawl().resolver(base_uri=base)
    stack = [(schema, resolver, ())]
    while stack:
        node, resolver, path = stack.pop()
        if not isinstance(node, dict):
            continue
        if path and isinstance(spec.id_of(node), str):
            resolver = resolver.in_subresource(spec.create_resource(node))
        yield node, resolver, path
        children = []
        for key, value in node.items():
            if key in _DATA_KEYWORDS or not isinstance(key, str) or key.startswith("x-"):
                continue
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                children += [(v, (*path, key, k)) for k, v in value.items()]
            elif isinstance(value, dict):
                children.append((value, (*path, key)))
            elif isinstance(value, list):
                children += [(v, (*path, key, i)) for i, v in enumerate(value)]
        stack.extend((child, resolver, p) for child, p in reversed(children))


def _where(path) -> str:
    return "/".join(str(p) for p in path)


def _unresolved_ref(schema, cls) -> str | None:
    """The first local ``$ref`` that points nowhere, described; jsonschema only finds out while validating."""
    if not isinstance(schema, dict):
        return None
    from referencing.exceptions import Unresolvable

    for node, resolver, path in _nodes(schema, cls):
        ref = node.get("$ref")
        if isinstance(ref, str):
            try:
                resolver.lookup(ref)
            except Unresolvable as e:
                where = _where(path)
                reason = f" ({e})" if str(e) and ref not in str(e) else ""
                return f"schema: $ref {ref!r}{' at ' + where if where else ''} points nowhere{reason}"
    return None


# Keywords that apply their subschemas to the very value being checked (not to a property or an
# item of it); a `$ref` loop made only of these never ends: jsonschema recurses until Python's
# stack runs out.  ("then"/"else" belong to "if", which jsonschema lists as the keyword.)
_REFS = ("$ref", "$dynamicRef", "$recursiveRef")
_IN_PLACE_ONE = ("not", "if", "then", "else")
_IN_PLACE_MANY = ("allOf", "anyOf", "oneOf", "extends")
_IN_PLACE_MAPS = ("dependentSchemas", "dependencies")


def _in_place(node, resolver, legacy):
    """The subschemas applied to the same value as ``node``: ``(label, subschema, resolver)``."""
    from referencing.exceptions import Unresolvable

    for key in _REFS:
        ref = node.get(key)
        if isinstance(ref, str):
            try:
                resolved = resolver.lookup(ref)
            except Unresolvable:
                continue  # reported by _unresolved_ref ($ref) or left to jsonschema's dynamic scope
            yield (key, ref), resolved.contents, resolved.resolver
    if legacy and "$ref" in node:
        return  # drafts 3-7 ignore the siblings of $ref
    for key in _IN_PLACE_ONE:
        if isinstance(node.get(key), dict):
            yield None, node[key], resolver
    for key in _IN_PLACE_MANY:
        value = node.get(key)
        for sub in (value if isinstance(value, list) else [value]):
            if isinstance(sub, dict):
                yield None, sub, resolver
    for key in _IN_PLACE_MAPS:
        value = node.get(key)
        if isinstance(value, dict):
            yield from ((None, sub, resolver) for sub in value.values() if isinstance(sub, dict))


def _ref_cycle(schema, cls) -> str | None:
    """A chain of references that comes back to where it started without descending into the value
    (through properties, items, additionalProperties and the like), described; else None.

    Recursion through such keywords is fine (the value is finite); a loop of ``$ref``s, or a
    ``$ref`` to an ancestor reached through allOf/anyOf/oneOf/not/if/then/else only, is not."""
    if not isinstance(schema, dict):
        return None
    import jsonschema  # noqa: PLC0415 - only when custom rules are configured

    legacy = cls in (jsonschema.Draft3Validator, jsonschema.Draft4Validator, jsonschema.Draft6Validator,
                     jsonschema.Draft7Validator)
    nodes = list(_nodes(schema, cls))
    paths: dict = {}
    for node, _, path in nodes:
        paths.setdefault(id(node), path)
    done: set = set()
    for start, start_resolver, _ in nodes:
        if id(start) in done:
            continue
        # Depth-first over in-place edges; `trail` holds (node, label of the edge that reached it).
        on_trail = {id(start): 0}
        trail = [(start, None)]
        pending = [iter(_in_place(start, start_resolver, legacy))]
        while pending:
            step = next(pending[-1], None)
            if step is None:
                pending.pop()
                node, _ = trail.pop()
                del on_trail[id(node)]
                done.add(id(node))
                continue
            label, sub, resolver = step
            if id(sub) in on_trail:
                loop = trail[on_trail[id(sub)]:] + [(sub, label)]
                return _describe_cycle(loop, paths)
            if id(sub) in done:
                continue
            on_trail[id(sub)] = len(trail)
            trail.append((sub, label))
            pending.append(iter(_in_place(sub, resolver, legacy)))
    return None


def _describe_cycle(loop, paths) -> str:
    hops = []
    for (node, _), (_, label) in zip(loop, loop[1:]):
        if label is not None:
            where = _where(paths.get(id(node), ())) or "the root"
            hops.append(f"{label[0]} {label[1]!r} at {where}")
    return ("schema: references loop without descending into the value (" + ", then ".join(hops)
            + "): validation would never end; a schema may refer back to itself only through properties, items, "
            "additionalProperties or the like")


def _remote_ref(node) -> bool:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            return True
        return any(_remote_ref(v) for v in node.values())
    if isinstance(node, list):
        return any(_remote_ref(v) for v in node)
    return False


# -- matching ----------------------------------------------------------------------------------


def selector_matches(selector: dict, labels: dict) -> bool:
    labels = {str(k): v for k, v in labels.items()}
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        present = key in labels
        if op == "In" and not (present and labels[key] in values):
            return False
        if op == "NotIn" and present and labels[key] in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return True


def _applies(ctx, match: dict, selector, target: str) -> bool:
    res = ctx.resource
    namespaces = match.get("namespaces")
    if namespaces and (res.namespace is None or not any(fnmatch.fnmatchcase(res.namespace, n) for n in namespaces)):
        return False
    if "meshed" in match:
        mesh = ctx.mesh
        if mesh is None or mesh.injected is None or mesh.injected is not match["meshed"]:
            return False  # not a pod template, or membership unknown: stay quiet
    if selector is not None:
        pod = ctx.pod
        labels = pod.labels if target == "pod" and pod is not None else res.labels
        if not selector_matches(selector, labels):
            return False
    return True


# -- checking ----------------------------------------------------------------------------------


def pod_view(ctx, variables: dict) -> dict:
    """The Pod a template describes, with its effective annotations (see the module docstring)."""
    pod, res, mesh = ctx.pod, ctx.resource, ctx.mesh
    metadata = schemacheck.plain(pod.metadata or {}, ("metadata",), variables)
    metadata.setdefault("name", res.name)
    if res.namespace is not None:
        metadata.setdefault("namespace", res.namespace)
    annotations = metadata.get("annotations")
    annotations = dict(annotations) if isinstance(annotations, dict) else {}
    inherited = {}
    if mesh is not None:
        for key, value in mesh.values.items():
            if key not in annotations:
                annotations[key] = schemacheck.plain(value.value, ("metadata", "annotations", key), variables)
                inherited[key] = value
        if INJECT not in annotations and mesh.inject is not None and mesh.inject.source != "pod":
            annotations[INJECT] = schemacheck.plain(mesh.inject.value, ("metadata", "annotations", INJECT), variables)
            inherited[INJECT] = mesh.inject
    if annotations or "annotations" in metadata:
        metadata["annotations"] = annotations
    view = {"apiVersion": "v1", "kind": "Pod", "metadata": metadata,
            "spec": schemacheck.plain(pod.spec or {}, ("spec",), variables)}
    view["_inherited"] = inherited
    return view


def _checker(message: str, match: dict, selector, target: str, validator):
    def check(ctx):
        if not _applies(ctx, match, selector, target):
            return
        res = ctx.resource
        variables: dict = {}
        if target == "pod":
            pod = ctx.pod
            if pod is None:
                return
            view = pod_view(ctx, variables)
            inherited = view.pop("_inherited")
            root = get_in(res.data, *pod.path) if pod.path else res.data
            anchor, prefix, label = pod.anchor, pod.path, "the pod template"
        else:
            view, inherited = schemacheck.plain(res.data, (), variables), {}
            root, anchor, prefix, label = res.data, res.anchor, (), "the object"
        for p in schemacheck.problems(validator, view, variables, root=label, prefix=prefix):
            related = ()
            if len(p.path) >= 3 and p.path[:2] == ("metadata", "annotations") and p.path[2] in inherited:
                value = inherited[p.path[2]]
                related = ctx.related(value, f"{p.path[2]} is set here")
            # A `false` schema (or x-lint-message) at the top says it all: the rule's message alone.
            text = message if not p.path and p.keyword in (None, "False", "false") else f"{message}: {p.message}"
            ctx.report(schemacheck.locate(root, p.path, p.on, anchor), text, related=related)

    return check
