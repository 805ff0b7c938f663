"""The documentation that users read stays true to the code."""

import os
import re

from linter.api import load_registry
from linter.registry import Registry
from linter.rules_reference import render

from .conftest import ROOT


def test_rule_reference_is_generated_from_the_rules():
    with open(os.path.join(ROOT, "docs", "rules.md"), encoding="utf-8") as fh:
        committed = fh.read()
    assert committed == render(Registry.load(plugins=False)), "regenerate: python -m linter.rules_reference > docs/rules.md"


def test_readme_lists_every_rule():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    listed = set(re.findall(r"^\| \[?(LNK\d{3})", readme, re.M))
    assert listed == set(load_registry(plugins=False).rules)


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        head = fh.read(1500)
    commands = re.findall(r"^    (python3 -m venv .*)$", head, re.M)
    assert len(commands) >= 2
    assert "linkerd-lint check fixtures/" in commands[0]
    assert "pytest" in commands[1]
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as fh:
        assert commands[1] in fh.read()


def readme_rule_row(rule) -> str:
    """The README's row for a rule: id, name, every severity it reports, whether its fix is safe."""
    from linter import fixsafety

    sevs = {str(s) for s in (*getattr(rule, "severities", ()), rule.severity)}
    severity = " / ".join(s for s in ("error", "warning", "info") if s in sevs) + (" (opt-in)" if rule.opt_in else "")
    fix = {fixsafety.SAFE: "safe", fixsafety.UNSAFE: "unsafe", fixsafety.MIXED: "safe / unsafe"}.get(fixsafety.of(rule)[0], "")
    return f"| {rule.id} | {rule.name} | {severity} | {fix} |"


def test_readme_rule_table_matches_the_rules():
    """Names, severities and fix safety in the README come from the rules themselves."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        rows = [line for line in fh.read().splitlines() if re.match(r"^\| LNK\d{3} \|", line)]
    rules = load_registry(plugins=False).rules
    assert rows == [readme_rule_row(rules[i]) for i in sorted(rules)]
