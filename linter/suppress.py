"""Suppressions: comments in the file, ignore annotations on objects, per-file ignores in config.

Comments:   ``# linkerd-lint: disable=LNK201,LNK204 reason`` at the end of the finding's
            line, or alone on the line(s) just before it;
            ``# linkerd-lint: disable-file=LNK105 reason`` anywhere in the file.
            Ids or rule names (``invalid-inject-value``), separated by commas (spaces
            around them allowed); a directive comment that does not parse is recorded
            as malformed (LNK004), never silently dropped.
Annotation: ``ignore.linkerd-lint.io/LNK201: "reason"`` on an object's metadata or its pod
            template's: survives Helm and Kustomize rendering, which drop comments.
"""

from __future__ import annotations

import re

from linter.lazyre import pattern
from linter.located import Span
from linter.record import Record

# group 1: the directive, 2: the ids as written (the editor appends ",ID" at its end), 3: the reason
_COMMENT = pattern(
    r"(?:^|\s)#\s*linkerd-lint:\s*(disable|disable-file|disable-next-line)\s*=\s*"
    r"([A-Za-z0-9_][A-Za-z0-9_-]*(?:\s*,\s*[A-Za-z0-9_][A-Za-z0-9_-]*)*)(?=\s|$)(.*)$"
)
# What looks like an attempt at a directive: `# linkerd-lint: disable`, `...: ignore=LNK201`, `...: Disable LNK1`.
_ATTEMPT = pattern(r"(?:^|\s)(#\s*linkerd-lint:\s*(?:(?:disable|enable|ignore|skip|noqa|off)\b.*|=.*|))$", re.I)
# The directive spelt another way (`# Linkerd-Lint: disable=...`, `# linkerd-lint disable=...`): directives
# are exact, so these suppress nothing, and saying so beats accepting a second spelling.
_MISSPELT = pattern(
    r"(?:^|\s)(#\s*linkerd[-_ ]?lint\s*:?\s*(?:disable|enable|ignore|skip|noqa|off)\b.*)$", re.I
)
_ID = pattern(r"[A-Za-z]+[0-9]+|ALL", re.I)
IGNORE_PREFIX = "ignore.linkerd-lint.io/"


class Reference(Record):
    """A rule id named by a suppression, with where it was written (for LNK004)."""

    __slots__ = ("rule_id", "path", "span", "how")

    def __init__(self, rule_id: str, path: str, span: Span, how: str):
        self.rule_id = rule_id
        self.path = path
        self.span = span
        self.how = how  # comment | annotation | malformed (rule_id: the comment's text)


class FileSuppressions(Record):
    __slots__ = ("path", "lines", "whole_file", "resources", "references")

    def __init__(self, path: str, lines: dict | None = None, whole_file: set | None = None,
                 resources: dict | None = None, references: list | None = None):
        self.path = path
        self.lines = {} if lines is None else lines  # 1-based line -> set of ids ("ALL" for all)
        self.whole_file = set() if whole_file is None else whole_file
        self.resources = {} if resources is None else resources  # (doc_index, identity) -> set of ids
        self.references = [] if references is None else references

    def suppresses(self, rule_id: str, line: int, resource_key=None, name: str | None = None) -> bool:
        """Whether a finding of ``rule_id`` (whose rule is called ``name``) on ``line`` is suppressed."""
        for ids in (self.whole_file, self.lines.get(line), self.resources.get(resource_key) if resource_key is not None else None):
            if ids and (rule_id in ids or "ALL" in ids or (name is not None and name in ids)):
                return True
        return False


def normalise_id(text: str) -> str:
    """An id (LNK201, all) upper-cased; a rule name as written."""
    text = text.strip()
    return text.upper() if _ID.fullmatch(text) else text


def _split_ids(text: str) -> list:
    return [normalise_id(p) for p in text.split(",") if p.strip()]


def scan_comments(path: str, text: str) -> FileSuppressions:
    sup = FileSuppressions(path)
    # Substring tests first: most files mention no directive at all.  Every spelling of one
    # holds "lint", "Lint" or "LINT"; two short needles scan faster than those three.
    if "int" not in text and "INT" not in text:
        return sup
    misspelt = _MISSPELT.search(text) is not None
    if not misspelt and "linkerd-lint:" not in text:
        return sup
    from linter.source import split_lines

    lines = split_lines(text)
    pending: list = []  # standalone comments waiting for the next content line
    for lineno, line in enumerate(lines, start=1):
        stripped = line.strip()
        m = None
        if "linkerd-lint:" in line:
            m = _COMMENT.search(line)
            if m is None:
                _malformed(sup, lineno, line)
        elif misspelt and _MISSPELT.search(line):
            _malformed(sup, lineno, line, _MISSPELT)
        if m:
            kind, ids_text = m.group(1), m.group(2)
            ids = _split_ids(ids_text)
            for rid in ids:
                if rid != "ALL":
                    pos = line.upper().find(rid.upper(), m.start(2))
                    sup.references.append(Reference(rid, path, Span(lineno, pos + 1, lineno, pos + 1 + len(rid)), "comment"))
            if kind == "disable-file":
                sup.whole_file.update(ids)
                continue
            if stripped.startswith("#") or kind == "disable-next-line":
                pending.extend(ids)
                continue
            sup.lines.setdefault(lineno, set()).update(ids)
        elif stripped and not stripped.startswith("#"):
            if pending:
                sup.lines.setdefault(lineno, set()).update(pending)
                pending = []
            continue
        elif stripped.startswith("#"):
            continue
        # blank lines keep a pending standalone suppression attached to the next content line
    return sup


def _malformed(sup: FileSuppressions, lineno: int, line: str, attempt=_ATTEMPT) -> None:
    """A comment that reads like a directive but is none (no ids, no '=', an unknown verb, another spelling)."""
    bad = attempt.search(line)
    if bad:
        what = bad.group(1).rstrip()
        col = bad.start(1) + 1
        sup.references.append(Reference(what, sup.path, Span(lineno, col, lineno, col + len(what)), "malformed"))


def add_annotation_suppressions(sup: FileSuppressions, resource, key) -> None:
    """Record ``ignore.linkerd-lint.io/<ID>`` annotations of an object and its pod template."""
    holders = [resource.data.get("metadata")]
    pod = resource.pod_template
    if pod is not None and pod.metadata is not None and pod.metadata is not resource.data.get("metadata"):
        holders.append(pod.metadata)
    for meta in holders:
        if not isinstance(meta, dict):
            continue
        ann = meta.get("annotations")
        if not isinstance(ann, dict):
            continue
        for k in ann:
            if isinstance(k, str) and k.startswith(IGNORE_PREFIX):
                rid = normalise_id(k[len(IGNORE_PREFIX):])
                sup.resources.setdefault(key, set()).add(rid)
                sup.references.append(Reference(rid, resource.file, ann.key_span(k), "annotation"))


def per_file_ignored(per_file: dict, display_path: str, rule_id: str) -> bool:
    for pattern, ids in per_file.items():
        if _path_matches(display_path, pattern) and (rule_id in ids or "ALL" in ids or any(rule_id.startswith(i) for i in ids)):
            return True
    return False


class ConfigGlob(str):
    """A path pattern written in a configuration file (``exclude``, ``per-file-ignores``).

    It is relative to the file's directory (``base``), whatever directory the run starts in
    (``cwd``, which display paths are relative to): it is matched against a display path
    turned relative to ``base``.  A file outside ``base`` is matched by its name only, and
    only by patterns without a slash (those match a name anywhere, as in .gitignore)."""

    def __new__(cls, pattern: str, base: str, cwd: str):
        import os

        pattern = str(pattern)
        while pattern.startswith("./"):
            pattern = pattern[2:]
        self = super().__new__(cls, pattern)
        self.base, self.cwd = os.path.abspath(base), os.path.abspath(cwd)
        prefix = os.path.relpath(self.cwd, self.base).replace(os.sep, "/")
        # cwd at or below base: a display path (never "../x": display_path makes those absolute)
        # is the prefix plus itself, no system call per file
        self._prefix = None if prefix == ".." or prefix.startswith("../") else ("" if prefix == "." else prefix + "/")
        return self

    def __reduce__(self):  # --jobs workers get the settings pickled
        return (ConfigGlob, (str(self), self.base, self.cwd))

    def subject(self, display: str) -> str | None:
        """``display`` relative to ``base`` (forward slashes); None when outside it."""
        import os

        if display.startswith("<"):  # <stdin> without --stdin-filename
            return display
        if not os.path.isabs(display) and self._prefix is not None:
            return self._prefix + display
        full = display if os.path.isabs(display) else os.path.join(self.cwd, display)
        if os.path.isabs(self):
            return full.replace(os.sep, "/")
        rel = os.path.relpath(full, self.base).replace(os.sep, "/")
        return None if rel == ".." or rel.startswith("../") else rel


def _path_matches(path: str, pattern: str) -> bool:
    import fnmatch  # only runs with exclude globs or per-file ignores

    if type(pattern) is ConfigGlob:
        rel = pattern.subject(path.replace("\\", "/"))
        if rel is None:  # outside the configuration's directory: a bare name still matches
            return "/" not in pattern and fnmatch.fnmatch(path.replace("\\", "/").rsplit("/", 1)[-1], pattern)
        path = rel
    path = path.replace("\\", "/")
    if fnmatch.fnmatch(path, pattern):
        return True
    # a pattern without a slash matches the file name anywhere, as in .gitignore
    if "/" not in pattern and fnmatch.fnmatch(path.rsplit("/", 1)[-1], pattern):
        return True
    return fnmatch.fnmatch(path, pattern.rstrip("/") + "/*")
