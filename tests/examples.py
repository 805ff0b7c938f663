"""Run a rule's documented examples the way the test suite and `explain` present them."""

import os
import re

import yaml

from linter.api import lint_paths

MARKER = re.compile(r"#\s*<-\s*(?P<rule>[A-Z][A-Z0-9]*\d)(?:\s+@(?P<at>\S+))?\s*$")
CONFIG_NAME = ".linkerd-lint.yaml"


def expected_places(text: str, rule_id: str) -> set:
    """(path, line, col) marked in a bad example with `# <- RULE [@text|@config:L:C|@file:NAME:L:C]`."""
    out = set()
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = MARKER.search(line)
        if not m or m.group("rule") != rule_id:
            continue
        at = m.group("at")
        if at and at.startswith("config:"):
            _, l, c = at.split(":")
            out.add((CONFIG_NAME, int(l), int(c)))
        elif at and at.startswith("file:"):
            _, name, l, c = at.split(":")
            out.add((name, int(l), int(c)))
        elif at:
            col = line.find(at, 0, m.start())
            assert col >= 0, f"marker text {at!r} not on line {lineno}"
            out.add(("example.yaml", lineno, col + 1))
        else:
            out.add(("example.yaml", lineno, len(line) - len(line.lstrip()) + 1))
    return out


def run_example(example, rule_id: str, directory: str):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "example.yaml"), "w") as fh:
        fh.write(example.yaml)
    for name, text in example.files:
        path = os.path.join(directory, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)
    if example.config:
        with open(os.path.join(directory, CONFIG_NAME), "w") as fh:
            yaml.safe_dump(example.config, fh, sort_keys=False)
    os.makedirs(os.path.join(directory, ".git"), exist_ok=True)  # stop config discovery here
    return lint_paths(["."], cwd=directory, select=[rule_id])
