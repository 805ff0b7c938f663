"""A configuration that cannot mean what it says is refused (exit 2, naming the key); a Linkerd
release older than the version data is accepted with a warning."""

import pytest

MANIFEST = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"


@pytest.fixture
def project(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "ns.yaml").write_text(MANIFEST)
    return tmp_path


def run_with(run_cli, project, config, *args):
    (project / ".linkerd-lint.yaml").write_text(config)
    return run_cli("check", "-q", *args, "ns.yaml", cwd=project)


@pytest.mark.parametrize("config, message", [
    ("select: [LNK101]\nfail-on: error\nselect: [LNK1]\n",
     ".linkerd-lint.yaml:3:1: duplicate key 'select' (first at line 1)"),
    ("proxy-defaults:\n  proxy-memory-limit: 1Gi\n  proxy-memory-limit: 2Gi\n",
     ".linkerd-lint.yaml:3:3: duplicate key 'proxy-memory-limit' (first at line 2)"),
    ("proxy-defaults:\n  proxy-memory-limt: 256Mi\n",
     "proxy-defaults: 'proxy-memory-limt' is not a proxy setting Linkerd knows (did you mean 'proxy-memory-limit'?)"),
    ("proxy-defaults:\n  config.linkerd.io/proxy-memroy-limit: 256Mi\n",
     "proxy-defaults: 'config.linkerd.io/proxy-memroy-limit' is not a proxy setting Linkerd knows (did you mean "
     "'config.linkerd.io/proxy-memory-limit'?)"),
    ("proxy-defaults:\n  proxy-memory-limit: 256MB\n",
     "proxy-defaults: proxy-memory-limit: '256MB' is not a Kubernetes quantity"),
    ("proxy-defaults:\n  proxy-cpu-request: 1 core\n",
     "proxy-defaults: proxy-cpu-request: '1 core' is not a Kubernetes quantity"),
    ("default-namespace: My_Apps\n", "default-namespace: 'My_Apps' is not a namespace name (a DNS-1123 label"),
    ("default-namespace: apps.prod\n", "default-namespace: 'apps.prod' is not a namespace name"),
    ("default-namespace: " + "a" * 64 + "\n", "is not a namespace name"),
    ("control-plane-namespace: -linkerd\n", "control-plane-namespace: '-linkerd' is not a namespace name"),
    ('linkerd-version: "2.x"\n', "linkerd-version: not a Linkerd version: '2.x'"),
    ('linkerd-version: "3.0"\n', "linkerd-version: not a Linkerd version: '3.0'"),
])
def test_refused_with_exit_2_naming_the_key(run_cli, project, config, message):
    proc = run_with(run_cli, project, config)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("config", [
    "proxy-defaults:\n  proxy-memory-limit: 256Mi\n  proxy-cpu-limit: 1\n  proxy-wait-before-exit-seconds: 5\n"
    "  config.beta.linkerd.io/proxy-enable-native-sidecar: true\n",
    "default-namespace: team-a\ncontrol-plane-namespace: linkerd\n",
    'linkerd-version: "2.18"\n',
])
def test_control_valid_settings_are_accepted(run_cli, project, config):
    proc = run_with(run_cli, project, config)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_a_bare_alpha_name_maps_to_its_prefix():
    from linter.config import Settings, apply

    s = Settings()
    apply(s, {"proxy-defaults": {"proxy-wait-before-exit-seconds": 5, "proxy-memory-limit": "1Gi"}}, "test")
    assert s.proxy_defaults == {
        "config.alpha.linkerd.io/proxy-wait-before-exit-seconds": "5", "config.linkerd.io/proxy-memory-limit": "1Gi",
    }


def test_the_command_line_is_validated_the_same_way(run_cli, project):
    proc = run_cli("check", "--default-namespace", "Apps", "ns.yaml", cwd=project)
    assert proc.returncode == 2 and "command line: default-namespace: 'Apps' is not a namespace name" in proc.stderr
    proc = run_cli("check", "--linkerd-version", "2.x", "ns.yaml", cwd=project)
    assert proc.returncode == 2 and "command line: linkerd-version: not a Linkerd version: '2.x'" in proc.stderr


def test_a_release_before_the_version_data_is_accepted_with_a_warning(run_cli, project):
    proc = run_with(run_cli, project, 'linkerd-version: "2.9"\n', "--select", "LNK101")
    assert proc.returncode == 0
    assert proc.stderr.splitlines() == [
        "linkerd-lint: warning: " + str(project / ".linkerd-lint.yaml") + ": linkerd-version 2.9: linkerd-lint has no "
        "data for Linkerd releases before 2.10; the rules that depend on the Linkerd version do not judge it"
    ]
    (project / ".linkerd-lint.yaml").unlink()
    proc = run_cli("check", "-q", "--select", "LNK101", "--linkerd-version", "stable-2.8.1", "ns.yaml", cwd=project)
    assert proc.returncode == 0
    assert proc.stderr.splitlines() == [
        "linkerd-lint: warning: command line: linkerd-version stable-2.8.1: linkerd-lint has no data for Linkerd "
        "releases before 2.10; the rules that depend on the Linkerd version do not judge it"
    ]


def test_newer_releases_are_no_warning(run_cli, project):
    proc = run_with(run_cli, project, 'linkerd-version: "2.99"\n', "--select", "LNK101")
    assert proc.returncode == 0 and proc.stderr == ""
