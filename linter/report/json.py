"""A stable JSON document; its schema is documented in the README (version 1)."""

from __future__ import annotations

import json

from linter.located import format_path
from linter.report import statistics


def finding_dict(f) -> dict:
    d = {
        "rule": f.rule_id,
        "severity": str(f.severity),
        "message": f.message,
        "path": f.path,
        "line": f.span.line,
        "column": f.span.col,
        "end_line": f.span.end_line,
        "end_column": f.span.end_col,
        "field": format_path(f.field_path),
        "resource": f.resource,
        "template": f.template_source,
        "related": [
            {"path": r.path, "line": r.span.line, "column": r.span.col, "end_line": r.span.end_line,
             "end_column": r.span.end_col, "message": r.message}
            for r in f.related
        ],
        "fix": None,
    }
    if f.fix is not None:
        d["fix"] = {
            "description": f.fix.description,
            "safe": f.fix.safe,
            "edits": [
                {
                    "line": e.span.line,
                    "column": e.span.col,
                    "end_line": e.span.end_line,
                    "end_column": e.span.end_col,
                    "text": e.text,
                }
                for e in f.fix.edits
            ],
        }
    return d


def render(findings, ctx) -> str:
    if ctx.statistics:  # counts per rule instead of findings, as ruff's --statistics --output-format json
        return json.dumps(statistics(findings, ctx), indent=2) + "\n"
    doc = {
        "version": 1,
        "tool": {"name": "linkerd-lint", "version": ctx.tool_version},
        "summary": {
            "files": ctx.files_checked,
            "findings": len(findings),
            "errors": sum(1 for f in findings if str(f.severity) == "error"),
            "warnings": sum(1 for f in findings if str(f.severity) == "warning"),
            "infos": sum(1 for f in findings if str(f.severity) == "info"),
        },
        "findings": [finding_dict(f) for f in findings],
    }
    if ctx.fixed:
        doc["summary"]["fixed"] = ctx.fixed  # findings --fix removed (only after a --fix)
    return json.dumps(doc, indent=2) + "\n"
