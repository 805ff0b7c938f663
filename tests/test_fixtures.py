"""The bundled demo app: exact findings on the broken files, nothing on the clean ones."""

import json
import os

from linter.api import lint_paths

from .conftest import FIXTURES, ROOT

FOUNDATION = ["LNK001", "LNK002", "LNK003", "LNK004", "LNK101", "LNK102", "LNK103", "LNK104", "LNK105",
              "LNK201", "LNK202", "LNK203", "LNK204", "LNK501"]

EXPECTED = [
    ("fixtures/broken/chart/templates/deployment.yaml", 4, 9, "LNK003"),
    ("fixtures/broken/inject-values.yaml", 14, 28, "LNK101"),
    ("fixtures/broken/inject-values.yaml", 26, 24, "LNK101"),
    ("fixtures/broken/misplaced.yaml", 8, 5, "LNK102"),
    ("fixtures/broken/misplaced.yaml", 9, 5, "LNK102"),
    ("fixtures/broken/misplaced.yaml", 17, 9, "LNK103"),
    ("fixtures/broken/misplaced.yaml", 28, 5, "LNK103"),
    ("fixtures/broken/proxy-resources.yaml", 13, 28, "LNK201"),
    ("fixtures/broken/proxy-resources.yaml", 32, 47, "LNK201"),  # 128MB is ignored by the injector: no limit
    ("fixtures/broken/proxy-resources.yaml", 32, 47, "LNK202"),
    ("fixtures/broken/proxy-resources.yaml", 33, 46, "LNK203"),
    ("fixtures/broken/proxy-resources.yaml", 53, 47, "LNK204"),
    ("fixtures/broken/syntax.yaml", 15, 10, "LNK001"),
    ("fixtures/broken/syntax.yaml", 22, 3, "LNK002"),
    ("fixtures/broken/syntax.yaml", 26, 41, "LNK004"),
    ("fixtures/broken/values.yaml", 7, 37, "LNK104"),
    ("fixtures/broken/values.yaml", 8, 25, "LNK104"),
    ("fixtures/broken/values.yaml", 26, 9, "LNK105"),
    ("fixtures/broken/values.yaml", 27, 9, "LNK105"),
]


def test_library_reports_exact_findings_on_fixtures():
    result = lint_paths(["fixtures"], cwd=ROOT, select=FOUNDATION)
    got = [(f.path, f.span.line, f.span.col, f.rule_id) for f in result.findings]
    assert got == EXPECTED
    assert result.files_checked == 16  # 11 in broken/ and shop/, 5 in context-example/


def test_clean_app_has_no_findings_under_every_rule():
    result = lint_paths(["fixtures/shop"], cwd=ROOT)
    assert [(f.path, f.span.line, f.rule_id, f.message) for f in result.findings] == []
    assert not result.internal_errors


def test_cli_from_another_directory(run_cli, tmp_path):
    proc = run_cli("check", "--select", ",".join(FOUNDATION), "--format", "json", os.path.join(FIXTURES, "broken"), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    rules = sorted({f["rule"] for f in doc["findings"]})
    assert rules == sorted(set(FOUNDATION) - {"LNK501"})
    assert doc["summary"]["files"] == 6


def test_kubernetes_version_from_config_file(run_cli):
    cfg = os.path.join(FIXTURES, "k8s-too-old.linkerd-lint.yaml")
    proc = run_cli("check", "--config", cfg, "--select", "LNK501", os.path.join(FIXTURES, "shop"), cwd=ROOT)
    assert proc.returncode == 1
    assert "fixtures/k8s-too-old.linkerd-lint.yaml:3:1: LNK501 [error] Kubernetes v1.22.17 is older than 1.23" in proc.stdout
