"""GitLab Code Quality: a JSON array of Code Climate issues for ``artifacts:reports:codequality``.

Paths are relative to the project directory (``CI_PROJECT_DIR`` in a GitLab job, else the
repository root).  GitLab wants a file for every issue (``location.path``, "the file containing
the code quality violation", and the widget links it): a finding about the command line
(``--kubernetes-version``) points at the pipeline configuration that holds the job's command
(``CI_CONFIG_PATH``, else ``.gitlab-ci.yml`` when the project has one), line 1, else at ``.``.  Fingerprints hash the rule, path, object and field path (not the line, so
an issue keeps its identity across unrelated edits); findings sharing all four get a
running number, so every fingerprint in a report is unique.
"""

from __future__ import annotations

import hashlib
import json
import os

from linter.located import format_path
from linter.report import repo_path
from linter.rule import COMMAND_LINE

# info/minor/major as ruff maps them; an error found by a file-scope rule (the file or a
# document cannot be read or is rejected whole, so nothing in it reaches the cluster) is critical.
SEVERITY = {"info": "info", "warning": "minor", "error": "major"}


def render(findings, ctx) -> str:
    base = os.environ.get("CI_PROJECT_DIR") or None
    issues = []
    seen: dict = {}
    for f in findings:
        on_command_line = f.path == COMMAND_LINE
        path = _pipeline_file(base or ctx.root) if on_command_line else repo_path(f.path, ctx, base)
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
        if on_command_line:
            description += " (linkerd-lint's command line)"
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


def _pipeline_file(project_dir: str) -> str:
    """The repository file that holds a GitLab job's command line, or "." (the project)."""
    configured = os.environ.get("CI_CONFIG_PATH", "")
    # also a URL or another project's file (".gitlab-ci.yml@group/project"): not in this repository
    if configured and "://" not in configured and "@" not in configured and not os.path.isabs(configured):
        return os.path.normpath(configured).replace(os.sep, "/")
    if os.path.isfile(os.path.join(project_dir, ".gitlab-ci.yml")):
        return ".gitlab-ci.yml"
    return "."
