"""Value grammars shared by rules: GitOps variables and Kubernetes quantities."""

from __future__ import annotations

import re

from linter.lazyre import pattern

TYPE_CHECKING = False
if TYPE_CHECKING:
    from decimal import Decimal

# Flux post-build substitution: ${VAR}, ${VAR:=default}, ${VAR:-default} (also ${VAR=d}, ${VAR-d}).
_VAR = pattern(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])([^}]*))?\}")


class Unresolved(str):
    """Marker for a value that holds a GitOps variable without a default."""


def resolve_vars(value):
    """Substitute GitOps variables by their defaults.

    Returns the value unchanged when it holds no variable, the substituted text when
    every variable has a default, and ``None`` when one has none: an unresolved
    variable is filled in at deploy time and is not the user's mistake.
    """
    if not isinstance(value, str) or "${" not in value:
        return value
    inner = _quote_wrapped(value)
    if inner is not None:
        return resolve_vars(inner)
    missing = False

    def sub(m):
        nonlocal missing
        if m.group(2) is None:
            missing = True
            return ""
        return m.group(3)

    out = _VAR.sub(sub, value)
    return None if missing else out


def _quote_wrapped(value: str):
    """The text between ``${quote}`` … ``${quote}``, Flux's documented way to keep a substituted value a
    string (``quote: '"'`` in postBuild.substitute): those quotes are YAML syntax, not part of the value."""
    if len(value) > 16 and value[:8].lower() == "${quote}" and value[-8:] == value[:8]:
        return value[8:-8]
    return None


UNKNOWN = object()  # substituted(): a variable without a default, filled in at deploy time


def substituted(value):
    """``value`` as the cluster receives it after Flux post-build substitution; ``UNKNOWN`` when a
    variable has no default.

    Flux's kustomize-controller substitutes ``${VAR}``/``${VAR:=default}`` in the YAML that
    ``kustomize build`` prints and parses the result again.  ``kustomize build`` does not keep
    the quotes of a string that would read back as the same string, so ``"${ENABLED:=false}"``
    comes out as ``${ENABLED:=false}`` and, substituted, as the boolean ``false``.  Flux's own
    documentation says so: to get the string ``"true"`` one must substitute quote characters
    (fluxcd/kustomize-controller docs/spec/v1/kustomizations.md, "Post build substitution of
    numbers and booleans").  A scalar without a variable keeps its YAML type.
    """
    if not isinstance(value, str) or "${" not in value:
        return value
    text = resolve_vars(value)
    if text is None:
        return UNKNOWN
    if _quote_wrapped(value) is not None:
        return text  # the substituted quotes make it a YAML string
    import yaml  # already loaded by the reader; kept local so this module stays import-light

    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    # A substituted value that reads back as a mapping or list is not a scalar any more;
    # judging it would be guessing.
    if isinstance(parsed, (dict, list)):
        return UNKNOWN
    if not isinstance(parsed, str) or parsed == text.strip():
        # A plain scalar: typed as Kubernetes' reader types it (go-yaml v2), as the reader
        # types every other value (``y`` is a boolean, ``12:30`` a string), not as YAML 1.1.
        from linter.source import go_scalar

        plain = text.strip()
        if plain[:1] not in ("'", '"', "!", "&", "*", "|", ">"):
            return go_scalar(plain)[1]
    return text if parsed is None and text.strip() not in ("", "~", "null", "Null", "NULL") else parsed


# Kubernetes resource.Quantity: <signed-number><suffix>, suffix binary (Ki..Ei), decimal SI
# (n u m "" k M G T P E) or exponent (e/E<int>).  No spaces, case-sensitive suffixes.
_QUANTITY = pattern(r"^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$")
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
# Decimal SI suffixes -> their factor, as Decimal text (decimal is imported with the first
# quantity parsed, not by every run: ~2 ms).
_DECIMAL = {
    "n": "1e-9", "u": "1e-6", "m": "1e-3", "": "1", "k": "1e3", "M": "1e6", "G": "1e9", "T": "1e12", "P": "1e15",
    "E": "1e18",
}


def parse_quantity(text) -> Decimal | None:
    """The value of a Kubernetes quantity in base units, or None when it is not one."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, (int, float)):
        text = str(text)
    if not isinstance(text, str):
        return None
    m = _QUANTITY.match(text)
    if not m:
        return None
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(m.group(1))
    except InvalidOperation:  # pragma: no cover - the regex admits only numbers
        return None
    suffix = m.group(2) or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix in _DECIMAL:
        return number * Decimal(_DECIMAL[suffix])
    return number * (Decimal(10) ** int(suffix[1:]))


def quantity_hint(text: str) -> str | None:
    """A likely intended spelling of a malformed quantity (128MB -> 128M or 128Mi)."""
    if not isinstance(text, str):
        return None
    compact = text.replace(" ", "")
    m = re.match(r"^([+-]?\d+(?:\.\d+)?)([A-Za-z]*)$", compact)
    if not m:
        return None
    number, unit = m.groups()
    fixes = {
        "mb": "Mi", "mib": "Mi", "mi": "Mi", "gb": "Gi", "gib": "Gi", "gi": "Gi", "kb": "Ki", "kib": "Ki",
        "ki": "Ki", "cores": "", "core": "", "cpu": "", "cpus": "", "millicores": "m", "mcpu": "m",
    }
    suggestion = fixes.get(unit.lower())
    if suggestion is None:
        if parse_quantity(compact) is not None:
            return compact
        return None
    return number + suggestion


def format_bytes(value: Decimal) -> str:
    for suffix, size in (("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if value >= size and value % size == 0:
            return f"{int(value / size)}{suffix}"
    return f"{value.normalize():f}"
