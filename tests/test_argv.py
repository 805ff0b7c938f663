"""The click-free parser of plain ``check`` command lines agrees with click, or steps aside."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner
import pytest

from linter.argv import CHECK_OPTIONS, parse_check
from linter.cli import check, cli

# Command lines the fast parser must take (and agree with click on).
PLAIN = [
    [],
    ["fixtures/"],
    ["-q", "a.yaml", "b.yaml"],
    ["a.yaml", "-q"],  # options after arguments, as click allows
    ["-"],
    ["-", "--stdin-filename", "deploy/app.yaml"],
    ["--stdin-filename=deploy/app.yaml", "-"],
    ["-f", "sarif", "-o", "out.sarif", "-f", "text", "."],
    ["-fjson", "."],
    ["--format=github", "--format", "junit", "-o", "j.xml"],
    ["--select", "LNK1,LNK2", "--select", "LNK301", "--ignore", "LNK105", "--extend-select", "ALL"],
    ["--fail-on", "error", "--exit-zero"],
    ["--fail-on=none"],
    ["--linkerd-version", "stable-2.14.10", "--kubernetes-version", "v1.30.4"],
    ["--config", "ci/.linkerd-lint.yaml", "--default-namespace", "shop"],
    ["--exclude", "charts/**", "--exclude", "*.tmpl.yaml", "--context", "ns/", "--context", "other/"],
    ["--assume-complete", "--statistics"],
    ["--fix", "--unsafe-fixes"],
    ["--diff"],
    ["--baseline", "b.json"],
    ["--write-baseline", "b.json"],
    ["--color"],
    ["--no-color"],
    ["--color", "--no-color"],  # the last one wins
    ["--now", "2030-01-31T12:00:00Z"],
    ["-j", "2"],
    ["--jobs=1"],
    ["-j4"],
    ["--jobs", "02"],
    ["--linkerd-version", "2.17", "--linkerd-version", "2.18"],  # the last one wins
    ["-o", "-", "-f", "json"],
    ["-f", "sarif", "-o", "r.sarif", "-f", "text", "-f", "gitlab", "-o", "gl.json"],  # -o: the -f before it
    ["-o", "t.txt", "--format=json", "--output=j.json", "x.yaml", "-fjunit", "-oj.xml"],
    ["--format="],  # an empty value: click passes it on too (and check rejects it)
]

# Command lines the fast parser leaves to click (help, errors click must explain, rare syntax).
TO_CLICK = [
    ["--help"],
    ["-h"],
    ["--fail-on", "fatal"],
    ["--jobs", "0"],
    ["--jobs", "two"],
    ["-j", "-1"],
    ["--quiet=yes"],
    ["--formt", "json"],
    ["--form", "json"],  # abbreviations are not options
    ["-qj2"],
    ["--select"],
    ["--select", "--quiet"],
    ["--", "-odd-name.yaml"],
    ["--no-quiet"],
]


def click_params(args: list) -> dict:
    with check.make_context("check", list(args)) as ctx:
        return dict(ctx.params)


@pytest.mark.parametrize("args", PLAIN, ids=lambda a: " ".join(a) or "(none)")
def test_plain_lines_parse_as_click_parses_them(args):
    fast = parse_check(args)
    assert fast is not None, "the fast path should take this line"
    assert fast == click_params(args)


@pytest.mark.parametrize("args", TO_CLICK, ids=lambda a: " ".join(a))
def test_unusual_lines_go_to_click(args):
    assert parse_check(args) is None


def test_every_option_is_covered_by_the_matrix():
    used = {a.split("=")[0] for line in PLAIN for a in line if a.startswith("-") and a != "-"}
    used |= {a[:2] for line in PLAIN for a in line if a.startswith("-") and not a.startswith("--") and len(a) > 2}
    for opt in CHECK_OPTIONS:
        assert set(opt.flags + opt.secondary) & used, f"{opt.flags[0]} is not in the equivalence matrix"


def test_click_help_lists_every_option():
    result = CliRunner().invoke(cli, ["check", "--help"])
    assert result.exit_code == 0
    for opt in CHECK_OPTIONS:
        assert opt.flags[-1] in result.output


def test_errors_read_the_same_on_both_paths(run_cli, tmp_path):
    """A usage error found after parsing (bad format, bad config) says the same thing on either path."""
    fast = run_cli("check", "--format", "xml", str(tmp_path))
    assert fast.returncode == 2
    assert fast.stderr == "linkerd-lint: error: unknown format 'xml' (choose from text, json, sarif, github, gitlab, junit)\n"
    via_click = run_cli("check", "--format", "xml", "--", str(tmp_path))
    assert via_click.returncode == 2
    assert via_click.stderr == fast.stderr


def test_click_explains_what_the_fast_parser_refuses(run_cli):
    r = run_cli("check", "--fail-on", "fatal", ".")
    assert r.returncode == 2
    assert "Invalid value for '--fail-on'" in r.stderr
    assert "Traceback" not in r.stderr


def test_broken_pipe_is_quiet(tmp_path):
    for i in range(400):
        (tmp_path / f"d{i}.yaml").write_text(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n"
            "    metadata:\n      annotations:\n        linkerd.io/inject: true\n"
        )
    # The reader takes one line and leaves while linkerd-lint is still writing.
    cmd = f"{sys.executable} -m linter check --jobs 1 {tmp_path} | head -1"
    r = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True)
    assert r.stdout.count("\n") == 1
    assert "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr, r.stderr


def test_pack_modules_are_listed_as_pkgutil_lists_them(tmp_path):
    import pkgutil

    import linter.rules
    from linter.registry import _submodules

    pack = tmp_path / "pack"
    (pack / "sub").mkdir(parents=True)
    (pack / "sub" / "__init__.py").write_text("")
    (pack / "nopkg").mkdir()
    (pack / "__pycache__").mkdir()
    for name in ("__init__.py", "a.py", "b.pyc", "c.cpython-311-x86_64-linux-gnu.so", "not-a-name.py", "d.txt", "_e.py"):
        (pack / name).write_text("")
    for path in ([str(pack)], linter.rules.__path__):
        # pkgutil also lists names no import statement can reach (not-a-name); those are skipped.
        assert _submodules(path) == sorted(i.name for i in pkgutil.iter_modules(path) if i.name.isidentifier())
