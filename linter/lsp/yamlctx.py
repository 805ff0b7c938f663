"""Where the cursor is in a YAML document that may be half-typed (and so not parse).

Completion runs while the user types, when the document is usually invalid YAML, so
this reads lines and indentation instead of a parse tree: the keys above the cursor
at smaller indentation are its parents.  A flow mapping (``annotations: {a: b, c}``) is
looked into when it opens on the cursor's line.
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


# Objects whose own annotations Linkerd reads, besides pods and Namespaces: a Service's
# (opaque ports, retries, timeouts, load balancing), and a route's (retries and timeouts).
_OWN_ANNOTATIONS = {
    ("v1", "Service"): "service",
    ("gateway.networking.k8s.io", "HTTPRoute"): "route",
    ("gateway.networking.k8s.io", "GRPCRoute"): "route",
    ("policy.linkerd.io", "HTTPRoute"): "route",
}


def annotations_owner(api: str | None, kind: str | None, path: tuple) -> str | None:
    """'namespace', 'pod', 'service' or 'route' when ``path`` is the annotations mapping of a
    Namespace, a pod template, a Service or an HTTP/gRPC route."""
    if path != ("metadata", "annotations") and path[-2:] != ("metadata", "annotations"):
        return None
    if kind == "Namespace" and path == ("metadata", "annotations"):
        return "namespace"
    if kind == "Pod" and path == ("metadata", "annotations"):
        return "pod"
    group = str(api or "v1").rpartition("/")[0] or "v1"
    if path == ("metadata", "annotations") and (group, kind) in _OWN_ANNOTATIONS:
        return _OWN_ANNOTATIONS[(group, kind)]
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


def _flow(before: str):
    """For text ending inside a flow mapping opened on this line: (the keys of the flow
    mappings around the cursor, outermost first, the column where the current entry starts);
    None when the text is not inside one (or the layout is one we do not read)."""
    stack: list = []  # [opening column, key, column where the current entry starts]
    quote = None
    for i, ch in enumerate(before):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'" and (i == 0 or before[i - 1] in " {[,:"):
            quote = ch
        elif ch in "{[":
            head = before[stack[-1][2] if stack else 0:i].strip()
            key = head[:-1].strip().strip("\"'") if head.endswith(":") else None
            stack.append([i, key, i + 1, ch])
        elif ch in "}]":
            if not stack:
                return None
            stack.pop()
        elif ch == "," and stack:
            stack[-1][2] = i + 1
        elif ch == "#" and (i == 0 or before[i - 1] in " \t"):
            return None  # a comment
    if not stack or stack[-1][3] != "{" or any(s[3] != "{" or s[1] is None for s in stack[1:]):
        return None
    return tuple(s[1] for s in stack[1:]), stack[-1][2]


def _flow_site(lines: list, line: int, char: int):
    """completion_site for a cursor inside a one-line flow mapping (``annotations: {a: b, c``)."""
    text = lines[line]
    before, after = text[:char], text[char:]
    found = _flow(before)
    if found is None:
        return None
    inner, entry = found
    kl = key_line(text[: before.index("{")] + " x")  # the block key the flow mapping is the value of
    if kl is None or kl.rest.strip() != "x":
        return None
    start_doc, end_doc = document_bounds(lines, line)
    path = parent_path(lines, line, kl.col, start_doc) + (kl.key,) + inner
    item = before[entry:]
    lead = len(item) - len(item.lstrip(" "))
    item = item.lstrip(" ")
    m = re.match(r"""^(?P<quote>["']?)(?P<prefix>[^\s:#"'{}\[\],]*)$""", item)
    if m:
        tail = re.match(r"[^\s:#\"',}\]]*", after).group(0)
        end = char + len(tail)
        rest = after[len(tail):]
        quote = m.group("quote")
        if quote and rest[:1] == quote:
            end, rest = end + 1, rest[1:]
        api, kind = document_kind(lines, start_doc, end_doc)
        return KeySite(annotations_owner(api, kind, path), path, entry + lead, end, m.group("prefix"), quote,
                       rest.lstrip().startswith(":"))
    m = re.match(r"""^(?P<key>[^\s:#{}\[\],][^:#{}\[\],]*?|"[^"]*"|'[^']*')[ ]*:(?P<gap>[ ]*)(?P<quote>["']?)(?P<prefix>[^\s"'#,{}]*)$""", item)
    if m:
        quote = m.group("quote")
        start = entry + lead + (m.start("quote") if quote else m.start("prefix"))
        tail = re.match(r"[^\s\"'#,}]*", after).group(0)
        end = char + len(tail)
        if quote and after[len(tail): len(tail) + 1] == quote:
            end += 1
        return ValueSite(m.group("key").strip("\"'"), start, end, m.group("prefix"), quote, m.group("gap"))
    return None


def owner_at(lines: list, line: int, char: int) -> str | None:
    """Whose annotations the key at (line, character) is: 'namespace', 'pod', 'service', 'route' or None."""
    if not 0 <= line < len(lines):
        return None
    text = lines[line]
    start_doc, end_doc = document_bounds(lines, line)
    api, kind = document_kind(lines, start_doc, end_doc)
    if _flow(text[:char]) is not None:
        site = _flow_site(lines, line, char)
        return site.owner if isinstance(site, KeySite) else None
    kl = key_line(text)
    col = kl.col if kl is not None else len(text) - len(text.lstrip(" "))  # a key without its colon yet
    return annotations_owner(api, kind, parent_path(lines, line, col, start_doc))


def completion_site(lines: list, line: int, char: int):
    """A KeySite, a ValueSite or None for the cursor at 0-based (line, character column)."""
    if not 0 <= line < len(lines):
        return None
    text = lines[line]
    before, after = text[:char], text[char:]
    if "{" in before and _flow(before) is not None:
        return _flow_site(lines, line, char)
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
