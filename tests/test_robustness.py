"""Hostile and broken input: a clear finding or message, the documented exit code, never a traceback."""

import os
import subprocess
import sys
import time

import pytest

from linter import source
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
    # "kind:" makes them manifests (a broken file that never names a kind is only noted, as info)
    (repo / "deep.yaml").write_text("kind: x\na:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(3000)) + "\n")
    (repo / "flow.yaml").write_text("kind: x\na: " + "[" * 10000 + "]" * 10000 + "\n")
    proc = check(run_cli, ".")
    out = proc.stdout.splitlines()
    assert out == [
        "deep.yaml:1001:1004: LNK001 [error] exceeded maximum nesting depth (while increasing block level)",
        "flow.yaml:2:1003: LNK001 [error] exceeded maximum nesting depth (while increasing flow level)",
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


# -- issue 8: each hostile input ends in a clear finding, the documented exit code, bounded time ----


def timed_check(run_cli, *args, limit=20.0, cwd=None, max_mb=None):
    start = time.monotonic()
    proc = check(run_cli, *args, cwd=cwd)
    assert time.monotonic() - start < limit, f"took {time.monotonic() - start:.1f} s"
    if max_mb is not None:
        assert peak_mb(*args, cwd=cwd or run_cli.cwd) < max_mb
    return proc


# A forked child starts with its parent's peak RSS on Linux (kept across exec), so a check
# run straight from this (large) pytest process would report pytest's size.  A small
# trampoline process forks the check instead and reports that grandchild's own peak.
_TRAMPOLINE = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(os.wait4(p.pid, 0)[2].ru_maxrss)\n"
)


def peak_mb(*args, cwd) -> float:
    """Peak RSS in MB of one more `check` run over the same input (that process alone)."""
    out = subprocess.run(
        [sys.executable, "-c", _TRAMPOLINE, sys.executable, "-m", "linter", "check", "-q", "--exit-zero", *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    )
    return int(out.stdout.strip()) / 1024


def test_alias_bomb_is_refused_well_under_a_second(repo):
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 12):  # 9**12 nodes if expanded
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 9) + "]")
    raw = ("\n".join(lines) + "\n").encode()
    start = time.monotonic()
    src = source.parse_bytes("bomb.yaml", raw)
    assert time.monotonic() - start < 1.0
    assert [(p.kind, p.span.line) for p in src.problems] == [("too-complex", 1)]
    assert src.problems[0].message == "aliases expand to more than 2000000 nodes"


def test_alias_bomb_of_mappings_and_merge_keys(run_cli, repo):
    lines = ["m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9}"]
    for i in range(1, 10):
        lines.append(f"m{i}: &m{i} {{" + ", ".join(f"k{j}: *m{i-1}" for j in range(9)) + f", <<: *m{i-1}}}")
    (repo / "bomb.yaml").write_text("\n".join(lines) + "\n")
    proc = timed_check(run_cli, "bomb.yaml", limit=10, cwd=repo, max_mb=300)
    assert proc.returncode == 1
    assert proc.stdout.startswith("bomb.yaml:1:1: LNK001 [error] aliases expand to more than 2000000 nodes")


def test_recursive_alias_is_refused_where_the_anchor_is(run_cli, repo):
    (repo / "loop.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r\n  labels: &x\n    a: *x\n")
    proc = timed_check(run_cli, "loop.yaml")
    assert proc.returncode == 1
    assert proc.stdout == (
        "loop.yaml:5:11: LNK001 [error] an alias refers to the value it is part of (a recursive structure); "
        "Kubernetes' YAML reader refuses it (anchor value contains itself)\n"
    )


def test_fifty_megabyte_manifest_is_reported_without_being_read(run_cli, repo):
    with open(repo / "huge.yaml", "wb") as fh:
        fh.write(POD.format(i=0).encode())
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MiB on paper, written in no time
    proc = timed_check(run_cli, "huge.yaml", limit=10, cwd=repo, max_mb=100)
    assert proc.returncode == 1
    assert proc.stdout == (
        "huge.yaml:1:1: LNK001 [error] file of 50 MiB is larger than max-file-size (16 MiB); not read: "
        "split it, or raise max-file-size in the configuration\n"
    )


def test_max_file_size_is_configurable(run_cli, repo):
    (repo / "pod.yaml").write_text("".join("---\n" + POD.format(i=i) for i in range(30)))
    size = os.path.getsize(repo / "pod.yaml")
    assert 4096 < size < 5000
    (repo / ".linkerd-lint.yaml").write_text("max-file-size: 4Ki\n")
    proc = check(run_cli, ".")
    assert proc.stdout.startswith(f"pod.yaml:1:1: LNK001 [error] file of {size / 1024:.1f} KiB is larger than max-file-size (4 KiB)")
    (repo / ".linkerd-lint.yaml").write_text("max-file-size: 1Mi\n")
    assert check(run_cli, ".").stdout.count("LNK101") == 30
    (repo / ".linkerd-lint.yaml").write_text("max-file-size: lots\n")
    bad = run_cli("check", ".", cwd=repo)
    assert bad.returncode == 2 and "max-file-size: 'lots' is not a size in bytes" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_hundred_thousand_documents_in_one_file(run_cli, repo):
    with open(repo / "many.yaml", "w") as fh:
        for i in range(100_000):
            fh.write(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n")
        fh.write("---\n" + POD.format(i=1))
    proc = timed_check(run_cli, "many.yaml", limit=120, cwd=repo, max_mb=600)
    assert proc.stdout.splitlines() == [
        "many.yaml:400007:24: LNK101 [error] linkerd.io/inject is 'true': not one of enabled, ingress, disabled, "
        "so this pod is not injected; did you mean enabled?"
    ]


def test_thousands_of_broken_documents_stay_linear(run_cli, repo):
    doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n  bad: [x\n"
    (repo / "broken.yaml").write_text("".join("---\n" + doc.format(i=i) for i in range(5000)))
    proc = timed_check(run_cli, "broken.yaml", limit=30)
    out = [line for line in proc.stdout.splitlines() if not line.startswith(" ")]  # findings, not their notes
    assert len(out) == 5000  # the error is found on the next document's marker, where reading resumes
    assert out[0] == "broken.yaml:7:1: LNK001 [error] did not find expected ',' or ']' (while parsing a flow sequence)"


def test_non_utf8_and_binary_files(run_cli, repo):
    (repo / "latin1.yaml").write_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n")
    (repo / "blob.yaml").write_bytes(bytes(range(256)) * 40)
    proc = timed_check(run_cli, ".")
    assert proc.stdout.splitlines() == [
        "blob.yaml:1:1: LNK001 [error] binary file (contains NUL bytes); not a manifest",
        "latin1.yaml:3:21: LNK001 [error] not valid UTF-8: byte 0xe9 cannot be decoded (Kubernetes reads UTF-8)",
    ]


def test_unreadable_file(repo, monkeypatch):
    (repo / "ok.yaml").write_text(POD.format(i=1))
    secret = repo / "secret.yaml"
    secret.write_text(POD.format(i=2))
    secret.chmod(0)
    if os.geteuid() == 0:  # root reads anything: fail the read as it fails for everyone else
        real = source.read_bytes

        def deny(path, limit):
            if path.endswith("secret.yaml"):
                raise PermissionError(13, "Permission denied")
            return real(path, limit)

        monkeypatch.setattr(source, "read_bytes", deny)
    result = lint_paths(["."], cwd=str(repo), select=["LNK001", "LNK101"])
    got = [(f.path, f.rule_id, f.span.line, f.message.split(";")[0]) for f in result.findings]
    assert got == [
        ("ok.yaml", "LNK101", 6, "linkerd.io/inject is 'true': not one of enabled, ingress, disabled, so this pod is not injected"),
        ("secret.yaml", "LNK001", 1, "cannot read file: Permission denied"),
    ]
    assert not result.internal_errors


def test_merge_keys_carry_annotations_to_the_objects_that_inherit_them(run_cli, repo):
    (repo / "list.yaml").write_text(
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: v1\n    kind: Pod\n    metadata:\n      name: a\n      annotations: &ann\n"
        "        linkerd.io/inject: \"true\"\n    spec: {containers: [{name: a, image: b}]}\n"
        "  - apiVersion: v1\n    kind: Pod\n    metadata:\n      name: b\n      annotations:\n"
        "        <<: *ann\n        team: x\n    spec: {containers: [{name: a, image: b}]}\n"
    )
    result = lint_paths(["."], cwd=str(repo), select=["LNK101"])
    # the second pod inherits the value, but it is written once: one finding, at the value
    assert [(f.resource, f.span.line, f.span.col) for f in result.findings] == [("Pod/default/a", 9, 28)]


def test_crlf_positions_and_exit_codes(run_cli, repo):
    (repo / "crlf.yaml").write_bytes(("---\n" + POD.format(i=1)).replace("\n", "\r\n").encode())
    proc = check(run_cli, "crlf.yaml")
    assert proc.returncode == 1 and proc.stdout.startswith("crlf.yaml:7:24: LNK101")
    (repo / "fine.yaml").write_text(POD.format(i=2).replace('"true"', "enabled"))
    assert check(run_cli, "fine.yaml").returncode == 0
    usage = run_cli("check", "--jobs", "0", "fine.yaml", cwd=repo)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
