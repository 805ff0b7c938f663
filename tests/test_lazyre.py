"""linter.lazyre: module-level patterns compiled on first use, and PyYAML imported with its
import-time patterns deferred."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from linter.lazyre import pattern

ROOT = Path(__file__).resolve().parent.parent


def test_compiles_on_first_use_then_calls_the_compiled_methods():
    p = pattern(r"(?P<n>\d+)px", re.I)
    assert "_compiled" not in p.__dict__
    assert p.search("width: 12PX").group("n") == "12"
    compiled = p.compile()
    assert compiled.flags & re.I and p.__dict__["_compiled"] is compiled
    # later calls find the compiled pattern's own bound methods on the object: no detour
    assert p.__dict__["match"].__self__ is compiled and p.sub.__self__ is compiled
    assert p.pattern == r"(?P<n>\d+)px" and p.groupindex == {"n": 1}
    assert [m.group(0) for m in p.finditer("1px 2px")] == ["1px", "2px"]


def test_errors_surface_at_first_use():
    p = pattern(r"(unclosed")
    with pytest.raises(re.error):
        p.match("x")
    with pytest.raises(AttributeError):
        pattern("x").no_such_method  # noqa: B018


def _module_level_compiles(path: Path) -> list:
    """Calls of re.compile that run when the module is imported (not inside a function)."""
    out = []

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"):
            out.append(f"{path}:{node.lineno}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return out


def test_no_module_compiles_a_pattern_at_import_on_the_check_path(tmp_path):
    """Every module a one-file check imports defers its patterns (linter.lazyre.pattern)."""
    (tmp_path / "web.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n")
    wrapper = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: print('FILES ' + json.dumps([getattr(m, '__file__', None) or '' for m in list(sys.modules.values())])))\n"
        "sys.argv = ['linkerd-lint', 'check', '-q', 'web.yaml']\n"
        "from linter.entry import main\nmain()\n"
    )
    r = subprocess.run([sys.executable, "-c", wrapper], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    files = json.loads(r.stdout.rpartition("FILES ")[2])
    ours = sorted({Path(f).resolve() for f in files if f.startswith((str(ROOT / "linter"), str(ROOT / "rules")))})
    assert any(p.name == "source.py" for p in ours) and len(ours) > 50  # the scan sees a real run
    assert [hit for p in ours for hit in _module_level_compiles(p)] == []


def test_the_scan_finds_a_module_level_compile(tmp_path):
    bad = tmp_path / "probe.py"
    bad.write_text(
        "import re\nX = re.compile('x')\nif X:\n    Y = {1: re.compile('z')}\n\n"
        "def f():\n    return re.compile('y')\n\nclass C:\n    P = re.compile('c')\n\n    def m(self):\n"
        "        return re.compile('m')\n"
    )
    assert _module_level_compiles(bad) == [f"{bad}:2", f"{bad}:4", f"{bad}:10"]


def test_yaml_imported_with_its_patterns_deferred(tmp_path):
    probe = (
        "import re, sys\n"
        "from linter import source\n"
        "import yaml\n"
        "from linter.lazyre import pattern\n"
        "print(type(yaml.reader.Reader.NON_PRINTABLE) is pattern, '_compiled' in vars(yaml.reader.Reader.NON_PRINTABLE))\n"
        "print(re.compile.__module__, type(re.compile('x')).__name__)\n"
        "try:\n"
        "    yaml.load('a: \\x07', Loader=yaml.SafeLoader)\n"
        "except yaml.YAMLError as e:\n"
        "    print(type(e).__name__)\n"
        "print(yaml.load('a: yes\\nb: 0x1f\\nc: 2001-12-14\\nd: ~', Loader=yaml.SafeLoader))\n"
        "print([d.data for d in source.parse_text('x.yaml', 'on: 1.5e+3\\n').documents])\n"
    )
    r = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "True False",  # the pure-Python reader's pattern is not compiled by a run through libyaml
        "re Pattern",  # re.compile is itself again, for everyone else
        "ReaderError",  # ...and still works when the pure-Python reader runs
        "{'a': True, 'b': 31, 'c': datetime.date(2001, 12, 14), 'd': None}",
        "[{'true': 1500.0}]",  # a boolean key is the JSON key "true", as Kubernetes writes it
    ]
