"""Where the cursor is in a YAML document that may be half-typed (and so not parse).

Completion runs while the user types, when the document is usually invalid YAML, so
this reads lines and indentation instead of a parse tree: the keys above the cursor
at smaller indentation are its parents.  Block style only; flow mappings
(``{a: b}``) are not looked into.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linter.model import POD_TEMPLATE_PATHS

SEQ = "[]"  # a sequence item in a path

# `key:` with an optional `- ` sequence dash; group "rest" is what follows the colon.
_KEY_LINE = re.compile(
    r"""^(?P<indent>[ ]*)(?P<dash>(?:-[ ]+)*)"""
    r"""(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<plain>[^\s#"'{}\[\],&*!|>%@`][^#]*?))"""
    r"""[ ]*:(?=[ \t]|$)(?P<rest>.*)$"""
)
_DOC_START = re.compile(r"^---(?:[ \t]|$)|^\.\.\.(?:[ \t]|$)")
_KIND = re.compile(r"""^kind[ ]*:[ ]*["']?([A-Za-z0-9]+)["']?[ ]*(?:#.*)?$""")
_API = re.compile(r"""^apiVersion[ ]*:[ ]*["']?([^\s"'#]+)""")
# What the cursor line holds before the cursor when a key is being typed.
_TYPING_KEY = re.compile(r"""^(?P<indent>[ ]*)(?P<dash>(?:-[ ]+)*)(?P<quote>["']?)(?P<prefix>[^\s:#"'{}\[\],]*)$""")
# ... and when a value is being typed after `key:`.
_TYPING_VALUE = re.compile(
    r"""^(?P<indent>[ ]*)(?P<dash>(?:-[ ]+)*)(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<plain>[^\s#"'{}\[\],][^#:]*?))"""
    r"""[ ]*:(?P<gap>[ ]*)(?P<quote>["']?)(?P<prefix>[^\s"'#,]*)$"""
)
_TOKEN = re.compile(r"[A-Za-z0-9._/\-]+")


@dataclass
class KeyLine:
    key: str
    col: int  # 0-based column where the key starts
    dash_col: int | None  # column of the sequence dash on this line, if any
    rest: str  # text after the colon


def key_line(line: str) -> KeyLine | None:
    m = _KEY_LINE.match(line)
    if not m:
        return None
    key = m.group("dq") if m.group("dq") is not None else m.group("sq") if m.group("sq") is not None else m.group("plain")
    col = len(m.group("indent")) + len(m.group("dash"))
    return KeyLine(key.strip(), col, len(m.group("indent")) if m.group("dash") else None, m.group("rest"))


def document_bounds(lines: list, index: int) -> tuple:
    """[start, end) line indexes of the YAML document holding line ``index``."""
    start = 0
    for i in range(min(index, len(lines) - 1), -1, -1):
        if _DOC_START.match(lines[i]) and i != index:
            start = i + 1
            break
    end = len(lines)
    for i in range(index + 1, len(lines)):
        if _DOC_START.match(lines[i]):
            end = i
            break
    return start, end


def document_kind(lines: list, start: int, end: int) -> tuple:
    """(apiVersion, kind) written at the top level of the document, None where missing."""
    api = kind = None
    for i in range(start, end):
        ln = lines[i]
        if kind is None and (m := _KIND.match(ln)):
            kind = m.group(1)
        elif api is None and (m := _API.match(ln)):
            api = m.group(1)
    return api, kind


def parent_path(lines: list, index: int, col: int, start: int = 0) -> tuple:
    """Keys leading to the mapping whose entries start at column ``col`` on line ``index``."""
    path: list = []
    threshold = col
    for i in range(index - 1, start - 1, -1):
        if threshold == 0:
            break
        ln = lines[i]
        stripped = ln.strip()
        if not stripped or stripped.startswith("#"):
            continue
        kl = key_line(ln)
        if kl is not None:
            if kl.col < threshold:
                path.insert(0, kl.key)
                threshold = kl.col
            if kl.dash_col is not None and kl.dash_col < threshold:
                path.insert(0, SEQ)
                threshold = kl.dash_col
            continue
        indent = len(ln) - len(ln.lstrip(" "))
        if stripped.startswith("-") and (len(stripped) == 1 or stripped[1] == " ") and indent < threshold:
            path.insert(0, SEQ)
            threshold = indent
        elif indent < threshold:
            break  # a scalar or flow collection at smaller indentation: not a parent we understand
    return tuple(path)


def annotations_owner(api: str | None, kind: str | None, path: tuple) -> str | None:
    """'namespace' or 'pod' when ``path`` is the annotations mapping of a Namespace or of a pod template."""
    if path != ("metadata", "annotations") and path[-2:] != ("metadata", "annotations"):
        return None
    if kind == "Namespace" and path == ("metadata", "annotations"):
        return "namespace"
    if kind == "Pod" and path == ("metadata", "annotations"):
        return "pod"
    tpath = POD_TEMPLATE_PATHS.get(kind or "")
    if tpath is None or (kind == "Rollout" and not str(api or "").startswith("argoproj.io/")):
        return None
    return "pod" if path == tpath + ("metadata", "annotations") else None


@dataclass
class KeySite:
    """The cursor is on a key being typed."""

    owner: str | None  # 'namespace', 'pod' or None (annotations of something else, or not annotations)
    path: tuple
    start: int  # 0-based character column where the key (or its opening quote) starts
    end: int  # where the key text after the cursor ends
    prefix: str
    quote: str
    has_colon: bool  # the line already has `key:` after the cursor


@dataclass
class ValueSite:
    """The cursor is on the value of ``key``."""

    key: str
    start: int  # where the value (or its opening quote) starts
    end: int  # where the value text after the cursor ends
    prefix: str
    quote: str
    gap: str  # whitespace between the colon and the value


def completion_site(lines: list, line: int, char: int):
    """A KeySite, a ValueSite or None for the cursor at 0-based (line, character column)."""
    if not 0 <= line < len(lines):
        return None
    text = lines[line]
    before, after = text[:char], text[char:]
    m = _TYPING_VALUE.match(before)
    if m:
        key = m.group("dq") if m.group("dq") is not None else m.group("sq") if m.group("sq") is not None else m.group("plain")
        quote = m.group("quote")
        start = m.start("quote") if quote else m.start("prefix")
        tail = re.match(r"[^\s\"'#,]*", after).group(0)
        end = char + len(tail)
        if quote and after[len(tail): len(tail) + 1] == quote:
            end += 1
        return ValueSite(key.strip(), start, end, m.group("prefix"), quote, m.group("gap"))
    m = _TYPING_KEY.match(before)
    if m:
        col = len(m.group("indent")) + len(m.group("dash"))
        start_doc, end_doc = document_bounds(lines, line)
        if m.group("dash"):  # `- key`: the first key of a sequence item
            path = parent_path(lines, line, len(m.group("indent")), start_doc) + (SEQ,)
        else:
            path = parent_path(lines, line, col, start_doc)
        api, kind = document_kind(lines, start_doc, end_doc)
        tail = re.match(r"[^\s:#\"']*", after).group(0)
        end = char + len(tail)
        rest = after[len(tail):]
        quote = m.group("quote")
        if quote and rest[:1] == quote:
            end += 1
            rest = rest[1:]
        return KeySite(
            annotations_owner(api, kind, path), path, col, end, m.group("prefix"), quote, rest.lstrip().startswith(":")
        )
    return None


def token_at(line: str, char: int) -> tuple | None:
    """(token, start, end) of the key-like token (letters, digits, ``._/-``) at a character column."""
    for m in _TOKEN.finditer(line):
        if m.start() <= char < m.end():
            return m.group(0), m.start(), m.end()
    return None
