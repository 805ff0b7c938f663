"""Reporters turn findings into text for people and documents for machines.

Each reporter is ``render(findings, ctx) -> str``; they see findings and rule
metadata only, never manifests.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")


@dataclass
class ReportContext:
    rules: dict  # id -> Rule (every rule known, for metadata)
    files_checked: int = 0
    color: bool = False
    quiet: bool = False
    tool_version: str = ""
    root: str = "."  # repository root, for repository-relative URIs
    cwd: str = "."
    statistics: bool = False
    extra: dict = field(default_factory=dict)


def renderer(fmt: str):
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    return importlib.import_module(f"linter.report.{fmt}").render
