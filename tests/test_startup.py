"""What a one-file ``check`` imports.  Pre-commit and lint-on-save start linkerd-lint once per
save, so start-up is their latency; speed itself is measured by benchmarks/run.py, not here.
This guards the cheap path against an innocent top-level import that would undo it."""

from __future__ import annotations

from .test_startup_stdlib import imported

# Never imported by `check` on a plain manifest: each one is either heavy or needed only by
# other commands, other formats, --fix, certificates, schemas or a configuration file.
NOT_ON_THE_CHECK_PATH = (
    "click",  # the parser in linter/argv.py takes plain check lines
    "linter.cli",
    "jsonschema",  # schema rules import it when a Linkerd resource or CRD is present
    "cryptography",  # identity rules, when a certificate is present
    "ruamel",  # --fix verification
    "pygls",
    "linter.fix",
    "linter.baseline",
    "linter.report.sarif",
    "linter.report.junit",
    "importlib.metadata",  # the registry reads entry_points.txt itself
    "pkgutil",
)

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
        linkerd.io/inject: enabled
        config.linkerd.io/proxy-memory-limit: 128Mi
    spec:
      containers:
      - name: web
        image: web:1.0
"""


def modules_after(tmp_path, *args) -> tuple:
    """Exit code, output, and the modules the run imported (tests/test_startup_stdlib.py's wrapper)."""
    return imported(tmp_path, *args, manifest=DEPLOYMENT, pyproject=None)


def test_one_file_check_imports_nothing_it_does_not_need(tmp_path):
    code, out, mods = modules_after(tmp_path, "check", "web.yaml")
    assert code == 0, out
    assert out.strip() == "All clear: 1 file checked, no findings."
    loaded = sorted(m for m in NOT_ON_THE_CHECK_PATH if m in mods)
    assert loaded == [], f"imported on the check start-up path: {loaded}"
    assert "linter.rules.invalid_inject_value" in mods  # the guard watches a real run


def test_click_still_serves_everything_else(tmp_path):
    _, out, mods = modules_after(tmp_path, "check", "--help")
    assert "click" in mods and "--fail-on" in out


def test_the_collector_runs_during_a_batch_even_when_start_up_turned_it_off():
    import gc

    from linter import runtime

    was = gc.isenabled()
    gc.disable()
    try:
        with runtime.batch():
            assert gc.isenabled()
            assert gc.get_threshold()[0] == runtime.THRESHOLDS[0]
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
