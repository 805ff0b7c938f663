"""Applying fixes: choose edits that do not overlap, apply them, prove the result, write it safely.

A pass lints everything (so cross-file facts stay right), applies every applicable fix whose
edits do not overlap an edit already chosen for the same file, and verifies each changed
file: it must still read without new problems, hold as many documents as before, load with
ruamel.yaml's round-trip loader and keep every comment of the original.  Passes repeat on the
fixed text, in memory, until nothing is left to apply (a bounded number of times).  Only then
is anything written: atomically, in the file's own encoding, keeping its permissions.

Everything outside an edit's span stays byte-for-byte as it was.
"""

from __future__ import annotations

import codecs
import os
from collections import Counter
from dataclasses import dataclass, field

from linter import source as source_mod
from linter.lazyre import pattern
from linter.redact import REDACTED
from linter.redact import hidden_lines as _secret_lines  # the lines --diff shows as <redacted>

# Passes of lint-and-fix: MAX_PASSES, plus one per fix the busiest file starts with (fixes that
# insert at one point, such as several labels moved into one new annotations block, take one
# pass each), but never more than MAX_PASSES_CAP.  Every pass lints the whole input again.
MAX_PASSES = 10
MAX_PASSES_CAP = 100
# Line breaks that YAML counts but SourceFile.offset does not (it splits on "\n" only):
# positions would drift, so files holding them are never edited.
_ODD_BREAKS = ("\x85", "\u2028", "\u2029")


def applicable(finding, unsafe: bool = False) -> bool:
    fix = finding.fix
    return fix is not None and bool(fix.edits) and (fix.safe or unsafe)


def apply_edits(text: str, edits, offset) -> str:
    """Apply ``Edit``s (1-based line/col spans over ``text``); ``offset(line, col)`` maps positions."""
    spans = sorted(((offset(e.span.line, e.span.col), offset(e.span.end_line, e.span.end_col), e.text) for e in edits),
                   key=lambda s: (s[0], s[1]))
    out, pos = [], 0
    for start, end, new in spans:
        if start < pos:
            raise ValueError("overlapping edits")
        out.append(text[pos:start])
        out.append(new)
        pos = max(end, start)
    out.append(text[pos:])
    return "".join(out)


def _ranges(fix, src) -> list:
    return [(src.offset(e.span.line, e.span.col), src.offset(e.span.end_line, e.span.end_col)) for e in fix.edits]


def _conflict(a, b) -> bool:
    """Two (start, end) ranges that cannot both be applied: they overlap, or start at one point
    (two insertions there would land in an order nobody chose)."""
    return a[0] == b[0] or (a[0] < b[1] and b[0] < a[1])


def choose(findings, src) -> list:
    """Findings whose fixes can be applied together: in position order, skipping any fix
    that overlaps one already chosen (it gets its turn in the next pass)."""
    taken: list = []
    chosen = []
    for f in sorted(findings, key=lambda f: f.sort_key()):
        try:
            mine = _ranges(f.fix, src)
        except (TypeError, AttributeError):
            continue
        if any(r[0] > r[1] for r in mine) or any(_conflict(r, t) for r in mine for t in taken):
            continue
        if any(_conflict(a, b) for i, a in enumerate(mine) for b in mine[i + 1:]):
            continue  # a fix that contradicts itself
        taken.extend(mine)
        chosen.append(f)
    return chosen


# -- verification ----------------------------------------------------------------------


def comments_of(text: str) -> Counter:
    """The comments of a YAML stream (text after ``#``, stripped), counted; ruamel.yaml's
    round-trip scanner tells comments from ``#`` inside scalars."""
    from ruamel.yaml import YAML

    found: Counter = Counter()
    for token in YAML(typ="rt").scan(text):
        stack = [getattr(token, "_comment", None), token if type(token).__name__ == "CommentToken" else None]
        while stack:
            item = stack.pop()
            if isinstance(item, (list, tuple)):
                stack.extend(item)
            elif isinstance(getattr(item, "value", None), str):
                for line in item.value.splitlines():
                    line = line.strip()
                    if line.startswith("#"):
                        found[line] += 1
    return found


def _round_trip(text: str) -> None:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = True  # LNK002 reports those; they are not the fixer's to judge
    for _ in yaml.load_all(text):
        pass


def verify(path: str, before: str, after: str, before_comments: Counter | None = None) -> str | None:
    """Why ``after`` must not replace ``before``, or None when it is sound."""
    old, new = source_mod.parse_text(path, before), source_mod.parse_text(path, after)
    if len(new.documents) != len(old.documents):
        return f"it would turn {len(old.documents)} documents into {len(new.documents)}"
    was = Counter((p.kind, p.message.split(" (first at")[0]) for p in old.problems)
    for p in new.problems:
        key = (p.kind, p.message.split(" (first at")[0])
        if was[key] > 0:
            was[key] -= 1
            continue
        return f"the result would not read cleanly ({p.message} at line {p.span.line})"
    try:
        _round_trip(after)
        missing = (before_comments if before_comments is not None else comments_of(before)) - comments_of(after)
    except Exception as e:  # noqa: BLE001 - ruamel.yaml raises many kinds; any of them means no
        return f"the result would not load with a round-trip YAML reader ({type(e).__name__})"
    if missing:
        return f"it would drop the comment {next(iter(missing))!r}"
    return None


# -- files -----------------------------------------------------------------------------


@dataclass
class Encoding:
    """How a file's text was stored, so the fixed text is stored the same way."""

    codec: str = "utf-8"
    bom: bytes = b""

    @classmethod
    def of(cls, raw: bytes) -> "Encoding":
        for bom, codec in (
            (codecs.BOM_UTF32_LE, "utf-32-le"),
            (codecs.BOM_UTF32_BE, "utf-32-be"),
            (codecs.BOM_UTF8, "utf-8"),
            (codecs.BOM_UTF16_LE, "utf-16-le"),
            (codecs.BOM_UTF16_BE, "utf-16-be"),
        ):
            if raw.startswith(bom):
                return cls(codec, bom)
        return cls()

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.codec)


@dataclass
class FileFix:
    path: str  # display path
    real: str | None  # None: stdin
    original: str
    encoding: Encoding
    text: str = ""
    fixed: list = field(default_factory=list)  # findings whose fix was applied

    @property
    def changed(self) -> bool:
        return self.text != self.original


@dataclass
class Outcome:
    result: object  # the RunResult of the last pass: what is left after fixing
    files: dict  # display path -> FileFix (only files a fix was applied to)
    rejected: list = field(default_factory=list)  # (finding, reason)
    unsettled: list = field(default_factory=list)  # display paths still changing when the passes ran out
    passes: int = 0  # the pass budget of the run (see MAX_PASSES)
    first: object = None  # the RunResult of the first pass: the files as they are on disk

    @property
    def fixed(self) -> int:
        return sum(len(f.fixed) for f in self.files.values())


def fix_run(run, raw_of, *, unsafe: bool = False, keep=None, max_passes: int = MAX_PASSES) -> Outcome:
    """Lint, fix, and lint again until nothing is left to fix.

    ``run(contents)`` lints with ``contents`` (display path -> bytes) standing in for
    files on disk and returns a RunResult with sources; ``raw_of(display path)`` gives
    a file's bytes as read.  ``keep(findings)`` filters findings (a baseline) before fixing.
    """
    contents: dict = {}
    files: dict = {}
    rejected: list = []
    refused: set = set()  # identities (_key) of fixes that failed verification
    seen: dict = {}  # path -> texts already produced (a fix that undoes another loops)
    unsettled: list = []
    budget = max_passes
    n = 0
    first = None
    while True:
        result = run(contents)
        if first is None:
            first = result
        findings = keep(result.findings) if keep else result.findings
        todo: dict = {}
        for f in findings:
            if applicable(f, unsafe) and f.path in result.sources and _key(f) not in refused:
                todo.setdefault(f.path, []).append(f)
        if not todo:
            break
        if n == 0:
            busiest = max(len(fs) for fs in todo.values())
            budget = max(max_passes, min(max_passes + busiest, MAX_PASSES_CAP))
        if n == budget:
            unsettled = sorted(todo)
            break
        n += 1
        progress = False
        for path, fs in sorted(todo.items()):
            src = result.sources[path]
            if any(b in src.text for b in _ODD_BREAKS) or "\r" in src.text.replace("\r\n", ""):
                continue
            ff = files.get(path)
            if ff is None:
                raw = raw_of(path)
                if raw is None:
                    continue
                ff = FileFix(path, None, src.text, Encoding.of(raw), src.text)
                if source_mod.decode(raw)[0] != src.text:
                    continue  # changed on disk while we read it
            if ff.text != src.text:
                continue  # pragma: no cover - the run read something else
            new, applied = _apply_verified(path, src, choose(fs, src), rejected, refused)
            if not applied or new in seen.setdefault(path, {src.text}):
                continue
            seen[path].add(new)
            ff.text = new
            ff.fixed.extend(applied)
            files[path] = ff
            contents[path] = ff.encoding.encode(new)
            progress = True
        if not progress:
            break
    return Outcome(result, files, rejected, unsettled, budget, first)


def _key(f) -> tuple:
    """A finding's identity that survives other fixes moving its line."""
    return (f.path, f.rule_id, f.resource, f.field_path, f.message if not f.field_path else "")


def _apply_verified(path, src, chosen, rejected, refused):
    """Apply the chosen fixes together; if the result fails verification, find the fixes
    that fail on their own, drop them, and try the rest once more."""
    if not chosen:
        return src.text, []
    try:
        _round_trip(src.text)  # a file the verifier cannot read is not edited at all
        before_comments = comments_of(src.text)
    except Exception as e:  # noqa: BLE001
        for f in chosen:
            rejected.append((f, f"the file does not load with a round-trip YAML reader ({type(e).__name__})"))
            refused.add(_key(f))
        return src.text, []

    def attempt(fs):
        text = apply_edits(src.text, [e for f in fs for e in f.fix.edits], src.offset)
        return text, verify(path, src.text, text, before_comments)

    text, problem = attempt(chosen)
    if problem is None:
        return text, chosen
    good = []
    for f in chosen:
        _, why = attempt([f])
        if why is None:
            good.append(f)
        else:
            rejected.append((f, why))
            refused.add(_key(f))
    if good:
        text, problem = attempt(good)
        if problem is None:
            return text, good
        good = good[:1]  # together they still fail: one at a time, the rest next pass
        return attempt(good)[0], good
    return src.text, []


def write_atomic(path: str, data: bytes) -> None:
    """Replace a file's content by renaming a finished temporary file over it.

    The temporary file is made in the same directory (rename is atomic only within one
    file system) and gets the original's permission bits (a new file: the umask's); symlinks
    are followed, so the link stays a link.
    """
    import tempfile

    target = os.path.realpath(path)
    try:
        st = os.stat(target)
        mode, owner = st.st_mode & 0o7777, (st.st_uid, st.st_gid)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode, owner = 0o666 & ~umask, None
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".tmp", dir=os.path.dirname(target) or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if owner is not None:
            try:
                os.chown(tmp, *owner)
            except OSError:
                pass  # not ours to give away; the mode is what matters
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def runner(engine, targets, context, stdin):
    """``run(contents)`` and ``raw_of(path)`` for ``fix_run``: the engine over the same inputs,
    with ``contents`` (display path -> bytes) read in place of the files on disk."""
    real_of = {disp: real for real, disp in targets}

    def run(contents):
        std = (stdin[0], contents.get(stdin[0], stdin[1])) if stdin is not None else None
        return engine.run(targets, context, std, contents=contents)

    def raw_of(display):
        if stdin is not None and display == stdin[0]:
            return stdin[1]
        try:
            with open(real_of[display], "rb") as fh:
                return fh.read()
        except (OSError, KeyError):
            return None

    return run, raw_of


def unified_diff(ff: FileFix) -> str:
    """A unified diff of one file's fixes, marking a last line without a line break as diff(1) does.

    Lines that may hold key material (a PEM private key or its base64, a Secret's ``data`` or
    ``stringData``), on either side, are shown as ``<redacted>``: a diff's context lines would
    otherwise print the identity issuer's key into a CI log.
    """
    import difflib

    a, b = ff.original.splitlines(keepends=True), ff.text.splitlines(keepends=True)
    secret_a, secret_b = _secret_lines(a, ff.path), _secret_lines(b, ff.path)
    out = []
    old_no = new_no = 0
    for line in difflib.unified_diff(a, b, fromfile=f"a/{ff.path}", tofile=f"b/{ff.path}"):
        if line.startswith("@@"):
            m = _HUNK.match(line)
            old_no, new_no = int(m.group(1)), int(m.group(2))
        elif not line.startswith(("---", "+++")):
            tag = line[0]
            hidden = (tag != "+" and old_no in secret_a) or (tag != "-" and new_no in secret_b)
            if tag != "+":
                old_no += 1
            if tag != "-":
                new_no += 1
            if hidden:
                line = tag + REDACTED + ("\n" if line.endswith("\n") else "")
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


_HUNK = pattern(r"@@ -(\d+)(?:,\d+)? \+(\d+)")
