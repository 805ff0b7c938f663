"""--write-baseline / --baseline: only new findings fail; entries survive moved lines and files; stale ones are named."""

from __future__ import annotations

import json

NS = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  annotations:\n    linkerd.io/inject: "{value}"\n'


def ns(name="shop", value="true"):
    return NS.format(name=name, value=value)


def setup(tmp_path, files):
    (tmp_path / ".git").mkdir(exist_ok=True)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_write_then_gate_on_new_findings_only(run_cli, tmp_path):
    setup(tmp_path, {"deploy/a.yaml": ns("a"), "deploy/b.yaml": ns("b", "yes")})
    proc = run_cli("check", "--select", "LNK101", "--write-baseline", "baseline.json", "deploy")
    assert proc.returncode == 0, proc.stderr
    assert "wrote 2 findings to baseline baseline.json" in proc.stderr
    doc = json.loads((tmp_path / "baseline.json").read_text())
    assert doc["version"] == 1
    assert [(e["rule"], e["path"], e["resource"], e["field"]) for e in doc["findings"]] == [
        ("LNK101", "deploy/a.yaml", "Namespace//a", 'metadata.annotations["linkerd.io/inject"]'),
        ("LNK101", "deploy/b.yaml", "Namespace//b", 'metadata.annotations["linkerd.io/inject"]'),
    ]

    proc = run_cli("check", "--select", "LNK101", "--baseline", "baseline.json", "deploy")
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout == "All clear: 2 files checked, no findings.\n"

    # a new finding fails the gate; the old ones stay accepted, even with lines moved
    (tmp_path / "deploy/a.yaml").write_text("# moved down\n\n" + ns("a") + "---\n" + ns("a2", "on"))
    proc = run_cli("check", "-q", "--select", "LNK101", "--baseline", "baseline.json", "deploy")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "deploy/a.yaml:15:24: LNK101 [error] linkerd.io/inject is 'on' on Namespace a2: not one of enabled, ingress, "
        "disabled, so the injector skips every pod in this namespace; did you mean enabled?"
    ]


def test_baseline_from_another_directory_and_moved_file(run_cli, tmp_path):
    setup(tmp_path, {"deploy/a.yaml": ns("a"), "ci/.keep": ""})
    assert run_cli("check", "--select", "LNK101", "--write-baseline", "ci/baseline.json", "deploy").returncode == 0
    assert json.loads((tmp_path / "ci/baseline.json").read_text())["findings"][0]["path"] == "../deploy/a.yaml"
    # run from another directory: paths are relative to the baseline file, not the working directory
    proc = run_cli("check", "--select", "LNK101", "--baseline", "baseline.json", "../deploy", cwd=tmp_path / "ci")
    assert proc.returncode == 0, proc.stdout
    # the file is renamed: the same object in a file that is gone still matches
    (tmp_path / "deploy/a.yaml").rename(tmp_path / "deploy/namespace-a.yaml")
    proc = run_cli("check", "--select", "LNK101", "--baseline", "ci/baseline.json", "deploy")
    assert proc.returncode == 0 and proc.stderr == "", proc.stdout + proc.stderr


def test_same_object_in_another_existing_file_is_new(run_cli, tmp_path):
    """Two overlays with one identity: the baseline of one does not hide the other."""
    setup(tmp_path, {"base/ns.yaml": ns(), "prod/ns.yaml": ns()})
    assert run_cli("check", "--select", "LNK101", "--write-baseline", "b.json", "base").returncode == 0
    proc = run_cli("check", "-q", "--select", "LNK101", "--baseline", "b.json", "base", "prod")
    assert proc.returncode == 1
    assert [l.split(":")[0] for l in proc.stdout.splitlines()] == ["prod/ns.yaml"]


def test_stale_entries_are_reported(run_cli, tmp_path):
    setup(tmp_path, {"a.yaml": ns("a"), "b.yaml": ns("b"), "c.yaml": ns("c")})
    assert run_cli("check", "--select", "LNK101", "--write-baseline", "b.json", ".").returncode == 0
    (tmp_path / "a.yaml").write_text(ns("a", "enabled"))  # fixed
    (tmp_path / "c.yaml").unlink()  # deleted
    proc = run_cli("check", "--select", "LNK101", "--baseline", "b.json", ".")
    assert proc.returncode == 0
    assert proc.stderr == (
        "linkerd-lint: 2 baseline entries in b.json no longer match (fixed, or the object was renamed); "
        "run with --write-baseline b.json to drop them:\n"
        '  LNK101 a.yaml Namespace//a metadata.annotations["linkerd.io/inject"]\n'
        '  LNK101 c.yaml Namespace//c metadata.annotations["linkerd.io/inject"]\n'
    )
    # pre-commit passes one file: entries of files not read are not stale
    proc = run_cli("check", "--select", "LNK101", "--baseline", "b.json", "b.yaml")
    assert proc.returncode == 0
    assert "a.yaml" not in proc.stderr and "c.yaml" in proc.stderr


def test_counts_accept_as_many_findings_as_recorded(run_cli, tmp_path):
    two = ns("x") + "---\n" + ns("x")  # the same object twice: two findings, one identity
    setup(tmp_path, {"a.yaml": two})
    assert run_cli("check", "--select", "LNK101", "--write-baseline", "b.json", ".").returncode == 0
    [entry] = json.loads((tmp_path / "b.json").read_text())["findings"]
    assert entry["count"] == 2
    (tmp_path / "a.yaml").write_text(two + "---\n" + ns("x"))
    proc = run_cli("check", "-q", "--select", "LNK101", "--baseline", "b.json", ".")
    assert proc.returncode == 1 and len(proc.stdout.splitlines()) == 1


def test_baselined_findings_are_not_fixed(run_cli, tmp_path):
    setup(tmp_path, {"a.yaml": ns("a"), "b.yaml": ns("b")})
    assert run_cli("check", "--select", "LNK101", "--write-baseline", "b.json", "a.yaml").returncode == 0
    proc = run_cli("check", "--select", "LNK101", "--baseline", "b.json", "--fix", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "a.yaml").read_text() == ns("a")
    assert (tmp_path / "b.yaml").read_text() == ns("b", "enabled")


def test_bad_baseline_is_a_usage_error(run_cli, tmp_path):
    setup(tmp_path, {"a.yaml": ns("a"), "bad.json": "[1, 2]", "broken.json": "{"})
    for name, message in (("missing.json", "cannot read baseline missing.json"),
                          ("bad.json", "bad.json is not a linkerd-lint baseline"),
                          ("broken.json", "broken.json is not a linkerd-lint baseline (not JSON")):
        proc = run_cli("check", "--baseline", name, ".")
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr


DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    config.linkerd.io/proxy-cpu-limit: "1"
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: web, image: "nginx:1"}]
"""
LNK102 = ("LNK102", "deploy.yaml", "Deployment/shop/web", 'metadata.annotations["config.linkerd.io/proxy-cpu-limit"]')


def entries(tmp_path, name="b.json"):
    return [(e["rule"], e["path"], e["resource"], e["field"]) for e in json.loads((tmp_path / name).read_text())["findings"]]


def test_entries_of_rules_that_did_not_run_are_not_stale(run_cli, tmp_path):
    """--select, --ignore and per-file ignores narrow what a run judges: following the 'drop them'
    advice must never delete accepted findings of rules that did not run."""
    setup(tmp_path, {"ns.yaml": ns("a"), "deploy.yaml": DEPLOY})
    assert run_cli("check", "--select", "LNK101,LNK102", "--write-baseline", "b.json", ".").returncode == 0
    assert entries(tmp_path)[1] == LNK102 and len(entries(tmp_path)) == 2
    for args in (["--select", "LNK101"], ["--select", "LNK101,LNK102", "--ignore", "LNK102"]):
        proc = run_cli("check", *args, "--baseline", "b.json", ".")
        assert (proc.returncode, proc.stderr) == (0, ""), (args, proc.stderr)
    (tmp_path / ".linkerd-lint.yaml").write_text("select: [LNK101, LNK102]\nper-file-ignores:\n  deploy.yaml: [LNK102]\n")
    proc = run_cli("check", "--baseline", "b.json", ".")
    assert (proc.returncode, proc.stderr) == (0, "")
    (tmp_path / ".linkerd-lint.yaml").unlink()
    # the LNK101 finding is fixed: only its entry is stale, and the message is singular
    (tmp_path / "ns.yaml").write_text(ns("a", "enabled"))
    proc = run_cli("check", "--select", "LNK101", "--baseline", "b.json", ".")
    assert proc.returncode == 0
    assert proc.stderr == (
        "linkerd-lint: 1 baseline entry in b.json no longer matches (fixed, or the object was renamed); "
        "run with --write-baseline b.json to drop it:\n"
        '  LNK101 ns.yaml Namespace//a metadata.annotations["linkerd.io/inject"]\n'
    )


def test_write_baseline_keeps_entries_the_run_did_not_judge(run_cli, tmp_path):
    setup(tmp_path, {"ns.yaml": ns("a"), "other.yaml": ns("b"), "deploy.yaml": DEPLOY})
    assert run_cli("check", "--select", "LNK101,LNK102", "--write-baseline", "b.json", ".").returncode == 0
    assert len(entries(tmp_path)) == 3
    (tmp_path / "ns.yaml").write_text(ns("a", "enabled"))  # fixed
    # following the stale advice with the same narrowed selection drops the fixed entry only
    proc = run_cli("check", "--select", "LNK101", "--write-baseline", "b.json", ".")
    assert proc.returncode == 0
    assert proc.stderr == ("linkerd-lint: wrote 1 finding to baseline b.json and kept 1 earlier entry of rules or files "
                           "this run did not check (delete the file first to start afresh)\n")
    assert entries(tmp_path) == [("LNK101", "other.yaml", "Namespace//b", 'metadata.annotations["linkerd.io/inject"]'), LNK102]
    # one file (as pre-commit passes it): the other files' entries stay
    (tmp_path / "other.yaml").write_text(ns("b", "enabled"))
    proc = run_cli("check", "--select", "LNK101,LNK102", "--write-baseline", "b.json", "deploy.yaml")
    assert proc.returncode == 0 and "wrote 1 finding" in proc.stderr and "kept 1 earlier entry" in proc.stderr
    assert len(entries(tmp_path)) == 2
    # a whole run judges everything: the fixed one goes
    proc = run_cli("check", "--select", "LNK101,LNK102", "--write-baseline", "b.json", ".")
    assert proc.stderr == "linkerd-lint: wrote 1 finding to baseline b.json\n"
    assert entries(tmp_path) == [LNK102]


def test_write_baseline_does_not_overwrite_other_files(run_cli, tmp_path):
    setup(tmp_path, {"ns.yaml": ns("a"), "notes.json": '{"mine": true}\n', "empty.json": ""})
    proc = run_cli("check", "--write-baseline", "notes.json", "ns.yaml")
    assert proc.returncode == 2
    assert "notes.json is not a linkerd-lint baseline" in proc.stderr and "will not overwrite it" in proc.stderr
    assert (tmp_path / "notes.json").read_text() == '{"mine": true}\n'
    assert run_cli("check", "--select", "LNK101", "--write-baseline", "empty.json", "ns.yaml").returncode == 0
    assert len(entries(tmp_path, "empty.json")) == 1


def test_the_runs_own_files_are_not_inputs(run_cli, tmp_path):
    """The baseline and the reports a run writes sit beside the manifests: never read back as input."""
    setup(tmp_path, {"ns.yaml": ns("a"), "out/.keep": ""})
    proc = run_cli("check", "--select", "LNK101", "--write-baseline", "b.json", ".")
    assert proc.stderr == "linkerd-lint: wrote 1 finding to baseline b.json\n"
    proc = run_cli("check", "--select", "LNK101", "--write-baseline", "b.json", ".")
    assert proc.stderr == "linkerd-lint: wrote 1 finding to baseline b.json\n"
    for _ in range(2):  # the second run finds last run's report.json and gitlab.json in the tree
        proc = run_cli("check", "--baseline", "b.json", "-f", "json", "-o", "out/report.json", "-f", "gitlab",
                       "-o", "gitlab.json", "-f", "text", ".")
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "All clear: 1 file checked, no findings.\n", "")
    assert json.loads((tmp_path / "out/report.json").read_text())["summary"]["files"] == 1
