"""JSON Schema checks whose findings land on the offending YAML key or value.

Shared by the schema rules (LNK601, LNK602) and by custom rules.  ``jsonschema`` is
imported on first use only: most runs never validate a custom resource.

jsonschema reports an error as a path into the instance plus the failing keyword;
``problems`` turns each error into a readable sentence and ``locate`` walks the same
path through the located YAML (``YMap``/``YSeq``) to find the span to point at:

* a wrong value         -> the value (or the key, when the value is a whole block);
* an unknown field      -> that field's key;
* a missing field       -> the key of the object that lacks it (the object's anchor at the root).

Schemas may carry annotations that jsonschema ignores and we read:
``x-lint-message`` (the sentence for a failing ``oneOf``/``anyOf``/``not``/``contains``/
``const``/``enum``/``pattern`` at that level),
``x-lint-pattern`` (what a ``pattern`` means, e.g. "a DNS label"), ``x-lint-hint``
(appended to any error at that level) and ``x-unknown-fields`` (unknown fields there
are rejected, not silently dropped; the value says by whom).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from linter.context import Where
from linter.located import Span, YMap, YSeq, format_path
from linter.redact import REDACTED
from linter.values import resolve_vars

_VALIDATORS: dict = {}


@dataclass
class Problem:
    path: tuple  # path inside the validated instance
    message: str
    on: str = "value"  # value | key | container
    unknown_field: bool = False  # an unknown field (dropped by the API server unless rejected)
    rejected: bool = True
    keyword: str = ""  # the JSON Schema keyword that failed


def cached(key):
    """The validator compiled earlier under ``key``, or None."""
    return _VALIDATORS.get(key)


def validator(key, schema: dict, draft: str = "2020-12", extend: dict | None = None):
    """A compiled validator for ``schema``, cached under ``key`` for the life of the process."""
    hit = _VALIDATORS.get(key)
    if hit is not None:
        return hit
    import jsonschema  # noqa: PLC0415 - heavy, only when something is validated

    base = {"2020-12": jsonschema.Draft202012Validator, "4": jsonschema.Draft4Validator}[draft]
    if extend:
        base = jsonschema.validators.extend(base, extend)
    v = base(schema)
    _VALIDATORS[key] = v
    return v


# -- instance preparation ------------------------------------------------------------


def json_key(k) -> str:
    """How Kubernetes' YAML-to-JSON step spells a mapping key."""
    if isinstance(k, str):
        return k
    if isinstance(k, bool):
        return "true" if k else "false"
    if k is None:
        return "null"
    return str(k)


def plain(value, path: tuple = (), variables: dict | None = None, drop_nulls: bool = False):
    """A JSON-like copy of located YAML: string keys, GitOps variables resolved.

    ``variables`` (if given) receives path -> resolved text (None: no default) for
    every string that holds a ``${VAR}``; ``problems`` stays quiet about those.
    ``drop_nulls`` leaves out mapping entries whose value is null, as the API server
    prunes them from custom resources (fields are rarely ``nullable``; erring quiet).
    """
    if isinstance(value, dict):
        return {
            json_key(k): plain(v, path + (json_key(k),), variables, drop_nulls)
            for k, v in value.items()
            if not (drop_nulls and v is None)
        }
    if isinstance(value, list):
        return [plain(v, path + (i,), variables, drop_nulls) for i, v in enumerate(value)]
    if isinstance(value, str) and "${" in value:
        resolved = resolve_vars(value)
        if resolved is not value:
            if variables is not None:
                variables[path] = resolved
            return value if resolved is None else _scalar(resolved)
    return value


def _scalar(text: str):
    """Flux substitutes text before the YAML is read: `replicas: ${N:=2}` becomes the number 2."""
    if text == "":
        return text
    import yaml  # noqa: PLC0415 - already loaded by the reader

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, (str, int, float, bool)) else text


# -- error -> problem ------------------------------------------------------------------

_YAML_TYPES = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean",
               "object": "a mapping", "array": "a list", "null": "null"}


def describe(value) -> str:
    """A YAML-speaking description of a value: a mapping, a list, the string "x", the number 3."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"the string {show(value)}"


def show(value) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return '"' + text.replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


# A Secret's data and stringData: messages say what is wrong with a value there, never what it is.
_SECRET_FIELDS = ("data", "stringData")


def _is_secret(instance) -> bool:
    return isinstance(instance, dict) and instance.get("kind") == "Secret"


def _shown(value, hide: bool) -> str:
    """``show(value)``, or <redacted> for a hidden string or number."""
    if hide and isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return REDACTED
    return show(value)


def _described(value, hide: bool) -> str:
    if hide and isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return ("the string " if isinstance(value, str) else "the number ") + REDACTED
    return describe(value)


def _types(expected) -> list:
    return [expected] if isinstance(expected, str) else list(expected)


def _type_of(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "null"


def _or(words: list) -> str:
    words = list(dict.fromkeys(words))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _type_message(where: str, value, expected: list, hide: bool = False) -> str:
    want = _or([_YAML_TYPES.get(t, t) for t in expected])
    msg = f"{where} is {_described(value, hide)}: it must be {want}"
    if "string" in expected and isinstance(value, (bool, int, float)) and not isinstance(value, dict):
        if isinstance(value, bool):
            msg += " (YAML reads unquoted true/false/yes/no/on/off as booleans: quote it)"
        else:
            msg += " (quote it)" if hide else f' (quote it: "{show(value)}")'
    elif isinstance(value, str) and ("integer" in expected or "number" in expected):
        if re.fullmatch(r"[+-]?\d+(\.\d+)?", value.strip()):
            msg += " (remove the quotes)"
    return msg


def suggest(value, choices) -> str | None:
    """The choice a misspelt value most likely meant, or None."""
    if not isinstance(value, str):
        return None
    texts = [c for c in choices if isinstance(c, str)]
    for c in texts:
        if c.lower() == value.lower() or c.lower().replace("-", "") == value.lower().replace("-", ""):
            return c
    close = difflib.get_close_matches(value, texts, n=1, cutoff=0.75)
    return close[0] if close else None


def label(path: tuple, root: str = "the object") -> str:
    return f"`{format_path(path)}`" if path else root


def _branch_only(sub: dict, key: str) -> bool:
    return isinstance(sub, dict) and set(sub) <= {key, "x-lint-message"}


def problems(validator_obj, instance, variables: dict | None = None, root: str = "the object",
             prefix: tuple = ()) -> list:
    """Readable problems for every schema error of ``instance`` (a ``plain`` copy).

    ``root`` names the instance itself in messages; ``prefix`` is prepended to the
    field paths messages show (a pod template's ``spec.template``), not to ``Problem.path``.
    """
    out: list = []
    secret = _is_secret(instance)
    for err in validator_obj.iter_errors(instance):
        out.extend(_problems(err, root, prefix, secret))
    if variables:
        out = [p for p in out if _keep(p, variables)]
    seen, unique = set(), []
    for p in sorted(out, key=lambda p: (_sortable(p.path), p.message)):
        key = (p.path, p.message)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _sortable(path):
    return tuple((0, p) if isinstance(p, int) else (1, str(p)) for p in path)


def _keep(p: Problem, variables: dict) -> bool:
    """Quiet about values that hold GitOps variables: no default -> unknown; a default -> judge it
    but not its type (Flux substitutes text, so `${PORT:=80}` may well become a number)."""
    for i in range(len(p.path), -1, -1):
        prefix = p.path[:i]
        if prefix in variables:
            if variables[prefix] is None:
                return False
            return p.keyword != "type"
    return True


def _problems(err, root: str, prefix: tuple = (), secret: bool = False) -> list:
    """``secret``: the instance is a Secret, whose data/stringData values are never shown."""
    path = tuple(err.absolute_path)
    where = label(prefix + path, root)
    kw = err.validator
    schema = err.schema if isinstance(err.schema, dict) else {}
    inst = err.instance
    hide = secret and bool(path) and path[0] in _SECRET_FIELDS
    hint = schema.get("x-lint-hint", "")
    custom = schema.get("x-lint-message")

    def one(message, on="value", keyword=kw):
        if hint:
            message = f"{message} ({hint})"
        return [Problem(path, message, on, keyword=keyword)]

    if kw == "additionalProperties" and isinstance(inst, dict):
        known = set(schema.get("properties", {}))
        patterns = list(schema.get("patternProperties", {}))
        reject = schema.get("x-unknown-fields")
        out = []
        for k in inst:
            if k in known or any(re.search(p, k) for p in patterns):
                continue
            msg = f"unknown field `{format_path(prefix + path + (k,))}`"
            meant = suggest(k, sorted(known))
            if meant:
                msg += f" (did you mean `{meant}`?)"
            msg += (f": {reject}" if reject else
                    ": the API server drops it (kubectl's strict validation rejects it), so it has no effect")
            out.append(Problem(path + (k,), msg, "key", unknown_field=True, rejected=bool(reject), keyword=kw))
        return out
    if kw == "required" and isinstance(inst, dict):
        missing = [r for r in err.validator_value if r not in inst]
        return [p for r in missing for p in one(f"{where} is missing the required field `{r}`", "container")]
    if kw in ("oneOf", "anyOf"):
        branches = err.validator_value
        if all(_branch_only(b, "required") for b in branches) and isinstance(inst, dict):
            names = [n for b in branches for n in b["required"]]
            present = [n for n in names if n in inst]
            if custom:
                on = "key" if len(present) > 1 else "container"
                target = path + (present[1],) if len(present) > 1 else path
                return [Problem(target, custom + (f" ({hint})" if hint else ""), on)]
            if len(present) > 1:
                return [Problem(path + (present[1],), f"{where} sets {_or(present).replace(' or ', ' and ')}: "
                                                      f"exactly one of {_or(names)} may be set", "key")]
            return one(f"{where} needs one of {_or(['`' + n + '`' for n in names])}", "container")
        if custom:
            return one(custom, "value")
        # A union of types (int-or-string): explain by the branch whose type fits, if one does.
        typed = [b for b in branches if isinstance(b, dict) and "type" in b]
        if len(typed) == len(branches):
            fitting = [i for i, b in enumerate(branches) if _type_of(inst) in _types(b["type"])
                       or (_type_of(inst) == "integer" and "number" in _types(b["type"]))]
            if len(fitting) == 1:
                sub = [e for e in err.context if e.schema_path and e.schema_path[0] == fitting[0]]
                if sub:
                    return [p for e in sub for p in _problems(e, root, prefix, secret)]
            return one(_type_message(where, inst, [t for b in typed for t in _types(b["type"])], hide), keyword="type")
        from jsonschema.exceptions import best_match  # noqa: PLC0415

        best = best_match(err.context)
        if best is not None:
            return _problems(best, root, prefix, secret)
        return one(f"{where} is not valid here")
    if custom and kw in ("not", "contains", "const", "enum", "pattern", "format", "allOf"):
        return one(custom)
    if kw == "not":
        return one(f"{where} is not allowed here")
    if kw == "contains":
        return one(f"{where} has no item that matches")
    if kw == "type":
        return one(_type_message(where, inst, _types(err.validator_value), hide))
    if kw in ("enum", "const"):
        values = err.validator_value if kw == "enum" else [err.validator_value]
        listed = ", ".join(show(v) for v in values)
        msg = f"{where} is {_shown(inst, hide)}: it must be {'one of ' if len(values) > 1 else ''}{listed}"
        meant = None if hide else suggest(inst, values)
        return one(msg + (f"; did you mean {show(meant)}?" if meant else ""))
    if kw == "pattern":
        desc = schema.get("x-lint-pattern")
        if desc:
            return one(f"{where} {_shown(inst, hide)} is not {desc}")
        return one(f"{where} {_shown(inst, hide)} does not match the pattern {err.validator_value}")
    if kw == "format":
        return one(f"{where} {_shown(inst, hide)} is not a valid {err.validator_value}")
    if kw in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        low = "Min" in kw or kw == "minimum"
        bound = err.validator_value
        # Draft 4 / OpenAPI 3.0 spell exclusivity as a boolean beside minimum/maximum.
        exclusive = kw.startswith("exclusive") or schema.get("exclusiveMinimum" if low else "exclusiveMaximum") is True
        if isinstance(bound, bool):
            bound = schema.get("minimum" if low else "maximum")
        words = ("greater than" if exclusive else "at least") if low else ("less than" if exclusive else "at most")
        return one(f"{where} is {_shown(inst, hide)}: it must be {words} {bound}")
    if kw == "minLength":
        n = err.validator_value
        return one(f"{where} must not be empty" if n == 1 else f"{where} {_shown(inst, hide)} is shorter than {n} characters")
    if kw == "maxLength":
        return one(f"{where} is longer than {err.validator_value} characters")
    if kw == "minItems":
        n = err.validator_value
        return one(f"{where} must not be empty" if n == 1 else f"{where} must list at least {n} items")
    if kw == "maxItems":
        return one(f"{where} lists {len(inst)} items: at most {err.validator_value} are allowed")
    if kw == "minProperties":
        n = err.validator_value
        return one(f"{where} must not be empty" if n == 1 else f"{where} needs at least {n} fields", "container")
    if kw == "maxProperties":
        return one(f"{where} has more than {err.validator_value} fields")
    if kw == "uniqueItems":
        return one(f"{where} lists the same item twice")
    if kw == "multipleOf":
        return one(f"{where} is {_shown(inst, hide)}: it must be a multiple of {err.validator_value}")
    if kw is None or kw == "false":  # a `false` subschema
        return one(f"{where} is not allowed here", "key")
    if kw == "dependentRequired":
        return one(f"{where}: {_trim(_message(err, hide or (secret and not path)))}", "container")
    if custom:
        return one(custom)
    return one(f"{where}: {_trim(_message(err, hide or (secret and not path)))}")


def _message(err, hide: bool) -> str:
    """jsonschema's own message, which quotes the instance (repr): not a Secret's values."""
    if not hide:
        return err.message
    return err.message.replace(repr(err.instance), describe(err.instance) if isinstance(err.instance, (dict, list))
                               else REDACTED)


def _trim(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= 200 else text[:197] + "..."


# -- problem -> position -------------------------------------------------------------------


def _child(container, part):
    """(key as written, value) of ``part`` in a located container, or None."""
    if isinstance(container, YMap):
        if part in container:
            return part, container[part]
        for k in container:
            if json_key(k) == part:
                return k, container[k]
        return None
    if isinstance(container, YSeq) and isinstance(part, int) and 0 <= part < len(container):
        return part, container[part]
    return None


def locate(root, path: tuple, on: str, anchor: Span) -> Where:
    """The span a problem at ``path`` (inside ``root``) points at; see the module docstring."""
    trail = []  # (container, key as written)
    cur = root
    for part in path:
        hit = _child(cur, part)
        if hit is None:
            break
        trail.append((cur, hit[0]))
        cur = hit[1]
    base = root.path if isinstance(root, (YMap, YSeq)) else ()
    if not trail:
        return Where(anchor, base)
    container, key = trail[-1]
    complete = len(trail) == len(path)
    at_key = on in ("key", "container") or not complete or isinstance(cur, (YMap, YSeq))
    if isinstance(container, YMap):
        span = container.key_span(key) if at_key else container.value_span(key)
    else:
        span = container.item_span(key)
    return Where(span or container.span or anchor, container.path + (key,))
