"""A map written once and used by alias in several objects is reported once: the same rule, at
the same place, with the same message, is one finding in every output, with one process or
several, and in the editor."""

import json

from linter import parallel
from linter.api import lint_paths
from tests.lintkit import at, lint

LIST = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: app
    annotations: &ann
      linkerd.io/inject: enabled
      config.linkerd.io/proxy-memory-limit: 1 Gi
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: api
    namespace: app
  spec:
    selector: {matchLabels: {app: api}}
    template:
      metadata:
        labels: {app: api}
        annotations:
          <<: *ann
      spec:
        containers: [{name: api, image: nginx}]
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: api2
    namespace: app
  spec:
    selector: {matchLabels: {app: api2}}
    template:
      metadata:
        labels: {app: api2}
        annotations: *ann
      spec:
        containers: [{name: api, image: nginx}]
"""

LABELS = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
    labels: &l
      flag: true
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: b
    labels: *l
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: c
    labels: *l
"""


def _rows(result, rules=None):
    return [(f.rule_id, f.span.line, f.span.col, f.resource) for f in result.findings if rules is None or f.rule_id in rules]


def test_an_aliased_annotation_map_is_judged_once(tmp_path):
    result = lint(tmp_path, {"list.yaml": LIST}, ["LNK202", "LNK201"])
    value = at(LIST, "1 Gi")
    # LNK202 judges the value (one message whatever object holds it); LNK201 names each
    # Deployment, so those two are different findings and both stay
    assert _rows(result) == [
        ("LNK201", *value, "Deployment/app/api"),
        ("LNK201", *value, "Deployment/app/api2"),
        ("LNK202", *value, "Namespace//app"),
    ]


def test_an_aliased_label_map_is_judged_once_and_keeps_its_fix(tmp_path):
    result = lint(tmp_path, {"cm.yaml": LABELS}, "LNK104")
    assert _rows(result) == [("LNK104", *at(LABELS, "true"), "ConfigMap/default/a")]
    assert result.findings[0].fix is not None


def test_an_ignore_annotation_on_the_first_holder_leaves_the_others_reported_once(tmp_path):
    text = LABELS.replace("    name: a\n", "    name: a\n    annotations: {ignore.linkerd-lint.io/LNK104: legacy}\n")
    result = lint(tmp_path, {"cm.yaml": text}, "LNK104")
    assert _rows(result) == [("LNK104", *at(text, "true"), "ConfigMap/default/b")]


def test_sarif_has_one_result(run_cli, tmp_path):
    (tmp_path / "list.yaml").write_text(LIST)
    proc = run_cli("check", "--format", "sarif", "--select", "LNK202", "list.yaml")
    assert proc.returncode == 1, proc.stderr
    results = json.loads(proc.stdout)["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [("LNK202", 10)]


def test_worker_processes_report_it_once_too(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "list.yaml").write_text(LIST)
    (tmp_path / "cm.yaml").write_text(LABELS)
    for i in range(parallel.MIN_FILES):
        (tmp_path / f"filler-{i:03}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: f{i}\n")
    used = []
    real = parallel.workers_for
    monkeypatch.setattr(parallel, "workers_for", lambda engine, files: used.append(real(engine, files)) or used[-1])
    monkeypatch.setattr(parallel, "cpu_count", lambda: 2)
    one = lint_paths(["."], cwd=str(tmp_path), select=["LNK104", "LNK202"], jobs=1)
    two = lint_paths(["."], cwd=str(tmp_path), select=["LNK104", "LNK202"], jobs=2)
    assert used[-1] == 2  # the second run did use two worker processes
    expected = [
        ("LNK104", *at(LABELS, "true"), "ConfigMap/default/a"),
        ("LNK202", *at(LIST, "1 Gi"), "Namespace//app"),
    ]
    assert _rows(one) == _rows(two) == expected


def test_the_editor_shows_it_once(tmp_path):
    from linter.lsp.workspace import Workspace

    (tmp_path / ".git").mkdir()
    (tmp_path / "list.yaml").write_text(LIST)
    ws = Workspace(str(tmp_path))
    ws.begin_indexing()
    ws.install_index(ws.build_index(), ws.engine)
    out = ws.lint("list.yaml", LIST)
    assert [(f.rule_id, f.span.line, f.span.col) for f in out.findings if f.rule_id == "LNK202"] == [("LNK202", *at(LIST, "1 Gi"))]
