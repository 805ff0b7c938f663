"""A file the run could not read in full (a syntax error, too large) may hold the very objects a
cross-resource rule would call absent: such rules stay quiet for the namespaces it may hold."""

from .lintkit import lint as lint_many
from .test_cross_resource import at, deployment, found, lint, server

BROKEN_TAIL = "          args: [unclosed\n"  # a flow sequence that never ends: LNK001, nothing read after it


def broken(text: str) -> str:
    return text + BROKEN_TAIL


def test_a_server_whose_pods_are_in_a_broken_file_is_not_called_empty(tmp_path):
    files = {
        "apps/other.yaml": deployment(name="other", labels="app: other"),
        "apps/web.yaml": deployment(),
        "policy/server.yaml": server(),
    }
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == []
    srv = files["policy/server.yaml"]
    without = {k: v for k, v in files.items() if k != "apps/web.yaml"}  # the control: the pods really absent
    assert found(lint(tmp_path / "without", without, "LNK603"), "LNK603") == [at("policy/server.yaml", srv, "podSelector")]
    files["apps/web.yaml"] = broken(deployment())
    # Before: "matches none of the 1 pod template(s) of namespace shop (Deployment/other)".
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == []


def test_a_broken_file_of_another_namespace_changes_nothing(tmp_path):
    srv = server(labels="app: webapp")
    files = {
        "apps/web.yaml": deployment(),
        "apps/elsewhere.yaml": broken(deployment(name="x", ns="elsewhere")),
        "policy/server.yaml": srv,
    }
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == [at("policy/server.yaml", srv, "podSelector")]


def test_a_broken_file_without_namespaces_counts_for_its_directory(tmp_path):
    srv = server(labels="app: webapp", ns=None)
    files = {
        "app/web.yaml": deployment(ns=None),
        "app/server.yaml": srv,
        "app/broken.yaml": broken(deployment(name="x", ns=None)),
        "other/web.yaml": deployment(ns=None),
        "other/server.yaml": srv,
    }
    r = lint(tmp_path, files, "LNK603")
    assert found(r, "LNK603") == [at("other/server.yaml", srv, "podSelector")]


def test_an_unread_file_leaves_no_namespace_covered(tmp_path):
    srv = server(labels="app: webapp")
    files = {"apps/web.yaml": deployment(), "policy/server.yaml": srv, "big.yaml": "# padding\n" * 200}
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == [at("policy/server.yaml", srv, "podSelector")]
    r = lint(tmp_path, files, "LNK603", config={"max-file-size": 1000})  # big.yaml is not read at all
    assert found(r, "LNK603") == []
    r = lint_many(tmp_path, files, ["LNK603", "LNK001"], config={"max-file-size": 1000, "assume-complete": True})
    assert found(r, "LNK603") == [] and found(r, "LNK001") == [("big.yaml", 1, 1)]


MESHED = "      annotations:\n        linkerd.io/inject: enabled\n"
DENY = (
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: only-http\n  namespace: shop\n"
    "spec:\n  podSelector: {}\n  ingress:\n    - ports: [{port: 8080}]\n"
)
ALLOW_PROXY = (
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: proxy\n  namespace: shop\n"
    "spec:\n  podSelector: {}\n  ingress:\n    - ports: [{port: 4143}, {port: 4191}]\n"
)


def test_network_policies_in_a_broken_file_may_allow_what_the_others_do_not(tmp_path):
    files = {"apps/web.yaml": deployment(extra=MESHED), "policy/deny.yaml": DENY}
    assert found(lint(tmp_path, files, "LNK802"), "LNK802") == [at("policy/deny.yaml", DENY, "ports")]
    files["policy/allow.yaml"] = ALLOW_PROXY
    assert found(lint(tmp_path, files, "LNK802"), "LNK802") == []
    files["policy/allow.yaml"] = ALLOW_PROXY + "  egress: [unclosed\n"
    assert found(lint(tmp_path, files, "LNK802"), "LNK802") == []


def test_worker_processes_pass_on_what_they_could_not_read(run_cli, tmp_path):
    """--jobs 2 over enough files to use workers: the broken file may be read in one."""
    for i in range(260):
        (tmp_path / f"fill-{i:03}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n  namespace: fill\n")
    (tmp_path / "zz-web.yaml").write_text(broken(deployment()))
    (tmp_path / "zz-other.yaml").write_text(deployment(name="other", labels="app: other"))
    (tmp_path / "aa-server.yaml").write_text(server())
    (tmp_path / ".git").mkdir()
    out = {jobs: run_cli("check", "--jobs", jobs, "-q", "--select", "LNK603,LNK001", ".").stdout for jobs in ("1", "2")}
    assert out["1"] == out["2"]
    assert "LNK603" not in out["2"] and "zz-web.yaml:17:26: LNK001" in out["2"]


def test_the_language_server_index_carries_what_it_could_not_read(tmp_path):
    from linter.api import load_registry, load_settings, selection
    from linter.engine import Engine

    files = {"apps/other.yaml": deployment(name="other", labels="app: other"), "apps/web.yaml": broken(deployment())}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    settings = load_settings(str(tmp_path))
    registry = load_registry(settings)
    engine = Engine(settings, registry, selection(registry, settings, ["LNK603"]))
    known = [engine.read_facts(str(tmp_path / n), n) for n in files]
    assert [k.unread for k in known] == [(), ("", "shop")]
    r = engine.run([], stdin=("policy/server.yaml", server().encode()), known=known)
    assert found(r, "LNK603") == []
    known[1] = engine.read_facts(str(tmp_path / "apps/web.yaml"), "apps/web.yaml")
    known[1].unread = ()  # as if the file were whole but the pods elsewhere: the finding returns
    r = engine.run([], stdin=("policy/server.yaml", server().encode()), known=known)
    assert [f.rule_id for f in r.findings] == ["LNK603"]
