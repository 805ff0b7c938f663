"""Building text edits for fixes: change only what must change, in the file's own style.

Every helper returns ``Edit``s over the original text (or None when the layout is
one we cannot edit without guessing, e.g. flow-style mappings); the fixer applies them.
"""

from __future__ import annotations

from linter.located import Span, YMap, YSeq
from linter.rule import Edit


def _json_string(value: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes are YAML's); json is imported only when a fix is built."""
    import json

    return json.dumps(value)


def text_at(source, span: Span) -> str:
    return source.text[source.offset(span.line, span.col): source.offset(span.end_line, span.end_col)]


def _quote_like(original: str, value: str) -> str:
    if original[:1] == '"':
        return _json_string(value)
    if original[:1] == "'":
        return "'" + value.replace("'", "''") + "'"
    return value


def replace_scalar(source, span: Span, value: str) -> Edit:
    """Replace a scalar, keeping its quoting style; plain scalars stay plain when that is safe."""
    original = text_at(source, span)
    new = _quote_like(original, value)
    if new == value and not _plain_safe(value):
        new = _json_string(value)
    return Edit(span, new)


def quote_scalar(source, span: Span) -> Edit:
    """Turn a plain scalar into a double-quoted string of the same text (true -> "true")."""
    original = text_at(source, span)
    if span.line == span.end_line and span.col == span.end_col:  # `key:` with no value, or `{key}`
        before = source.lines[span.line - 1][: span.col - 1].rstrip() if span.line <= len(source.lines) else ":"
        return Edit(span, ' ""' if before.endswith(":") else ': ""')  # `{key ""}` would be a new key (found by fuzzing)
    if original in ("~", "null", "Null", "NULL"):
        return Edit(span, '""')
    return Edit(span, _json_string(original))


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


def last_line(source, value, span: Span) -> int:
    """The last line holding the text of a node (not the trailing comments after it).

    PyYAML ends a block collection where the next token starts, which can be past
    comment lines or on the next key's line: walk down to the last child instead.
    """
    for _ in range(1000):  # nesting bound; the reader refuses deeper documents
        children = ()
        if isinstance(value, (YMap, YSeq)) and value.span is not None and _is_block(source, value):
            inside = value.span
            if isinstance(value, YMap):
                children = [(value[k], v) for k, (ks, v) in value.spans.items() if k in value and _within(ks, inside)]
            else:
                children = [(item, sp) for item, sp in zip(value, value.spans) if sp is not None and _within(sp, inside)]
        if not children:
            break
        value, span = max(children, key=lambda c: (c[1].line, c[1].col))
    if span.end_col == 1 and span.end_line > span.line:
        return span.end_line - 1
    return span.end_line


def _within(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.col) <= (inner.line, inner.col) <= (outer.end_line, outer.end_col)


def _shared(source, container: YMap) -> bool:
    """Whether ``container`` lies inside a collection that an alias or merge key repeats
    elsewhere (``labels: &pod {...}`` and ``selector: *pod``, or an anchor on a map above it):
    removing an entry here removes it there too, from an object the finding is not about.
    The reader records those collections (``SourceFile.shared``)."""
    span = container.span
    return span is not None and any(_within(span, outer) for outer in source.shared)


def _entry_lines(source, container: YMap, key):
    """(first, last) line of a block-mapping entry whose key starts its line, else None."""
    if not _is_block(source, container) or key not in container.spans or key not in container:
        return None
    if _shared(source, container):
        return None
    kspan, vspan = container.spans[key]
    if container.span is not None and not _within(kspan, container.span):
        return None  # a key merged in with `<<` lives elsewhere
    line_text = source.lines[kspan.line - 1]
    if line_text[: kspan.col - 1].strip():
        return None  # `- key: value`: removing the line would remove the list item
    return kspan.line, max(last_line(source, container[key], vspan), kspan.line)


def delete_entry(source, container: YMap, key) -> Edit | None:
    """Delete ``key: value`` (all its lines) from a block mapping whose keys start their lines.

    Comments on those lines stay, each on a line of its own at the key's indentation: a fix
    never drops what a person wrote to explain the manifest.
    """
    lines = _entry_lines(source, container, key)
    if lines is None:
        return None
    indent = " " * (container.key_span(key).col - 1)
    nl = _newline(source)
    kept = "".join(f"{indent}{c}{nl}" for c in comments_within(source, container, key, *lines))
    return Edit(Span(lines[0], 1, lines[1] + 1, 1), kept)


def _leaf_spans(value, span, out: list, seen: set) -> None:
    """Spans of every scalar (keys included) under a node: where a ``#`` is text, not a comment."""
    stack = [(value, span)]
    while stack:
        value, span = stack.pop()
        if isinstance(value, (YMap, YSeq)):
            if id(value) in seen:  # an alias: its text is the anchor's, elsewhere
                continue
            seen.add(id(value))
            if isinstance(value, YMap):
                for k, (ks, vs) in value.spans.items():
                    out.append(ks)
                    stack.append((value.get(k), vs))
            else:
                stack.extend(zip(value, value.spans))
        elif span is not None:
            out.append(span)


def comments_within(source, container: YMap, key, first: int, last: int) -> list:
    """The comments (``# ...``) on lines first..last of a mapping entry, in order."""
    leaves = [container.key_span(key)]
    _leaf_spans(container.get(key), container.value_span(key), leaves, set())
    out = []
    for n in range(first, last + 1):
        text = source.lines[n - 1] if n - 1 < len(source.lines) else ""
        covered = []
        for s in leaves:
            if s is None or not s.line <= n <= s.end_line:
                continue
            start = s.col if n == s.line else 1
            end = s.end_col if n == s.end_line else len(text) + 2
            covered.append((start, end))
        for i, ch in enumerate(text):
            col = i + 1
            if ch == "#" and (i == 0 or text[i - 1] in " \t") and not any(a <= col < b for a, b in covered):
                out.append(text[i:].rstrip())
                break
    return out


def _comment_of(text: str) -> str | None:
    """The comment a line's remainder holds (``  # note`` -> ``# note``), '' for blank, None for anything else."""
    rest = text.strip()
    if not rest:
        return ""
    return rest if rest.startswith("#") else None


def take_entry(source, container: YMap, key, parent: YMap | None = None, parent_key=None):
    """Cut a one-line ``key: value`` out of a block mapping so that it can be inserted elsewhere.

    With ``parent``/``parent_key`` (``container`` is ``parent[parent_key]`` and ``key`` its only
    entry) the whole ``parent_key:`` entry goes.  Returns ``(edit, value_text, comments)``:
    the value as written with its trailing comment, and the comment lines the cut removes,
    to be written above the entry where it lands.  None when the entry spans several lines.

    The whole-line comments directly above the entry (no blank line between, at its
    indentation) describe it, so they go with it rather than stay behind above a key they
    do not describe.
    """
    lines = _entry_lines(source, container, key)
    if lines is None or lines[0] != lines[1]:
        return None
    kspan, vspan = container.spans[key]
    if vspan.line != kspan.line or vspan.end_line != kspan.line:
        return None
    line_text = source.lines[kspan.line - 1]
    tail = _comment_of(line_text[vspan.end_col - 1:])
    if tail is None:
        return None
    value_text = text_at(source, vspan) + (line_text[vspan.end_col - 1:].rstrip() if tail else "")
    first = _comments_above(source, kspan.line, kspan.col)
    comments = [source.lines[n - 1].strip() for n in range(first, kspan.line)]
    if parent is not None:
        plines = _entry_lines(source, parent, parent_key)
        if plines is None or plines[1] != kspan.line:
            return None
        pkey = parent.key_span(parent_key)
        head = source.lines[pkey.line - 1][pkey.end_col - 1:].lstrip()
        head = _comment_of(head[1:] if head.startswith(":") else "x")
        if head is None:
            return None
        first = _comments_above(source, pkey.line, pkey.col)
        comments = [source.lines[n - 1].strip() for n in range(first, pkey.line)] + ([head] if head else [])
        for n in range(pkey.line + 1, kspan.line):
            c = _comment_of(source.lines[n - 1])
            if c is None:
                return None
            comments += [c] if c else []
    return Edit(Span(first, 1, kspan.line + 1, 1), ""), value_text, tuple(comments)


def _comments_above(source, line: int, col: int) -> int:
    """The first of the whole-line comments at column ``col`` directly above ``line`` (``line`` if none).

    A line at the key's own indentation that starts with ``#`` is a comment, never part of a
    scalar or flow collection of the entry before (their lines are indented deeper)."""
    first = line
    while first > 1:
        text = source.lines[first - 2]
        body = text.lstrip(" ")
        if not body.startswith("#") or len(text) - len(body) != col - 1:
            break
        first -= 1
    return first


def _newline(source) -> str:
    return source.newline  # cached: scanning a large file per fix was quadratic


def _insert_lines(source, after: int, lines: list) -> Edit:
    """Whole lines inserted after line ``after``, in the file's line endings."""
    nl = _newline(source)
    at = Span(after + 1, 1, after + 1, 1)
    body = nl.join(lines)
    if source.offset(after + 1, 1) >= len(source.text) and source.text and not source.text.endswith("\n"):
        return Edit(at, nl + body)  # the file ends without a line break: keep it that way
    return Edit(at, body + nl)


def insert_entry(source, container: YMap, key: str, value_text: str, comments=()) -> Edit | None:
    """Append ``key: value`` to a block mapping, indented like its other keys (``comments`` above it)."""
    if not container or not _is_block(source, container):
        return None
    own = [(k, ks, vs) for k, (ks, vs) in container.spans.items() if k in container and _within(ks, container.span)]
    if not own:
        return None
    last_key, _, last_value = max(own, key=lambda e: (e[1].line, e[1].col))
    first_key = min(own, key=lambda e: (e[1].line, e[1].col))[1]
    indent = " " * (first_key.col - 1)
    after = last_line(source, container[last_key], last_value)
    return _insert_lines(source, after, [indent + c for c in comments] + [f"{indent}{key}: {value_text}"])


def insert_annotation(source, owner: YMap, key: str, value_text: str, comments=()) -> Edit | None:
    """Add an annotation to the metadata found under ``owner`` (an object or a pod template).

    Handles an existing block ``annotations:`` mapping, a ``metadata:`` without
    annotations, and an owner without ``metadata:``; anything else gets no fix.
    ``comments`` are written on their own lines above the new entry.
    """
    meta = owner.get("metadata")
    if isinstance(meta, YMap) and meta:
        ann = meta.get("annotations")
        if isinstance(ann, YMap) and ann:
            return insert_entry(source, ann, key, value_text, comments)
        if "annotations" in meta:
            return None  # `annotations:` empty or flow-style: leave it to the user
        step = _indent_step(source, meta, owner)
        edit = insert_entry(source, meta, "annotations", "")
        if edit is None:
            return None
        indent = " " * (next(iter(meta.spans.values()))[0].col - 1)
        inner = indent + step
        lines = [f"{indent}annotations:"] + [inner + c for c in comments] + [f"{inner}{key}: {value_text}"]
        nl = _newline(source)
        lead = nl if edit.text.startswith(nl) else ""
        return Edit(edit.span, lead + nl.join(lines) + ("" if lead else nl))
    if "metadata" in owner or not owner or not _is_block(source, owner):
        return None
    first = min(owner.spans.values(), key=lambda e: (e[0].line, e[0].col))[0]
    if source.lines[first.line - 1][: first.col - 1].strip():
        return None  # `- key: ...` or `key: {`: no line of its own to insert before
    indent = " " * (first.col - 1)
    step = _indent_step(source, owner, None)
    lines = [f"{indent}metadata:", f"{indent}{step}annotations:"]
    lines += [f"{indent}{step}{step}{c}" for c in comments] + [f"{indent}{step}{step}{key}: {value_text}"]
    return _insert_lines(source, first.line - 1, lines)


def _indent_step(source, inner: YMap, outer) -> str:
    """The file's indentation step, measured from a nested mapping (default two spaces)."""
    if outer is not None and isinstance(outer, YMap) and outer.spans and inner.spans:
        o = next(iter(outer.spans.values()))[0].col
        i = next(iter(inner.spans.values()))[0].col
        if i > o:
            return " " * (i - o)
    return "  "


def rename_key(source, container: YMap, key, new: str) -> Edit | None:
    """Rename ``key`` of ``container`` to ``new``, keeping its value, quoting and comments.

    None when ``new`` is already a key of the mapping (the result would repeat it), or ``key``
    is not written in this mapping as a plain or quoted scalar on one line (merged in with
    ``<<``, an alias's anchor elsewhere, a complex ``?`` key).
    """
    if not isinstance(key, str) or key not in container or new in container or container.span is None:
        return None
    if _shared(source, container):
        return None
    span = container.key_span(key)
    if span is None or span.line != span.end_line or not _within(span, container.span):
        return None
    if text_at(source, span) not in (key, f'"{key}"', f"'{key}'"):
        return None
    return replace_scalar(source, span, new)
