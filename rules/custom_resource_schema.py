"""LNK602: instances of CustomResourceDefinitions found in the input or `context` against their schema.

What the API server enforces on a custom resource, and what it does not:

* types, enums, patterns, bounds, required fields, ``oneOf``/``anyOf``/``allOf``/``not``
  of the version's ``openAPIV3Schema``: enforced (the object is rejected);
* ``x-kubernetes-int-or-string``: an integer or a string; ``nullable``: null allowed;
* ``x-kubernetes-list-type: set|map``: duplicate items (or map keys) are rejected;
* unknown fields: *pruned* (dropped) unless ``x-kubernetes-preserve-unknown-fields``;
  only kubectl's strict field validation rejects them, so they are not reported here;
* ``null`` for a non-nullable field: pruned, not rejected - also not reported;
* ``format``: partly checked by the server, with its own format list; not reported;
* CEL rules (``x-kubernetes-validations``): not evaluated here.
"""

import re

from linter.located import YMap, YSeq
from linter.rule import Example, Related, Severity, collector, rule

from .linkerd_resource_schema import _KINDS as _LINKERD_KINDS

_CRD_TRIGGER = r"""["']?kind["']?\s*:\s*["']?CustomResourceDefinition\b"""
_FACT = "custom-resource-definitions"
# Linkerd's own kinds are LNK601's: its schemas are stricter than the CRDs'.
_LINKERD_GROUPS = ("policy.linkerd.io", "linkerd.io", "workload.linkerd.io", "multicluster.linkerd.io")


class CRD:
    """What the run knows about one CustomResourceDefinition."""

    def __init__(self, name, group, kind, file, span, versions):
        self.name, self.group, self.kind = name, group, kind
        self.file, self.span = file, span
        self.versions = versions  # name -> (served, openAPIV3Schema or None)
        self.validators: dict = {}


@collector(name="custom-resource-definitions", trigger=_CRD_TRIGGER)
def collect_crds(resource, inventory):
    if resource.kind != "CustomResourceDefinition" or not resource.api_version.startswith("apiextensions.k8s.io/"):
        return
    spec = resource.data.get("spec")
    if not isinstance(spec, YMap):
        return
    names = spec.get("names")
    group, kind = spec.get("group"), names.get("kind") if isinstance(names, YMap) else None
    if not isinstance(group, str) or not isinstance(kind, str):
        return
    shared = _schema_of(spec.get("validation"))  # apiextensions.k8s.io/v1beta1
    versions = {}
    for v in spec.get("versions") if isinstance(spec.get("versions"), YSeq) else ():
        if isinstance(v, YMap) and isinstance(v.get("name"), str):
            versions[v["name"]] = (v.get("served", True) is not False, _schema_of(v.get("schema")) or shared)
    if not versions and isinstance(spec.get("version"), str):
        versions[spec["version"]] = (True, shared)
    known = inventory.facts.setdefault(_FACT, {})
    known.setdefault((group, kind), CRD(resource.name, group, kind, resource.file, resource.anchor, versions))


def _schema_of(holder):
    schema = holder.get("openAPIV3Schema") if isinstance(holder, YMap) else None
    return schema if isinstance(schema, YMap) else None


# -- openAPIV3Schema -> JSON Schema (draft 4, which shares OpenAPI 3.0's boolean exclusive bounds) --

_COPY = ("type", "enum", "required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
         "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "multipleOf", "uniqueItems",
         "x-kubernetes-list-type", "x-kubernetes-list-map-keys")


def translate(node) -> dict:
    if not isinstance(node, dict):
        return {}
    out = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties") and isinstance(value, dict):
            out[key] = {k: translate(v) for k, v in value.items() if isinstance(k, str)}
        elif key == "items":
            out[key] = [translate(v) for v in value] if isinstance(value, list) else translate(value)
        elif key == "additionalProperties" and isinstance(value, dict):
            out[key] = translate(value)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            out[key] = [translate(v) for v in value]
        elif key == "not":
            out[key] = translate(value)
        elif key == "pattern" and isinstance(value, str):
            try:
                re.compile(value)
            except re.error:
                continue  # a Go (RE2) pattern Python cannot read: stay quiet
            out[key] = value
        elif key in _COPY:
            out[key] = value
    if node.get("x-kubernetes-int-or-string") is True:
        out.pop("type", None)
        if "anyOf" not in out and "oneOf" not in out:
            out["type"] = ["integer", "string"]
    if node.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if isinstance(out.get("enum"), list):
            out["enum"] = list(out["enum"]) + [None]
    return out


def _list_type(validator, value, instance, schema):
    """``x-kubernetes-list-type``: sets hold no duplicates, maps no two items with the same keys."""
    import json

    from jsonschema.exceptions import ValidationError

    if not isinstance(instance, list) or value not in ("set", "map"):
        return
    keys = schema.get("x-kubernetes-list-map-keys") or []
    seen = {}
    for i, item in enumerate(instance):
        if value == "set":
            ident = json.dumps(item, sort_keys=True, default=str)
        elif isinstance(item, dict) and keys and all(k in item for k in keys):
            ident = json.dumps([item.get(k) for k in keys], default=str)
        else:
            continue
        if ident in seen:
            if value == "set":
                why = f"duplicate of item {seen[ident]}: the list is a set"
            else:
                shown = ", ".join(f"{k}={item.get(k)!r}" for k in keys)
                why = f"another item ({seen[ident]}) has the same {shown}: items are keyed by {', '.join(keys)}"
            yield ValidationError(why, path=[i])
        else:
            seen[ident] = i


# The example CRD, shared by the good and the bad example.
_WIDGET_CRD = (
    "apiVersion: apiextensions.k8s.io/v1\n"
    "kind: CustomResourceDefinition\n"
    "metadata:\n"
    "  name: widgets.example.com\n"
    "spec:\n"
    "  group: example.com\n"
    "  scope: Namespaced\n"
    "  names: {kind: Widget, plural: widgets, singular: widget}\n"
    "  versions:\n"
    "    - name: v1\n"
    "      served: true\n"
    "      storage: true\n"
    "      schema:\n"
    "        openAPIV3Schema:\n"
    "          type: object\n"
    "          properties:\n"
    "            spec:\n"
    "              type: object\n"
    "              required: [color]\n"
    "              properties:\n"
    "                replicas: {type: integer, minimum: 1}\n"
    "                color: {type: string, enum: [red, green, blue]}\n"
)


@rule(
    id="LNK602",
    name="custom-resource-schema",
    severity=Severity.ERROR,
    summary="A custom resource does not match the schema of its CustomResourceDefinition (found in the input or `context`).",
    why=(
        "The API server validates every custom resource against the `openAPIV3Schema` of its version and rejects "
        "what does not fit: a string where an integer belongs, a value outside an enum, a missing required field, "
        "a duplicate key in a list keyed by name. When the CustomResourceDefinition is in the input or in a "
        "`context` path, linkerd-lint checks the same in the pull request - for any CRD, not only Linkerd's "
        "(whose resources LNK601 checks with stricter, hand-written schemas). Like the API server, it does not "
        "treat unknown fields or nulls as errors (they are pruned) and does not evaluate CEL rules."
    ),
    how_to_fix="Change the field the finding points at to what the CRD's schema allows, or use a version the CRD serves.",
    references=(
        "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation",
        "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#field-pruning",
        "https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy (x-kubernetes-list-type)",
    ),
    bad=Example(
        "apiVersion: example.com/v1\n"
        "kind: Widget\n"
        "metadata:\n"
        "  name: blue\n"
        "spec:\n"
        "  replicas: \"3\"  # <- LNK602 @\"3\"\n"
        "  color: purple  # <- LNK602 @purple\n",
        files=(("crds/widget.yaml", _WIDGET_CRD),),
    ),
    good=Example(
        "apiVersion: example.com/v1\n"
        "kind: Widget\n"
        "metadata:\n"
        "  name: blue\n"
        "spec:\n"
        "  replicas: 3\n"
        "  color: blue\n",
        files=(("crds/widget.yaml", _WIDGET_CRD),),
    ),
)
def check(ctx):
    crds = ctx.inventory.facts.get(_FACT)
    if not crds:
        return
    res = ctx.resource
    group, _, version = res.api_version.rpartition("/")
    crd = crds.get((group, res.kind))
    if crd is None or group in _LINKERD_GROUPS and res.kind in _LINKERD_KINDS:
        return
    related = (Related(crd.file, crd.span, f"CustomResourceDefinition {crd.name}"),)
    entry = crd.versions.get(version)
    if entry is None or not entry[0]:
        served = [v for v, (on, _) in crd.versions.items() if on]
        where = ctx.value(res.data, "apiVersion")
        ctx.report(
            where,
            f"CustomResourceDefinition {crd.name} does not serve version {version!r} "
            f"(it serves {', '.join(served) or 'none'}): the API server rejects the object",
            related=related,
        )
        return
    schema = entry[1]
    if schema is None:
        return
    validator = crd.validators.get(version)
    if validator is None:
        import json

        from linter import schemacheck

        translated = translate(schema)
        digest = json.dumps(translated, sort_keys=True, default=str)
        validator = schemacheck.validator(("crd", group, res.kind, version, digest), translated, draft="4",
                                          extend={"x-kubernetes-list-type": _list_type})
        crd.validators[version] = validator
    _report(ctx, validator, related)


def _report(ctx, validator, related):
    from linter import schemacheck

    res = ctx.resource
    variables: dict = {}
    instance = schemacheck.plain(res.data, (), variables, drop_nulls=True)
    for p in schemacheck.problems(validator, instance, variables):
        ctx.report(schemacheck.locate(res.data, p.path, p.on, res.anchor), p.message, related=related)
