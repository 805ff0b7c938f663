"""The value a scalar has after Flux post-build substitution.

Flux's kustomize-controller substitutes ``${VAR}``/``${VAR:=default}`` in the YAML that
``kustomize build`` prints and parses the result again.  ``kustomize build`` does not keep
the quotes of a string that would read back as the same string, so ``"${ENABLED:=false}"``
comes out as ``${ENABLED:=false}`` and, substituted, as the boolean ``false``.  Flux's own
documentation says so: to get the string ``"true"`` one must substitute quote characters
(kustomize-controller docs, "Post build substitution of numbers and booleans").
A scalar without a variable keeps its YAML type.
"""

from __future__ import annotations

from linter.values import resolve_vars

UNKNOWN = object()  # a variable without a default: filled in at deploy time


def substituted(value):
    """``value`` as the cluster receives it; ``UNKNOWN`` when a variable has no default."""
    if not isinstance(value, str) or "${" not in value:
        return value
    text = resolve_vars(value)
    if text is None:
        return UNKNOWN
    import yaml  # already loaded by the reader; kept local so this module stays import-light

    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    # A substituted value that reads back as a mapping or list is not a scalar any more;
    # judging it would be guessing.
    if isinstance(parsed, (dict, list)):
        return UNKNOWN
    return text if parsed is None and text.strip() not in ("", "~", "null", "Null", "NULL") else parsed
