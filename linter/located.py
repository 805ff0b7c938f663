"""Plain YAML data that remembers where each key and value stood in the file.

Rules read manifests as ordinary dicts, lists and scalars; the containers are
subclasses that also carry the position of every key and value and their own
path from the document root.  Positions are kept as small integer tuples, not
parser nodes, so a document can be pickled cheaply and dropped once checked.
"""

from __future__ import annotations

from collections import namedtuple

# A plain namedtuple, not typing.NamedTuple: importing typing costs ~4 ms of every run.
Span = namedtuple("Span", ("line", "col", "end_line", "end_col"), module=__name__)
Span.__doc__ = "A region of a file: 1-based line and column, end exclusive, as editors expect."


def _span_str(self) -> str:
    return f"{self.line}:{self.col}"


Span.__str__ = _span_str


# Spans are stored as (key_span, value_span) per key; a missing key span (sequences) is None.


class YMap(dict):
    """A YAML mapping: a dict plus the spans of its keys and values and its own path."""

    __slots__ = ("spans", "path", "span")

    def __init__(self, path: tuple = (), span: Span | None = None):
        super().__init__()
        self.spans: dict = {}
        self.path = path
        self.span = span

    def key_span(self, key) -> Span | None:
        entry = self.spans.get(key)
        return entry[0] if entry else None

    def value_span(self, key) -> Span | None:
        entry = self.spans.get(key)
        return entry[1] if entry else None

    def __reduce__(self):
        return (_rebuild_map, (self.path, self.span, dict(self), self.spans))


class YSeq(list):
    """A YAML sequence: a list plus the span of each item and its own path."""

    __slots__ = ("spans", "path", "span")

    def __init__(self, path: tuple = (), span: Span | None = None):
        super().__init__()
        self.spans: list = []
        self.path = path
        self.span = span

    def item_span(self, index: int) -> Span | None:
        if 0 <= index < len(self.spans):
            return self.spans[index]
        return None

    def __reduce__(self):
        return (_rebuild_seq, (self.path, self.span, list(self), self.spans))


def _rebuild_map(path, span, items, spans):
    m = YMap(path, span)
    m.update(items)
    m.spans = spans
    return m


def _rebuild_seq(path, span, items, spans):
    s = YSeq(path, span)
    s.extend(items)
    s.spans = spans
    return s


def get_in(data, *keys, default=None):
    """Walk nested mappings/sequences; return default where the path does not exist or has the wrong shape."""
    cur = data
    for key in keys:
        if isinstance(key, int):
            if not isinstance(cur, list) or not -len(cur) <= key < len(cur):
                return default
        elif not isinstance(cur, dict) or key not in cur:
            return default
        cur = cur[key]
    return cur


def as_map(value) -> YMap | None:
    return value if isinstance(value, YMap) else None


def as_seq(value) -> YSeq | None:
    return value if isinstance(value, YSeq) else None


def format_path(path: tuple) -> str:
    """A readable, stable field path: spec.template.metadata.annotations["linkerd.io/inject"]."""
    out = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif isinstance(part, str) and part.replace("_", "").replace("-", "").isalnum():
            out.append(("." if out else "") + part)
        else:
            out.append(f'["{part}"]')
    return "".join(out)
