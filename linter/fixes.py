"""Building text edits for fixes: change only what must change, in the file's own style.

Every helper returns ``Edit``s over the original text (or None when the layout is
one we cannot edit without guessing, e.g. flow-style mappings); the fixer applies them.
"""

from __future__ import annotations

import json

from linter.located import Span, YMap
from linter.rule import Edit


def text_at(source, span: Span) -> str:
    return source.text[source.offset(span.line, span.col): source.offset(span.end_line, span.end_col)]


def _quote_like(original: str, value: str) -> str:
    if original[:1] == '"':
        return json.dumps(value)
    if original[:1] == "'":
        return "'" + value.replace("'", "''") + "'"
    return value


def replace_scalar(source, span: Span, value: str) -> Edit:
    """Replace a scalar, keeping its quoting style; plain scalars stay plain when that is safe."""
    original = text_at(source, span)
    new = _quote_like(original, value)
    if new == value and not _plain_safe(value):
        new = json.dumps(value)
    return Edit(span, new)


def quote_scalar(source, span: Span) -> Edit:
    """Turn a plain scalar into a double-quoted string of the same text (true -> "true")."""
    original = text_at(source, span)
    if span.line == span.end_line and span.col == span.end_col:  # `key:` with no value
        return Edit(span, ' ""')
    if original in ("~", "null", "Null", "NULL"):
        return Edit(span, '""')
    return Edit(span, json.dumps(original))


def _plain_safe(value: str) -> bool:
    import re

    if value == "" or value != value.strip():
        return False
    if re.match(r"^(?:[-?:,\[\]{}#&*!|>'\"%@`~]|true$|false$|yes$|no$|on$|off$|null$|y$|n$)", value, re.I):
        return False
    if re.match(r"^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$", value):
        return False
    return ": " not in value and " #" not in value


def _line_indent(source, line: int) -> str:
    text = source.lines[line - 1] if line - 1 < len(source.lines) else ""
    return text[: len(text) - len(text.lstrip(" "))]


def _is_block(source, container: YMap) -> bool:
    if container.span is None:
        return False
    first = text_at(source, Span(container.span.line, container.span.col, container.span.line, container.span.col + 1))
    return first not in ("{", "[")


def delete_entry(source, container: YMap, key) -> Edit | None:
    """Delete ``key: value`` (all its lines) from a block mapping whose keys start their lines."""
    if not _is_block(source, container) or key not in container.spans:
        return None
    kspan, vspan = container.spans[key]
    line_text = source.lines[kspan.line - 1]
    if line_text[: kspan.col - 1].strip():
        return None  # `- key: value`: removing the line would remove the list item
    end = vspan.end_line if vspan.end_col > 1 else vspan.end_line - 1
    end = max(end, kspan.line)
    return Edit(Span(kspan.line, 1, end + 1, 1), "")


def insert_entry(source, container: YMap, key: str, value_text: str) -> Edit | None:
    """Append ``key: value`` to a block mapping, indented like its other keys."""
    if not container or not _is_block(source, container):
        return None
    last = list(container.spans.values())[-1]
    first_key = next(iter(container.spans.values()))[0]
    indent = " " * (first_key.col - 1)
    # a nested block or block scalar ends at the start of the line after it
    after = last[1].end_line - (1 if last[1].end_col == 1 else 0)
    newline = "\r\n" if "\r\n" in source.text else "\n"
    return Edit(Span(after + 1, 1, after + 1, 1), f"{indent}{key}: {value_text}{newline}")


def insert_annotation(source, owner: YMap, key: str, value_text: str) -> Edit | None:
    """Add an annotation to the metadata found under ``owner`` (an object or a pod template).

    Handles an existing block ``annotations:`` mapping, a ``metadata:`` without
    annotations, and an owner without ``metadata:``; anything else gets no fix.
    """
    newline = "\r\n" if "\r\n" in source.text else "\n"
    meta = owner.get("metadata")
    if isinstance(meta, YMap) and meta:
        ann = meta.get("annotations")
        if isinstance(ann, YMap) and ann:
            return insert_entry(source, ann, key, value_text)
        if "annotations" in meta:
            return None  # `annotations:` empty or flow-style: leave it to the user
        first = next(iter(meta.spans.values()))[0]
        indent = " " * (first.col - 1)
        step = _indent_step(source, meta, owner)
        edit = insert_entry(source, meta, "annotations", "")
        if edit is None:
            return None
        text = f"{indent}annotations:{newline}{indent}{step}{key}: {value_text}{newline}"
        return Edit(edit.span, text)
    if "metadata" in owner or not owner or not _is_block(source, owner):
        return None
    first = next(iter(owner.spans.values()))[0]
    indent = " " * (first.col - 1)
    step = _indent_step(source, owner, None)
    line = first.line
    text = f"{indent}metadata:{newline}{indent}{step}annotations:{newline}{indent}{step}{step}{key}: {value_text}{newline}"
    return Edit(Span(line, 1, line, 1), text)


def _indent_step(source, inner: YMap, outer) -> str:
    """The file's indentation step, measured from a nested mapping (default two spaces)."""
    if outer is not None and isinstance(outer, YMap) and outer.spans and inner.spans:
        o = next(iter(outer.spans.values()))[0].col
        i = next(iter(inner.spans.values()))[0].col
        if i > o:
            return " " * (i - o)
    return "  "
