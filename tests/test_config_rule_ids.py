"""Rule ids and names in the configuration: names resolve everywhere ids are accepted, and an
unknown one is always reported (LNK004, an error, at its line), whatever the selection."""

from tests.lintkit import at

DEPLOYMENT = (
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata:\n"
    "  name: web\n"
    "spec:\n"
    "  selector:\n"
    "    matchLabels: {app: web}\n"
    "  template:\n"
    "    metadata:\n"
    "      labels: {app: web}\n"
    "      annotations:\n"
    "        linkerd.io/inject: \"true\"\n"
    "    spec:\n"
    "      containers: [{name: web, image: nginx}]\n"
)
INJECT = at(DEPLOYMENT, '"true"')


def _project(tmp_path, config):
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "dep.yaml").write_text(DEPLOYMENT)
    (tmp_path / ".linkerd-lint.yaml").write_text(config)


def _findings(proc):
    return [line for line in proc.stdout.splitlines() if not line.startswith(" ")]


def test_rule_names_in_per_file_ignores(run_cli, tmp_path):
    _project(tmp_path, 'select: [LNK101, LNK004]\nper-file-ignores:\n  "dep.yaml": [invalid-inject-value]\n')
    proc = run_cli("check", "-q", "dep.yaml")
    assert _findings(proc) == [] and proc.returncode == 0, proc.stdout


def test_control_per_file_ignores_of_another_rule(run_cli, tmp_path):
    _project(tmp_path, 'select: [LNK101, LNK004]\nper-file-ignores:\n  "dep.yaml": [proxy-memory-limit-missing]\n')
    proc = run_cli("check", "-q", "dep.yaml")
    assert [f.split(": LNK")[0] for f in _findings(proc)] == ["dep.yaml:%d:%d" % INJECT]


def test_rule_names_in_severity(run_cli, tmp_path):
    _project(tmp_path, "select: [LNK101]\nseverity:\n  invalid-inject-value: info\n")
    proc = run_cli("check", "-q", "dep.yaml")
    assert _findings(proc)[0].startswith("dep.yaml:%d:%d: LNK101 [info]" % INJECT)
    assert proc.returncode == 0


def test_an_id_beats_a_prefix_in_severity_whatever_the_order(run_cli, tmp_path):
    _project(tmp_path, "select: [LNK101]\nseverity:\n  LNK101: warning\n  LNK1: info\n")
    proc = run_cli("check", "-q", "dep.yaml")
    assert _findings(proc)[0].startswith("dep.yaml:%d:%d: LNK101 [warning]" % INJECT)


def test_unknown_ignore_is_reported_even_when_the_selection_leaves_lnk004_out(run_cli, tmp_path):
    _project(tmp_path, "select: [LNK1]\nignore: [LNK998]\n")
    proc = run_cli("check", "-q", "dep.yaml")
    assert _findings(proc) == [
        ".linkerd-lint.yaml:2:10: LNK004 [error] configuration ignore names unknown rule 'LNK998'; it has no effect",
        "dep.yaml:%d:%d: LNK101 [error] linkerd.io/inject is 'true': not one of enabled, ingress, disabled, "
        "so this pod is not injected; did you mean enabled?" % INJECT,
    ]
    assert proc.returncode == 1


def test_forced_lnk004_reports_only_the_configuration(run_cli, tmp_path):
    # LNK004 is not selected: a bad suppression comment stays unreported, the configuration's typo is
    _project(tmp_path, "select: [LNK1]\nignore: [LNK998]\n")
    (tmp_path / "dep.yaml").write_text(DEPLOYMENT.replace("  name: web\n", "  name: web  # linkerd-lint: disable=LNK997\n", 1))
    proc = run_cli("check", "-q", "dep.yaml")
    assert [f.split(" [")[0] for f in _findings(proc)] == [".linkerd-lint.yaml:2:10: LNK004", "dep.yaml:%d:%d: LNK101" % INJECT]


def test_select_of_only_unknown_ids_runs_no_rule(run_cli, tmp_path):
    _project(tmp_path, "select: [LNK999]\n")
    proc = run_cli("check", "-q", "--fail-on", "error", "dep.yaml")
    assert _findings(proc) == [
        ".linkerd-lint.yaml:1:10: LNK004 [error] configuration select names unknown rule 'LNK999'; "
        "select names no rule that exists, so no rule runs",
    ]
    assert proc.returncode == 1


def test_ignoring_lnk004_does_not_hide_a_configuration_typo(run_cli, tmp_path):
    _project(tmp_path, "select: [LNK101]\nignore: [LNK004, LNK1O1]\n")
    proc = run_cli("check", "-q", "dep.yaml")
    assert [f.split(" [")[0] for f in _findings(proc)] == [".linkerd-lint.yaml:2:18: LNK004", "dep.yaml:%d:%d: LNK101" % INJECT]


def test_unknown_name_in_per_file_ignores_and_severity(run_cli, tmp_path):
    _project(tmp_path, 'select: [LNK101]\nseverity:\n  invalid-inject-valu: info\nper-file-ignores:\n  "dep.yaml": [invalid-inject]\n')
    proc = run_cli("check", "-q", "dep.yaml")
    assert [f.split(" [")[0] for f in _findings(proc)] == [
        ".linkerd-lint.yaml:3:3: LNK004", ".linkerd-lint.yaml:5:16: LNK004", "dep.yaml:%d:%d: LNK101" % INJECT,
    ]
    assert "configuration per-file-ignores 'dep.yaml' names unknown rule 'invalid-inject'" in proc.stdout


def test_the_command_line_refuses_the_same_mistake(run_cli, tmp_path):
    _project(tmp_path, "")
    proc = run_cli("check", "--select", "LNK999", "dep.yaml")
    assert proc.returncode == 2 and "unknown rule or prefix 'LNK999' in --select" in proc.stderr


def test_library_selection_is_the_same(tmp_path):
    from linter.api import lint_paths

    _project(tmp_path, "select: [LNK999]\n")
    result = lint_paths(["dep.yaml"], cwd=str(tmp_path))
    assert [(f.rule_id, str(f.severity), f.span.line, f.span.col) for f in result.findings] == [("LNK004", "error", 1, 10)]
