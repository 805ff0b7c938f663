"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line a finding.

GitHub turns them into annotations on the pull request's diff.  Paths are relative to the
repository root (the workspace), whatever directory the linter ran in.  GitHub shows at
most 10 annotations of each level per step; upload SARIF for more (docs/ci.md).
"""

from __future__ import annotations

from linter.report import repo_path
from linter.rule import COMMAND_LINE

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings, ctx) -> str:
    out = []
    for f in findings:
        rule = ctx.rules.get(f.rule_id)
        title = f"{f.rule_id} {rule.name}" if rule else f.rule_id
        s = f.span
        if f.path == COMMAND_LINE:
            props = []  # about the invocation, not a file: an annotation of the run
        else:
            props = [
                f"file={_prop(repo_path(f.path, ctx))}",
                f"line={s.line}",
                f"col={s.col}",
                f"endLine={s.end_line}",
                f"endColumn={s.end_col}",
            ]
        props.append(f"title={_prop(title)}")
        message = f.message
        if f.template_source:
            message += f" (template {f.template_source})"
        for rel in f.related:
            message += f"\n{repo_path(rel.path, ctx)}:{rel.span.line}:{rel.span.col}: {rel.message}"
        out.append(f"::{LEVEL[str(f.severity)]} {','.join(props)}::{_data(message)}")
    return "".join(line + "\n" for line in out)
