"""Ports and protocols LNK301-LNK307: exact findings, Namespace / workload / Service in separate files, versions, fixes."""

import subprocess
import sys

import pytest

from .lintkit import at, lint, messages, places

NS = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    linkerd.io/inject: enabled\n"


def ns_with(annotation: str) -> str:
    return NS + f"    {annotation}\n"


def workload(ports: str, annotations: str = "", name="db", kind="Deployment", init: str = "") -> str:
    """A workload in namespace shop whose container declares ``ports`` (YAML list items, one per line)."""
    text = (
        f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n"
        f"  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n"
    )
    if annotations:
        text += "      annotations:\n" + "".join(f"        {a}\n" for a in annotations.splitlines())
    text += "    spec:\n"
    if init:
        text += "      initContainers:\n" + "".join(f"        {line}\n" for line in init.splitlines())
    text += f"      containers:\n        - name: {name}\n          image: example/{name}:1\n          ports:\n"
    return text + "".join(f"            {p}\n" for p in ports.splitlines())


def service(ports: str, annotations: str = "", name="db", selector="db", extra="") -> str:
    text = f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: shop\n"
    if annotations:
        text += "  annotations:\n" + "".join(f"    {a}\n" for a in annotations.splitlines())
    text += f"spec:\n{extra}  selector: {{app: {selector}}}\n  ports:\n"
    return text + "".join(f"    {p}\n" for p in ports.splitlines())


def cli(tmp_path, *args):
    run = subprocess.run([sys.executable, "-m", "linter", "check", *args], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stdout + run.stderr
    return run


# -- LNK301 proxy-port-collision ---------------------------------------------------


def test_collision_with_default_admin_port(tmp_path):
    app = workload("- containerPort: 8080\n- containerPort: 4191")
    r = lint(tmp_path, {"ns.yaml": NS, "app.yaml": app}, "LNK301")
    assert places(r, "LNK301") == [("app.yaml", *at(app, "4191"))]
    assert "admin" in messages(r)[0]


def test_collision_with_overridden_port_from_namespace(tmp_path):
    ns = ns_with('config.linkerd.io/inbound-port: "8080"')
    app = workload("- containerPort: 8080")
    r = lint(tmp_path, {"ns.yaml": ns, "app.yaml": app}, "LNK301")
    assert places(r, "LNK301") == [("app.yaml", *at(app, "8080"))]
    assert "inherited from the Namespace" in messages(r)[0]
    assert ("ns.yaml", 7) in [(x.path, x.span.line) for x in r.findings[0].related]


@pytest.mark.parametrize(
    "ports, annotations",
    [
        ("- containerPort: 4143\n  protocol: UDP", ""),  # the proxy binds TCP
        ("- containerPort: 4190", 'config.linkerd.io/control-port: "4290"'),
        ("- containerPort: 4190", 'config.linkerd.io/control-port: "${CONTROL:=4290}"'),
        ("- containerPort: 8080\n  hostPort: 4191", ""),  # bound on the node, not in the pod
    ],
)
def test_no_collision(tmp_path, ports, annotations):
    r = lint(tmp_path, {"ns.yaml": NS, "app.yaml": workload(ports, annotations)}, "LNK301")
    assert places(r) == []


def test_collision_needs_a_meshed_pod(tmp_path):
    assert places(lint(tmp_path, {"app.yaml": workload("- containerPort: 4191")}, "LNK301")) == []


def test_native_sidecar_init_container_ports_count(tmp_path):
    init = "- name: helper\n  image: helper:1\n  restartPolicy: Always\n  ports:\n    - containerPort: 4140"
    app = workload("- containerPort: 80", init=init)
    assert places(lint(tmp_path, {"ns.yaml": NS, "app.yaml": app}, "LNK301")) == [("app.yaml", *at(app, "4140"))]


# -- LNK302 invalid-port-list ------------------------------------------------------


def test_each_entry_kind(tmp_path):
    cases = {
        "70000": "ports go up to 65535",
        "0": "0 is not a port",
        "9000-8000": "reversed",
        "80-": "not a port or a lo-hi range",
    }
    for value, words in cases.items():
        app = workload("- containerPort: 80", f'config.linkerd.io/opaque-ports: "25,{value}"')
        r = lint(tmp_path, {"ns.yaml": NS, "app.yaml": app}, "LNK302")
        assert places(r, "LNK302") == [("app.yaml", *at(app, value + '"'))], value
        assert words in messages(r)[0], messages(r)


def test_skip_ports_spaces_are_fixed(tmp_path):
    app = workload("- containerPort: 80", 'config.linkerd.io/skip-outbound-ports: "25, 587,  4000 - 4010"')
    r = lint(tmp_path, {"ns.yaml": NS, "app.yaml": app}, "LNK302")
    assert places(r, "LNK302") == [("app.yaml", *at(app, "587"))]
    assert "(and 1 more)" in messages(r)[0]
    # the fix makes 587 and 4000-4010 bypass the proxy: unsafe, so plain --fix leaves it to a reviewer
    cli(tmp_path, "--select", "LNK302", "--fix", "app.yaml")
    assert '"25, 587,  4000 - 4010"' in (tmp_path / "app.yaml").read_text()
    cli(tmp_path, "--select", "LNK302", "--fix", "--unsafe-fixes", "app.yaml")
    assert 'skip-outbound-ports: "25,587,4000-4010"' in (tmp_path / "app.yaml").read_text()
    assert places(lint(tmp_path, {}, "LNK302")) == []


def test_opaque_port_names(tmp_path):
    good = workload("- containerPort: 3306\n  name: mysql", 'config.linkerd.io/opaque-ports: "mysql"')
    bad = workload("- containerPort: 3306\n  name: mysql", 'config.linkerd.io/opaque-ports: "mysqlx"', name="other")
    r = lint(tmp_path, {"ns.yaml": ns_with('config.linkerd.io/opaque-ports: "mysql"'), "a.yaml": good, "b.yaml": bad}, "LNK302")
    assert places(r, "LNK302") == [("b.yaml", *at(bad, "mysqlx"))]


def test_init_container_port_names_from_2_20(tmp_path):
    init = "- name: sidecar\n  image: s:1\n  ports:\n    - {containerPort: 9000, name: side}"
    app = workload("- containerPort: 80", 'config.linkerd.io/opaque-ports: "side"', init=init)
    assert len(places(lint(tmp_path, {"app.yaml": app}, "LNK302"))) == 1
    assert places(lint(tmp_path, {"app.yaml": app}, "LNK302", config={"linkerd-version": "2.20"})) == []


def test_require_identity_and_pod_inbound_ports(tmp_path):
    app = workload(
        "- containerPort: 80",
        'config.linkerd.io/proxy-require-identity-inbound-ports: "80,http"\nconfig.linkerd.io/pod-inbound-ports: "x"',
    )
    r = lint(tmp_path, {"app.yaml": app}, "LNK302")
    assert places(r, "LNK302") == [("app.yaml", *at(app, "http"))]
    assert "no port requires identity" in messages(r)[0]
    r = lint(tmp_path, {"app.yaml": app}, "LNK302", config={"linkerd-version": "2.15"})
    line, col = at(app, '"x"')
    assert places(r, "LNK302") == [("app.yaml", *at(app, "http")), ("app.yaml", line, col + 1)]


def test_service_list_and_multiline_value(tmp_path):
    svc = service("- port: 80", "config.linkerd.io/opaque-ports: >-\n  80,\n  99999")
    r = lint(tmp_path, {"svc.yaml": svc}, "LNK302")
    assert places(r, "LNK302") == [("svc.yaml", *at(svc, ">-"))]  # a folded scalar: the whole value
    assert "not even the defaults" in messages(r)[0]


# -- LNK303 opaque-ports-drop-defaults -----------------------------------------------


def test_pod_drops_default_port(tmp_path):
    app = workload("- containerPort: 5432\n- containerPort: 9187", 'config.linkerd.io/opaque-ports: "9187"')
    r = lint(tmp_path, {"ns.yaml": NS, "app.yaml": app}, "LNK303")
    assert places(r, "LNK303") == [("app.yaml", *at(app, '"9187"'))]
    assert "5432" in messages(r)[0]


def test_skipped_or_listed_default_ports_are_fine(tmp_path):
    skipped = workload("- containerPort: 5432", 'config.linkerd.io/opaque-ports: "9187"\nconfig.linkerd.io/skip-inbound-ports: "5432"')
    listed = workload("- containerPort: 5432\n  name: pg", 'config.linkerd.io/opaque-ports: "pg,9187"', name="b")
    assert places(lint(tmp_path, {"ns.yaml": NS, "a.yaml": skipped, "b.yaml": listed}, "LNK303")) == []


def test_version_default_list(tmp_path):
    app = workload("- containerPort: 6379", 'config.linkerd.io/opaque-ports: "8080"')
    assert len(places(lint(tmp_path, {"ns.yaml": NS, "app.yaml": app}, "LNK303"))) == 1
    # 6379 joined the defaults in 2.11
    assert places(lint(tmp_path, {}, "LNK303", config={"linkerd-version": "2.10"})) == []


def test_service_drops_default_port_from_namespace(tmp_path):
    ns = ns_with('config.linkerd.io/opaque-ports: "8080"')
    svc = service("- port: 8080\n- port: 3306")
    r = lint(tmp_path, {"ns.yaml": ns, "svc.yaml": svc}, "LNK303")
    # the Service holds no annotation: the finding is on the port that loses opaqueness
    assert places(r, "LNK303") == [("svc.yaml", *at(svc, "3306"))]
    assert "Service port 3306, opaque by default, is now" in messages(r)[0]
    assert [(x.path, x.span.line, x.span.col) for x in r.findings[0].related] == [("ns.yaml", *at(ns, '"8080"'))]


def test_service_drops_several_default_ports_from_namespace(tmp_path):
    ns = ns_with('config.linkerd.io/opaque-ports: "8080"')
    svc = service("- port: 8080\n- port: 6379\n  name: redis\n- port: 25\n  name: smtp")
    r = lint(tmp_path, {"ns.yaml": ns, "svc.yaml": svc}, "LNK303")
    # one finding, at the first port (in file order) the message names
    assert places(r, "LNK303") == [("svc.yaml", *at(svc, "6379"))]
    assert "Service ports 25, 6379, opaque by default, are now" in messages(r)[0]


def test_service_app_protocol_decides_from_2_18(tmp_path):
    svc = service("- port: 3306\n  appProtocol: linkerd.io/opaque", 'config.linkerd.io/opaque-ports: "8080"')
    assert places(lint(tmp_path, {"svc.yaml": svc}, "LNK303")) == []
    assert len(places(lint(tmp_path, {"svc.yaml": svc}, "LNK303", config={"linkerd-version": "2.17"}))) == 1


# -- LNK304 opaque-ports-mismatch ----------------------------------------------------


def test_three_files_service_not_opaque(tmp_path):
    app = workload("- containerPort: 7000", 'config.linkerd.io/opaque-ports: "7000"')
    svc = service("- port: 80\n  targetPort: 7000")
    r = lint(tmp_path, {"ns.yaml": NS, "app.yaml": app, "svc.yaml": svc}, "LNK304")
    assert places(r, "LNK304") == [("svc.yaml", *at(svc, "80"))]
    assert [(x.path, x.span.line) for x in r.findings[0].related] == [("app.yaml", 13)]


def test_three_files_pods_not_opaque(tmp_path):
    app = workload("- containerPort: 7000\n  name: tcp")
    svc = service("- port: 80\n  targetPort: tcp", 'config.linkerd.io/opaque-ports: "80"')
    r = lint(tmp_path, {"ns.yaml": NS, "app.yaml": app, "svc.yaml": svc}, "LNK304")
    assert places(r, "LNK304") == [("svc.yaml", *at(svc, '"80"'))]
    assert "add 7000 to the pods'" in messages(r)[0]


def test_context_files_are_read_not_reported(tmp_path):
    app = workload("- containerPort: 7000", 'config.linkerd.io/opaque-ports: "7000"')
    svc = service("- port: 80\n  targetPort: 7000")
    r = lint(tmp_path, {"ns.yaml": NS, "app.yaml": app, "svc.yaml": svc}, "LNK304", context=("ns.yaml", "app.yaml"))
    assert places(r, "LNK304") == [("svc.yaml", *at(svc, "80"))]
    r = lint(tmp_path, {"ns.yaml": NS, "app.yaml": app, "svc.yaml": svc}, "LNK304", context=("ns.yaml", "svc.yaml"))
    assert places(r, "LNK304") == []


def test_app_protocol_and_defaults_agree(tmp_path):
    app = workload("- containerPort: 7000", 'config.linkerd.io/opaque-ports: "7000"')
    svc = service("- port: 80\n  targetPort: 7000\n  appProtocol: linkerd.io/tcp")
    db = workload("- containerPort: 3306", name="mysql")
    db_svc = service("- port: 3306", 'config.linkerd.io/opaque-ports: "3306"', name="mysql", selector="mysql")
    files = {"ns.yaml": NS, "app.yaml": app, "svc.yaml": svc, "db.yaml": db, "dbsvc.yaml": db_svc}
    assert places(lint(tmp_path, files, "LNK304")) == []
    # before 2.18 appProtocol is not Linkerd's business
    r = lint(tmp_path, {}, "LNK304", config={"linkerd-version": "2.17"})
    assert places(r, "LNK304") == [("svc.yaml", *at(svc, "80"))]


def test_headless_unmeshed_and_other_namespace_are_skipped(tmp_path):
    app = workload("- containerPort: 7000", 'config.linkerd.io/opaque-ports: "7000"')
    headless = service("- port: 7000", extra="  clusterIP: None\n")
    other_ns = service("- port: 7000", name="elsewhere").replace("namespace: shop", "namespace: other")
    assert places(lint(tmp_path, {"ns.yaml": NS, "app.yaml": app, "h.yaml": headless, "o.yaml": other_ns}, "LNK304")) == []
    # without the Namespace the pods' mesh membership is unknown
    assert places(lint(tmp_path, {"app.yaml": app, "s.yaml": service("- port: 7000")}, "LNK304")) == []


# -- LNK305 named-port-in-service-opaque-ports -----------------------------------------


def test_named_service_port_fix(tmp_path):
    svc = service("- name: mysql\n  port: 3306\n- name: admin\n  port: 33062", 'config.linkerd.io/opaque-ports: "mysql, admin,9000"')
    r = lint(tmp_path, {"svc.yaml": svc}, "LNK305")
    assert places(r, "LNK305") == [("svc.yaml", *at(svc, "mysql,"))]
    cli(tmp_path, "--select", "LNK305", "--fix", "svc.yaml")
    assert 'opaque-ports: "3306,33062,9000"' in (tmp_path / "svc.yaml").read_text()


def test_unknown_name_has_no_fix_and_old_versions_are_quiet(tmp_path):
    svc = service("- port: 3306", 'config.linkerd.io/opaque-ports: "mysql"')
    r = lint(tmp_path, {"svc.yaml": svc}, "LNK305")
    assert len(r.findings) == 1 and r.findings[0].fix is None
    assert places(lint(tmp_path, {}, "LNK305", config={"linkerd-version": "2.12"})) == []


# -- LNK306 server-speaks-first-port -------------------------------------------------


def test_pod_and_service_in_separate_files(tmp_path):
    app = workload("- containerPort: 2121\n  name: ftp\n- containerPort: 21", name="ftp")
    svc = service("- port: 21\n- port: 2121\n  targetPort: 21", name="ftp", selector="ftp")
    r = lint(tmp_path, {"ns.yaml": NS, "app.yaml": app, "svc.yaml": svc}, "LNK306")
    line, col = at(app, "containerPort: 21\n")
    assert places(r, "LNK306") == [("app.yaml", line, col + 15), ("svc.yaml", *at(svc, "21")), ("svc.yaml", *at(svc, "2121"))]


def test_opaque_or_skipped_ports_are_fine(tmp_path):
    app = workload("- containerPort: 143\n- containerPort: 110", 'config.linkerd.io/opaque-ports: "143,25"\nconfig.linkerd.io/skip-inbound-ports: "110"', name="mail")
    svc = service("- port: 143\n  appProtocol: linkerd.io/opaque", name="mail", selector="mail")
    assert places(lint(tmp_path, {"ns.yaml": NS, "app.yaml": app, "svc.yaml": svc}, "LNK306")) == []


def test_service_left_to_lnk304_when_pods_are_opaque(tmp_path):
    app = workload("- containerPort: 4222", 'config.linkerd.io/opaque-ports: "4222"', name="nats")
    svc = service("- port: 4222", name="nats", selector="nats")
    r = lint(tmp_path, {"ns.yaml": NS, "app.yaml": app, "svc.yaml": svc}, ["LNK304", "LNK306"])
    assert [f.rule_id for f in r.findings] == ["LNK304"]


def test_unmeshed_pods_and_their_services_are_quiet(tmp_path):
    app = workload("- containerPort: 21", 'linkerd.io/inject: disabled', name="ftp")
    svc = service("- port: 21", name="ftp", selector="ftp")
    assert places(lint(tmp_path, {"ns.yaml": NS, "app.yaml": app, "svc.yaml": svc}, "LNK306")) == []


# -- LNK307 udp-not-proxied --------------------------------------------------------


def test_udp_ports_of_meshed_pods(tmp_path):
    app = workload("- containerPort: 514\n  protocol: UDP\n- containerPort: 514\n  protocol: TCP", name="syslog")
    r = lint(tmp_path, {"ns.yaml": NS, "app.yaml": app}, "LNK307")
    assert places(r, "LNK307") == [("app.yaml", *at(app, "UDP"))]
    assert str(r.findings[0].severity) == "info"
    assert places(lint(tmp_path, {"app.yaml": app}, "LNK307")) == []  # mesh membership unknown


def test_service_port_names_count_before_the_policy_controller(tmp_path):
    app = workload("- containerPort: 3306")  # 3306 is opaque by default on the pods
    svc = service("- name: mysql\n  port: 3306", 'config.linkerd.io/opaque-ports: "mysql"')
    files = {"ns.yaml": NS, "app.yaml": app, "svc.yaml": svc}
    # the policy controller (2.13+) voids the list, so the Service port is not opaque
    assert places(lint(tmp_path, files, "LNK304")) == [("svc.yaml", *at(svc, '"mysql"'))]
    # the Go destination controller resolved Service port names
    assert places(lint(tmp_path, files, "LNK304", config={"linkerd-version": "2.12"})) == []


def test_app_protocol_alone_is_enough_but_http_contradicts_opaque_pods(tmp_path):
    plain = workload("- containerPort: 7000", name="plain")
    opaque_svc = service("- port: 80\n  targetPort: 7000\n  appProtocol: linkerd.io/opaque", name="plain", selector="plain")
    opaque = workload("- containerPort: 7000", 'config.linkerd.io/opaque-ports: "7000"', name="opaque")
    http_svc = service("- port: 80\n  targetPort: 7000\n  appProtocol: http", name="opaque", selector="opaque")
    files = {"ns.yaml": NS, "a.yaml": plain, "b.yaml": opaque_svc, "c.yaml": opaque, "d.yaml": http_svc}
    assert places(lint(tmp_path, files, "LNK304")) == [("d.yaml", *at(http_svc, "http"))]


@pytest.mark.parametrize("value", ["http", "HTTP", "Http", "kubernetes.io/H2C", '"${AP:=HTTP}"'])
def test_app_protocol_is_matched_case_insensitively(tmp_path, value):
    # policy-controller/core/src/outbound.rs@version-2.18 L57 lower-cases appProtocol before matching:
    # HTTP is http, so the opaque pods behind it disagree with the Service
    opaque = workload("- containerPort: 7000", 'config.linkerd.io/opaque-ports: "7000"', name="opaque")
    svc = service(f"- port: 80\n  targetPort: 7000\n  appProtocol: {value}", name="opaque", selector="opaque")
    r = lint(tmp_path, {"ns.yaml": NS, "c.yaml": opaque, "d.yaml": svc}, "LNK304")
    assert places(r) == [("d.yaml", *at(svc, value))]


@pytest.mark.parametrize("value", ["Linkerd.io/Opaque", "LINKERD.IO/TCP", '"${AP}"'])
def test_opaque_app_protocol_in_any_case_agrees_with_opaque_pods(tmp_path, value):
    opaque = workload("- containerPort: 7000", 'config.linkerd.io/opaque-ports: "7000"', name="opaque")
    svc = service(f"- port: 80\n  targetPort: 7000\n  appProtocol: {value}", name="opaque", selector="opaque")
    assert places(lint(tmp_path, {"ns.yaml": NS, "c.yaml": opaque, "d.yaml": svc}, "LNK304")) == []
