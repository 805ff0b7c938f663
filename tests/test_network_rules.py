"""NetworkPolicy rules LNK801/LNK802 and the multicluster label rule LNK803: exact findings, across files."""

import pytest
import yaml

from linter.api import lint_paths


def lint(tmp_path, files: dict, select, config=None):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / ".git").mkdir(exist_ok=True)
    if config:
        (tmp_path / ".linkerd-lint.yaml").write_text(yaml.safe_dump(config))
    result = lint_paths(["."], cwd=str(tmp_path), select=[select])
    assert not result.internal_errors, result.internal_errors
    return result


def places(result, rule):
    return [(f.path, f.span.line, f.span.col) for f in result.findings if f.rule_id == rule]


NS = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    linkerd.io/inject: enabled\n"
APP = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n"
    "  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n"
    "    spec:\n      containers:\n        - name: web\n          image: nginx\n"
    "          ports: [{name: http, containerPort: 8080}]\n"
)
UNMESHED = APP.replace("name: web\n  namespace", "name: batch\n  namespace").replace(
    "      labels: {app: web}\n", "      labels: {app: batch}\n      annotations: {linkerd.io/inject: disabled}\n"
)


def policy(body, name="np"):
    """A NetworkPolicy in namespace shop; ``body`` is the spec's content, indented by two spaces (line 7 on)."""
    return f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n{body}"


DENY_EGRESS = "  podSelector: {}\n  policyTypes: [Egress]\n"
CP_ALL = (
    "    - to:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: linkerd}\n"
    "      ports: [{port: 8080}, {port: 8086}, {port: 8090}]\n"
)


def three_files(netpol, extra=None):
    files = {"ns.yaml": NS, "apps/web.yaml": APP, "policies/np.yaml": netpol}
    files.update(extra or {})
    return files


# -- LNK801 network-policy-blocks-control-plane -------------------------------------------------


def test_deny_all_egress_across_three_files(tmp_path):
    r = lint(tmp_path, three_files(policy(DENY_EGRESS)), "LNK801")
    assert places(r, "LNK801") == [("policies/np.yaml", 8, 17)]
    f = r.findings[0]
    assert "8080 (identity), 8086 (destination), 8090 (policy)" in f.message and "Deployment web" in f.message
    assert [(rel.path, rel.span.line) for rel in f.related] == [("apps/web.yaml", 10)]


def test_egress_rules_without_policy_types_restrict_egress(tmp_path):
    body = "  podSelector: {}\n  egress:\n    - ports: [{port: 53, protocol: UDP}]\n"
    assert places(lint(tmp_path, three_files(policy(body)), "LNK801"), "LNK801") == [("policies/np.yaml", 8, 3)]


@pytest.mark.parametrize(
    "body",
    [
        "  podSelector: {}\n  policyTypes: [Ingress]\n  egress:\n    - ports: [{port: 53, protocol: UDP}]\n",
        "  podSelector: {}\n  egress: []\n",  # no rules and no policyTypes: Ingress only
        DENY_EGRESS + "  egress:\n    - {}\n",  # a rule without to/ports allows everything
        DENY_EGRESS + "  egress:\n" + CP_ALL,
        DENY_EGRESS + "  egress:\n    - to: [{ipBlock: {cidr: 0.0.0.0/0}}]\n",
        DENY_EGRESS + "  egress:\n    - to: [{ipBlock: {cidr: 10.0.0.0/8}}]\n",  # may hold the pod network: unknown
        DENY_EGRESS + "  egress:\n    - to: [{namespaceSelector: {}}]\n      ports: [{port: 8000, endPort: 8100}]\n",
        # the control plane Namespace is not in the input: its other labels are unknown
        DENY_EGRESS + "  egress:\n    - to: [{namespaceSelector: {matchLabels: {linkerd.io/is-control-plane: \"true\"}}}]\n",
        "  podSelector: {matchLabels: {app: other}}\n  policyTypes: [Egress]\n",
        "  podSelector: {matchLabels: {app: web}}\n  policyTypes: [\"${TYPES}\"]\n",
    ],
)
def test_egress_policies_that_let_the_proxy_reach_the_control_plane(tmp_path, body):
    assert places(lint(tmp_path, three_files(policy(body)), "LNK801"), "LNK801") == []


def test_policies_are_additive(tmp_path):
    allow = policy("  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Egress]\n  egress:\n" + CP_ALL, "allow-linkerd")
    files = three_files(policy(DENY_EGRESS), {"policies/allow.yaml": allow})
    assert places(lint(tmp_path, files, "LNK801"), "LNK801") == []


def test_partial_allowance_names_the_missing_ports(tmp_path):
    body = DENY_EGRESS + "  egress:\n    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: linkerd}}}]\n      ports: [{port: 8080}]\n"
    r = lint(tmp_path, three_files(policy(body)), "LNK801")
    assert "ports 8086 (destination), 8090 (policy)" in r.findings[0].message


def test_pod_selector_towards_identity_only(tmp_path):
    peer = (
        "    - to:\n        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: linkerd}}\n"
        "          podSelector: {matchLabels: {linkerd.io/control-plane-component: identity}}\n"
    )
    r = lint(tmp_path, three_files(policy(DENY_EGRESS + "  egress:\n" + peer)), "LNK801")
    assert "ports 8086 (destination), 8090 (policy)" in r.findings[0].message


def test_control_plane_namespace_labels_from_the_input(tmp_path):
    body = DENY_EGRESS + "  egress:\n    - to: [{namespaceSelector: {matchLabels: {linkerd.io/is-control-plane: \"true\"}}}]\n"
    cp = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: linkerd\n  labels: {linkerd.io/is-control-plane: \"true\"}\n"
    assert places(lint(tmp_path / "a", three_files(policy(body), {"cp.yaml": cp}), "LNK801"), "LNK801") == []
    cp_other = cp.replace('"true"}', '"false"}')
    assert len(places(lint(tmp_path / "b", three_files(policy(body), {"cp.yaml": cp_other}), "LNK801"), "LNK801")) == 1
    # a label the manifest does not show may still be on the live Namespace: unknown, quiet
    cp_unlabelled = cp.replace("linkerd.io/is-control-plane", "example.com/team")
    assert places(lint(tmp_path / "c", three_files(policy(body), {"cp.yaml": cp_unlabelled}), "LNK801"), "LNK801") == []


def test_control_plane_namespace_setting(tmp_path):
    body = DENY_EGRESS + "  egress:\n" + CP_ALL
    r = lint(tmp_path, three_files(policy(body)), "LNK801", {"control-plane-namespace": "linkerd-cp"})
    assert "namespace linkerd-cp" in r.findings[0].message


@pytest.mark.parametrize(
    "version, names, fires",
    [
        ("2.18", ["grpc"], False),
        ("2.18", ["ident-grpc", "dest-grpc", "policy-grpc"], True),
        ("2.19", ["ident-grpc", "dest-grpc", "policy-grpc"], False),
        ("2.20", ["grpc"], True),
    ],
)
def test_named_control_plane_ports_per_version(tmp_path, version, names, fires):
    ports = ", ".join(f"{{port: {n}}}" for n in names)
    body = DENY_EGRESS + f"  egress:\n    - to: [{{namespaceSelector: {{}}}}]\n      ports: [{ports}]\n"
    r = lint(tmp_path, three_files(policy(body)), "LNK801", {"linkerd-version": version})
    assert bool(places(r, "LNK801")) is fires


def test_no_policy_controller_before_211(tmp_path):
    body = DENY_EGRESS + "  egress:\n    - to: [{namespaceSelector: {}}]\n      ports: [{port: 8080}, {port: 8086}]\n"
    assert places(lint(tmp_path / "a", three_files(policy(body)), "LNK801", {"linkerd-version": "2.10"}), "LNK801") == []
    assert len(places(lint(tmp_path / "b", three_files(policy(body)), "LNK801", {"linkerd-version": "2.11"}), "LNK801")) == 1


def test_only_meshed_pods_count(tmp_path):
    body = "  podSelector: {matchLabels: {app: batch}}\n  policyTypes: [Egress]\n"
    assert places(lint(tmp_path, three_files(policy(body), {"apps/batch.yaml": UNMESHED}), "LNK801"), "LNK801") == []
    # the injector's own labels select meshed pods
    body = "  podSelector: {matchLabels: {linkerd.io/control-plane-ns: linkerd}}\n  policyTypes: [Egress]\n"
    files = three_files(policy(body), {"apps/batch.yaml": UNMESHED})
    r = lint(tmp_path / "b", files, "LNK801")
    assert places(r, "LNK801") == [("policies/np.yaml", 8, 17)] and "batch" not in r.findings[0].message


@pytest.mark.parametrize(
    "expression, fires",
    [
        ("{key: app, operator: In, values: [web, api]}", True),
        ("{key: tier, operator: NotIn, values: [frontend]}", True),  # absent label: NotIn matches
        ("{key: app, operator: NotIn, values: [web]}", False),
        ("{key: app, operator: Exists}", True),
        ("{key: app, operator: DoesNotExist}", False),
        ("{key: pod-template-hash, operator: Exists}", False),  # set by the ReplicaSet: unknown, stay quiet
        ("{key: app, operator: Like, values: [w]}", False),  # not an operator: unknown
    ],
)
def test_pod_selector_expressions(tmp_path, expression, fires):
    body = f"  podSelector:\n    matchExpressions: [{expression}]\n  policyTypes: [Egress]\n"
    assert bool(places(lint(tmp_path, three_files(policy(body)), "LNK801"), "LNK801")) is fires


@pytest.mark.parametrize(
    "engine",
    [
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: allow, namespace: shop}\nspec: {}\n",
        "apiVersion: crd.projectcalico.org/v1\nkind: NetworkPolicy\nmetadata: {name: allow, namespace: shop}\nspec: {}\n",
        "apiVersion: crd.projectcalico.org/v1\nkind: GlobalNetworkPolicy\nmetadata: {name: allow}\nspec: {}\n",
        "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: allow}\nspec: {}\n",
    ],
)
def test_other_policy_engines_may_allow_the_traffic(tmp_path, engine):
    body = "  podSelector: {}\n  policyTypes: [Egress, Ingress]\n  ingress:\n    - ports: [{port: 8080}]\n"
    files = three_files(policy(body), {"engine.yaml": engine})
    assert places(lint(tmp_path, files, "LNK801"), "LNK801") == []
    assert places(lint(tmp_path, files, "LNK802"), "LNK802") == []
    other_ns = engine.replace("namespace: shop", "namespace: elsewhere")
    if other_ns != engine:  # a namespaced engine in another namespace changes nothing here
        files["engine.yaml"] = other_ns
        assert len(places(lint(tmp_path / "b", files, "LNK801"), "LNK801")) == 1
        assert len(places(lint(tmp_path / "c", files, "LNK802"), "LNK802")) == 1


def test_policy_in_another_namespace_is_irrelevant(tmp_path):
    other = policy(DENY_EGRESS).replace("namespace: shop", "namespace: other")
    assert places(lint(tmp_path, three_files(other), "LNK801"), "LNK801") == []


def test_context_files_give_facts_but_no_findings(run_cli, tmp_path):
    files = three_files(policy(DENY_EGRESS), {"policies/allow.yaml": policy(
        "  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Egress]\n  egress:\n" + CP_ALL, "allow-linkerd")})
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / ".git").mkdir()
    # the allowing policy, read as context, still counts for the pods
    proc = run_cli("check", "--select", "LNK801", "policies/np.yaml", "--context", "apps", "--context", "ns.yaml",
                   "--context", "policies/allow.yaml")
    assert proc.returncode == 0, proc.stdout
    proc = run_cli("check", "--select", "LNK801", "policies/np.yaml", "--context", "apps", "--context", "ns.yaml")
    assert proc.returncode == 1 and proc.stdout.startswith("policies/np.yaml:8:17: LNK801")
    # the policy only as context: nothing to report
    proc = run_cli("check", "--select", "LNK801", "apps", "--context", "policies", "--context", "ns.yaml")
    assert proc.returncode == 0, proc.stdout


def test_cli_reports_cross_file_finding(run_cli, tmp_path):
    for name, text in three_files(policy(DENY_EGRESS)).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / ".git").mkdir()
    proc = run_cli("check", "--select", "LNK801", ".")
    assert proc.returncode == 1
    assert proc.stdout.startswith("policies/np.yaml:8:17: LNK801 [warning] NetworkPolicy np restricts the egress")


# -- LNK802 network-policy-blocks-proxy-inbound --------------------------------------------------

INGRESS = "  podSelector: {matchLabels: {app: web}}\n  ingress:\n    - from: [{podSelector: {}}]\n"


def test_app_port_without_inbound_port(tmp_path):
    r = lint(tmp_path, three_files(policy(INGRESS + "      ports: [{port: 8080}]\n")), "LNK802")
    assert places(r, "LNK802") == [("policies/np.yaml", 10, 7)]
    f = r.findings[0]
    assert "on 8080 but no policy selecting them allows the proxy's inbound port 4143" in f.message
    assert "nor the admin port 4191" in f.message


def test_named_app_port_and_ranges(tmp_path):
    r = lint(tmp_path / "a", three_files(policy(INGRESS + "      ports: [{port: http}]\n")), "LNK802")
    assert "on 8080 but" in r.findings[0].message
    r = lint(tmp_path / "b", three_files(policy(INGRESS + "      ports: [{port: 8000, endPort: 9000}, {port: 4191}]\n")), "LNK802")
    assert "on 8000-9000, 4191 but" not in r.findings[0].message  # 4191 is the proxy's, not the app's
    assert "on 8000-9000 but" in r.findings[0].message and "nor the admin port" not in r.findings[0].message


@pytest.mark.parametrize(
    "ports",
    [
        "      ports: [{port: 8080}, {port: 4143}]\n",
        "      ports: [{port: 8080}, {port: linkerd-proxy}]\n",
        "      ports: [{port: 4000, endPort: 9000}]\n",
        "      ports: [{protocol: TCP}]\n",  # every TCP port
        "",  # every port
        "      ports: [{port: 4191}]\n",  # only the proxy's admin port: no application traffic expected
        "      ports: [{port: 4567}]\n",  # skipped by default: not through the proxy
        "      ports: [{port: \"${APP_PORT}\"}]\n",
    ],
)
def test_ingress_policies_that_let_meshed_clients_in(tmp_path, ports):
    assert places(lint(tmp_path, three_files(policy(INGRESS + ports)), "LNK802"), "LNK802") == []


def test_rules_for_clients_outside_the_cluster_do_not_count(tmp_path):
    body = "  podSelector: {matchLabels: {app: web}}\n  ingress:\n    - from: [{ipBlock: {cidr: 203.0.113.0/24}}]\n      ports: [{port: 8080}]\n"
    assert places(lint(tmp_path, three_files(policy(body)), "LNK802"), "LNK802") == []
    body += "    - from: [{namespaceSelector: {}}]\n      ports: [{port: 9090}]\n"
    r = lint(tmp_path / "b", three_files(policy(body)), "LNK802")
    assert places(r, "LNK802") == [("policies/np.yaml", 12, 7)] and "on 9090 but" in r.findings[0].message


def test_deny_all_ingress_is_not_this_rule(tmp_path):
    body = "  podSelector: {}\n  policyTypes: [Ingress]\n"
    assert places(lint(tmp_path, three_files(policy(body)), "LNK802"), "LNK802") == []


def test_another_policy_allows_the_inbound_port(tmp_path):
    allow = policy("  podSelector: {}\n  ingress:\n    - ports: [{port: 4143}]\n", "allow-proxy")
    files = three_files(policy(INGRESS + "      ports: [{port: 8080}]\n"), {"policies/allow.yaml": allow})
    assert places(lint(tmp_path, files, "LNK802"), "LNK802") == []


def test_overridden_inbound_and_skip_ports(tmp_path):
    app = APP.replace("      labels: {app: web}\n", "      labels: {app: web}\n      annotations: {config.linkerd.io/inbound-port: \"5143\"}\n")
    files = three_files(policy(INGRESS + "      ports: [{port: 8080}, {port: 4143}]\n"), {"apps/web.yaml": app})
    r = lint(tmp_path / "a", files, "LNK802")
    assert "inbound port 5143" in r.findings[0].message
    app = APP.replace("      labels: {app: web}\n", "      labels: {app: web}\n      annotations: {config.linkerd.io/skip-inbound-ports: \"8080\"}\n")
    files = three_files(policy(INGRESS + "      ports: [{port: 8080}]\n"), {"apps/web.yaml": app})
    assert places(lint(tmp_path / "b", files, "LNK802"), "LNK802") == []
    files["apps/web.yaml"] = app.replace('"8080"', '"${SKIP}"')  # unknown until deployed
    assert places(lint(tmp_path / "c", files, "LNK802"), "LNK802") == []
    files["apps/web.yaml"] = app.replace('"8080"', '"${SKIP:=9000}"')
    assert len(places(lint(tmp_path / "d", files, "LNK802"), "LNK802")) == 1


def test_unmeshed_pods_are_not_judged(tmp_path):
    body = "  podSelector: {matchLabels: {app: batch}}\n  ingress:\n    - ports: [{port: 8080}]\n"
    assert places(lint(tmp_path, three_files(policy(body), {"apps/batch.yaml": UNMESHED}), "LNK802"), "LNK802") == []


# -- LNK803 multicluster-label ---------------------------------------------------------------


def svc(meta, name="web"):
    return f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: shop\n{meta}spec:\n  selector: {{app: web}}\n  ports: [{{port: 80}}]\n"


@pytest.mark.parametrize(
    "meta, version, where",
    [
        ("  annotations:\n    mirror.linkerd.io/exported: \"true\"\n", "2.18", (7, 5)),
        ("  labels:\n    mirror.linkerd.io/exported: \"yes\"\n", "2.18", (7, 33)),
        ("  labels:\n    mirror.linkerd.io/exported: remote-discovery\n", "2.13", (7, 33)),
        ("  labels:\n    mirror.linkerd.io/federated: member\n", "2.16", (7, 34)),
        ("  labels:\n    mirror.linkerd.io/federated: \"true\"\n", "2.18", (7, 34)),
        ("  annotations:\n    mirror.linkerd.io/federated: member\n", "2.18", (7, 5)),
        ("  labels:\n    mirror.linkerd.io/exported: \"${EXPORT:=maybe}\"\n", "2.18", (7, 33)),
    ],
)
def test_multicluster_label_findings(tmp_path, meta, version, where):
    r = lint(tmp_path, {"svc.yaml": svc(meta)}, "LNK803", {"linkerd-version": version})
    assert places(r, "LNK803") == [("svc.yaml",) + where]


@pytest.mark.parametrize(
    "meta, version",
    [
        ("  labels:\n    mirror.linkerd.io/exported: \"true\"\n", "2.10"),
        ("  labels:\n    mirror.linkerd.io/exported: remote-discovery\n", "2.14"),
        ("  labels:\n    mirror.linkerd.io/federated: member\n", "2.17"),
        ("  labels:\n    mirror.linkerd.io/exported: true\n", "2.18"),  # not a string: LNK104's finding
        ("  labels:\n    mirror.linkerd.io/exported: \"${EXPORT}\"\n", "2.18"),
        ("  labels:\n    mirror.linkerd.io/exported: \"${EXPORT:-true}\"\n", "2.18"),
    ],
)
def test_multicluster_label_quiet(tmp_path, meta, version):
    assert places(lint(tmp_path, {"svc.yaml": svc(meta)}, "LNK803", {"linkerd-version": version}), "LNK803") == []


def test_custom_link_selector_in_another_file(tmp_path):
    link = (
        "apiVersion: multicluster.linkerd.io/v1alpha3\nkind: Link\nmetadata:\n  name: east\n  namespace: linkerd-multicluster\n"
        "spec:\n  selector:\n    matchLabels: {mirror.linkerd.io/exported: shared}\n"
    )
    files = {"svc.yaml": svc("  labels:\n    mirror.linkerd.io/exported: shared\n"), "zz/link.yaml": link}
    assert places(lint(tmp_path, files, "LNK803"), "LNK803") == []
    files["zz/link.yaml"] = link.replace("shared}", "other}")
    assert len(places(lint(tmp_path / "b", files, "LNK803"), "LNK803")) == 1


def test_multicluster_fixes(run_cli, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.yaml").write_text(svc("  annotations:\n    mirror.linkerd.io/exported: \"true\"\n"))
    (tmp_path / "b.yaml").write_text(svc("  labels:\n    app: web\n    mirror.linkerd.io/exported: \"yes\"\n"))
    proc = run_cli("check", "--select", "LNK803", "--fix", ".")
    assert proc.returncode == 1  # both fixes change what is exported: unsafe
    proc = run_cli("check", "--select", "LNK803", "--fix", "--unsafe-fixes", ".")
    assert proc.returncode == 0, proc.stdout
    assert (tmp_path / "a.yaml").read_text() == svc("  labels:\n    mirror.linkerd.io/exported: \"true\"\n")
    assert (tmp_path / "b.yaml").read_text() == svc("  labels:\n    app: web\n    mirror.linkerd.io/exported: \"true\"\n")


def test_selector_with_a_non_string_key_is_unknown_not_a_crash():
    from linter.rules._selectors import matches

    assert matches({"matchExpressions": [{"key": ["a"], "operator": "In", "values": ["x"]}]}, {"a": "x"}) is None
    assert matches({"matchExpressions": [{"key": "a", "operator": "In", "values": ["x"]}]}, {"a": "x"}) is True


def test_annotation_and_label_disagree_message_shows_the_resolved_label(tmp_path):
    meta = (
        "  annotations:\n    mirror.linkerd.io/exported: \"${EXP:=true}\"\n"
        "  labels:\n    mirror.linkerd.io/exported: \"${EXP2:=yes}\"\n"
    )
    r = lint(tmp_path, {"svc.yaml": svc(meta)}, "LNK803")
    assert places(r, "LNK803") == [("svc.yaml", 7, 5), ("svc.yaml", 9, 33)]
    also, label = (f.message for f in r.findings)
    assert also.endswith("(with another value than the label's 'yes')")
    assert "${" not in also
    assert label == "mirror.linkerd.io/exported='yes' is selected by no Link: use 'true' or 'remote-discovery'"
    assert r.findings[1].fix is None  # rewriting "${EXP2:=yes}" would drop the variable


@pytest.mark.parametrize(
    "meta, where, before, from_2_17",
    [
        ("  labels:\n    mirror.linkerd.io/federated: \"true\"\n", (7, 34),
         "mirror.linkerd.io/federated='true': federated services need Linkerd 2.17+ (label value 'member'), the target is 2.16",
         "mirror.linkerd.io/federated='true' is selected by no Link: use 'member'"),
        ("  labels:\n    mirror.linkerd.io/federated: member\n", (7, 34),
         "mirror.linkerd.io/federated=member: federated services need Linkerd 2.17+, the target is 2.16", None),
        ("  annotations:\n    mirror.linkerd.io/federated: member\n", (7, 5),
         "mirror.linkerd.io/federated is an annotation, and federated services need Linkerd 2.17+ (label value 'member'), the target is 2.16",
         "mirror.linkerd.io/federated is an annotation: the service mirror selects Services by label, so this Service is not exported"),
    ],
    ids=["other-value", "member", "annotation"],
)
def test_federated_before_2_17_says_the_mode_is_missing(tmp_path, meta, where, before, from_2_17):
    r = lint(tmp_path, {"svc.yaml": svc(meta)}, "LNK803", {"linkerd-version": "2.16"})
    assert places(r, "LNK803") == [("svc.yaml",) + where]
    assert [f.message for f in r.findings] == [before]
    assert r.findings[0].fix is None  # moving or rewriting it would not make 2.16 federate
    # from 2.17 the same label is judged by its value
    r = lint(tmp_path, {"svc.yaml": svc(meta)}, "LNK803", {"linkerd-version": "2.17"})
    assert [f.message for f in r.findings] == ([from_2_17] if from_2_17 else [])
