"""The command line: ``linkerd-lint check|rules|explain``.

Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage, configuration
or I/O error (a message on stderr, never a traceback).
"""

from __future__ import annotations

import os
import sys

import click

from linter import __version__

SEVERITIES = ("info", "warning", "error")


class UsageFailure(click.ClickException):
    exit_code = 2

    def show(self, file=None):
        click.echo(f"linkerd-lint: error: {self.message}", err=True)


def _split(values) -> list:
    out = []
    for v in values or ():
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


def _repo_root(start: str) -> str:
    d = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return os.path.abspath(start)
        d = parent


# Subcommands that live in their own modules, imported only when invoked so that
# `check` does not pay for them at start-up: name -> "module:attribute".
LAZY_COMMANDS: dict = {
    "server": "linter.lsp.command:server",
    "context": "linter.context_command:context",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx, name):
        if name in LAZY_COMMANDS:
            import importlib

            module, attr = LAZY_COMMANDS[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="linkerd-lint", message="%(prog)s %(version)s")
def cli():
    """Catch Linkerd service-mesh mistakes in Kubernetes manifests before they reach a cluster."""


def load_cli_settings(config_file, cwd: str, overrides: dict):
    """Discovered (or named) configuration with the command line's options on top; None values are unset."""
    from linter import config as config_mod

    try:
        settings = config_mod.load(config_file, cwd)
        config_mod.apply(settings, {k: v for k, v in overrides.items() if v is not None}, source="command line")
    except config_mod.ConfigError as e:
        raise UsageFailure(str(e)) from None
    return settings


def _load_registry(settings=None):
    from linter.api import LintError, load_registry
    from linter.registry import RegistryError

    try:
        return load_registry(settings)
    except (RegistryError, LintError) as e:
        raise UsageFailure(str(e)) from None


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", "config_file", type=click.Path(), help="Configuration file (skips discovery).")
@click.option("-f", "--format", "fmt", multiple=True, help="text (default), json, sarif, github, gitlab or junit; repeat for several reports.")
@click.option("-o", "--output", multiple=True, type=click.Path(), help="Write the n-th --format's report to FILE (repeatable); a report without one goes to stdout.")
@click.option("--select", multiple=True, help="Rules to run: ids, prefixes (LNK1), names or ALL. Comma-separated.")
@click.option("--ignore", multiple=True, help="Rules not to run. Comma-separated.")
@click.option("--extend-select", multiple=True, help="Rules to add to the configured selection.")
@click.option("--fail-on", type=click.Choice(SEVERITIES + ("none",)), help="Lowest severity that fails the run [default: warning].")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option("--linkerd-version", help="Target Linkerd version (2.18, stable-2.14.10, edge-25.4.4).")
@click.option("--kubernetes-version", help="Target Kubernetes version (1.30, v1.30.4).")
@click.option("--stdin-filename", help="Name of the file read from stdin (-), for positions and per-file settings.")
@click.option("--exclude", multiple=True, help="Glob of paths to skip (repeatable).")
@click.option("--context", "context_paths", multiple=True, type=click.Path(), help="Paths read for cross-file facts but not reported (repeatable).")
@click.option("--default-namespace", help="Namespace of objects that name none [default: default].")
@click.option("--assume-complete", is_flag=True, default=None, help="The input is the whole cluster: report references into namespaces it does not otherwise show.")
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them (text and json).")
@click.option("--fix", is_flag=True, help="Apply safe fixes to the files (stdin: print the fixed document).")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, also apply fixes that change behaviour.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff and change nothing (exit 1 if there is one).")
@click.option("--baseline", "baseline_file", type=click.Path(), help="Report only findings not recorded in this baseline file.")
@click.option("--write-baseline", "write_baseline", type=click.Path(), help="Record the current findings in FILE (exit 0).")
@click.option("--color/--no-color", default=None, help="Colour the text report [default: when stdout is a terminal].")
@click.option("--now", "now", metavar="WHEN", help="Fix the clock of certificate checks: ISO date or datetime (2030-01-31, 2030-01-31T12:00:00Z).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processes that read and check files [default: the number of cores; small runs use one].")
def check(paths, config_file, fmt, output, select, ignore, extend_select, fail_on, exit_zero, quiet,
          linkerd_version, kubernetes_version, stdin_filename, exclude, context_paths, default_namespace,
          statistics, color, now, fix, unsafe_fixes, diff, baseline_file, write_baseline, assume_complete, jobs):
    """Lint manifests in PATHS (files or directories; - for stdin)."""
    from linter.checkrun import CheckError, CheckRun, plan_reports
    from linter.files import InputError, discover, display_path

    try:
        reports = plan_reports(fmt, output, statistics=statistics)
    except CheckError as e:
        raise UsageFailure(str(e)) from None
    cwd = os.getcwd()
    settings = load_cli_settings(
        config_file,
        cwd,
        {
            "linkerd-version": linkerd_version,
            "kubernetes-version": kubernetes_version,
            "default-namespace": default_namespace,
            "fail-on": fail_on,
            "now": now,
            "assume-complete": True if assume_complete else None,
        },
    )

    registry = _load_registry(settings)
    from linter.api import LintError, selection

    try:
        chosen = selection(registry, settings, _split(select), _split(ignore), _split(extend_select))
    except LintError as e:
        raise UsageFailure(str(e)) from None

    exclude_globs = settings.exclude_globs(cwd, exclude)
    stdin = None
    file_args = [p for p in paths if p != "-"]
    if "-" in paths:
        disp = display_path(stdin_filename, cwd) if stdin_filename else "<stdin>"
        stdin = (disp, sys.stdin.buffer.read())
    if not paths:
        file_args = ["."]
    try:
        targets = discover(file_args, cwd, exclude_globs) if file_args else []
        ctx_existing, ctx_missing = settings.context_paths(context_paths)
        ctx_targets = discover(ctx_existing, cwd, exclude_globs) if ctx_existing else []
    except InputError as e:
        raise UsageFailure(str(e)) from None
    for p in ctx_missing:
        click.echo(f"linkerd-lint: warning: context path {p} does not exist", err=True)
    if not targets and stdin is None:
        click.echo(f"linkerd-lint: warning: no manifest files (*.yaml, *.yml, *.json) found under {' '.join(file_args)}", err=True)

    run = CheckRun(settings, registry, chosen, targets, ctx_targets, stdin, cwd)
    from linter import parallel, progress, runtime

    run.jobs = jobs or parallel.cpu_count()
    if progress.wanted(sys.stderr, [f for f, _ in reports], quiet=quiet):
        run.progress = progress.Progress(sys.stderr)
    try:
        with runtime.batch():  # garbage collection tuned for one long run
            run.execute(fix=fix, diff=diff, unsafe=unsafe_fixes, baseline=baseline_file, write_baseline=write_baseline)
        run.report(reports, quiet=quiet, color=color, statistics=statistics, version=__version__, root=_repo_root(cwd))
    except CheckError as e:
        raise UsageFailure(str(e)) from None
    sys.exit(run.exit_code(exit_zero=exit_zero))


def _config_settings(config_file=None):
    """Settings from the discovered (or given) configuration: its custom rules are rules too."""
    return load_cli_settings(config_file, os.getcwd(), {})


@cli.command("rules")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", "config_file", type=click.Path(), help="Configuration file (skips discovery).")
def rules_cmd(fmt, config_file):
    """List every rule: id, name, default severity, fixable."""
    registry = _load_registry(_config_settings(config_file))
    if fmt == "json":
        import json

        click.echo(
            json.dumps(
                [
                    {"id": r.id, "name": r.name, "severity": str(r.severity), "fixable": r.fixable, "summary": r.summary, "origin": r.origin}
                    for r in registry.rules.values()
                ],
                indent=2,
            )
        )
        return
    width = max((len(r.name) for r in registry.rules.values()), default=10)
    for r in registry.rules.values():
        fix = "fixable" if r.fixable else ""
        click.echo(f"{r.id:<8} {r.name:<{width}}  {str(r.severity):<8} {fix:<8} {r.summary}".rstrip())


@cli.command()
@click.argument("rule_id")
@click.option("--config", "config_file", type=click.Path(), help="Configuration file (skips discovery).")
def explain(rule_id, config_file):
    """Show the full documentation of a rule (id or name)."""
    registry = _load_registry(_config_settings(config_file))
    r = registry.get(rule_id)
    if r is None:
        raise UsageFailure(f"unknown rule {rule_id!r} (see `linkerd-lint rules`)")
    click.echo(r.markdown())


def main():
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        click.echo("linkerd-lint: interrupted", err=True)
        sys.exit(130)
