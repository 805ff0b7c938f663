"""Hostile and broken input: a clear finding or message, the documented exit code, never a traceback."""

import os

import pytest

from linter.api import lint_paths

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  annotations:\n    linkerd.io/inject: \"true\"\nspec:\n  containers: [{{name: a, image: b}}]\n"


def check(run_cli, *args, cwd=None):
    proc = run_cli("check", "-q", "--select", "LNK001,LNK002,LNK003,LNK101", *args, cwd=cwd)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    return proc


@pytest.fixture
def repo(tmp_path):
    (tmp_path / ".git").mkdir()
    return tmp_path


def test_alias_bomb(run_cli, repo):
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 9) + "]")
    (repo / "bomb.yaml").write_text("\n".join(lines) + "\n")
    proc = check(run_cli, "bomb.yaml")
    assert "bomb.yaml:1:1: LNK001 [error] aliases expand to more than 2000000 nodes" in proc.stdout


def test_deep_nesting(run_cli, repo):
    (repo / "deep.yaml").write_text("a:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(3000)) + "\n")
    (repo / "flow.yaml").write_text("a: " + "[" * 10000 + "]" * 10000 + "\n")
    proc = check(run_cli, ".")
    out = proc.stdout.splitlines()
    assert out == [
        "deep.yaml:1000:1004: LNK001 [error] exceeded maximum nesting depth (while increasing block level)",
        "flow.yaml:1:1003: LNK001 [error] exceeded maximum nesting depth (while increasing flow level)",
    ]


def test_one_megabyte_line_and_many_documents(run_cli, repo):
    (repo / "wide.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w}\ndata:\n  blob: " + "x" * 1_000_000 + "\n")
    (repo / "many.yaml").write_text("".join("---\n" + POD.format(i=i) for i in range(20000)))
    proc = check(run_cli, ".")
    lines = proc.stdout.splitlines()
    assert len(lines) == 20000 and all(l.startswith("many.yaml:") and "LNK101" in l for l in lines)
    assert lines[-1].startswith(f"many.yaml:{20000 * 9 - 2}:")


def test_large_manifest(run_cli, repo):
    doc = POD.replace('"true"', "enabled")
    with open(repo / "big.yaml", "w") as fh:
        for i in range(60_000):  # ~8 MB of small documents plus a 1 MB ConfigMap
            fh.write("---\n" + doc.format(i=i))
        fh.write("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  x: |\n" + "    line\n" * 120_000)
    proc = check(run_cli, "big.yaml")
    assert proc.returncode == 0 and proc.stdout == ""


def test_encodings_line_endings_tabs_nul(run_cli, repo):
    (repo / "utf16.yaml").write_bytes("\ufeff".encode("utf-16-le") + POD.format(i=1).encode("utf-16-le"))
    (repo / "crlf.yaml").write_bytes(POD.format(i=2).replace("\n", "\r\n").encode())
    (repo / "tabs.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n")
    (repo / "nul.yaml").write_bytes(b"apiVersion: v1\x00\nkind: Pod\n")
    (repo / "empty.yaml").write_text("")
    (repo / "comments.yaml").write_text("# only\n# comments\n")
    proc = check(run_cli, ".")
    out = proc.stdout.splitlines()
    assert "crlf.yaml:6:24: LNK101 [error] linkerd.io/inject is 'true': not one of enabled, ingress, disabled, so this pod is not injected; did you mean enabled?" in out
    assert any(l.startswith("utf16.yaml:6:24: LNK101") for l in out)
    assert any(l.startswith("tabs.yaml:4:1: LNK001") for l in out)
    assert any(l.startswith("nul.yaml:1:1: LNK001") for l in out)
    assert not any(l.startswith(("empty.yaml", "comments.yaml")) for l in out)


def test_symlink_loop_and_directory_named_yaml(run_cli, repo):
    (repo / "apps").mkdir()
    (repo / "apps" / "pod.yaml").write_text(POD.format(i=1))
    os.symlink("..", repo / "apps" / "loop")
    (repo / "apps" / "x.yaml").mkdir()
    os.symlink("missing.yaml", repo / "apps" / "dangling.yaml")
    proc = check(run_cli, "apps")
    assert [l.split(":")[0] for l in proc.stdout.splitlines()] == ["apps/pod.yaml"]


def test_file_deleted_during_run(repo, monkeypatch):
    (repo / "a.yaml").write_text(POD.format(i=1))
    (repo / "b.yaml").write_text(POD.format(i=2))
    from linter import engine

    real_read = engine.source_mod.read_file

    def vanish(path, display=None, *limit):
        if path.endswith("b.yaml") and os.path.exists(path):
            os.unlink(path)
        return real_read(path, display, *limit)

    monkeypatch.setattr(engine.source_mod, "read_file", vanish)
    result = lint_paths(["."], cwd=str(repo), select=["LNK001", "LNK101"])
    got = [(f.path, f.rule_id, f.message.split(":")[0]) for f in result.findings]
    assert ("b.yaml", "LNK001", "cannot read file") in got
    assert ("a.yaml", "LNK101", "linkerd.io/inject is 'true'") in got


def test_python_object_tags_not_honoured(run_cli, repo):
    (repo / "evil.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: !!python/object/apply:os.system ['touch pwned']\n"
    )
    check(run_cli, "evil.yaml")
    assert not (repo / "pwned").exists()
