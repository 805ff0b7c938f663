"""Proxy configuration value rules LNK205-LNK207: each grammar, severities, version gates, fixes."""

import subprocess
import sys

import pytest

from .lintkit import at, lint, messages, places


def pod(annotations: dict, extra="") -> str:
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    linkerd.io/inject: enabled\n"
    text += "".join(f"    {k}: {v}\n" for k, v in annotations.items())
    return text + extra + "spec:\n  containers:\n    - name: web\n      image: nginx:1.27\n"


def one(tmp_path, key, value, rule="LNK205", config=None):
    doc = pod({key: value})
    r = lint(tmp_path, {"pod.yaml": doc}, rule, config=config)
    return doc, r


BAD_VALUES = [
    # (key, written value, where the finding points, severity, words the message must hold)
    ("config.linkerd.io/proxy-disable-inbound-protocol-detect-timeout", '"yes"', '"yes"', "warning", "ParseBool"),
    ("config.alpha.linkerd.io/proxy-enable-native-sidecar", "enabled", "enabled", "warning", "did you mean true"),
    ("config.linkerd.io/proxy-admin-shutdown", "'on'", "'on'", "warning", "did you mean enabled"),
    ("config.linkerd.io/proxy-await", "Disabled", "Disabled", "warning", "did you mean disabled"),
    ("config.linkerd.io/default-inbound-policy", "deny-all", "deny-all", "warning", "cluster's default policy"),
    ("config.linkerd.io/access-log", "combined", "combined", "warning", "no access log"),
    ("config.linkerd.io/proxy-log-format", "logfmt", "logfmt", "warning", "plain format"),
    ("config.linkerd.io/shutdown-grace-period", "2d", "2d", "warning", "48h"),
    ("config.linkerd.io/proxy-outbound-connect-timeout", '"1000"', '"1000"', "warning", "1000s or 1000ms"),
    ("config.linkerd.io/admin-port", "http", "http", "warning", "keeps the default port"),
    ("config.linkerd.io/control-port", '"0"', '"0"', "error", "outside 1-65535"),
    ("config.linkerd.io/proxy-gid", "staff", "staff", "warning", "not an integer"),
    ("config.alpha.linkerd.io/proxy-wait-before-exit-seconds", "5s", "5s", "warning", "whole number"),
    ("config.linkerd.io/proxy-cpu-ratio-limit", '"1.0"', '"1.0"', "warning", "strictly between 0 and 1"),
    ("config.linkerd.io/proxy-cpu-ratio-limit", "half", "half", "warning", "not a number"),
    ("config.linkerd.io/skip-subnets", '"10.0.0.0/8,192.168.0.0"', '"10.0', "error", "'192.168.0.0'"),
    ("config.linkerd.io/proxy-log-level", "linkerd=verbose", "linkerd=verbose", "warning", "drops that directive"),
    ("config.linkerd.io/proxy-log-level", "warning", "warning", "warning", "target name"),
    ("config.linkerd.io/proxy-image", "ghcr.io/linkerd/proxy:edge-25.4.4", "ghcr.io", "error", "carries a tag"),
    ("config.linkerd.io/proxy-version", '"edge 25.4.4"', '"edge', "error", "not a valid image tag"),
]


@pytest.mark.parametrize("key, value, point, severity, words", BAD_VALUES, ids=[f"{b[0].rsplit('/', 1)[1]}={b[1]}" for b in BAD_VALUES])
def test_bad_value(tmp_path, key, value, point, severity, words):
    doc, r = one(tmp_path, key, value)
    line, col = at(doc, f"{key}: ")
    assert places(r, "LNK205") == [("pod.yaml", line, col + len(key) + 2 + value.index(point))]
    assert str(r.findings[0].severity) == severity
    assert words in r.findings[0].message, r.findings[0].message


GOOD_VALUES = [
    ("config.linkerd.io/proxy-disable-inbound-protocol-detect-timeout", "T"),
    ("config.linkerd.io/enable-debug-sidecar", '"0"'),
    ("config.linkerd.io/proxy-await", "disabled"),
    ("config.linkerd.io/default-inbound-policy", "cluster-authenticated"),
    ("config.linkerd.io/access-log", "JSON"),  # the proxy ignores case
    ("config.linkerd.io/proxy-log-format", "JSON"),
    ("config.linkerd.io/shutdown-grace-period", "1m30s"),
    ("config.linkerd.io/proxy-inbound-connect-timeout", "1.5s"),
    ("config.linkerd.io/proxy-uid", '"+2102"'),
    ("config.linkerd.io/proxy-cpu-ratio-limit", '"0.5"'),
    ("config.linkerd.io/skip-subnets", '"10.0.0.0/8, fd00::/8"'),  # proxy-init trims subnets
    ("config.linkerd.io/proxy-log-level", '"warn,linkerd=INFO,hickory=error,linkerd_app[{x=1}]=debug"'),
    ("config.linkerd.io/proxy-image", "registry.local:5000/linkerd/proxy"),
    ("config.linkerd.io/proxy-version", "edge-25.4.4"),
    ("config.linkerd.io/proxy-outbound-connect-timeout", '""'),  # empty: the same as absent
    ("config.linkerd.io/trace-collector", "anything goes"),
]


@pytest.mark.parametrize("key, value", GOOD_VALUES, ids=[f"{g[0].rsplit('/', 1)[1]}={g[1]}" for g in GOOD_VALUES])
def test_good_value(tmp_path, key, value):
    _, r = one(tmp_path, key, value)
    assert places(r, "LNK205") == []


def test_audit_policy_before_2_16_is_the_version_rules(tmp_path):
    # One rule owns each version gate: LNK505 reports `audit` before 2.16, LNK205 stays quiet.
    doc, r = one(tmp_path, "config.linkerd.io/default-inbound-policy", "audit", rule=["LNK205", "LNK505"],
                 config={"linkerd-version": "2.15"})
    assert [(f.rule_id, f.span.line, f.span.col) for f in r.findings] == [("LNK505", *at(doc, "audit"))]
    _, r = one(tmp_path, "config.linkerd.io/default-inbound-policy", "audit")
    assert places(r, "LNK205") == []


def test_keys_not_read_in_the_target_version_are_not_judged(tmp_path):
    # proxy-cpu-ratio-limit arrived in 2.18
    _, r = one(tmp_path, "config.linkerd.io/proxy-cpu-ratio-limit", "half", config={"linkerd-version": "2.17"})
    assert places(r, "LNK205") == []


def test_namespace_values_only_where_inherited(tmp_path):
    ns = (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n"
        "    config.linkerd.io/enable-gateway: enabled\n"  # never read from a Namespace
        "    config.linkerd.io/enable-external-profiles: enabled\n"
    )
    r = lint(tmp_path, {"ns.yaml": ns}, "LNK205")
    assert places(r, "LNK205") == [("ns.yaml", *at(ns, "enabled", 2))]


def test_workload_metadata_is_lnk102s(tmp_path):
    doc = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n"
        "    config.linkerd.io/proxy-await: \"true\"\nspec:\n  selector: {matchLabels: {app: web}}\n"
        "  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n"
    )
    assert places(lint(tmp_path, {"d.yaml": doc}, "LNK205")) == []


def test_fix_rewrites_booleans(tmp_path):
    doc = pod({"config.linkerd.io/enable-debug-sidecar": "enabled", "config.linkerd.io/proxy-await": "'false'"})
    lint(tmp_path, {"pod.yaml": doc}, "LNK205")
    run = subprocess.run([sys.executable, "-m", "linter", "check", "--select", "LNK205", "--fix", "pod.yaml"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "pod.yaml").read_text() == pod(
        {"config.linkerd.io/enable-debug-sidecar": '"true"', "config.linkerd.io/proxy-await": "'disabled'"}
    )


# -- LNK206 ------------------------------------------------------------------------


def test_log_http_headers_from_namespace_file(tmp_path):
    ns = (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n"
        "    linkerd.io/inject: enabled\n    config.linkerd.io/proxy-log-http-headers: \"on\"\n"
    )
    app = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
        "    spec: {containers: [{name: web, image: nginx}]}\n"
    )
    r = lint(tmp_path, {"ns.yaml": ns, "app.yaml": app}, "LNK206")
    assert places(r, "LNK206") == [("app.yaml", *at(app, "template"))]
    assert ("ns.yaml", 7) in [(x.path, x.span.line) for x in r.findings[0].related]
    assert "inherited from the Namespace" in messages(r)[0]
    # before 2.16 the key did not exist
    assert places(lint(tmp_path, {}, "LNK206", config={"linkerd-version": "2.15"})) == []


def test_log_http_headers_quiet_when_not_meshed(tmp_path):
    doc = pod({"config.linkerd.io/proxy-log-http-headers": "all"}).replace("enabled", "disabled")
    assert places(lint(tmp_path, {"pod.yaml": doc}, "LNK206")) == []


def test_pull_policy_fix(tmp_path):
    doc, r = one(tmp_path, "config.linkerd.io/image-pull-policy", "ifnotpresent", rule="LNK206")
    assert places(r, "LNK206") == [("pod.yaml", *at(doc, "ifnotpresent"))]
    assert r.findings[0].fix.edits[0].text == "IfNotPresent"
    # the debug container's policy counts only when the debug sidecar is on
    doc = pod({"config.linkerd.io/debug-image-pull-policy": "sometimes"})
    assert places(lint(tmp_path, {"pod.yaml": doc}, "LNK206")) == []
    doc = pod({"config.linkerd.io/debug-image-pull-policy": "sometimes", "config.linkerd.io/enable-debug-sidecar": '"true"'})
    assert places(lint(tmp_path, {"pod.yaml": doc}, "LNK206")) == [("pod.yaml", *at(doc, "sometimes"))]


@pytest.mark.parametrize(
    "value, config, fires",
    [
        ("30s", {}, True),
        ("30s", {"proxy-init-run-as-root": True}, False),
        ("30s", {"cni": True}, False),
        ("30s", {"linkerd-version": "2.17"}, False),
        ("500ms", {}, False),  # rounds down to 0 seconds: nothing is set
        ("thirty", {}, False),  # ignored by the injector (LNK205 reports it)
    ],
)
def test_close_wait_timeout(tmp_path, value, config, fires):
    doc, r = one(tmp_path, "config.linkerd.io/close-wait-timeout", value, rule="LNK206", config=config)
    assert places(r, "LNK206") == ([("pod.yaml", *at(doc, value))] if fires else [])


def test_close_wait_timeout_with_cni_daemonset_in_input(tmp_path):
    cni = (
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: linkerd-cni\n  namespace: linkerd-cni\n"
        "  labels: {linkerd.io/cni-resource: \"true\"}\nspec:\n  selector: {matchLabels: {k8s-app: linkerd-cni}}\n"
        "  template:\n    metadata: {labels: {k8s-app: linkerd-cni}}\n"
        "    spec: {containers: [{name: install-cni, image: cr.l5d.io/linkerd/cni-plugin:v1.6.0}]}\n"
    )
    doc = pod({"config.linkerd.io/close-wait-timeout": "30s"})
    r = lint(tmp_path, {"pod.yaml": doc, "cni.yaml": cni}, "LNK206")
    assert places(r, "LNK206") == []


# -- LNK207 ------------------------------------------------------------------------


def service(annotations: dict, kind="Service", api="v1", spec="  selector: {app: web}\n  ports: [{port: 80}]\n"):
    text = f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: web\n  annotations:\n"
    return text + "".join(f"    {k}: {v}\n" for k, v in annotations.items()) + "spec:\n" + spec


ROUTE_ON_SERVICE = "  parentRefs:\n    - {name: web, kind: Service, group: core, port: 80}\n"
ROUTE_ON_SERVER = "  parentRefs:\n    - {name: web, kind: Server, group: policy.linkerd.io}\n"

ROUTE_VALUES = [
    ("timeout.linkerd.io/response", "1m30s", "90s"),
    ("timeout.linkerd.io/idle", "1.5s", "1500ms"),
    ("retry.linkerd.io/timeout", '"10"', None),
    ("retry.linkerd.io/timeout", "250us", None),
    ("retry.linkerd.io/limit", '"-1"', None),
    ("retry.linkerd.io/http", '"5xx,gateway-error, 429"', '"5xx,gateway-error,429"'),
    ("retry.linkerd.io/http", '"600"', None),
    ("retry.linkerd.io/grpc", "unavailable,aborted", None),
    ("balancer.linkerd.io/failure-accrual", "Consecutive", "consecutive"),
]


@pytest.mark.parametrize("key, value, fix", ROUTE_VALUES, ids=[f"{k.rsplit('/', 1)[1]}={v}" for k, v, _ in ROUTE_VALUES])
def test_route_annotation_on_service(tmp_path, key, value, fix):
    doc = service({key: value})
    r = lint(tmp_path, {"svc.yaml": doc}, "LNK207")
    assert places(r, "LNK207") == [("svc.yaml", *at(doc, value))]
    assert "ignores" in messages(r)[0]
    assert (r.findings[0].fix.edits[0].text if r.findings[0].fix else None) == fix


@pytest.mark.parametrize(
    "key, value",
    [
        ("timeout.linkerd.io/request", "0"),
        ("timeout.linkerd.io/request", " 3d "),
        ("retry.linkerd.io/http", "5XX,500-504,gateway-error"),
        ("retry.linkerd.io/grpc", "Cancelled,deadline-exceeded"),
        ("retry.linkerd.io/limit", '"0"'),
        ("retry.linkerd.io/timeout", '"${RETRY_TIMEOUT}"'),
        ("balancer.linkerd.io/failure-accrual-consecutive-max-penalty", "1m30s"),  # no accrual mode: not read
    ],
)
def test_route_annotation_valid(tmp_path, key, value):
    assert places(lint(tmp_path, {"svc.yaml": service({key: value})}, "LNK207")) == []


def test_unified_accrual_from_2_20(tmp_path):
    doc = service({"balancer.linkerd.io/failure-accrual": "unified"})
    assert places(lint(tmp_path, {"svc.yaml": doc}, "LNK207", config={"linkerd-version": "2.20"})) == []
    # Before 2.20 `unified` is a later release's value: LNK505 owns it, LNK207 stays quiet.
    r = lint(tmp_path, {"svc.yaml": doc}, ["LNK207", "LNK505"], config={"linkerd-version": "2.18"})
    assert [(f.rule_id, f.span.line, f.span.col) for f in r.findings] == [("LNK505", *at(doc, "unified"))]


def test_accrual_penalties(tmp_path):
    doc = service({
        "balancer.linkerd.io/failure-accrual": "consecutive",
        "balancer.linkerd.io/failure-accrual-consecutive-max-penalty": "0s",
        "balancer.linkerd.io/failure-accrual-consecutive-jitter-ratio": '"-1"',
    })
    r = lint(tmp_path, {"svc.yaml": doc}, "LNK207")
    assert places(r, "LNK207") == [("svc.yaml", *at(doc, "0s")), ("svc.yaml", *at(doc, '"-1"'))]


def test_versions_before_the_annotations_existed(tmp_path):
    doc = service({"retry.linkerd.io/timeout": "1m30s", "balancer.linkerd.io/failure-accrual": "fast"})
    r = lint(tmp_path, {"svc.yaml": doc}, "LNK207", config={"linkerd-version": "2.15"})
    assert places(r, "LNK207") == [("svc.yaml", *at(doc, "fast"))]
    assert places(lint(tmp_path, {"svc.yaml": doc}, "LNK207", config={"linkerd-version": "2.12"})) == []


def test_routes_only_when_attached_to_a_service(tmp_path):
    on_service = service({"timeout.linkerd.io/request": "1m30s"}, kind="HTTPRoute", api="gateway.networking.k8s.io/v1", spec=ROUTE_ON_SERVICE)
    on_server = service({"timeout.linkerd.io/request": "1m30s"}, kind="HTTPRoute", api="policy.linkerd.io/v1beta3", spec=ROUTE_ON_SERVER)
    r = lint(tmp_path, {"a.yaml": on_service, "b.yaml": on_server}, "LNK207")
    assert places(r, "LNK207") == [("a.yaml", *at(on_service, "1m30s"))]
    assert "admission webhook rejects this route" in messages(r)[0]


def test_grpc_route_does_not_read_http_conditions(tmp_path):
    doc = service({"retry.linkerd.io/http": "sometimes"}, kind="GRPCRoute", api="gateway.networking.k8s.io/v1", spec=ROUTE_ON_SERVICE)
    assert places(lint(tmp_path, {"r.yaml": doc}, "LNK207")) == []


def test_cases_moved_out_of_the_bad_examples_still_fire(tmp_path):
    """Cases without a fix left the rules' bad examples (which must be fully fixable); they stay tested here."""
    from linter.api import lint_text

    (tmp_path / ".git").mkdir()
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n"
        "    linkerd.io/inject: enabled\n"
        "    config.linkerd.io/proxy-outbound-connect-timeout: 1.5 seconds\n"
        "    config.linkerd.io/skip-subnets: 10.0.0.0/8,\n"
        "    config.linkerd.io/proxy-log-http-headers: \"true\"\n"
        "    config.linkerd.io/opaque-ports: \"3306,mysql-x\"\n"
        "spec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      ports: [{containerPort: 3306, name: mysql}]\n"
    )
    result = lint_text(pod, "pod.yaml", cwd=str(tmp_path), select=["LNK205", "LNK206", "LNK302"])
    got = {(f.rule_id, f.span.line, f.span.col) for f in result.findings}
    assert got == {("LNK205", 7, 55), ("LNK205", 8, 37), ("LNK206", 9, 47), ("LNK302", 10, 43)}, result.findings
