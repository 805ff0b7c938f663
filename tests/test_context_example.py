"""The `linkerd-lint context` example of the README and docs/context.md is real: its files are
fixtures/context-example/, and the output shown is what the command prints there."""

import json
import os
import re

import pytest

from .conftest import FIXTURES, ROOT

EXAMPLE = os.path.join(FIXTURES, "context-example")
DOCS = ("README.md", os.path.join("docs", "context.md"))


def _read(name):
    with open(os.path.join(ROOT, name), encoding="utf-8") as fh:
        return fh.read()


def _console(text, command):
    """The output shown under ``$ <command>`` in a console block."""
    m = re.search(r"```console\n\$ " + re.escape(command) + r"\n(.*?)```", text, re.S)
    assert m, f"no console block for {command!r}"
    return m.group(1)


@pytest.mark.parametrize("doc", DOCS)
def test_documented_text_output_is_what_context_prints(run_cli, doc):
    shown = _console(_read(doc), "cd fixtures/context-example && linkerd-lint context")
    proc = run_cli("context", cwd=EXAMPLE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == shown


def test_documented_json_is_what_context_prints(run_cli):
    shown = _console(_read(DOCS[1]), "cd fixtures/context-example && linkerd-lint context -f json | jq '.targets.linkerd'")
    proc = run_cli("context", "-f", "json", cwd=EXAMPLE)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["targets"]["linkerd"] == json.loads(shown)


@pytest.mark.parametrize("doc", DOCS)
def test_documented_files_are_the_example(doc):
    m = re.search(r"```\nfixtures/context-example/\n(.*?)```", _read(doc), re.S)
    assert m
    listed = sorted(line.split()[0] for line in m.group(1).splitlines())
    found = sorted(
        os.path.relpath(os.path.join(d, f), EXAMPLE).replace(os.sep, "/")
        for d, _, files in os.walk(EXAMPLE) for f in files
    )
    assert listed == found


def test_the_example_is_clean_under_every_rule(run_cli):
    proc = run_cli("check", "--select", "ALL", ".", cwd=EXAMPLE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "All clear: 5 files checked, no findings.\n"
