"""Fix safety as rules, explain and the reference show it: the table (linter/fixsafety.py) agrees with
what the rules' fixes say on their bad examples, and every built-in fixable rule declares it."""

from __future__ import annotations

import re

import pytest

from linter import fixsafety
from linter.api import lint_paths, load_registry

from .test_fix import write_example

RULES = load_registry(plugins=False).rules
FIXABLE = [r for r in RULES.values() if r.fixable and r.origin == "linkerd-lint"]


def test_every_fixable_rule_declares_its_fix_safety():
    missing = [r.id for r in FIXABLE if r.id not in fixsafety.SAFETY]
    assert not missing, f"add {missing} to linter/fixsafety.py SAFETY (safe, unsafe or mixed, and why)"
    assert set(fixsafety.SAFETY) <= {r.id for r in FIXABLE}, "SAFETY lists a rule that has no fix"
    for rid, (kind, note) in fixsafety.SAFETY.items():
        assert kind in (fixsafety.SAFE, fixsafety.UNSAFE, fixsafety.MIXED)
        assert bool(note) == (kind != fixsafety.SAFE), f"{rid}: unsafe and mixed say when, safe needs no note"


@pytest.mark.parametrize("rule", [r for r in FIXABLE if r.id in fixsafety.SAFETY], ids=lambda r: r.id)
def test_the_table_agrees_with_the_fixes_of_the_bad_example(rule, tmp_path):
    write_example(rule.bad, tmp_path)
    fixes = [f.fix for f in lint_paths(["."], cwd=str(tmp_path), select=[rule.id]).findings if f.rule_id == rule.id and f.fix]
    assert fixes
    kind = fixsafety.SAFETY[rule.id][0]
    if kind == fixsafety.SAFE:
        assert all(f.safe for f in fixes)
    elif kind == fixsafety.UNSAFE:
        assert not any(f.safe for f in fixes)


def test_rules_and_explain_show_the_safety(run_cli):
    listing = run_cli("rules").stdout
    assert re.search(r"^LNK101\s+invalid-inject-value\s+error\s+fixable\(safe\)\s+`linkerd.io/inject`", listing, re.M)
    assert re.search(r"^LNK110\s+\S+\s+warning\s+fixable\(unsafe\)\s", listing, re.M)
    assert re.search(r"^LNK202\s+\S+\s+error\s+fixable\(safe/unsafe\)\s", listing, re.M)
    assert re.search(r"^LNK201\s+proxy-memory-limit-missing\s+warning\s+A meshed pod", listing, re.M)
    assert "Severity: **error** · Fix: safe\n" in run_cli("explain", "LNK101").stdout
    shown = run_cli("explain", "LNK401").stdout
    assert "· Fix: unsafe (it switches native sidecars on: a new setting, which needs Kubernetes 1.29+)\n" in shown
    assert "· Fix: safe; unsafe where the unit is a guess" in run_cli("explain", "LNK202").stdout
    assert "· Fix: no\n" in run_cli("explain", "LNK201").stdout
    import json

    by_id = {r["id"]: r for r in json.loads(run_cli("rules", "-f", "json").stdout)}
    assert (by_id["LNK110"]["fix"], by_id["LNK101"]["fix"], by_id["LNK201"]["fix"]) == ("unsafe", "safe", None)
    assert by_id["LNK110"]["fix_note"].startswith("the label switches")


def test_custom_fixable_rules_without_a_declaration():
    class Rule:
        id, fixable = "ACME001", True

        def markdown(self):
            return "## ACME001 x\n\nSeverity: **warning** · Fixable: yes\n"

    assert fixsafety.label(Rule()) == "fixable"
    assert fixsafety.markdown(Rule()) == "## ACME001 x\n\nSeverity: **warning** · Fix: yes (safe or unsafe per finding)\n"


def test_no_move_of_a_label_the_workloads_selector_uses(tmp_path):
    """LNK103: moving `linkerd.io/inject` off the pod template's labels would leave a selector that no
    longer matches its template (the API server refuses the Deployment): no fix there."""
    (tmp_path / ".git").mkdir()
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n"
        "    matchLabels: {app: web, linkerd.io/inject: enabled}\n  template:\n    metadata:\n      labels:\n"
        "        app: web\n        linkerd.io/inject: enabled\n    spec:\n      containers: [{name: web, image: nginx}]\n"
    )
    (tmp_path / "d.yaml").write_text(text)
    [f] = [f for f in lint_paths(["d.yaml"], cwd=str(tmp_path), select=["LNK103"]).findings]
    assert (f.span.line, f.fix) == (12, None)
    (tmp_path / "d.yaml").write_text(text.replace(", linkerd.io/inject: enabled}", "}"))
    [f] = [f for f in lint_paths(["d.yaml"], cwd=str(tmp_path), select=["LNK103"]).findings]
    assert f.fix is not None and f.fix.safe
