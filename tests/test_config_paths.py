"""Path patterns in the configuration (exclude, per-file-ignores) are relative to the configuration
file, wherever the run starts: from a subdirectory, or with --config naming a file elsewhere."""

import pytest

from linter.api import lint_paths

BAD = (
    "apiVersion: v1\n"
    "kind: Namespace\n"
    "metadata:\n"
    "  name: {name}\n"
    "  annotations:\n"
    "    linkerd.io/inject: \"true\"\n"
)
CONFIG = 'per-file-ignores:\n  "legacy/*": [LNK101]\nexclude: ["skip/*"]\nselect: [LNK101]\n'


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    for d in ("legacy", "skip", "apps"):
        (root / "deploy" / d).mkdir(parents=True)
        (root / "deploy" / d / "ns.yaml").write_text(BAD.format(name=d))
    (root / ".git").mkdir()
    (root / "deploy" / ".linkerd-lint.yaml").write_text(CONFIG)
    return root


def _lines(proc):
    return sorted(line for line in proc.stdout.splitlines() if "LNK" in line)


def test_from_the_configuration_directory(run_cli, repo):
    proc = run_cli("check", "-q", ".", cwd=repo / "deploy")
    assert _lines(proc) == ["apps/ns.yaml:6:24: LNK101 [error] linkerd.io/inject is 'true' on Namespace apps: not one of "
                            "enabled, ingress, disabled, so the injector skips every pod in this namespace; did you mean enabled?"]


@pytest.mark.parametrize("sub", ["legacy", "skip", "apps"])
def test_from_a_subdirectory(run_cli, repo, sub):
    proc = run_cli("check", "-q", ".", cwd=repo / "deploy" / sub)
    found = [line.split(": LNK")[0] for line in _lines(proc)]
    assert found == (["ns.yaml:6:24"] if sub == "apps" else []), proc.stdout + proc.stderr
    assert proc.returncode == (1 if sub == "apps" else 0)


def test_from_a_subdirectory_naming_the_file(run_cli, repo):
    # pre-commit passes files one by one: exclude still applies
    proc = run_cli("check", "-q", "ns.yaml", cwd=repo / "deploy" / "skip")
    assert _lines(proc) == [] and proc.returncode == 0, proc.stdout + proc.stderr


def test_with_config_in_another_directory(run_cli, repo, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    proc = run_cli("check", "-q", "--config", "../repo/deploy/.linkerd-lint.yaml", "../repo/deploy", cwd=other)
    found = [line.split(": LNK")[0] for line in _lines(proc)]
    assert found == [str(repo / "deploy" / "apps" / "ns.yaml") + ":6:24"], proc.stdout + proc.stderr


def test_control_without_the_configuration_every_file_is_reported(run_cli, repo):
    (repo / "deploy" / ".linkerd-lint.yaml").unlink()
    proc = run_cli("check", "-q", "--select", "LNK101", ".", cwd=repo / "deploy")
    assert [line.split(":")[0] for line in _lines(proc)] == ["apps/ns.yaml", "legacy/ns.yaml", "skip/ns.yaml"]


def test_bare_names_match_anywhere(run_cli, repo):
    (repo / "deploy" / ".linkerd-lint.yaml").write_text('exclude: ["ns.yaml"]\nselect: [LNK101]\n')
    proc = run_cli("check", "-q", ".", cwd=repo / "deploy" / "apps")
    assert _lines(proc) == []


def test_library_from_a_subdirectory(repo):
    result = lint_paths(["."], cwd=str(repo / "deploy" / "legacy"))
    assert result.findings == []
    result = lint_paths(["."], cwd=str(repo / "deploy" / "apps"))
    assert [(f.path, f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("ns.yaml", "LNK101", 6, 24)]


def test_patterns_survive_worker_processes(run_cli, repo):
    for i in range(250):  # enough files for --jobs to fork (parallel.MIN_FILES)
        (repo / "deploy" / "legacy" / f"more{i}.yaml").write_text(BAD.format(name=f"l{i}"))
    proc = run_cli("check", "-q", "--jobs", "2", ".", cwd=repo / "deploy" / "legacy")
    assert _lines(proc) == [], proc.stdout + proc.stderr
    # control: without the per-file ignore the same forked run reports every file
    (repo / "deploy" / ".linkerd-lint.yaml").write_text("select: [LNK101]\n")
    proc = run_cli("check", "-q", "--jobs", "2", ".", cwd=repo / "deploy" / "legacy")
    assert len(_lines(proc)) == 251, proc.stdout + proc.stderr


def test_a_configuration_glob_pickles():
    import pickle

    from linter.suppress import ConfigGlob

    g = ConfigGlob("./legacy/*", "/repo", "/repo/legacy")
    back = pickle.loads(pickle.dumps(g))
    assert (back, back.base, back.cwd, type(back)) == ("legacy/*", "/repo", "/repo/legacy", ConfigGlob)
    assert back.subject("web.yaml") == "legacy/web.yaml"
    assert ConfigGlob("x", "/repo/a", "/repo/b").subject("w.yaml") is None
    assert ConfigGlob("x", "/repo/a", "/repo/b").subject("../a/w.yaml") == "w.yaml"
