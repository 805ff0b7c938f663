"""Baselines: accept today's findings so that a gate can fail only on new ones.

A finding's identity is its rule, its object (kind/namespace/name) and the field path
inside that object, never a line number, so an entry survives lines moving.  Entries
also record the file (relative to the baseline file, so the baseline works from any
working directory); matching tries the same file first, then, for findings on an
object, the same object in another file (a manifest that was moved or renamed).
Findings on a file as a whole (parse errors) need the same file.  An entry with
``count: 2`` accepts two findings with one identity (e.g. two containers' worth).

An entry is *judged* by a run when its rule ran on its file: the file was read (or is
gone), the rule was selected, and no per-file ignore turned it off there.  Judged entries
that match nothing any more are *stale*: the problem was fixed (or its object renamed);
``--write-baseline`` again to drop them.  An entry the run did not judge is never called
stale, and ``--write-baseline`` keeps it: a narrowed run (``--select LNK101``, one file
from pre-commit) cannot tell whether its finding is still there.
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


def dumps(findings, baseline_path: str, cwd: str, tool_version: str = "", keep=()) -> str:
    """The baseline of ``findings``, plus the ``keep`` entries (Entry, count) of an older one."""
    base = os.path.dirname(os.path.abspath(baseline_path))
    counts: Counter = Counter()
    first: dict = {}
    for e, n in keep:
        counts[e.key] += n
        first.setdefault(e.key, e)
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


def judge(base_dir: str, cwd: str, checked=None, rules=None, per_file=None):
    """``judged(key, gone) -> bool``: whether a run judged an entry (see the module's text).

    ``checked``: display paths of the files the run read (None: every file); ``rules``: the ids
    of the rules that ran (None: every rule); ``per_file``: the per-file-ignores setting
    (upper-case ids) as the engine applies it, to display paths.
    """
    seen = None if checked is None else {_rel(p, base_dir, cwd): p for p in checked}

    def judged(key, gone=()) -> bool:
        rule, path = key[0], key[1]
        if rules is not None and rule not in rules:
            return False
        if path in gone or seen is None:
            display = path if path.startswith("<") else _display(os.path.join(base_dir, path), cwd)
        elif path in seen:
            display = seen[path]
        else:
            return False  # a file that exists but was not read
        if per_file:
            from linter.suppress import per_file_ignored

            return not per_file_ignored(per_file, display, rule)
        return True

    return judged


def _display(path: str, cwd: str) -> str:
    from linter.files import display_path

    return display_path(os.path.normpath(path), cwd)


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

    @property
    def base_dir(self) -> str:
        return os.path.dirname(os.path.abspath(self.path))

    def gone(self) -> set:
        """Entry paths whose file no longer exists."""
        base = self.base_dir
        return {k[1] for k in self.entries if not k[1].startswith("<") and not os.path.exists(os.path.join(base, k[1]))}

    def unjudged(self, judged) -> list:
        """The entries a run did not judge, as (Entry, count): what --write-baseline keeps."""
        gone = self.gone()
        return [(Entry(*key, self.messages.get(key, "")), n) for key, n in sorted(self.entries.items())
                if n > 0 and not judged(key, gone)]

    def split(self, findings, cwd: str, judged=None) -> tuple[list, int, list]:
        """(findings not in the baseline, how many were, stale entries as (Entry, count)).

        ``judged`` (from ``judge``; None: every entry) says which entries the run could judge:
        only those can be stale.  An entry for a file that exists but was not read
        (pre-commit passes only changed files) is never used for another file.
        """
        base = self.base_dir
        left = Counter(self.entries)
        keys = [entry_of(f, base, cwd).key for f in findings]
        accepted = [False] * len(findings)
        for i, key in enumerate(keys):  # the same file first
            if left[key] > 0:
                left[key] -= 1
                accepted[i] = True
        gone = self.gone()
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
        new = [f for f, ok in zip(findings, accepted) if not ok]
        stale = [
            (Entry(*key, self.messages.get(key, "")), n)
            for key, n in sorted(left.items())
            if n > 0 and (judged is None or judged(key, gone))
        ]
        return new, sum(accepted), stale
