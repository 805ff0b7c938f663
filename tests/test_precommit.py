"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit framework on a temporary git repository.

pre-commit installs a `language: python` hook by cloning the hook repository at a commit and
pip-installing it into a virtualenv of its own.  The hook repository is this checkout: at HEAD
when its working tree is clean (CI's fresh clone), otherwise a throw-away commit of the working
tree as it is (tracked and untracked files that git does not ignore), so that the test runs the
code on disk.  `pre-commit try-repo` always installs into a fresh temporary store, so it runs
once; the other cases use `pre-commit run` with one PRE_COMMIT_HOME for the session, which
installs the hook environment once and reuses it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
import yaml

from .conftest import ROOT

TIMEOUT = 900  # the first run builds a virtualenv and pip-installs the project

BAD = textwrap.dedent(
    """\
    apiVersion: v1
    kind: Namespace
    metadata:
      name: shop
      annotations:
        linkerd.io/inject: "true"  # keep this comment
    """
)
GOOD = BAD.replace('"true"', "enabled")
DEPLOYMENT = textwrap.dedent(
    """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: shop
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
            - name: web
              image: nginx:1.27
    """
)


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(PRE_COMMIT_COLOR="never", GIT_CONFIG_NOSYSTEM="1", **extra)
    return env


def git(*args, cwd, env=None) -> str:
    ident = ["-c", "user.name=linkerd-lint tests", "-c", "user.email=tests@invalid", "-c", "commit.gpgsign=false"]
    proc = subprocess.run(["git", *ident, *args], cwd=cwd, env=env or _env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory):
    """(repository, commit) holding the hooks as the working tree has them."""
    if shutil.which("git") is None or not os.path.isdir(os.path.join(ROOT, ".git")):
        pytest.skip("the checkout is not a git repository")
    head = git("rev-parse", "HEAD", cwd=ROOT).strip()
    if not git("status", "--porcelain", "--untracked-files=normal", cwd=ROOT).strip():
        return ROOT, head
    shadow = str(tmp_path_factory.mktemp("hook-repo"))
    git("clone", "-q", "--no-checkout", ROOT, shadow, cwd=shadow)
    git("checkout", "-q", head, cwd=shadow)
    # The working tree's files replace the commit's: tracked ones as modified, untracked ones
    # git does not ignore; files deleted from the working tree go too.
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
    for rel in filter(None, listed):
        src, dst = os.path.join(ROOT, rel), os.path.join(shadow, rel)
        if os.path.isfile(src):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst)
        elif os.path.lexists(dst):
            os.remove(dst)
    git("add", "-A", cwd=shadow)
    git("commit", "-q", "--allow-empty", "-m", "working tree of the checkout under test", cwd=shadow)
    return shadow, git("rev-parse", "HEAD", cwd=shadow).strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory):
    return str(tmp_path_factory.mktemp("pre-commit-home"))


def make_repo(path, files: dict) -> str:
    repo = str(path / "work")
    os.makedirs(repo)
    git("init", "-q", ".", cwd=repo)
    for name, text in files.items():
        full = os.path.join(repo, name)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as fh:
            fh.write(text)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "manifests", cwd=repo)
    return repo


def pre_commit(*args, cwd, home):
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=_env(PRE_COMMIT_HOME=home),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def run_hook(hook_repo, home, repo, hook, files):
    """`pre-commit run HOOK --files ...` with a config naming the hook repository at its commit."""
    url, rev = hook_repo
    config = {"repos": [{"repo": url, "rev": rev, "hooks": [{"id": hook}]}]}
    with open(os.path.join(repo, ".pre-commit-config.yaml"), "w") as fh:
        yaml.safe_dump(config, fh)
    git("add", ".pre-commit-config.yaml", cwd=repo)
    return pre_commit("run", hook, "--files", *files, cwd=repo, home=home)


def test_try_repo_fails_on_a_bad_manifest(hook_repo, tmp_path):
    repo = make_repo(tmp_path, {"ns.yaml": BAD})
    url, rev = hook_repo
    proc = pre_commit("try-repo", url, "linkerd-lint", "--ref", rev, "--files", "ns.yaml", cwd=repo, home=str(tmp_path / "home"))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "ns.yaml:6:24: LNK101 [error]" in out
    assert "Failed" in out


def test_hook_passes_on_a_good_manifest(hook_repo, pre_commit_home, tmp_path):
    repo = make_repo(tmp_path, {"ns.yaml": GOOD})
    proc = run_hook(hook_repo, pre_commit_home, repo, "linkerd-lint", ["ns.yaml"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout


def test_hook_fails_on_a_bad_manifest(hook_repo, pre_commit_home, tmp_path):
    as_json = json.dumps(yaml.safe_load(BAD), indent=2) + "\n"  # kubectl reads JSON manifests too
    repo = make_repo(tmp_path, {"ns.yaml": BAD, "ns.json": as_json, "notes.txt": "linkerd.io/inject: true\n"})
    proc = run_hook(hook_repo, pre_commit_home, repo, "linkerd-lint", ["ns.yaml", "ns.json", "notes.txt"])
    assert proc.returncode == 1
    assert "ns.yaml:6:24: LNK101 [error]" in proc.stdout
    assert "ns.json:7:28: LNK101 [error]" in proc.stdout
    assert "notes.txt" not in proc.stdout  # types_or: [yaml, json]


def test_fix_hook_rewrites_the_file(hook_repo, pre_commit_home, tmp_path):
    repo = make_repo(tmp_path, {"ns.yaml": BAD})
    proc = run_hook(hook_repo, pre_commit_home, repo, "linkerd-lint-fix", ["ns.yaml"])
    # pre-commit fails a hook that changed files, so that the user looks at the change
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "files were modified by this hook" in proc.stdout
    with open(os.path.join(repo, "ns.yaml"), encoding="utf-8") as fh:
        assert fh.read() == BAD.replace('"true"', '"enabled"')
    again = pre_commit("run", "linkerd-lint-fix", "--files", "ns.yaml", cwd=repo, home=pre_commit_home)
    assert again.returncode == 0, again.stdout + again.stderr


def test_context_setting_brings_the_namespace(hook_repo, pre_commit_home, tmp_path):
    """pre-commit passes only the changed Deployment; its Namespace (in another file) makes it meshed."""
    files = {"deploy/web.yaml": DEPLOYMENT, "namespaces/shop.yaml": GOOD}
    repo = make_repo(tmp_path, files)
    # Alone, the Deployment's mesh membership is unknown: rules that need a meshed pod stay quiet.
    proc = run_hook(hook_repo, pre_commit_home, repo, "linkerd-lint", ["deploy/web.yaml"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(os.path.join(repo, ".linkerd-lint.yaml"), "w") as fh:
        fh.write("context:\n  - namespaces/\n")
    git("add", ".linkerd-lint.yaml", cwd=repo)
    proc = run_hook(hook_repo, pre_commit_home, repo, "linkerd-lint", ["deploy/web.yaml"])
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "deploy/web.yaml:9:3: LNK201 [warning] meshed Deployment web has no proxy memory limit" in proc.stdout
    assert "namespaces/shop.yaml:6:24: note: injection is enabled by the Namespace here" in proc.stdout


def test_readme_config_names_real_hooks():
    """docs/pre-commit.md's .pre-commit-config.yaml validates and names hooks this repository defines."""
    from pre_commit.clientlib import CONFIG_SCHEMA
    from pre_commit.clientlib import MANIFEST_SCHEMA
    from cfgv import validate

    with open(os.path.join(ROOT, ".pre-commit-hooks.yaml")) as fh:
        manifest = validate(yaml.safe_load(fh), MANIFEST_SCHEMA)
    hooks = {h["id"]: h for h in manifest}
    assert set(hooks) == {"linkerd-lint", "linkerd-lint-fix"}
    assert all(h["require_serial"] and h["types_or"] == ["yaml", "json"] for h in hooks.values())
    with open(os.path.join(ROOT, "docs", "pre-commit.md")) as fh:
        doc = fh.read()
    block = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    config = validate(yaml.safe_load(block), CONFIG_SCHEMA)
    [repo] = config["repos"]
    assert {h["id"] for h in repo["hooks"]} <= set(hooks)
