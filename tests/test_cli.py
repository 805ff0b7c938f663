"""The command line as users run it: exit codes, formats, stdin, configuration, bad input."""

import json
import os
import re

import pytest

from linter import __version__

BAD = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      annotations:
        linkerd.io/inject: "true"
    spec:
      containers: [{name: web, image: nginx}]
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    (tmp_path / ".git").mkdir(exist_ok=True)  # config discovery stops here
    return path


def test_text_output_and_exit_code(run_cli, tmp_path):
    write(tmp_path, "web.yaml", BAD)
    proc = run_cli("check", "--select", "LNK101", "web.yaml")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == ("web.yaml:9:28: LNK101 [error] linkerd.io/inject is 'true': not one of enabled, ingress, "
                        "disabled, so this pod is not injected; did you mean enabled?")
    assert lines[-1] == "Found 1 finding (1 error) in 1 file; 1 fixable with --fix."
    assert "\033[" not in proc.stdout  # no colour when not a terminal
    assert proc.stderr == ""


def test_quiet_and_exit_zero_and_fail_on(run_cli, tmp_path):
    write(tmp_path, "web.yaml", BAD)
    proc = run_cli("check", "-q", "--select", "LNK101", "--exit-zero", "web.yaml")
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 1
    proc = run_cli("check", "--select", "LNK101", "--fail-on", "none", "web.yaml")
    assert proc.returncode == 0
    write(tmp_path, ".linkerd-lint.yaml", "severity:\n  LNK101: info\n")
    assert run_cli("check", "--select", "LNK101", "web.yaml").returncode == 0
    proc = run_cli("check", "--select", "LNK101", "--fail-on", "info", "web.yaml")
    assert proc.returncode == 1 and "[info]" in proc.stdout


def test_clean_run(run_cli, tmp_path):
    write(tmp_path, "web.yaml", BAD.replace('"true"', "enabled"))
    proc = run_cli("check", "--select", "LNK1", "web.yaml")
    assert proc.returncode == 0
    assert proc.stdout == "All clear: 1 file checked, no findings.\n"


def test_stdin_with_filename(run_cli, tmp_path):
    write(tmp_path, "x", "")
    proc = run_cli("check", "--select", "LNK101", "--stdin-filename", "deploy/web.yaml", "-", stdin=BAD)
    assert proc.returncode == 1
    assert proc.stdout.startswith("deploy/web.yaml:9:28: LNK101")


def test_json_format(run_cli, tmp_path):
    write(tmp_path, "web.yaml", BAD)
    proc = run_cli("check", "--select", "LNK101", "--format", "json", "web.yaml")
    doc = json.loads(proc.stdout)
    assert doc["version"] == 1 and doc["tool"] == {"name": "linkerd-lint", "version": __version__}
    assert doc["summary"] == {"files": 1, "findings": 1, "errors": 1, "warnings": 0, "infos": 0}
    [f] = doc["findings"]
    assert f["rule"] == "LNK101" and (f["line"], f["column"], f["end_line"], f["end_column"]) == (9, 28, 9, 34)
    assert f["field"] == 'spec.template.metadata.annotations["linkerd.io/inject"]'
    assert f["resource"] == "Deployment/default/web"
    assert f["fix"]["edits"] == [{"line": 9, "column": 28, "end_line": 9, "end_column": 34, "text": '"enabled"'}]


def test_output_file(run_cli, tmp_path):
    write(tmp_path, "web.yaml", BAD)
    proc = run_cli("check", "--select", "LNK101", "-f", "json", "-o", "out/report.json", "web.yaml")
    assert proc.returncode == 2 and "cannot write out/report.json" in proc.stderr
    proc = run_cli("check", "--select", "LNK101", "-f", "json", "-o", "report.json", "web.yaml")
    assert proc.returncode == 1 and proc.stdout == ""
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["findings"] == 1


def test_directory_recursion_and_exclude(run_cli, tmp_path):
    write(tmp_path, "a/web.yaml", BAD)
    write(tmp_path, "a/b/web.yml", BAD)
    write(tmp_path, "a/notes.txt", BAD)
    write(tmp_path, "a/vendor/web.yaml", BAD)
    proc = run_cli("check", "-q", "--select", "LNK101", "--exclude", "a/vendor", ".")
    assert sorted(l.split(":")[0] for l in proc.stdout.splitlines()) == ["a/b/web.yml", "a/web.yaml"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "missing.yaml"], "missing.yaml: no such file or directory"),
        (["check", "--select", "LNK9999", "."], "unknown rule or prefix 'LNK9999' in --select"),
        (["check", "--ignore", "nope", "."], "unknown rule or prefix 'nope' in --ignore"),
        (["check", "--format", "xml", "."], "unknown format 'xml'"),
        (["check", "--linkerd-version", "banana", "."], "linkerd-version: not a Linkerd version: 'banana'"),
        (["check", "--kubernetes-version", "2.5", "."], "not a Kubernetes version"),
        (["explain", "LNK999"], "unknown rule 'LNK999'"),
        (["check", "--config", "nope.yaml", "."], "nope.yaml: configuration file not found"),
    ],
)
def test_usage_errors_exit_2_without_traceback(run_cli, tmp_path, args, message):
    write(tmp_path, "web.yaml", BAD)
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.parametrize(
    "config, message",
    [
        ("select: LNK101\n", "select: 'LNK101' is not of type 'array'"),
        ("linkerd-version: 2.20\n", "linkerd-version: 2.2 is not of type 'string' (YAML reads unquoted 2.20 as the number 2.2"),
        ("fail-on: sometimes\n", "fail-on: 'sometimes' is not one of"),
        ("selcet: [LNK101]\n", "unknown setting(s) 'selcet'"),
        ("proxy-memory-limit-min: 64MB\n", "proxy-memory-limit-min: '64MB' is not a Kubernetes quantity"),
        ("a: [\n", "configuration is not valid YAML"),
        ("- just\n- a list\n", "configuration must be a mapping"),
    ],
)
def test_bad_config_exit_2_names_key(run_cli, tmp_path, config, message):
    write(tmp_path, "web.yaml", BAD)
    write(tmp_path, ".linkerd-lint.yaml", config)
    proc = run_cli("check", "web.yaml")
    assert proc.returncode == 2, proc.stdout
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_config_discovery_from_subdirectory_and_pyproject(run_cli, tmp_path):
    write(tmp_path, "deploy/web.yaml", BAD)
    write(tmp_path, "pyproject.toml", '[tool.linkerd-lint]\nignore = ["LNK101"]\n')
    proc = run_cli("check", "--select", "LNK1", "web.yaml", cwd=tmp_path / "deploy")
    assert proc.returncode == 0, proc.stdout
    # a .linkerd-lint.yaml nearer the working directory wins
    write(tmp_path, "deploy/.linkerd-lint.yaml", "select: [LNK101]\n")
    proc = run_cli("check", "web.yaml", cwd=tmp_path / "deploy")
    assert proc.returncode == 1


def test_unknown_ids_in_config_are_findings(run_cli, tmp_path):
    write(tmp_path, "web.yaml", BAD.replace('"true"', "enabled"))
    write(tmp_path, ".linkerd-lint.yaml", "ignore:\n  - LNK201\n  - LNK2O4\n")
    proc = run_cli("check", "-q", "web.yaml")
    assert ".linkerd-lint.yaml:3:5: LNK004 [error] configuration ignore names unknown rule 'LNK2O4'; it has no effect" in proc.stdout


def test_bad_files_are_findings_not_crashes(run_cli, tmp_path):
    write(tmp_path, "ok.yaml", BAD)
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01\x02\x03binary")
    (tmp_path / "latin1.yaml").write_bytes(b"kind: ConfigMap\nname: caf\xe9\n")
    write(tmp_path, "empty.yaml", "")
    write(tmp_path, "comments.yaml", "# nothing here\n")
    write(tmp_path, "values.yaml", "replicaCount: 2\nimage: {tag: latest}\n")
    (tmp_path / "dir.yaml").mkdir()
    proc = run_cli("check", "-q", "--select", "LNK001,LNK101", ".")
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1
    out = proc.stdout.splitlines()
    assert "bin.yaml:1:1: LNK001 [error] binary file (contains NUL bytes); not a manifest" in out
    assert any(l.startswith("latin1.yaml:2:10: LNK001 [error] not valid UTF-8: byte 0xe9") for l in out)
    assert any(l.startswith("ok.yaml:9:28: LNK101") for l in out)
    assert len(out) == 3


def test_empty_directory_warns(run_cli, tmp_path):
    (tmp_path / "nothing").mkdir()
    proc = run_cli("check", "nothing")
    assert proc.returncode == 0
    assert "no manifest files" in proc.stderr


def test_suppressions(run_cli, tmp_path):
    text = BAD.replace('"true"  ', '"true"').replace(
        'linkerd.io/inject: "true"', 'linkerd.io/inject: "true"  # linkerd-lint: disable=LNK101 migrating'
    )
    write(tmp_path, "a.yaml", text)
    text_b = BAD.replace('        linkerd.io/inject: "true"', '        # linkerd-lint: disable=LNK101\n        linkerd.io/inject: "true"')
    write(tmp_path, "b.yaml", text_b)
    write(tmp_path, "c.yaml", "# linkerd-lint: disable-file=LNK101\n" + BAD)
    text_d = BAD.replace("      annotations:\n", "      annotations:\n        ignore.linkerd-lint.io/LNK101: vendor chart\n")
    write(tmp_path, "d.yaml", text_d)
    write(tmp_path, "e.yaml", BAD)
    proc = run_cli("check", "-q", "--select", "LNK101,LNK004,LNK105", ".")
    assert [l.split(":")[0] for l in proc.stdout.splitlines()] == ["e.yaml"]


def test_per_file_ignores(run_cli, tmp_path):
    write(tmp_path, "legacy/web.yaml", BAD)
    write(tmp_path, "web.yaml", BAD)
    write(tmp_path, ".linkerd-lint.yaml", "per-file-ignores:\n  'legacy/*': [LNK101]\n")
    proc = run_cli("check", "-q", "--select", "LNK101", ".")
    assert [l.split(":")[0] for l in proc.stdout.splitlines()] == ["web.yaml"]


def test_rules_explain_version(run_cli):
    proc = run_cli("rules")
    assert proc.returncode == 0
    assert re.search(r"^LNK101\s+invalid-inject-value\s+error\s+fixable", proc.stdout, re.M)
    proc = run_cli("explain", "LNK201")
    assert proc.returncode == 0 and "## LNK201 proxy-memory-limit-missing" in proc.stdout
    assert "### Example (bad)" in proc.stdout and "### References" in proc.stdout
    assert run_cli("explain", "invalid-inject-value").returncode == 0
    proc = run_cli("--version")
    assert proc.stdout.strip() == f"linkerd-lint {__version__}"


def test_context_paths_are_read_not_reported(run_cli, tmp_path):
    ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    linkerd.io/inject: enabled\n    bogus.linkerd.io.inject: x\n"
    write(tmp_path, "base/ns.yaml", ns)
    dep = BAD.replace('        linkerd.io/inject: "true"\n', "        other: x\n").replace("  name: web\n", "  name: web\n  namespace: shop\n")
    write(tmp_path, "apps/web.yaml", dep)
    write(tmp_path, ".linkerd-lint.yaml", "context: [base]\n")
    proc = run_cli("check", "-q", "--select", "LNK201,LNK105", "apps/web.yaml")
    assert proc.stdout.splitlines() == [
        "apps/web.yaml:7:3: LNK201 [warning] meshed Deployment web has no proxy memory limit "
        "(config.linkerd.io/proxy-memory-limit); the linkerd-proxy container can grow without bound",
        "  base/ns.yaml:6:24: note: injection is enabled by the Namespace here",
    ]
