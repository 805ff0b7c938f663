"""LNK504's fix: a deprecated Linkerd apiVersion is rewritten to the newest served one, safe only
where the object reads the same under both CRD schemas."""

from __future__ import annotations

import pytest

from linter.api import lint_paths

SERVER = """\
apiVersion: {api}  # the web port
kind: Server
metadata:
  name: web-http
  namespace: shop
spec:
  podSelector:
{selector}
  port: http
{extra}"""
LABELS = "    matchLabels: {app: web}"


def server(api="policy.linkerd.io/v1beta1", selector=LABELS, extra=""):
    return SERVER.format(api=api, selector=selector, extra=extra)


def lnk504(tmp_path, text, version):
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "s.yaml").write_text(text)
    result = lint_paths(["s.yaml"], cwd=str(tmp_path), select=["LNK504"], overrides={"linkerd-version": version})
    return [f for f in result.findings if f.rule_id == "LNK504"]


@pytest.mark.parametrize(
    "text, version, new, safe",
    [
        (server(), "2.18", "policy.linkerd.io/v1beta3", True),
        (server(api="policy.linkerd.io/v1alpha1"), "2.18", "policy.linkerd.io/v1beta3", True),
        (server(), "2.15", "policy.linkerd.io/v1beta2", True),  # 2.15 has no v1beta3
        (server(), "edge-24.5.1", "policy.linkerd.io/v1beta2", True),  # 2.15 or part of 2.16: v1beta2 serves both
        (server(api='"policy.linkerd.io/v1beta1"'), "2.18", '"policy.linkerd.io/v1beta3"', True),  # quoting kept
        (server(api="policy.linkerd.io/v1alpha1"), "2.13", "policy.linkerd.io/v1beta1", True),
        # fields the old version drops and the new one applies: the fix changes what the cluster does
        (server(extra="  accessPolicy: all-unauthenticated\n"), "2.18", "policy.linkerd.io/v1beta3", False),
        (server(extra="  externalWorkloadSelector: {matchLabels: {app: vm}}\n"), "2.18", "policy.linkerd.io/v1beta3", False),
        # v1alpha1 rejects a podSelector with both (or neither) of matchLabels and matchExpressions
        (server(api="policy.linkerd.io/v1alpha1", selector=LABELS + "\n    matchExpressions: []"), "2.18",
         "policy.linkerd.io/v1beta3", False),
        ("apiVersion: policy.linkerd.io/v1alpha1\nkind: ServerAuthorization\nmetadata: {name: a, namespace: shop}\n"
         "spec:\n  server: {name: web-http}\n  client: {unauthenticated: true}\n", "2.18", "policy.linkerd.io/v1beta1", True),
    ],
)
def test_fix_and_its_safety(tmp_path, text, version, new, safe):
    [f] = lnk504(tmp_path, text, version)
    assert f.severity.name == "WARNING" and f.span[:2] == (1, 13)
    assert f.fix is not None and f.fix.safe is safe
    [edit] = f.fix.edits
    assert edit.text == new and edit.span.line == 1 and edit.span.col == 13
    if not safe:
        assert "takes effect" in f.fix.description or "rejects" in f.fix.description


def test_no_fix_where_no_version_is_served_and_not_for_unserved(tmp_path):
    [f] = lnk504(tmp_path, server(api="policy.linkerd.io/v1beta3"), "2.15")  # too new: the user picks
    assert f.severity.name == "ERROR" and f.fix is None


def test_fix_applies_only_with_unsafe_fixes_when_unsafe(run_cli, tmp_path):
    text = server(extra="  accessPolicy: all-unauthenticated\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / "s.yaml").write_text(text)
    proc = run_cli("check", "--select", "LNK504", "--linkerd-version", "2.18", "--fix", "s.yaml")
    assert proc.returncode == 1 and (tmp_path / "s.yaml").read_text() == text
    assert "1 fixable with --fix --unsafe-fixes" in proc.stdout
    proc = run_cli("check", "--select", "LNK504", "--linkerd-version", "2.18", "--fix", "--unsafe-fixes", "s.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "s.yaml").read_text() == text.replace("v1beta1", "v1beta3", 1)
