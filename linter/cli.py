"""The command line: ``linkerd-lint check|rules|explain``.

Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage, configuration
or I/O error (a message on stderr, never a traceback).
"""

from __future__ import annotations

import os
import sys

import click

from linter import __version__
from linter.argv import CHECK_OPTIONS, REPORT_DESTS


class UsageFailure(click.ClickException):
    exit_code = 2

    def show(self, file=None):
        click.echo(f"linkerd-lint: error: {self.message}", err=True)


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
    from linter.checkrun import CheckError, load_settings

    try:
        return load_settings(config_file, cwd, overrides)
    except CheckError as e:
        raise UsageFailure(str(e)) from None


def _load_registry(settings=None):
    from linter.checkrun import CheckError, load_registry

    try:
        return load_registry(settings)
    except CheckError as e:
        raise UsageFailure(str(e)) from None


def _click_option(opt):
    """The click spelling of one of linter/argv.py's check options."""
    decls = list(opt.flags) + [opt.dest]
    kw = {"help": opt.help}
    if opt.metavar:
        kw["metavar"] = opt.metavar
    if opt.kind == "multiple":
        kw["multiple"] = True
    elif opt.kind == "flag":
        kw["is_flag"] = True
        kw["default"] = opt.default
    elif opt.kind == "bool":
        decls = ["/".join(opt.flags + opt.secondary), opt.dest]
        kw["default"] = None
    elif opt.kind == "choice":
        kw["type"] = click.Choice(opt.choices)
    elif opt.kind == "jobs":
        kw["type"] = click.IntRange(min=1)
    if opt.path:
        kw["type"] = click.Path()
    return click.option(*decls, **kw)


def _with_check_options(fn):
    for opt in reversed(CHECK_OPTIONS):
        fn = _click_option(opt)(fn)
    return click.argument("paths", nargs=-1, type=click.Path())(fn)


class _CheckCommand(click.Command):
    """``check``: an --output belongs to the --format written before it, and click keeps each
    option's values but not how they interleave; the parser's record of the order it met the
    options in gives ``reports`` (as linter/argv.py builds it)."""

    def make_parser(self, ctx):
        parser = super().make_parser(ctx)
        parse = parser.parse_args

        def parse_args(args):
            opts, largs, order = parse(args=args)
            values = {dest: iter(opts.get(dest) or ()) for dest in REPORT_DESTS}
            ctx.meta["linkerd_lint.reports"] = tuple(
                (p.name, next(values[p.name])) for p in order if getattr(p, "name", None) in REPORT_DESTS
            )
            return opts, largs, order

        parser.parse_args = parse_args
        return parser

    def parse_args(self, ctx, args):
        rest = super().parse_args(ctx, args)
        ctx.params["reports"] = ctx.meta.pop("linkerd_lint.reports", ())
        return rest


@cli.command(cls=_CheckCommand)
@_with_check_options
def check(**params):
    """Lint manifests in PATHS (files or directories; - for stdin)."""
    from linter.checkrun import CheckError, check_command

    try:
        code = check_command(params, __version__)
    except CheckError as e:
        raise UsageFailure(str(e)) from None
    sys.exit(code)


def _config_settings(config_file=None):
    """Settings from the discovered (or given) configuration: its custom rules are rules too."""
    return load_cli_settings(config_file, os.getcwd(), {})


@cli.command("rules")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", "config_file", type=click.Path(), help="Configuration file (skips discovery).")
def rules_cmd(fmt, config_file):
    """List every rule: id, name, default severity, fixable (safe, unsafe, or safe/unsafe: see `explain`), opt-in (runs only when selected by id or name)."""
    from linter import fixsafety

    registry = _load_registry(_config_settings(config_file))
    if fmt == "json":
        import json

        click.echo(
            json.dumps(
                [
                    {"id": r.id, "name": r.name, "severity": str(r.severity), "fixable": r.fixable,
                     "fix": fixsafety.of(r)[0] or None, "fix_note": fixsafety.of(r)[1] or None,
                     "summary": r.summary, "origin": r.origin, "opt_in": r.opt_in}
                    for r in registry.rules.values()
                ],
                indent=2,
            )
        )
        return
    width = max((len(r.name) for r in registry.rules.values()), default=10)
    marks = {r.id: " ".join(w for w in (fixsafety.label(r), "opt-in" if r.opt_in else "") if w) for r in registry.rules.values()}
    mark_width = max((len(m) for m in marks.values()), default=8)
    for r in registry.rules.values():
        click.echo(f"{r.id:<8} {r.name:<{width}}  {str(r.severity):<8} {marks[r.id]:<{mark_width}} {r.summary}".rstrip())


@cli.command()
@click.argument("rule_id")
@click.option("--config", "config_file", type=click.Path(), help="Configuration file (skips discovery).")
def explain(rule_id, config_file):
    """Show the full documentation of a rule (id or name)."""
    registry = _load_registry(_config_settings(config_file))
    r = registry.get(rule_id)
    if r is None:
        raise UsageFailure(f"unknown rule {rule_id!r} (see `linkerd-lint rules`)")
    from linter import fixsafety

    click.echo(fixsafety.markdown(r))


from linter.entry import main  # noqa: E402  (the console script's old address)
