"""GitLab Code Quality: a JSON array of Code Climate issues for ``artifacts:reports:codequality``.

Paths are relative to the project directory (``CI_PROJECT_DIR`` in a GitLab job, else the
repository root).  Fingerprints hash the rule, path, object and field path (not the line, so
an issue keeps its identity across unrelated edits); findings sharing all four get a
running number, so every fingerprint in a report is unique.
"""

from __future__ import annotations

import hashlib
import json
import os

from linter.located import format_path
from linter.report import repo_path

# info/minor/major as ruff maps them; an error found by a file-scope rule (the file or a
# document cannot be read or is rejected whole, so nothing in it reaches the cluster) is critical.
SEVERITY = {"info": "info", "warning": "minor", "error": "major"}


def render(findings, ctx) -> str:
    base = os.environ.get("CI_PROJECT_DIR") or None
    issues = []
    seen: dict = {}
    for f in findings:
        path = repo_path(f.path, ctx, base)
        basis = "\0".join((f.rule_id, path, f.resource, format_path(f.field_path), f.message if not f.resource else ""))
        n = seen.get(basis, 0)
        seen[basis] = n + 1
        severity = SEVERITY[str(f.severity)]
        rule = ctx.rules.get(f.rule_id)
        if severity == "major" and rule is not None and rule.scope == "file":
            severity = "critical"
        description = f"{f.rule_id}: {f.message}"
        if f.template_source:
            description += f" (template {f.template_source})"
        issues.append(
            {
                "type": "issue",
                "check_name": f.rule_id,
                "description": description,
                "categories": ["Bug Risk"],
                "severity": severity,
                "fingerprint": hashlib.md5(f"{basis}\0{n}".encode(), usedforsecurity=False).hexdigest(),
                "location": {"path": path, "lines": {"begin": f.span.line, "end": f.span.end_line}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
