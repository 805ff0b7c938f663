"""The library entry points: lint paths or text with the same configuration discovery as the CLI.

    from linter.api import lint_paths
    result = lint_paths(["deploy/"])
    for f in result.findings:
        print(f.path, f.span.line, f.rule_id, f.message)
"""

from __future__ import annotations

import os

from linter import config as config_mod
from linter.engine import Engine, RunResult
from linter.files import discover, display_path
from linter.registry import Registry


class LintError(Exception):
    """Configuration or selection problem (the CLI's exit code 2)."""


def load_settings(cwd: str | None = None, config_file: str | None = None, overrides: dict | None = None):
    cwd = os.path.abspath(cwd or os.getcwd())
    try:
        settings = config_mod.load(config_file, cwd)
        if overrides:
            config_mod.apply(settings, overrides, source="overrides")
    except config_mod.ConfigError as e:
        raise LintError(str(e)) from None
    return settings


def load_registry(settings=None, plugins: bool = True) -> Registry:
    reg = Registry.load(plugins=plugins)
    if settings is not None and getattr(settings, "custom_rules", None):
        try:
            from linter.custom_rules import register_custom_rules
        except ImportError:  # pragma: no cover
            raise LintError("custom-rules are not supported by this build") from None
        register_custom_rules(reg, settings)
    return reg


# The rule that reports rule ids the configuration names but no rule has (LNK004): it runs
# whenever the configuration names one, whatever the selection, so that a selection cannot
# hide a mistake in itself (``select: [LNK1]`` with ``ignore: [LNK998]``).
CONFIG_CHECK = "invalid-suppression"


class Selection(set):
    """Rule ids to run.  ``config_only``: ids run only to report mistakes in the configuration
    file; the engine drops their findings anywhere else."""

    config_only: frozenset = frozenset()


def selection(registry: Registry, settings, select=(), ignore=(), extend=()) -> set:
    """Rule ids to run.  Unknown selectors given here (the command line) are errors (exit 2);
    unknown ones in the configuration are reported as LNK004 findings at their line (always,
    see CONFIG_CHECK), and a configured ``select`` that names no known rule runs no rule.

    Rule names are accepted wherever the configuration takes ids: ``resolve_names`` rewrites
    ``severity`` and ``per-file-ignores`` of ``settings`` to ids."""
    for option, values in (("select", select), ("ignore", ignore), ("extend-select", extend)):
        for sel in values:
            if registry.match(sel) is None:
                raise LintError(f"unknown rule or prefix {sel!r} in --{option} (see `linkerd-lint rules`)")
    unknown = resolve_names(registry, settings)
    chosen = Selection()
    configured = [s for s in settings.select if registry.match(s)]
    for sel in list(select) or (configured if settings.select else ["ALL"]):
        chosen |= _selected(registry, sel)
    for sel in [s for s in settings.extend_select if registry.match(s)] + list(extend):
        chosen |= _selected(registry, sel)
    for sel in [s for s in settings.ignore if registry.match(s)] + list(ignore):
        chosen -= registry.match(sel)
    if unknown:
        forced = (registry.match(CONFIG_CHECK) or set()) - chosen
        chosen |= forced
        chosen.config_only = frozenset(forced)
    return chosen


def resolve_names(registry: Registry, settings) -> list:
    """Turn rule names (and prefixes) in ``severity`` and ``per-file-ignores`` into the ids they
    match, in place (unknown entries are kept as written, for LNK004); the unknown selectors
    of the configuration, in the order of its keys."""
    unknown = [s for key in ("select", "ignore", "extend_select") for s in getattr(settings, key) if registry.match(s) is None]
    severity, exact = {}, {}
    for sel, level in settings.severity.items():
        ids = registry.match(sel)
        if ids is None:
            unknown.append(sel)
            severity[sel] = level
        else:  # a rule's own entry beats a prefix's (LNK1: info, LNK101: error), in any order
            (exact if len(ids) == 1 and str(sel).strip().upper() != "ALL" else severity).update(
                (rid, level) for rid in sorted(ids))
    settings.severity = {**severity, **exact}
    per_file = {}
    for pattern, sels in settings.per_file_ignores.items():
        ids: list = []
        for sel in sels:
            found = registry.match(sel)
            if found is None:
                unknown.append(sel)
                ids.append(sel)
            else:
                ids.extend(sorted(found - set(ids)))
        per_file[pattern] = ids
    settings.per_file_ignores = per_file
    return unknown


def _selected(registry: Registry, sel) -> set:
    """The ids a select/extend-select entry turns on: an opt-in rule only when named exactly
    (its id or name), never through ALL or a prefix. ``ignore`` removes by plain match."""
    ids = registry.match(sel) or set()
    text = str(sel).strip()
    return {rid for rid in ids if not registry.rules[rid].opt_in or rid == text.upper() or registry.rules[rid].name == text}


def lint_paths(paths, *, cwd=None, config_file=None, overrides=None, select=(), ignore=(), context=(),
               keep_sources=False, jobs=1) -> RunResult:
    cwd = os.path.abspath(cwd or os.getcwd())
    settings = load_settings(cwd, config_file, overrides)
    registry = load_registry(settings)
    chosen = selection(registry, settings, select, ignore)
    here = os.getcwd()
    os.chdir(cwd)  # display paths and config-relative paths are relative to cwd
    try:
        excludes = settings.exclude_globs(cwd)
        targets = discover(list(paths), cwd, excludes)
        ctx = discover(settings.context_paths(context)[0], cwd, excludes)
        engine = Engine(settings, registry, chosen, keep_sources=keep_sources, jobs=jobs)  # jobs: linter/parallel.py
        return engine.run(targets, ctx)
    finally:
        os.chdir(here)


def lint_text(text: str, filename: str = "<stdin>", *, cwd=None, config_file=None, overrides=None,
              select=(), ignore=(), context=()) -> RunResult:
    cwd = os.path.abspath(cwd or os.getcwd())
    settings = load_settings(cwd, config_file, overrides)
    registry = load_registry(settings)
    chosen = selection(registry, settings, select, ignore)
    ctx = discover(list(context), cwd, settings.exclude_globs(cwd)) if context else []
    engine = Engine(settings, registry, chosen, keep_sources=True)
    return engine.run([], ctx, stdin=(display_path(os.path.join(cwd, filename), cwd) if filename != "<stdin>" else filename, text.encode("utf-8")))
