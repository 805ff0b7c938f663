"""Baselines: accept today's findings so that a gate can fail only on new ones.

A finding's identity is its rule, its object (kind/namespace/name) and the field path
inside that object, never a line number, so an entry survives lines moving.  Entries
also record the file (relative to the baseline file, so the baseline works from any
working directory); matching tries the same file first, then, for findings on an
object, the same object in another file (a manifest that was moved or renamed).
Findings on a file as a whole (parse errors) need the same file.  An entry with
``count: 2`` accepts two findings with one identity (e.g. two containers' worth).

Entries that match nothing any more are *stale*: the problem was fixed (or its object
renamed); ``--write-baseline`` again to drop them.
"""

from __future__ import annotations

import os
from collections import Counter

from linter.located import format_path
from linter.record import Record

VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be read or is not a baseline (a usage error, exit 2)."""


class Entry(Record, frozen=True):
    __slots__ = ("rule", "path", "resource", "field", "message")

    def __init__(self, rule: str, path: str, resource: str, field: str, message: str = ""):
        self.rule = rule
        self.path = path
        self.resource = resource
        self.field = field
        self.message = message

    @property
    def key(self) -> tuple:
        return (self.rule, self.path, self.resource, self.field)


def _rel(path: str, base_dir: str, cwd: str) -> str:
    if path.startswith("<"):  # <stdin>
        return path
    return os.path.relpath(os.path.normpath(os.path.join(cwd, path)), base_dir).replace(os.sep, "/")


def entry_of(f, base_dir: str, cwd: str) -> Entry:
    return Entry(f.rule_id, _rel(f.path, base_dir, cwd), f.resource, format_path(f.field_path), f.message)


def dumps(findings, baseline_path: str, cwd: str, tool_version: str = "") -> str:
    base = os.path.dirname(os.path.abspath(baseline_path))
    counts: Counter = Counter()
    first: dict = {}
    for f in findings:
        e = entry_of(f, base, cwd)
        counts[e.key] += 1
        first.setdefault(e.key, e)
    rows = []
    for key in sorted(counts):
        e = first[key]
        row = {"rule": e.rule, "path": e.path, "resource": e.resource, "field": e.field, "message": e.message}
        if counts[key] > 1:
            row["count"] = counts[key]
        rows.append(row)
    doc = {"version": VERSION, "tool": "linkerd-lint", "tool_version": tool_version, "findings": rows}
    import json  # this module is imported by every check run; json only when a baseline is used

    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


class Baseline(Record):
    __slots__ = ("path", "entries", "messages")

    def __init__(self, path: str, entries: Counter, messages: dict):
        self.path = path
        self.entries = entries  # Entry.key -> how many findings it accepts
        self.messages = messages  # Entry.key -> message recorded with it

    @classmethod
    def load(cls, path: str) -> Baseline:
        import json

        try:
            with open(path, encoding="utf-8") as fh:
                doc = json.load(fh)
        except OSError as e:
            raise BaselineError(f"cannot read baseline {path}: {e.strerror or e}") from None
        except ValueError as e:
            raise BaselineError(f"{path} is not a linkerd-lint baseline (not JSON: {e})") from None
        if not isinstance(doc, dict) or doc.get("version") != VERSION or not isinstance(doc.get("findings"), list):
            raise BaselineError(f"{path} is not a linkerd-lint baseline (version {VERSION} with a findings list)")
        entries: Counter = Counter()
        messages: dict = {}
        for i, row in enumerate(doc["findings"]):
            try:
                key = (str(row["rule"]), str(row["path"]), str(row.get("resource", "")), str(row.get("field", "")))
                n = int(row.get("count", 1))
            except (KeyError, TypeError, ValueError, AttributeError):
                raise BaselineError(f"{path}: entry {i + 1} needs rule and path (and a whole-number count)") from None
            entries[key] += max(n, 0)
            messages.setdefault(key, str(row.get("message", "")))
        return cls(path, entries, messages)

    def split(self, findings, cwd: str, checked=None) -> tuple[list, int, list]:
        """(findings not in the baseline, how many were, stale entries as (Entry, count)).

        ``checked``: display paths of the files this run read (None: all of them); an entry
        for a file that exists but was not read (pre-commit passes only changed files) is
        neither used for another file nor called stale.
        """
        base = os.path.dirname(os.path.abspath(self.path))
        left = Counter(self.entries)
        keys = [entry_of(f, base, cwd).key for f in findings]
        accepted = [False] * len(findings)
        for i, key in enumerate(keys):  # the same file first
            if left[key] > 0:
                left[key] -= 1
                accepted[i] = True
        gone = {k[1] for k in left if not k[1].startswith("<") and not os.path.exists(os.path.join(base, k[1]))}
        by_object: dict = {}
        for key, n in left.items():
            if n > 0 and key[2] and key[1] in gone:
                by_object.setdefault((key[0], key[2], key[3]), []).append(key)
        for i, key in enumerate(keys):  # then the same object in a file that is gone (moved or renamed)
            if accepted[i] or not key[2]:
                continue
            for cand in by_object.get((key[0], key[2], key[3]), ()):
                if left[cand] > 0:
                    left[cand] -= 1
                    accepted[i] = True
                    break
        seen = None if checked is None else {_rel(p, base, cwd) for p in checked}
        new = [f for f, ok in zip(findings, accepted) if not ok]
        stale = [
            (Entry(*key, self.messages.get(key, "")), n)
            for key, n in sorted(left.items())
            if n > 0 and (seen is None or key[1] in seen or key[1] in gone)
        ]
        return new, sum(accepted), stale
