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
