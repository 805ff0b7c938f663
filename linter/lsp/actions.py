"""Code actions as text edits: a finding's own fix, every safe fix at once, and the
``# linkerd-lint: disable=ID`` comment that silences one finding on its line.

Fixes go through the same selection and checks as ``check --fix`` (``linter.fix``): an
editor never offers an edit that the command line would refuse to write.
"""

from __future__ import annotations

import re

from linter import fix as fixer
from linter.located import Span
from linter.rule import Edit
from linter.source import SourceFile, parse_text
from linter.suppress import _COMMENT

MARK = "linkerd-lint:"
# Line breaks the YAML reader counts and SourceFile.offset (which fixes are built on) does not.
_ODD_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


class Checked:
    """Fixes of one version of a document, checked once each (code actions are asked for
    every time the cursor moves)."""

    def __init__(self, path: str, text: str):
        self.path, self.text = path, text
        self.src = SourceFile(path, text)
        self.odd = bool(_ODD_BREAKS.search(text))
        self.verdicts: dict = {}
        self._meaning = None

    def apply(self, edits) -> str:
        return fixer.apply_edits(self.text, edits, self.src.offset)

    def sound(self, edits) -> bool:
        """Whether applying ``edits`` passes ``check --fix``'s verification."""
        key = tuple(edits)
        if key not in self.verdicts:
            if self.odd:
                reason = "line breaks the fixer does not edit"
            else:
                try:
                    reason = fixer.verify(self.path, self.text, self.apply(edits))
                except ValueError as e:  # overlapping edits
                    reason = str(e)
            self.verdicts[key] = reason
        return self.verdicts[key] is None

    def fix_all(self, findings) -> list:
        """Edits of the safe fixes that ``check --fix`` would apply together in one pass."""
        chosen = fixer.choose([f for f in findings if fixer.applicable(f)], self.src)
        edits = [e for f in chosen for e in f.fix.edits]
        return edits if edits and self.sound(edits) else []

    def disable(self, line: int, rule_id: str) -> Edit | None:
        if self._meaning is None:
            self._meaning = _meaning(self.text)
        return disable_edit(self.text, line, rule_id, self._meaning)


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
    offset = SourceFile("<check>", text).offset
    for edit in candidates:
        if _meaning(fixer.apply_edits(text, [edit], offset)) == meaning:
            return edit
    return None
