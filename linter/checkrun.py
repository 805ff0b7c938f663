"""What ``check`` does once its inputs are known: lint (and fix), apply a baseline, write the
reports, and decide the exit code.

Reports: ``--format`` and ``--output`` repeat; each ``--output`` is the file of the
``--format`` written just before it (before any: the default text report's).  A format
without an output goes to stdout, and only one may.  So ``-f sarif -o results.sarif -f text``
writes SARIF for upload and shows text.  When every report goes to a file, the one-line
summary goes to stderr, so a CI log still shows the outcome.
"""

from __future__ import annotations

import os
import sys

from linter.engine import Engine
from linter.report import FORMATS, ReportContext, renderer
from linter.rule import Severity

STATISTICS_FORMATS = ("text", "json")


class CheckError(Exception):
    """A usage or I/O problem found while running: stderr and exit code 2."""


def plan_reports(reports, *, statistics: bool = False) -> list:
    """[(format, path or None for stdout)] from the -f/-o options in command-line order.

    Each --output is the file of the --format written just before it; an --output before any
    --format is the file of the default text report.  A report without one goes to stdout
    (``-o -`` says so explicitly), and only one report may.
    """
    plan: list = []
    for dest, value in reports:
        if dest == "fmt":
            if value not in FORMATS:
                raise CheckError(f"unknown format {value!r} (choose from {', '.join(FORMATS)})")
            plan.append([value, None, False])
            continue
        if not plan:
            plan.append(["text", None, False])  # -o before any -f: the default text report's file
        if plan[-1][2]:
            raise CheckError(f"two --output files ({plan[-1][1] or '-'}, {value}) for one --format {plan[-1][0]}: "
                             "an --output belongs to the --format just before it")
        plan[-1][1:] = [None if value == "-" else value, True]
    plan = [(fmt, path) for fmt, path, _ in plan] or [("text", None)]
    if sum(1 for _, path in plan if path is None) > 1:
        raise CheckError("only one report can go to stdout: give the others an --output FILE (right after their --format)")
    paths = [os.path.abspath(p) for _, p in plan if p]
    if len(set(paths)) != len(paths):
        raise CheckError("two reports would be written to the same --output file")
    if statistics and not any(fmt in STATISTICS_FORMATS for fmt, _ in plan):
        raise CheckError("--statistics needs a text or json report")
    return plan


def _note(message: str) -> None:
    _err(f"linkerd-lint: {message}")


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _auto_color(stream, path) -> bool:
    """Colour for a terminal, unless NO_COLOR is set to anything non-empty (no-color.org)."""
    return path is None and stream.isatty() and not os.environ.get("NO_COLOR")


class CheckRun:
    def __init__(self, settings, registry, chosen, targets, context, stdin, cwd):
        self.settings, self.registry, self.chosen = settings, registry, chosen
        self.targets, self.context, self.stdin, self.cwd = targets, context, stdin, cwd
        self.result = None
        self.findings: list = []
        self.outcome = None
        self.diff = None  # the --diff text, when --diff was given
        self.stdout_taken = False  # the fixed stdin document or the diff holds stdout
        self.wrote_baseline = False
        self.unsafe = False
        self.jobs = 1  # worker processes for the object pass, None: one per core (linter/parallel.py)
        self.progress = None  # linter.progress.Progress, when a terminal shows one
        self.lint_stdin = True  # False: stdin's name is excluded; it is only echoed by --fix

    # -- running -----------------------------------------------------------------------

    def execute(self, *, fix=False, diff=False, unsafe=False, baseline=None, write_baseline=None) -> None:
        self.unsafe = unsafe
        base = _load_baseline(baseline) if baseline else None
        old = _existing_baseline(write_baseline) if write_baseline else None
        engine = Engine(self.settings, self.registry, self.chosen, keep_sources=bool(fix or diff), jobs=self.jobs)
        engine.progress = self.progress
        if fix or diff:
            from linter import fix as fix_mod

            run, raw_of = fix_mod.runner(engine, self.targets, self.context, self._engine_stdin())
            keep = (lambda fs: base.split(fs, self.cwd)[0]) if base is not None else None
            self.outcome = fix_mod.fix_run(run, raw_of, unsafe=unsafe, keep=keep)
            # --diff writes nothing: its reports (and a baseline) describe the files on disk,
            # not the text the fixes would make
            self.result = self.outcome.first if diff else self.outcome.result
            self._fix_notes()
            if diff:
                self.diff = "".join(fix_mod.unified_diff(ff) for _, ff in sorted(self.outcome.files.items()))
                self.stdout_taken = True
            else:
                self._write_fixes()
        else:
            self.result = engine.run(self.targets, self.context, self._engine_stdin())
        if self.progress is not None:
            self.progress.close()
        for msg in self.result.internal_errors:
            _note(f"internal error: {msg} (please report this)")
        self.findings = list(self.result.findings)
        if write_baseline:
            from linter.baseline import dumps

            kept = old.unjudged(self._judge(old)) if old is not None else []
            text = dumps(self.findings, write_baseline, self.cwd, _version(), keep=kept)
            self._write(write_baseline, text.encode("utf-8"))
            self.wrote_baseline = True
            n = len(self.findings)
            note = f"wrote {n} finding{'s' if n != 1 else ''} to baseline {write_baseline}"
            k = sum(count for _, count in kept)
            if k:
                note += (f" and kept {k} earlier entr{'ies' if k != 1 else 'y'} of rules or files this run did not check "
                         "(delete the file first to start afresh)")
            _note(note)
        elif base is not None:
            self.findings, matched, stale = base.split(self.findings, self.cwd, self._judge(base))
            self._stale_notes(baseline, stale)

    def _engine_stdin(self):
        return self.stdin if self.lint_stdin else None

    def _judge(self, baseline):
        """Which of ``baseline``'s entries this run judged: their rule ran on their file."""
        from linter.baseline import judge

        checked = self.result.inventory.reported if self.result.inventory is not None else None
        per_file = {k: [i.upper() for i in v] for k, v in self.settings.per_file_ignores.items()}
        return judge(baseline.base_dir, self.cwd, checked, rules=set(self.chosen), per_file=per_file)

    def _fix_notes(self) -> None:
        from linter import fix as fix_mod

        for f, why in self.outcome.rejected:
            _note(f"warning: fix for {f.rule_id} at {f.path}:{f.span.line}:{f.span.col} not applied: {why}")
        if self.outcome.unsettled:
            _note(f"warning: fixes still changing {', '.join(self.outcome.unsettled)} after {self.outcome.passes} passes; "
                  "stopped (please report this)")

    def _write_fixes(self) -> None:
        stdin_name = self.stdin[0] if self.stdin is not None else None
        real = dict((d, r) for r, d in self.targets)
        for path, ff in sorted(self.outcome.files.items()):
            if path == stdin_name or not ff.changed:
                continue
            self._write(real.get(path, path), ff.encoding.encode(ff.text))
        if self.stdin is not None:
            ff = self.outcome.files.get(stdin_name)
            data = ff.encoding.encode(ff.text) if ff is not None else self.stdin[1]
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            self.stdout_taken = True

    def _write(self, path: str, data: bytes) -> None:
        from linter import fix as fix_mod

        try:
            fix_mod.write_atomic(path, data)
        except OSError as e:
            raise CheckError(f"cannot write {path}: {e.strerror or e}") from None

    def _stale_notes(self, baseline: str, stale: list) -> None:
        if not stale:
            return
        n = sum(count for _, count in stale)
        _note(f"{n} baseline entr{'ies' if n != 1 else 'y'} in {baseline} no longer match{'es' if n == 1 else ''} "
              f"(fixed, or the object was renamed); run with --write-baseline {baseline} to drop "
              f"{'them' if n != 1 else 'it'}:")
        for entry, count in stale[:20]:
            where = f"{entry.path} {entry.resource} {entry.field}".rstrip()
            _err(f"  {entry.rule} {where}" + (f" (x{count})" if count > 1 else ""))
        if len(stale) > 20:
            _err(f"  … and {len(stale) - 20} more")

    # -- reporting ---------------------------------------------------------------------

    def report(self, plan, *, quiet=False, color=None, statistics=False, version="", root=".") -> None:
        if self.diff is not None:
            sys.stdout.write(self.diff)
            sys.stdout.flush()
            self._diff_summary()
        fixed = self.outcome.fixed if self.outcome is not None and self.diff is None else 0
        files = tuple(sorted(self.result.inventory.reported)) if self.result.inventory is not None else ()
        for fmt, path in plan:
            if path is None and self.diff is not None:
                continue  # --diff: stdout is the diff
            stream = sys.stderr if path is None and self.stdout_taken else sys.stdout
            ctx = ReportContext(
                rules=self.registry.rules,
                files_checked=self.result.files_checked,
                color=_auto_color(stream, path) if color is None else color,
                quiet=quiet,
                tool_version=version,
                root=root,
                cwd=self.cwd,
                statistics=statistics and fmt in STATISTICS_FORMATS,
                unsafe_fixes=self.unsafe,
                fixed=fixed,
                files=files,
                fail_on=self.settings.fail_on,
                internal_errors=len(self.result.internal_errors),
            )
            text = renderer(fmt)(self.findings, ctx)
            if path:
                self._write(path, text.encode("utf-8"))
            else:
                stream.write(text)
                stream.flush()
        if self.diff is None and not quiet and all(path for _, path in plan):
            # every report went to a file: the CI log still shows the outcome
            from linter.report.text import summary

            _err(summary(self.findings, self.result.files_checked, fixed=fixed, unsafe=self.unsafe,
                         internal_errors=len(self.result.internal_errors)))

    def _diff_summary(self) -> None:
        n = self.outcome.fixed
        files = sum(1 for ff in self.outcome.files.values() if ff.changed)
        if n:
            _note(f"would fix {n} finding{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}")
        else:
            _note("no fixes to apply")

    def exit_code(self, *, exit_zero: bool = False) -> int:
        if self.result.internal_errors:
            return 2
        if self.diff is not None:
            return 1 if self.diff else 0
        if self.wrote_baseline or exit_zero or self.settings.fail_on == "none":
            return 0
        limit = Severity.parse(self.settings.fail_on)
        return 1 if any(f.severity >= limit for f in self.findings) else 0


def _load_baseline(path: str):
    from linter.baseline import Baseline, BaselineError

    try:
        return Baseline.load(path)
    except BaselineError as e:
        raise CheckError(str(e)) from None


def _existing_baseline(path: str):
    """The baseline --write-baseline is about to replace (None: no file, or an empty one).

    A file that is there but is not a baseline is refused rather than overwritten."""
    try:
        if os.path.getsize(path) == 0:
            return None
    except OSError:
        return None  # not there (or not readable: writing will say so)
    from linter.baseline import Baseline, BaselineError

    try:
        return Baseline.load(path)
    except BaselineError as e:
        raise CheckError(f"{e}; --write-baseline will not overwrite it (delete it, or name another file)") from None


def _without_own_files(targets: list, paths, cwd: str) -> list:
    """``targets`` without the run's own files (its baseline, the reports and baseline it writes):
    `check -f json -o report.json .` must not read last run's report as a manifest."""
    own = {os.path.realpath(os.path.join(cwd, p)) for p in paths if p and p != "-"}
    if not own or not targets:
        return targets
    names = {os.path.basename(p) for p in own}  # realpath only for files that can be one of them
    return [t for t in targets if os.path.basename(t[0]) not in names or os.path.realpath(os.path.join(cwd, t[0])) not in own]


def _version() -> str:
    from linter import __version__

    return __version__


# -- the command ---------------------------------------------------------------------------


def split_list(values) -> list:
    """Repeated, comma-separated option values (--select A,B --select C) as one list."""
    out = []
    for v in values or ():
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


def repo_root(start: str) -> str:
    d = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return os.path.abspath(start)
        d = parent


def load_settings(config_file, cwd: str, overrides: dict):
    """Discovered (or named) configuration with the command line's options on top; None values are unset."""
    from linter import config as config_mod

    try:
        settings = config_mod.load(config_file, cwd)
        config_mod.apply(settings, {k: v for k, v in overrides.items() if v is not None}, source="command line")
    except config_mod.ConfigError as e:
        raise CheckError(str(e)) from None
    return settings


def load_registry(settings=None):
    from linter.api import LintError, load_registry as load
    from linter.registry import RegistryError

    try:
        return load(settings)
    except (RegistryError, LintError) as e:
        raise CheckError(str(e)) from None


def check_command(p: dict, version: str) -> int:
    """``linkerd-lint check`` with its parsed options (linter/argv.py names them); the exit code.

    Usage, configuration and I/O problems raise CheckError (exit 2).
    """
    from linter.files import InputError, discover, display_path

    reports = plan_reports(p["reports"], statistics=p["statistics"])
    cwd = os.getcwd()
    settings = load_settings(
        p["config_file"],
        cwd,
        {
            "linkerd-version": p["linkerd_version"],
            "kubernetes-version": p["kubernetes_version"],
            "default-namespace": p["default_namespace"],
            "fail-on": p["fail_on"],
            "now": p["now"],
            "assume-complete": True if p["assume_complete"] else None,
        },
    )
    registry = load_registry(settings)
    from linter import source

    if not source.C_PARSER:
        _note("notice: " + source.PURE_PYTHON_NOTICE)
    from linter.api import LintError, selection

    try:
        chosen = selection(registry, settings, split_list(p["select"]), split_list(p["ignore"]), split_list(p["extend_select"]))
    except LintError as e:
        raise CheckError(str(e)) from None

    paths = p["paths"]
    exclude_globs = settings.exclude_globs(cwd, p["exclude"])
    stdin = None
    lint_stdin = True
    if p["stdin_filename"] and "-" not in paths:
        # Naming the input on stdin means reading it (as ruff does); an editor plugin that
        # passes the buffer's name must not get the whole directory linted instead.
        if paths:
            _note(f"warning: --stdin-filename given: reading standard input, not {' '.join(paths)}")
        paths = ("-",)
    file_args = [x for x in paths if x != "-"]
    if "-" in paths:
        disp = display_path(p["stdin_filename"], cwd) if p["stdin_filename"] else "<stdin>"
        stdin = (disp, sys.stdin.buffer.read())
        if p["stdin_filename"]:
            from linter.files import excluded

            # Excluded like the same file named on the command line (pre-commit, editors);
            # with --fix the input still goes back to stdout unchanged, so nothing is lost.
            lint_stdin = not excluded(disp, exclude_globs)
    if not paths:
        file_args = ["."]
    try:
        targets = discover(file_args, cwd, exclude_globs) if file_args else []
        ctx_existing, ctx_missing = settings.context_paths(p["context_paths"])
        ctx_targets = discover(ctx_existing, cwd, exclude_globs) if ctx_existing else []
    except InputError as e:
        raise CheckError(str(e)) from None
    own = [p["baseline_file"], p["write_baseline"]] + [path for _, path in reports]
    targets, ctx_targets = _without_own_files(targets, own, cwd), _without_own_files(ctx_targets, own, cwd)
    for x in ctx_missing:
        _note(f"warning: context path {x} does not exist")
    if not targets and stdin is None:
        _note(f"warning: no manifest files (*.yaml, *.yml, *.json) found under {' '.join(file_args)}")

    run = CheckRun(settings, registry, chosen, targets, ctx_targets, stdin, cwd)
    run.lint_stdin = lint_stdin
    from linter import progress, runtime

    run.jobs = p["jobs"]  # None: one per core, looked up only by a run big enough to use them
    if progress.wanted(sys.stderr, [f for f, _ in reports], quiet=p["quiet"]):
        run.progress = progress.Progress(sys.stderr)
    with runtime.batch():  # garbage collection tuned for one long run
        run.execute(fix=p["fix"], diff=p["diff"], unsafe=p["unsafe_fixes"], baseline=p["baseline_file"],
                    write_baseline=p["write_baseline"])
    run.report(reports, quiet=p["quiet"], color=p["color"], statistics=p["statistics"], version=version, root=repo_root(cwd))
    return run.exit_code(exit_zero=p["exit_zero"])
