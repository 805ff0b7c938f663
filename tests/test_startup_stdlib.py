"""Standard-library modules a one-file ``check`` does not need are not imported by it (each
costs 0.5-10 ms of every pre-commit run and editor save): they are imported inside the
functions that use them, and only when those run.  tests/test_startup.py guards the heavy
third-party packages; this file the standard library, and which of our modules imports it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from linter.config import may_name_table

# Imported by a plain one-file check only through these importers (module -> importer), each
# outside this project's control or a known exception.
ALLOWED_IMPORTERS = {
    "datetime": "yaml.constructor",  # PyYAML's constructor imports these at its top
    "base64": "yaml.constructor",
}
NOT_NEEDED = (
    "typing", "json", "tomllib", "difflib", "fractions", "decimal", "ipaddress", "base64", "datetime", "urllib",
    "urllib.parse", "pkgutil", "packaging", "packaging.version", "uuid", "platform", "threading", "string", "copy",
    "dataclasses", "inspect", "fnmatch",
)

# Records each newly imported module and the first module outside importlib that asked for it.
WRAPPER = """
import atexit, sys
importers = {}
class _Who:
    def find_spec(self, name, path=None, target=None):
        if name not in importers:
            f = sys._getframe(1)
            while f is not None and (f.f_code.co_filename.startswith("<frozen") or "importlib" in f.f_code.co_filename):
                f = f.f_back
            importers[name] = f.f_globals.get("__name__", "?") if f is not None else "?"
        return None
sys.meta_path.insert(0, _Who())
def _report():
    seen = {m: by for m, by in importers.items() if m in sys.modules}
    import json  # not before: the run must be the one to import it
    sys.__stdout__.write("\\nIMPORTED " + json.dumps(seen) + "\\n")
atexit.register(_report)
sys.argv = ["linkerd-lint"] + sys.argv[1:]
from linter.entry import main
main()
"""

DEPLOYMENT = """\
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
      annotations:
        config.alpha.linkerd.io/proxy-enable-native-sidecar: "true"
    spec:
      containers:
      - name: web
        image: web:1.0
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
"""

# A project's own pyproject.toml that mentions linkerd-lint without configuring it.
PYPROJECT = """\
[project]
name = "linkerd-lint"
dependencies = ["linkerd-lint>=0.1"]

[project.scripts]
linkerd-lint = "linter.entry:main"

[tool.black]
line-length = 120
"""


def imported(tmp_path, *args, manifest=DEPLOYMENT, pyproject=PYPROJECT) -> tuple:
    (tmp_path / ".git").mkdir(exist_ok=True)  # discovery stops here
    (tmp_path / "web.yaml").write_text(manifest)
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject)
    r = subprocess.run([sys.executable, "-c", WRAPPER, *args], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    out, _, mods = r.stdout.rpartition("\nIMPORTED ")
    return r.returncode, out + r.stderr, json.loads(mods)


def test_one_file_check_imports_no_stdlib_module_it_does_not_need(tmp_path):
    code, out, mods = imported(tmp_path, "check", "web.yaml")
    assert code == 0 and out.strip() == "All clear: 1 file checked, no findings.", out
    assert "linter.rules.invalid_inject_value" in mods  # a real run
    wrong = {m: by for m, by in mods.items() if m in NOT_NEEDED and ALLOWED_IMPORTERS.get(m) != by}
    assert wrong == {}, f"imported on the check start-up path (module: importer): {wrong}"


@pytest.mark.parametrize(
    "args, manifest, pyproject, module",
    [
        # each module arrives when its feature is used: the guard above watches real imports
        (("check", "web.yaml"), DEPLOYMENT.replace("annotations:",
                                                   "annotations:\n        config.linkerd.io/proxy-memory-limit: 64Mi"),
         PYPROJECT, "decimal"),
        (("check", "--kubernetes-version", "1.30", "web.yaml"), DEPLOYMENT, PYPROJECT, "packaging.version"),
        (("check", "web.yaml"), DEPLOYMENT, PYPROJECT + '\n[tool.linkerd-lint]\nignore = ["LNK101"]\n', "tomllib"),
        (("check", "-f", "json", "web.yaml"), DEPLOYMENT, PYPROJECT, "json"),
        (("check", "web.yaml"), DEPLOYMENT.replace("annotations:", "annotations:\n        linkerd.io/injekt: enabled"),
         PYPROJECT, "difflib"),
    ],
)
def test_modules_are_imported_when_needed(tmp_path, args, manifest, pyproject, module):
    _, out, mods = imported(tmp_path, *args, manifest=manifest, pyproject=pyproject)
    assert module in mods, out


def test_pyproject_configuration_still_found(tmp_path):
    bad = DEPLOYMENT.replace("annotations:", "annotations:\n        linkerd.io/inject: on")
    code, out, _ = imported(tmp_path, "check", "web.yaml", manifest=bad,
                            pyproject=PYPROJECT + '\n[tool.linkerd-lint]\nselect = ["LNK101"]\nignore = ["LNK101"]\n')
    assert code == 0 and "no findings" in out, out
    code, out, _ = imported(tmp_path, "check", "--select", "LNK101", "web.yaml", manifest=bad)
    assert code == 1 and "LNK101" in out, out


# TOML that holds a [tool.linkerd-lint] table, in every spelling TOML allows for it.
HOLDS_TABLE = [
    '[tool.linkerd-lint]\nselect = ["ALL"]\n',
    '[ tool . "linkerd-lint" ]\nselect = ["ALL"]\n',
    "[tool.'linkerd-lint']\nselect = []\n",
    '[tool."linkerd-lint".severity]\nLNK101 = "info"\n',
    "[tool]\nlinkerd-lint.select = []\n",
    "[tool]\nblack.line-length = 1\n\n[tool.linkerd-lint]\n",
    '[tool]\n"linkerd-lint" = { select = [] }\n',
    "tool.linkerd-lint.select = []\n",
    "tool = { linkerd-lint = { select = [] } }\n",
    '[project]\nname = "x"\n[tool.linkerd-lint]\n',
    "# linkerd-lint: comments\n[tool.linkerd-lint]\n",
    '[tool.linkerd-lint]\r\nselect = ["ALL"]\r\n',
]
# TOML that mentions linkerd-lint but holds no such table: not parsed during discovery.
NO_TABLE = [
    PYPROJECT,
    '[project]\nname = "app"\n',
    '[project.optional-dependencies]\nlint = ["linkerd-lint"]\n',
    '[project.entry-points."linkerd_lint.rules"]\nmine = "pack"\n',
]


@pytest.mark.parametrize("text", HOLDS_TABLE)
def test_discovery_prefilter_never_skips_a_table(text):
    import tomllib

    assert tomllib.loads(text)["tool"]["linkerd-lint"] is not None  # the case is what it claims
    assert may_name_table(text)


@pytest.mark.parametrize("text", NO_TABLE)
def test_discovery_prefilter_skips_other_pyprojects(text):
    import tomllib

    assert "linkerd-lint" not in tomllib.loads(text).get("tool", {})
    assert not may_name_table(text)
