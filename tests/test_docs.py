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


def test_readme_json_example_has_the_shape_of_real_output(run_cli, tmp_path):
    """The JSON document the README documents is the one `--format json` prints: same keys at
    every level (values differ: the example is abridged)."""
    import json

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    example = json.loads(re.search(r"`json` is this document.*?```json\n(.*?)```", readme, re.S).group(1).replace("…", ""))
    (tmp_path / ".git").mkdir()
    (tmp_path / "ns.yaml").write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n"
        "    config.linkerd.io/proxy-memory-limit: 10Mi\n"
    )
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n"
        "  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n"
        "      annotations:\n        linkerd.io/inject: {inject}\n"
        "    spec:\n      containers: [{{name: {name}, image: nginx:1.27}}]\n"
    )
    (tmp_path / "web.yaml").write_text(deployment.format(name="web", inject='"true"'))  # LNK101, with a fix
    (tmp_path / "api.yaml").write_text(deployment.format(name="api", inject="enabled"))  # LNK204, from the Namespace
    real = json.loads(run_cli("check", "-f", "json", "--select", "LNK101,LNK204", ".").stdout)
    assert real.keys() == example.keys()
    assert real["tool"].keys() == example["tool"].keys() and real["summary"].keys() == example["summary"].keys()
    documented = example["findings"][0]
    with_fix = next(f for f in real["findings"] if f["fix"])
    with_related = next(f for f in real["findings"] if f["related"])
    assert with_fix.keys() == documented.keys()
    assert with_fix["fix"].keys() == documented["fix"].keys()
    assert with_fix["fix"]["edits"][0].keys() == documented["fix"]["edits"][0].keys()
    assert with_related["related"][0].keys() == documented["related"][0].keys()
