"""The version data: one home per fact (rules/_*.py data modules), every row with its source,
and one rule per version gate."""

import pytest

from linter import annotations
from linter.api import lint_paths
from linter.rules import (
    _gateway_api,
    _injector_selectors,
    _k8s_apis,
    _k8s_matrix,
    _linkerd_annotations,
    _linkerd_crds,
    _linkerd_edge_charts,
    _linkerd_releases,
)

from .lintkit import at

TABLES = {
    "kubernetes matrix": list(_k8s_matrix.MATRIX.values()),
    "edge minimum kubernetes": list(_k8s_matrix.EDGE_MIN_K8S),
    "patch minimum kubernetes": list(_k8s_matrix.PATCH_MIN_K8S),
    "kubernetes api table": list(_k8s_apis.REMOVED_APIS),
    "linkerd crd table": [r for rows in _linkerd_crds.CRDS.values() for r in rows],
    "gateway api table": [r for rows in _linkerd_crds.GATEWAY_ROUTES.values() for r in rows],
    "gateway api upstream removals": list(_gateway_api.UPSTREAM_REMOVED),
    "edge release table": list(_linkerd_releases.RELEASES),
    "stable chart lines": list(_linkerd_releases.CHART_LINES),
    "edge chart versions": list(_linkerd_edge_charts.EDGE_CHARTS),
    "annotation catalogue": list(_linkerd_annotations.CATALOGUE.values()),
    "value gates": list(_linkerd_annotations.VALUE_GATES),
    "older defaults": list(_linkerd_annotations.OLD_DEFAULTS),
    "injector webhook selectors": list(_injector_selectors.SELECTORS),
}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_data_row_names_its_source(table):
    rows = TABLES[table]
    assert rows, table
    missing = [row for row in rows if not (isinstance(row.source, str) and row.source.strip())]
    assert missing == []


def test_the_engine_reads_the_data_modules_not_copies():
    from linter import versions
    from linter.lsp import knowledge

    assert annotations.CATALOGUE is _linkerd_annotations.CATALOGUE
    assert annotations.VALUES_SINCE is _linkerd_annotations.VALUES_SINCE
    assert versions.EDGE_OF_RELEASE is _linkerd_releases.EDGE_OF_RELEASE
    assert knowledge.VALUES_SINCE is _linkerd_annotations.VALUES_SINCE
    assert not hasattr(knowledge, "VALUE_SINCE")


def test_value_gates_are_values_of_their_keys_enum():
    for gate in _linkerd_annotations.VALUE_GATES:
        grammar = _linkerd_annotations.CATALOGUE[gate.key].value
        assert grammar.startswith("enum:") and gate.value in grammar[5:].split(","), gate
        assert gate.since > _linkerd_annotations.CATALOGUE[gate.key].since


def test_facts_derived_from_the_catalogue():
    from linter.rules import _lifecycle, _native, gateway_api_version, invalid_route_annotation

    cat = _linkerd_annotations.CATALOGUE
    assert _lifecycle.native_keys((2, 14)) == ()
    assert _lifecycle.native_keys((2, 15)) == _lifecycle.native_keys((2, 18)) == (_native.ALPHA,)
    assert _lifecycle.native_keys((2, 19)) == (_native.BETA, _native.ALPHA)
    assert _lifecycle.native_keys((2, 20)) == (_native.GA, _native.BETA, _native.ALPHA)
    assert _lifecycle.NATIVE_SINCE == cat[_native.ALPHA].since == (2, 15)
    assert invalid_route_annotation.RETRY_SINCE == cat["retry.linkerd.io/http"].since == (2, 16)
    assert invalid_route_annotation.BALANCER_SINCE == cat["balancer.linkerd.io/failure-accrual"].since == (2, 13)
    assert not hasattr(_linkerd_crds, "ROUTE_SINCE")
    assert gateway_api_version.ROUTE_SINCE == {"HTTPRoute": (2, 14), "GRPCRoute": (2, 16), "TLSRoute": (2, 17), "TCPRoute": (2, 17)}


def test_edge_table_agrees_with_the_parser():
    from linter.versions import parse_linkerd_version

    for row in _linkerd_releases.RELEASES:
        lv = parse_linkerd_version("edge-%d.%d.%d" % row.edge)
        assert (lv.line, lv.upto) == (row.line, row.line), row


def _write(tmp_path, text, config):
    import yaml

    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "x.yaml").write_text(text)
    (tmp_path / ".linkerd-lint.yaml").write_text(yaml.safe_dump(config))


POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    linkerd.io/inject: enabled\n"
    "    config.linkerd.io/default-inbound-policy: audit\n"
    "spec:\n  containers:\n    - name: web\n      image: nginx:1.27\n"
)
SERVICE = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n"
    "    balancer.linkerd.io/failure-accrual: unified\n"
    "spec:\n  selector: {app: web}\n  ports:\n    - port: 80\n"
)


@pytest.mark.parametrize("text, value, version", [(POD, "audit", "2.15"), (SERVICE, "unified", "2.19")])
def test_one_rule_owns_each_value_gate(tmp_path, text, value, version):
    _write(tmp_path, text, {"linkerd-version": version})
    r = lint_paths(["x.yaml"], cwd=str(tmp_path), select=["ALL"])
    assert not r.internal_errors
    line, col = at(text, value)
    here = [(f.rule_id, f.span.line, f.span.col) for f in r.findings if f.span.line == line]
    assert here == [("LNK505", line, col)]
    assert f"accepted from Linkerd {'2.16' if value == 'audit' else '2.20'} on" in r.findings[
        [f.rule_id for f in r.findings].index("LNK505")].message


@pytest.mark.parametrize("text, version", [(POD, "2.16"), (SERVICE, "2.20")])
def test_gated_values_are_quiet_once_accepted(tmp_path, text, version):
    _write(tmp_path, text, {"linkerd-version": version})
    r = lint_paths(["x.yaml"], cwd=str(tmp_path), select=["LNK205", "LNK207", "LNK505"])
    assert [(f.rule_id, f.span.line) for f in r.findings] == []


# -- facts read from their one home, not repeated --------------------------------------------

def test_webhook_selectors_have_one_home():
    from linter import mesh
    from linter.rules import never_injected_here

    sel = _injector_selectors
    assert mesh.EXCLUDED_NAMESPACES is sel.EXCLUDED_NAMESPACES == ("kube-system", "cert-manager")
    assert never_injected_here.OBJECT_LABELS is sel.OBJECT_LABELS == (
        "linkerd.io/control-plane-component", "linkerd.io/cni-resource")
    assert sel.EXCLUDED_NAMESPACES_SINCE == sel.OBJECT_SELECTOR_SINCE == (2, 12)
    assert not hasattr(never_injected_here, "SELECTORS_SINCE")


def _before(line):
    return "%d.%d" % (line[0], line[1] - 1)


def _deployment(ns, labels=""):
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: {ns}\nspec:\n"
        "  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels:\n        app: web\n"
        + "".join(f"        {line}\n" for line in labels.splitlines())
        + "      annotations:\n        linkerd.io/inject: enabled\n"
        "    spec:\n      containers:\n        - {name: app, image: nginx:1.27}\n"
    )


@pytest.mark.parametrize("ns", _injector_selectors.EXCLUDED_NAMESPACES)
def test_each_excluded_namespace_from_its_release(tmp_path, ns):
    from .lintkit import lint, places

    since = _injector_selectors.EXCLUDED_NAMESPACES_SINCE
    app = _deployment(ns)
    fires = [("app.yaml", *at(app, "enabled"))]
    assert places(lint(tmp_path, {"app.yaml": app}, "LNK109", config={"linkerd-version": "%d.%d" % since})) == fires
    assert places(lint(tmp_path, {"app.yaml": app}, "LNK109", config={"linkerd-version": _before(since)})) == []


@pytest.mark.parametrize("label", _injector_selectors.OBJECT_LABELS)
def test_each_object_selector_label_from_its_release(tmp_path, label):
    from .lintkit import lint, messages, places

    since = _injector_selectors.OBJECT_SELECTOR_SINCE
    app = _deployment("shop", labels=f'{label}: "x"')
    r = lint(tmp_path, {"app.yaml": app}, "LNK109", config={"linkerd-version": "%d.%d" % since})
    assert places(r) == [("app.yaml", *at(app, "enabled"))]
    assert f"the pod is labelled {label}" in messages(r)[0]
    assert places(lint(tmp_path, {"app.yaml": app}, "LNK109", config={"linkerd-version": _before(since)})) == []


def test_native_deprecations_are_the_successors_arrivals():
    from linter.rules import _native

    cat = _linkerd_annotations.CATALOGUE
    assert _native.DEPRECATED_FROM[_native.ALPHA] is cat[_native.BETA].since == (2, 19)
    assert _native.DEPRECATED_FROM[_native.BETA] is cat[_native.GA].since == (2, 20)


def test_log_http_headers_gate_is_the_catalogue_key(tmp_path, monkeypatch):
    """LNK206 and the Helm value check judge proxy-log-http-headers from the key's `since`, not a copy."""
    from linter.rules import _cp_values

    from .lintkit import lint, places

    key = "config.linkerd.io/proxy-log-http-headers"
    since = _linkerd_annotations.CATALOGUE[key].since
    assert _cp_values.ENUMS["proxy.logHTTPHeaders"][0][0] is since
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    linkerd.io/inject: enabled\n"
           f"    {key}: loud\nspec:\n  containers:\n    - {{name: web, image: nginx:1.27}}\n")
    fires = [("pod.yaml", *at(pod, "loud"))]
    assert places(lint(tmp_path, {"pod.yaml": pod}, "LNK206", config={"linkerd-version": "%d.%d" % since})) == fires
    earlier = _before(since)
    assert places(lint(tmp_path, {"pod.yaml": pod}, "LNK206", config={"linkerd-version": earlier})) == []
    # were the key one release older in the catalogue, the rule would judge that release too
    monkeypatch.setitem(_linkerd_annotations.CATALOGUE, key,
                        _linkerd_annotations.CATALOGUE[key].replace(since=(since[0], since[1] - 1)))
    assert places(lint(tmp_path, {"pod.yaml": pod}, "LNK206", config={"linkerd-version": earlier})) == fires


@pytest.mark.parametrize("line, opaque, skip", [
    ((2, 10), {25, 443, 587, 3306, 5432, 11211}, set()),
    ((2, 11), {25, 587, 3306, 4444, 5432, 6379, 9300, 11211}, {4567, 4568}),
    ((2, 20), {25, 587, 3306, 4444, 5432, 6379, 9300, 11211}, {4567, 4568}),
])
def test_default_port_lists_come_from_the_catalogue(line, opaque, skip):
    from linter.config import Settings
    from linter.rules import _ports

    s = Settings(linkerd_version=line)
    assert _ports.default_opaque(s) == opaque
    assert _ports.default_skip(s) == skip
    cat = _linkerd_annotations.CATALOGUE
    current = line >= _linkerd_annotations.OLD_DEFAULTS[0].until
    assert (_linkerd_annotations.default_in(_ports.OPAQUE, line) is cat[_ports.OPAQUE].default) is current
    assert [(name, port) for name, _, port in _ports.PROXY_PORTS] == [
        ("inbound", 4143), ("outbound", 4140), ("admin", 4191), ("control", 4190)]


def test_smi_and_authorization_policy_releases_derive_from_the_crd_table():
    from linter.rules import linkerd_resource_version as lnk504

    crds = _linkerd_crds.CRDS
    assert _linkerd_crds.dropped_in(crds, "split.smi-spec.io", "TrafficSplit") == lnk504._SMI_DROPPED == (2, 12)
    assert _linkerd_crds.first_release(crds, "policy.linkerd.io", "AuthorizationPolicy") == lnk504._AUTHZ_POLICY_SINCE == (2, 12)
    assert _linkerd_crds.dropped_in(crds, "policy.linkerd.io", "Server") is None  # still served
    assert _linkerd_crds.dropped_in(crds, "example.com", "Nothing") is None
    assert _linkerd_crds.first_release(crds, "example.com", "Nothing") is None


@pytest.mark.parametrize("text, version, expected", [
    ("apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata: {name: t}\n", "2.11", []),
    ("apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata: {name: t}\n", "2.12",
     ["TrafficSplit (split.smi-spec.io/v1alpha2) is not part of Linkerd 2.12: Linkerd's core dropped SMI in 2.12; "
      "it needs the linkerd-smi extension (or use an HTTPRoute)"]),
    ("apiVersion: policy.linkerd.io/v1beta1\nkind: ServerAuthorization\nmetadata: {name: a}\n", "2.11", []),
    ("apiVersion: policy.linkerd.io/v1beta1\nkind: ServerAuthorization\nmetadata: {name: a}\n", "2.12",
     ["ServerAuthorization is superseded by AuthorizationPolicy (with MeshTLSAuthentication/NetworkAuthentication), "
      "which can also target HTTPRoutes"]),
])
def test_smi_and_superseded_authorization_from_the_crd_table(tmp_path, text, version, expected):
    from .lintkit import lint, messages

    assert messages(lint(tmp_path, {"x.yaml": text}, "LNK504", config={"linkerd-version": version})) == expected


# -- guard: version numbers stay in the data modules ------------------------------------------

# The modules that hold version data (rows with their sources); everything else reads them.
DATA_MODULES = {
    "_linkerd_annotations", "_linkerd_crds", "_linkerd_releases", "_linkerd_edge_charts", "_k8s_matrix",
    "_k8s_apis", "_gateway_api", "_cp_values", "_native", "_injector_selectors",
}
# (path, tuple) -> why a literal release may stay there.  Shrink this list; do not grow it lightly:
# a fact that two modules need belongs in a data module.
ALLOWED = {
    ("linter/config.py", (2, 18)): "the default target Linkerd (issue 4: 'default Linkerd 2.18'), a choice, not a release fact",
    ("rules/_ports.py", (2, 13)): "POLICY_OUTBOUND_SINCE, the one home of when the policy controller took over Service opaque ports",
    ("rules/_ports.py", (2, 18)): "APP_PROTOCOL_SINCE, the one home of when appProtocol decides a Service port",
    ("rules/_ports.py", (2, 20)): "INIT_CONTAINER_PORTS_SINCE, the one home of when init containers' ports count",
    ("rules/invalid_port_list.py", (2, 16)): "POD_INBOUND_UNTIL: only this rule knows the injector overwrites pod-inbound-ports",
    ("rules/multicluster_label.py", (2, 10)): "the multicluster labels' releases, read by this rule alone (not in the catalogue)",
    ("rules/multicluster_label.py", (2, 14)): "remote-discovery mode, read by this rule alone",
    ("rules/multicluster_label.py", (2, 17)): "federated services, read by this rule alone",
    ("rules/network_policy_blocks_control_plane.py", (2, 11)): "the policy controller's port 8090 (chart templates), this rule alone",
    ("rules/network_policy_blocks_control_plane.py", (2, 19)): "the control plane's renamed gRPC ports (chart templates), this rule alone",
    ("rules/wait_before_exit_ignored.py", (2, 20)): "the proxy template's wait-before-exit/native-sidecar failure, this rule alone",
    ("rules/_linkerd_admission.py", (2, 11)): "the policy admission webhook's rules per release (admission.rs), read by LNK6xx alone",
    ("rules/_linkerd_admission.py", (2, 12)): "AuthorizationPolicy targets the admission webhook accepts (admission.rs), not CRD serving",
    ("rules/_linkerd_admission.py", (2, 15)): "the admission webhook's spiffe:// identities, read by LNK6xx alone",
    ("rules/_linkerd_admission.py", (2, 16)): "GRPCRoute as an AuthorizationPolicy target (admission.rs)",
    ("rules/_linkerd_admission.py", (2, 19)): "Gateway API HTTPRoute as an AuthorizationPolicy target (admission.rs)",
    # Kubernetes (1, NN) and other products' versions
    ("rules/cert_manager_identity.py", (1, 18)): "a cert-manager release, not Kubernetes",
    ("rules/pod_security_blocks_proxy_init.py", (1, 23)): "Pod Security admission on by default, this rule alone",
}


def _version_tuples():
    """(path, tuple, line) of every literal (2, NN >= 10) and (1, NN >= 16) outside the data modules."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    found = []
    for path in sorted([*(root / "rules").glob("*.py"), *(root / "linter").rglob("*.py")]):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("rules/") and path.stem in DATA_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), rel)):
            if not isinstance(node, ast.Tuple) or len(node.elts) != 2:
                continue
            if not all(isinstance(e, ast.Constant) and type(e.value) is int for e in node.elts):
                continue
            pair = (node.elts[0].value, node.elts[1].value)
            if (pair[0] == 2 and pair[1] >= 10) or (pair[0] == 1 and pair[1] >= 16):
                found.append((rel, pair, node.lineno))
    return found


def test_no_release_numbers_outside_the_data_modules():
    stray = [f"{rel}:{line} {pair}" for rel, pair, line in _version_tuples() if (rel, pair) not in ALLOWED]
    assert stray == [], "version literals outside rules/ data modules: read them from the data (or justify in ALLOWED)"


def test_the_guard_sees_literals_and_its_allowances_are_live():
    found = {(rel, pair) for rel, pair, _ in _version_tuples()}
    assert ("linter/config.py", (2, 18)) in found  # the scan does find literals
    assert sorted(set(ALLOWED) - found) == [], "remove allowances the code no longer needs"
