"""[tool.linkerd-lint] in pyproject.toml where the standard library has no tomllib (Python 3.10).

Simulated in-process: a None entry in sys.modules makes ``import tomllib`` fail as it does on 3.10.
"""

import sys

import pytest

from linter import config
from linter.api import LintError, lint_paths

MANIFEST = (
    "apiVersion: v1\n"
    "kind: Namespace\n"
    "metadata:\n"
    "  name: shop\n"
    "  annotations:\n"
    "    linkerd.io/inject: \"true\"\n"
)


def _project(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.linkerd-lint]\nignore = ["LNK101"]\n')
    (tmp_path / "ns.yaml").write_text(MANIFEST)


def test_without_any_toml_parser_the_table_is_an_error_not_ignored(tmp_path, monkeypatch):
    _project(tmp_path)
    monkeypatch.setitem(sys.modules, "tomllib", None)
    monkeypatch.setitem(sys.modules, "tomli", None)
    with pytest.raises(config.ConfigError) as e:
        config.load(None, str(tmp_path))
    assert "pyproject.toml: reading [tool.linkerd-lint] needs a TOML parser" in str(e.value)
    assert "tomli" in str(e.value)
    with pytest.raises(LintError, match="needs a TOML parser"):
        lint_paths(["ns.yaml"], cwd=str(tmp_path))
    # named explicitly: the same
    with pytest.raises(config.ConfigError, match="needs a TOML parser"):
        config.load(str(tmp_path / "pyproject.toml"), str(tmp_path))


def test_tomli_is_used_when_tomllib_is_missing(tmp_path, monkeypatch):
    import tomllib

    _project(tmp_path)
    monkeypatch.setitem(sys.modules, "tomllib", None)
    monkeypatch.setitem(sys.modules, "tomli", tomllib)  # tomli's API is tomllib's
    assert config.load(None, str(tmp_path)).ignore == ["LNK101"]
    assert lint_paths(["ns.yaml"], cwd=str(tmp_path)).findings == []


def test_control_the_table_is_read_with_tomllib(tmp_path):
    _project(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.linkerd-lint]\nselect = ["LNK101"]\n')
    result = lint_paths(["ns.yaml"], cwd=str(tmp_path))
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK101", 6, 24)]


def test_a_pyproject_about_something_else_needs_no_parser(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    monkeypatch.setitem(sys.modules, "tomllib", None)
    monkeypatch.setitem(sys.modules, "tomli", None)
    assert config.load(None, str(tmp_path)).config_path is None


def test_the_dependency_is_declared_for_python_310():
    import os
    import tomllib

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "pyproject.toml"), "rb") as fh:
        deps = tomllib.load(fh)["project"]["dependencies"]
    assert 'tomli>=1.1; python_version < "3.11"' in deps
