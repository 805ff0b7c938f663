"""LNK602: instances of CustomResourceDefinitions found in the input or `context` against their schema.

What the API server enforces on a custom resource, and what it does not:

* types, enums, patterns, bounds, required fields, ``oneOf``/``anyOf``/``allOf``/``not``
  of the version's ``openAPIV3Schema``: enforced (the object is rejected);
* ``x-kubernetes-int-or-string``: an integer or a string; ``nullable``: null allowed;
* ``x-kubernetes-list-type: set|map``: duplicate items (or map keys) are rejected;
* unknown fields: *pruned* (dropped) by a structural schema (every apiextensions.k8s.io/v1
  CRD; a v1beta1 one only with ``preserveUnknownFields: false``), unless the node says
  ``x-kubernetes-preserve-unknown-fields``; kubectl's default strict field validation
  rejects them.  Reported as a warning, worded as LNK601 words them.  Where the schema
  cannot tell (an object node without ``properties``, inside ``allOf``/``anyOf``/``oneOf``/
  ``not``, ``metadata``) nothing is reported; ``apiVersion``, ``kind`` and ``metadata`` are
  implicit at the root and in ``x-kubernetes-embedded-resource`` nodes;
* ``null`` for a non-nullable field: pruned, not rejected - also not reported;
* ``format``: the server checks the formats of its own list (k8s.io/apiextensions-apiserver
  pkg/apiserver/validation/formats.go, ``supportedVersionedFormats``; a name is compared
  with its dashes removed, so ``date-time`` is ``datetime``) and ignores any other.  Of
  that list, the formats whose Go parsing is reproduced exactly here are checked:
  ``ipv4``, ``ipv6``, ``cidr`` (net.ParseIP/ParseCIDR, IPv4 leading zeros accepted as the
  "sloppy" parsers do), ``uuid``/``uuid3``/``uuid4``/``uuid5`` (the regexes of
  kube-openapi's strfmt), ``date`` (RFC 3339 full-date), ``byte`` (standard base64);
  the rest (``datetime``, ``duration``, ``hostname``, ``uri``, ``email``…) are left alone;
* CEL rules (``x-kubernetes-validations``): not evaluated; one info notice per run says
  so when an instance is checked against a schema that has them.
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

    def __init__(self, name, group, kind, file, span, versions, prunes=True):
        self.name, self.group, self.kind = name, group, kind
        self.file, self.span = file, span
        self.versions = versions  # name -> (served, openAPIV3Schema or None)
        self.prunes = prunes  # unknown fields dropped (a structural schema)
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
    # v1 always prunes; v1beta1 keeps unknown fields unless preserveUnknownFields: false.
    prunes = resource.api_version == "apiextensions.k8s.io/v1" or spec.get("preserveUnknownFields") is False
    known = inventory.facts.setdefault(_FACT, {})
    known.setdefault((group, kind), CRD(resource.name, group, kind, resource.file, resource.anchor, versions, prunes))


def _schema_of(holder):
    schema = holder.get("openAPIV3Schema") if isinstance(holder, YMap) else None
    return schema if isinstance(schema, YMap) else None


# -- openAPIV3Schema -> JSON Schema (draft 4, which shares OpenAPI 3.0's boolean exclusive bounds) --

_COPY = ("type", "enum", "required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
         "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "multipleOf", "uniqueItems",
         "x-kubernetes-list-type", "x-kubernetes-list-map-keys")


_IMPLICIT = ("apiVersion", "kind", "metadata")  # at the root and in embedded resources


def translate(node, prune: bool = False, root: bool = False) -> dict:
    """A CRD schema node as JSON Schema; ``prune``: unknown fields are dropped here (reported)."""
    if not isinstance(node, dict):
        return {}
    out = {}
    embedded = root or node.get("x-kubernetes-embedded-resource") is True
    for key, value in node.items():
        if key in ("properties", "patternProperties") and isinstance(value, dict):
            # ObjectMeta is pruned by its own rules, not by the schema's (which may only restrict name).
            out[key] = {k: translate(v, prune and not (embedded and k == "metadata")) for k, v in value.items()
                        if isinstance(k, str)}
        elif key == "items":
            out[key] = [translate(v, prune) for v in value] if isinstance(value, list) else translate(value, prune)
        elif key == "additionalProperties" and isinstance(value, dict):
            out[key] = translate(value, prune)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            out[key] = [translate(v) for v in value]  # their properties repeat the node's: no pruning there
        elif key == "not":
            out[key] = translate(value)
        elif key == "format" and isinstance(value, str) and value.replace("-", "") in FORMATS:
            out[key] = value.replace("-", "")
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
    props = out.get("properties")
    if (prune and isinstance(props, dict) and props and "additionalProperties" not in node
            and "patternProperties" not in node and node.get("x-kubernetes-preserve-unknown-fields") is not True):
        if embedded:
            for k in _IMPLICIT:
                props.setdefault(k, {})
        out["additionalProperties"] = False
    return out


def has_cel(node) -> bool:
    """Whether a schema holds CEL rules (``x-kubernetes-validations``) anywhere."""
    if isinstance(node, dict):
        return "x-kubernetes-validations" in node or any(has_cel(v) for v in node.values())
    if isinstance(node, list):
        return any(has_cel(v) for v in node)
    return False


# -- formats: the safe subset of the API server's (see the module docstring) --------------------

_UUID = {
    "uuid": r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$",
    "uuid3": r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$",
    "uuid4": r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$",
    "uuid5": r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$",
}
_SLOPPY_V4 = r"^(?:0*(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}0*(?:25[0-5]|2[0-4]\d|1?\d?\d)$"


def _ip(text: str) -> bool:
    import ipaddress

    if re.match(_SLOPPY_V4, text):
        return True
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _cidr(text: str) -> bool:
    import ipaddress

    addr, slash, bits = text.partition("/")
    if not slash or not bits.isdigit() or not bits.isascii():
        return False
    if re.match(_SLOPPY_V4, addr):
        return int(bits) <= 32
    try:
        ipaddress.ip_network(f"{addr}/{int(bits)}", strict=False)
    except ValueError:
        return False
    return ":" in addr


def _date(text: str) -> bool:
    import datetime

    if not re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        return False
    try:
        datetime.date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        return False
    return True


def _byte(text: str) -> bool:
    import base64
    import binascii

    try:
        base64.b64decode(text.replace("\r", "").replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


FORMATS = {
    "ipv4": lambda s: _ip(s) and "." in s,  # kube-openapi strfmt IsIPv4: ParseIP, and a dot
    "ipv6": lambda s: _ip(s) and ":" in s,  # IsIPv6: ParseIP, and a colon
    "cidr": _cidr,
    "date": _date,
    "byte": _byte,
    **{name: (lambda s, rx=rx: re.match(rx, s) is not None) for name, rx in _UUID.items()},
}


def _format(validator, value, instance, schema):
    """``format`` as the API server checks it, for strings and the formats of ``FORMATS``."""
    from jsonschema.exceptions import ValidationError

    check = FORMATS.get(value)
    if check is not None and isinstance(instance, str) and not check(instance):
        yield ValidationError(f"{instance!r} is not a valid {value}")


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
    severities=(Severity.INFO, Severity.WARNING, Severity.ERROR),
    summary="A custom resource does not match the schema of its CustomResourceDefinition (found in the input or `context`).",
    why=(
        "The API server validates every custom resource against the `openAPIV3Schema` of its version and rejects "
        "what does not fit: a string where an integer belongs, a value outside an enum, a missing required field, "
        "a duplicate key in a list keyed by name. When the CustomResourceDefinition is in the input or in a "
        "`context` path, linkerd-lint checks the same in the pull request - for any CRD, not only Linkerd's "
        "(whose resources LNK601 checks with stricter, hand-written schemas).\n\n"
        "An unknown field is a warning, as in LNK601: the API server prunes it (it has no effect), and kubectl's "
        "default strict field validation rejects the object; nodes with `x-kubernetes-preserve-unknown-fields` "
        "keep theirs. Values of the formats the API server validates are checked where linkerd-lint reproduces "
        "the server's parsing exactly (`ipv4`, `ipv6`, `cidr`, `uuid`…, `date`, `byte`). CEL rules "
        "(`x-kubernetes-validations`) are not evaluated: an info notice says so once per run when a checked "
        "object's schema has them (`kubectl apply --dry-run=server` evaluates them)."
    ),
    how_to_fix="Change the field the finding points at to what the CRD's schema allows, or use a version the CRD serves.",
    references=(
        "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation",
        "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#field-pruning",
        "https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy (x-kubernetes-list-type)",
        "kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/validation/formats.go "
        "(supportedVersionedFormats, StripUnsupportedFormatsPostProcessorForVersion)",
        "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/"
        "#validation-rules (CEL, not evaluated)",
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

        translated = translate(schema, prune=crd.prunes, root=True)
        digest = json.dumps(translated, sort_keys=True, default=str)
        validator = schemacheck.validator(("crd", group, res.kind, version, digest), translated, draft="4",
                                          extend={"x-kubernetes-list-type": _list_type, "format": _format})
        crd.validators[version] = (validator, has_cel(schema))
    validator, cel = crd.validators[version]
    _report(ctx, validator, related)
    if cel:
        ctx.report(ctx.value(res.data, "apiVersion"), _CEL_NOTICE, severity=Severity.INFO, once=True)


_CEL_NOTICE = (
    "CEL validation rules (x-kubernetes-validations) of the CustomResourceDefinitions in the input are not "
    "evaluated: a custom resource that passes here may still be rejected (kubectl apply --dry-run=server checks them)"
)


def _report(ctx, validator, related):
    from linter import schemacheck

    res = ctx.resource
    variables: dict = {}
    instance = schemacheck.plain(res.data, (), variables, drop_nulls=True)
    for p in schemacheck.problems(validator, instance, variables):
        severity = Severity.WARNING if p.unknown_field and not p.rejected else None
        ctx.report(schemacheck.locate(res.data, p.path, p.on, res.anchor), p.message, related=related,
                   severity=severity)
