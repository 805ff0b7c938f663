"""Reporters turn findings into text for people and documents for machines.

Each reporter is ``render(findings, ctx) -> str``; they see findings and rule
metadata only, never manifests.
"""

from __future__ import annotations

import importlib

from linter.record import Record

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")


class ReportContext(Record):
    __slots__ = ("rules", "files_checked", "color", "quiet", "tool_version", "root", "cwd", "statistics",
                 "unsafe_fixes", "fixed", "files", "fail_on", "internal_errors", "extra")

    def __init__(
        self,
        rules: dict,  # id -> Rule (every rule known, for metadata)
        files_checked: int = 0,
        color: bool = False,
        quiet: bool = False,
        tool_version: str = "",
        root: str = ".",  # repository root, for repository-relative URIs
        cwd: str = ".",
        statistics: bool = False,
        unsafe_fixes: bool = False,  # whether unsafe fixes count as applicable (--unsafe-fixes)
        fixed: int = 0,  # findings fixed by --fix in this run
        files: tuple = (),  # display paths of the files checked (JUnit lists clean ones too)
        fail_on: str = "warning",  # the lowest severity that fails the run (info, warning, error, none)
        internal_errors: int = 0,  # checks that crashed: the run is incomplete whatever it found
        extra: dict | None = None,
    ):
        self.rules = rules
        self.files_checked = files_checked
        self.color = color
        self.quiet = quiet
        self.tool_version = tool_version
        self.root = root
        self.cwd = cwd
        self.statistics = statistics
        self.unsafe_fixes = unsafe_fixes
        self.fixed = fixed
        self.files = files
        self.fail_on = fail_on
        self.internal_errors = internal_errors
        self.extra = {} if extra is None else extra


def renderer(fmt: str):
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    return importlib.import_module(f"linter.report.{fmt}").render


def repo_path(path: str, ctx, base: str | None = None) -> str:
    """A finding's path relative to ``base`` (default: the repository root), with forward
    slashes; absolute when the file lies outside it.  CI systems want repository paths."""
    import os

    full = os.path.abspath(os.path.join(ctx.cwd, path))
    rel = os.path.relpath(full, base or ctx.root)
    return (full if rel.startswith("..") else rel).replace(os.sep, "/")


def fails(finding, ctx) -> bool:
    """Whether the finding is at or above ``fail-on``, so that it fails the run."""
    if ctx.fail_on == "none":
        return False
    from linter.rule import Severity

    return finding.severity >= Severity.parse(ctx.fail_on)


def fixable(finding, ctx) -> bool:
    """Whether ``--fix`` (with ``--unsafe-fixes`` when given) would apply the finding's fix."""
    fix = finding.fix
    return fix is not None and bool(fix.edits) and (fix.safe or ctx.unsafe_fixes)


def statistics(findings, ctx) -> list:
    """Findings counted per rule, most frequent first (ties by rule id), as ruff counts them;
    a rule is fixable when every one of its findings is."""
    rows: dict = {}
    for f in findings:
        row = rows.setdefault(f.rule_id, {"rule": f.rule_id, "name": "", "count": 0, "fixable": True})
        row["count"] += 1
        row["fixable"] = row["fixable"] and fixable(f, ctx)
        rule = ctx.rules.get(f.rule_id)
        row["name"] = rule.name if rule else ""
    return sorted(rows.values(), key=lambda r: (-r["count"], r["rule"]))
