"""Every rule's bad example fires exactly where it is marked; its good example is clean."""

import pytest

from linter.api import load_registry

from .examples import expected_places, run_example

RULES = list(load_registry().rules.values())
# Rules whose checks need an optional package (an extra the `test` extra installs): in a
# development venv without it their bad example cannot fire, so it is skipped there; in CI it
# must be installed (test_ci_has_every_optional_package).
NEEDS = {"LNK509": "kubernetes_validate"}


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_bad_example_fires_at_marked_place(rule, tmp_path):
    if rule.id in NEEDS:
        pytest.importorskip(NEEDS[rule.id], reason=f"{rule.id} needs an extra that is not installed")
    expected = expected_places(rule.bad.yaml, rule.id)
    assert expected, f"{rule.id}: bad example has no '# <- {rule.id}' marker"
    result = run_example(rule.bad, rule.id, str(tmp_path))
    got = {(f.path, f.span.line, f.span.col) for f in result.findings if f.rule_id == rule.id}
    assert got == expected, [f"{f.path}:{f.span.line}:{f.span.col} {f.message}" for f in result.findings]
    assert not result.internal_errors


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_good_example_is_clean(rule, tmp_path):
    result = run_example(rule.good, rule.id, str(tmp_path))
    assert [f for f in result.findings if f.rule_id == rule.id] == []
    assert not result.internal_errors


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_is_documented(rule):
    assert rule.id and rule.name and rule.summary and rule.why and rule.how_to_fix
    assert rule.references, f"{rule.id} cites no source"
    assert rule.name == rule.name.lower() and " " not in rule.name
    md = rule.markdown()
    assert rule.id in md and "How to fix" in md


def test_ci_has_every_optional_package():
    import importlib.util
    import os

    missing = [m for m in NEEDS.values() if importlib.util.find_spec(m) is None]
    if not os.environ.get("CI"):
        pytest.skip("outside CI an extra may be missing")
    assert missing == [], f"CI must install the test extra fully: {missing}"
