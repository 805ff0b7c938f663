"""Positions: findings count lines and columns from 1 in characters (code points);
LSP counts from 0 in code units of the negotiated encoding (UTF-16 unless the
client offers otherwise).  A character outside the Basic Multilingual Plane is one
column for us, two UTF-16 units, four UTF-8 units."""

from __future__ import annotations

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


class Lines:
    """A text split into lines (without their line breaks), for converting positions."""

    def __init__(self, text: str, encoding: str = UTF16):
        self.lines = [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]
        self.encoding = encoding

    def line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def to_lsp(self, line: int, col: int) -> tuple:
        """1-based line and character column -> 0-based (line, code unit), clamped to the text."""
        index = line - 1
        if index < 0:
            return 0, 0
        if index >= len(self.lines):
            last = len(self.lines) - 1
            return last, units(self.lines[last], self.encoding)
        text = self.lines[index]
        return index, units(text[: max(0, min(col - 1, len(text)))], self.encoding)

    def from_lsp(self, line: int, character: int) -> tuple:
        """0-based (line, code unit) -> 1-based line and character column."""
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return last + 1, len(self.lines[last]) + 1
        line = max(0, line)
        return line + 1, char_index(self.lines[line], character, self.encoding) + 1

    def span_to_lsp(self, span) -> tuple:
        """A Span -> ((line, unit), (line, unit)), 0-based; never ends before it starts."""
        start = self.to_lsp(span.line, span.col)
        end = self.to_lsp(span.end_line, span.end_col)
        return start, max(start, end)
