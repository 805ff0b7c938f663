import os
import subprocess
import sys

import pytest

# CI runs the property tests (tests/test_properties.py) with a fixed seed, so a red build is
# reproducible and never a coin toss; local runs keep exploring new examples.
try:
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI"):
        _hypothesis_settings.load_profile("ci")
except ImportError:  # pragma: no cover - hypothesis is a test extra
    pass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "fixtures")


@pytest.fixture
def run_cli(tmp_path):
    """Run the installed CLI as a user would: a subprocess, in a directory of our choosing."""

    def run(*args, cwd=None, stdin=None, env=None):
        full_env = dict(os.environ)
        full_env.pop("LINKERD_LINT_CONFIG", None)
        if env:
            full_env.update(env)
        return subprocess.run(
            [sys.executable, "-m", "linter", *args],
            cwd=cwd or tmp_path,
            input=stdin,
            capture_output=True,
            text=not isinstance(stdin, bytes),
            env=full_env,
            timeout=120,
        )

    return run


def findings_of(result, rule=None):
    return [(f.rule_id, f.span.line, f.span.col) for f in result.findings if rule is None or f.rule_id == rule]
