"""Code actions as text edits: a finding's own fix, every safe fix at once, and the
``# linkerd-lint: disable=ID`` comment that silences one finding on its line."""

from __future__ import annotations

import re

from linter.located import Span
from linter.rule import Edit
from linter.source import parse_text
from linter.suppress import _COMMENT

MARK = "linkerd-lint:"
_ODD_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


def apply(text: str, edits) -> str:
    """Apply non-overlapping edits (spans over ``text``) and return the new text."""
    starts = _line_starts(text)

    def offset(line, col):
        if line - 1 >= len(starts):
            return len(text)
        base = starts[line - 1]
        nxt = starts[line] - 1 if line < len(starts) else len(text)
        return min(base + col - 1, nxt)

    out = text
    for e in sorted(edits, key=lambda e: (e.span.line, e.span.col), reverse=True):
        a, b = offset(e.span.line, e.span.col), offset(e.span.end_line, e.span.end_col)
        out = out[:a] + e.text + out[b:]
    return out


def _line_starts(text: str) -> list:
    starts = [0]
    i = text.find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


def _meaning(text: str):
    src = parse_text("<check>", text)
    return [d.data for d in src.documents], sorted(p.kind for p in src.problems)


def disable_edit(text: str, line: int, rule_id: str, meaning=None) -> Edit | None:
    """The edit that adds ``rule_id`` to a suppression comment for 1-based ``line``; None when no
    comment can do it without changing what the YAML means (e.g. the line is inside a block scalar)."""
    if _ODD_BREAKS.search(text):
        return None  # the reader and the suppression scanner count such lines differently: no guessing
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    raw = lines[line - 1]
    body = raw[:-1] if raw.endswith("\r") else raw
    if not body.strip() or body.lstrip().startswith("#"):
        return None  # a comment line: a comment here would apply to the next line
    m = _COMMENT.search(body)
    if m and m.group(1) == "disable":
        ids = [p.strip().upper() for p in m.group(2).split(",") if p.strip()]
        if rule_id in ids or "ALL" in ids:
            return None
        candidates = [Edit(Span(line, m.end(2) + 1, line, m.end(2) + 1), f",{rule_id}")]
    else:
        end = len(body.rstrip())
        indent = body[: len(body) - len(body.lstrip())]
        newline = "\r\n" if raw.endswith("\r") else "\n"
        candidates = [
            Edit(Span(line, end + 1, line, len(body) + 1), f"  # {MARK} disable={rule_id}"),
            # fallback: the standalone form on the line before, for lines a trailing comment would change
            Edit(Span(line, 1, line, 1), f"{indent}# {MARK} disable={rule_id}{newline}"),
        ]
    meaning = meaning if meaning is not None else _meaning(text)
    for edit in candidates:
        if _meaning(apply(text, [edit])) == meaning:
            return edit
    return None


def combine(fixes) -> list:
    """Edits of as many of ``fixes`` as can be applied together: a fix is skipped when one of its
    edits touches a line that an earlier fix already edits (two fixes adding ``annotations:`` to
    the same metadata would otherwise collide)."""
    taken: list = []
    out: list = []
    for fix in fixes:
        lines = [(e.span.line, max(e.span.line, e.span.end_line)) for e in fix.edits]
        if any(a <= tb and ta <= b for a, b in lines for ta, tb in taken):
            continue
        taken += lines
        out.extend(fix.edits)
    return out
