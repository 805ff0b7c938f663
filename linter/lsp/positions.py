"""Positions: findings count lines and columns from 1 in characters (code points);
LSP counts from 0 in code units of the negotiated encoding (UTF-16 unless the
client offers otherwise).  A character outside the Basic Multilingual Plane is one
column for us, two UTF-16 units, four UTF-8 units."""

from __future__ import annotations

import bisect
import re

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def units(text: str, encoding: str = UTF16) -> int:
    """Length of ``text`` in code units of ``encoding``."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def char_index(line: str, count: int, encoding: str = UTF16) -> int:
    """The character index in ``line`` at ``count`` code units (clamped; inside a character: its start)."""
    if encoding == UTF32 or line.isascii():
        return max(0, min(count, len(line)))
    seen = 0
    for i, ch in enumerate(line):
        step = units(ch, encoding)
        if seen + step > count:
            return i
        seen += step
    return len(line)


# Line breaks: the YAML reader (libyaml) also breaks lines at NEL, LS and PS, which LSP
# clients do not; findings count lines the reader's way, editors the LSP way.
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_LSP_BREAK = re.compile("\r\n|[\r\n]")


def _starts_ends(text: str, pattern) -> tuple:
    starts, ends = [0], []
    for m in pattern.finditer(text):
        ends.append(m.start())
        starts.append(m.end())
    ends.append(len(text))
    return starts, ends


class Lines:
    """A text as LSP sees it (``lines``: its lines without their breaks), for converting positions."""

    def __init__(self, text: str, encoding: str = UTF16):
        self.text = text
        self.encoding = encoding
        self.starts, self.ends = _starts_ends(text, _LSP_BREAK)
        self.lines = [text[a:b] for a, b in zip(self.starts, self.ends)]
        if "\x85" in text or "\u2028" in text or "\u2029" in text:
            self.yaml_starts, self.yaml_ends = _starts_ends(text, _YAML_BREAK)
        else:
            self.yaml_starts, self.yaml_ends = self.starts, self.ends

    def line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def to_lsp(self, line: int, col: int) -> tuple:
        """A finding's 1-based line and character column -> 0-based (LSP line, code unit), clamped to the text."""
        if line < 1:
            return 0, 0
        if line > len(self.yaml_starts):
            last = len(self.lines) - 1
            return last, units(self.lines[last], self.encoding)
        start, end = self.yaml_starts[line - 1], self.yaml_ends[line - 1]
        offset = start + max(0, min(col - 1, end - start))
        index = bisect.bisect_right(self.starts, offset) - 1
        return index, units(self.text[self.starts[index]: offset], self.encoding)

    def units_at(self, index: int, char: int) -> tuple:
        """0-based LSP line and character index -> (line, code unit)."""
        return index, units(self.line(index)[: max(0, char)], self.encoding)

    def from_lsp(self, line: int, character: int) -> tuple:
        """0-based (LSP line, code unit) -> 1-based LSP line and character column."""
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return last + 1, len(self.lines[last]) + 1
        line = max(0, line)
        return line + 1, char_index(self.lines[line], character, self.encoding) + 1

    def span_to_lsp(self, span) -> tuple:
        """A finding's Span -> ((line, unit), (line, unit)), 0-based; never ends before it starts."""
        start = self.to_lsp(span.line, span.col)
        end = self.to_lsp(span.end_line, span.end_col)
        return start, max(start, end)
