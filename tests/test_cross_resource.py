"""Cross-resource policy rules LNK603-LNK610 and LNK612: exact findings, across files, and coverage."""

import os
import subprocess
import sys

import yaml

from linter.api import lint_paths


def lint(tmp_path, files: dict, select, config=None, context=()):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / ".git").mkdir(exist_ok=True)
    cfg = tmp_path / ".linkerd-lint.yaml"
    if config:
        cfg.write_text(yaml.safe_dump(config))
    elif cfg.exists():
        cfg.unlink()
    targets = [n for n in files if n not in context]
    result = lint_paths(targets, cwd=str(tmp_path), select=[select], context=list(context))
    assert not result.internal_errors, result.internal_errors
    return result


def found(result, rule):
    return [(f.path, f.span.line, f.span.col) for f in result.findings if f.rule_id == rule]


def at(name, text, needle, nth=1):
    start = -1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    return name, text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1


def deployment(name="web", ns="shop", labels="app: web", ports="[{name: http, containerPort: 8080}]", extra=""):
    ns_line = f"  namespace: {ns}\n" if ns else ""
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n{ns_line}spec:\n"
        f"  selector:\n    matchLabels: {{{labels}}}\n  template:\n    metadata:\n      labels: {{{labels}}}\n{extra}"
        f"    spec:\n      containers:\n        - name: {name}\n          image: nginx:1.27\n          ports: {ports}\n"
    )


def server(name="web-http", ns="shop", labels="app: web", port="http", extra=""):
    ns_line = f"  namespace: {ns}\n" if ns else ""
    return (
        f"apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata:\n  name: {name}\n{ns_line}spec:\n"
        f"  podSelector:\n    matchLabels: {{{labels}}}\n  port: {port}\n{extra}"
    )


def authz(name="web-http", ns="shop", target="web-http", kind="Server", refs="[]"):
    return (
        f"apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata:\n  name: {name}\n"
        f"  namespace: {ns}\nspec:\n  targetRef:\n    group: policy.linkerd.io\n    kind: {kind}\n    name: {target}\n"
        f"  requiredAuthenticationRefs: {refs}\n"
    )


MESHED_NS = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    linkerd.io/inject: enabled\n"
PLAIN_NS = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"


# -- LNK603 server-selects-nothing ------------------------------------------------------------------


def test_server_deployment_and_policy_in_three_files(tmp_path):
    srv = server(labels="app: webapp")
    files = {"apps/web.yaml": deployment(), "policy/server.yaml": srv, "policy/authz.yaml": authz()}
    r = lint(tmp_path, files, "LNK603")
    assert found(r, "LNK603") == [at("policy/server.yaml", srv, "podSelector")]
    assert "Deployment/web" in r.findings[0].message

    files["policy/server.yaml"] = server()
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == []


def test_named_port_missing_from_the_selected_containers(tmp_path):
    srv = server(port="metrics")
    r = lint(tmp_path, {"apps/web.yaml": deployment(), "policy/server.yaml": srv}, "LNK603")
    assert found(r, "LNK603") == [at("policy/server.yaml", srv, "metrics")]


def test_udp_port_and_init_container_ports(tmp_path):
    udp = deployment(ports="[{name: dns, containerPort: 53, protocol: UDP}]")
    srv = server(port="dns")
    r = lint(tmp_path, {"apps/web.yaml": udp, "policy/server.yaml": srv}, "LNK603")
    assert found(r, "LNK603") == [at("policy/server.yaml", srv, "dns")]
    tcp = deployment(ports="[{name: dns, containerPort: 53, protocol: tcp}]")
    assert found(lint(tmp_path, {"apps/web.yaml": tcp, "policy/server.yaml": srv}, "LNK603"), "LNK603") == []


def test_proxy_ports_count_for_meshed_pods_only(tmp_path):
    srv = server(name="admin", port="linkerd-admin")
    files = {"ns.yaml": MESHED_NS, "apps/web.yaml": deployment(), "policy/server.yaml": srv}
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == []
    files["ns.yaml"] = PLAIN_NS  # the Namespace is in the input and does not inject: known unmeshed
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == [at("policy/server.yaml", srv, "linkerd-admin")]
    del files["ns.yaml"]  # mesh membership unknown: the port may be there
    (tmp_path / "ns.yaml").unlink()
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == []


def test_selector_on_labels_the_injector_adds(tmp_path):
    srv = server(labels="linkerd.io/workload-ns: shop")
    files = {"ns.yaml": MESHED_NS, "apps/web.yaml": deployment(), "policy/server.yaml": srv}
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == []
    other = server(labels="linkerd.io/workload-ns: payments")
    files["policy/server.yaml"] = other
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == [at("policy/server.yaml", other, "podSelector")]


def test_match_expressions(tmp_path):
    srv = (
        "apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata:\n  name: web\n  namespace: shop\nspec:\n"
        "  podSelector:\n    matchExpressions:\n      - {key: app, operator: In, values: [api, web]}\n"
        "      - {key: tier, operator: DoesNotExist}\n  port: http\n"
    )
    assert found(lint(tmp_path, {"apps/web.yaml": deployment(), "s.yaml": srv}, "LNK603"), "LNK603") == []
    notin = srv.replace("operator: In", "operator: NotIn")
    assert found(lint(tmp_path, {"apps/web.yaml": deployment(), "s.yaml": notin}, "LNK603"), "LNK603") == [
        at("s.yaml", notin, "podSelector")
    ]


def test_quoted_port_number_is_a_name_without_coverage(tmp_path):
    srv = server(port='"8080"')
    r = lint(tmp_path, {"s.yaml": srv}, "LNK603")
    assert found(r, "LNK603") == [at("s.yaml", srv, '"8080"')]
    assert found(lint(tmp_path, {"s.yaml": server(port="8080")}, "LNK603"), "LNK603") == []


def test_uncovered_namespace_is_quiet_unless_assume_complete(tmp_path):
    srv = server(ns="payments")
    files = {"apps/web.yaml": deployment(), "policy/server.yaml": srv}
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == []
    r = lint(tmp_path, files, "LNK603", config={"assume-complete": True})
    assert found(r, "LNK603") == [at("policy/server.yaml", srv, "podSelector")]
    assert "assume-complete" in r.findings[0].message


def test_helm_release_into_the_namespace_voids_coverage(tmp_path):
    release = (
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: flux-system\n"
        "spec:\n  targetNamespace: shop\n  chart: {spec: {chart: web}}\n"
    )
    files = {"apps/web.yaml": deployment(), "policy/server.yaml": server(labels="app: api"), "rel.yaml": release}
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == []
    del files["rel.yaml"]
    (tmp_path / "rel.yaml").unlink()
    assert len(found(lint(tmp_path, files, "LNK603"), "LNK603")) == 1


def test_unwritten_namespaces_relate_within_a_directory_only(tmp_path):
    srv = server(ns=None, labels="app: api")
    files = {"a/web.yaml": deployment(ns=None), "b/server.yaml": srv}
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == []
    files = {"a/web.yaml": deployment(ns=None), "a/server.yaml": srv}
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == [at("a/server.yaml", srv, "podSelector")]


def test_unwritten_template_may_live_in_any_namespace(tmp_path):
    # The Deployment does not say where it goes (kubectl -n shop, kustomize…): it may well be shop's.
    files = {"apps/web.yaml": deployment(ns=None), "apps/api.yaml": deployment("api", labels="app: api"),
             "policy/server.yaml": server()}
    assert found(lint(tmp_path, files, "LNK603"), "LNK603") == []


def test_context_files_count_as_input(tmp_path):
    srv = server(labels="app: webapp")
    files = {"policy/server.yaml": srv, "apps/web.yaml": deployment()}
    r = lint(tmp_path, files, "LNK603", context=("apps/web.yaml",))
    assert found(r, "LNK603") == [at("policy/server.yaml", srv, "podSelector")]


# -- LNK604 dangling-policy-reference ---------------------------------------------------------------


def test_policy_refs_across_files_with_hint(tmp_path):
    ap = authz(target="web-htp", refs="[{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: clients}]")
    mtls = (
        "apiVersion: policy.linkerd.io/v1alpha1\nkind: MeshTLSAuthentication\nmetadata:\n  name: web-clients\n"
        "  namespace: shop\nspec:\n  identities: ['*']\n"
    )
    files = {"policy/server.yaml": server(), "policy/authn.yaml": mtls, "policy/authz.yaml": ap}
    r = lint(tmp_path, files, "LNK604")
    assert found(r, "LNK604") == [at("policy/authz.yaml", ap, "web-htp"), at("policy/authz.yaml", ap, "clients")]
    assert "did you mean 'web-http'?" in r.findings[0].message
    assert "ignores the whole policy" in r.findings[1].message


def test_refs_into_uncovered_namespaces_are_quiet(tmp_path):
    ap = authz(target="web-http", refs="[{group: policy.linkerd.io, kind: NetworkAuthentication, name: probes, "
                                       "namespace: linkerd}]")
    files = {"policy/authz.yaml": ap, "other.yaml": server(name="api", ns="api")}
    assert found(lint(tmp_path, files, "LNK604"), "LNK604") == []
    r = lint(tmp_path, files, "LNK604", config={"assume-complete": True})
    assert found(r, "LNK604") == [at("policy/authz.yaml", ap, "web-http", 2), at("policy/authz.yaml", ap, "probes")]


def test_service_account_refs(tmp_path):
    sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: other\n  namespace: shop\n"
    uses = deployment(extra="").replace("    spec:\n      containers:", "    spec:\n      serviceAccountName: web\n      containers:")
    ap = authz(refs="[{kind: ServiceAccount, name: web}, {kind: ServiceAccount, name: default}]")
    files = {"sa.yaml": sa, "web.yaml": uses, "s.yaml": server(), "authz.yaml": ap}
    assert found(lint(tmp_path, files, "LNK604"), "LNK604") == []
    bad = authz(refs="[{kind: ServiceAccount, name: webb}]")
    files["authz.yaml"] = bad
    assert found(lint(tmp_path, files, "LNK604"), "LNK604") == [at("authz.yaml", bad, "webb")]


def test_route_parents_and_server_authorization(tmp_path):
    route = (
        "apiVersion: policy.linkerd.io/v1beta3\nkind: HTTPRoute\nmetadata:\n  name: r\n  namespace: shop\nspec:\n"
        "  parentRefs:\n    - {group: policy.linkerd.io, kind: Server, name: web-grpc}\n"
        "    - {group: core, kind: Service, name: webb, port: 80}\n"
    )
    svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: {app: web}\n"
    saz = (
        "apiVersion: policy.linkerd.io/v1beta1\nkind: ServerAuthorization\nmetadata:\n  name: saz\n  namespace: shop\n"
        "spec:\n  server:\n    name: web-htp\n  client:\n    unauthenticated: true\n"
    )
    r = lint(tmp_path, {"s.yaml": server(), "svc.yaml": svc, "route.yaml": route, "saz.yaml": saz}, "LNK604")
    assert found(r, "LNK604") == [
        at("route.yaml", route, "web-grpc"),
        at("route.yaml", route, "webb"),
        at("saz.yaml", saz, "web-htp"),
    ]


# -- LNK605 route-parent-kind -----------------------------------------------------------------------


def route(api, parents, ns="shop"):
    return f"apiVersion: {api}\nkind: HTTPRoute\nmetadata:\n  name: r\n  namespace: {ns}\nspec:\n  parentRefs:\n{parents}"


def test_parent_kind_and_group_defaults(tmp_path):
    policy = route("policy.linkerd.io/v1beta2", "    - name: web-http\n    - {kind: Service, name: web, port: 80}\n")
    gateway = route(
        "gateway.networking.k8s.io/v1",
        "    - {kind: Server, name: web-http}\n    - {kind: Service, name: web, port: 80}\n"
        "    - {group: '', kind: Service, name: web, port: 80}\n    - {name: public, namespace: ingress}\n",
    )
    r = lint(tmp_path, {"p.yaml": policy, "g.yaml": gateway}, "LNK605")
    assert found(r, "LNK605") == [
        at("g.yaml", gateway, "Server"),
        at("g.yaml", gateway, "Service"),
        at("p.yaml", policy, "name: web-http"),
        at("p.yaml", policy, "Service"),
    ]
    assert "gateway.networking.k8s.io" in r.findings[0].message


def test_server_parent_port_section_and_namespace(tmp_path):
    text = route(
        "policy.linkerd.io/v1beta3",
        "    - {group: policy.linkerd.io, kind: Server, name: a, sectionName: http}\n"
        "    - {group: policy.linkerd.io, kind: Server, name: b, namespace: other}\n"
        "    - {group: policy.linkerd.io, kind: EgressNetwork, name: egress}\n",
    )
    r = lint(tmp_path, {"r.yaml": text}, "LNK605")
    assert found(r, "LNK605") == [
        at("r.yaml", text, "sectionName"),
        at("r.yaml", text, "other"),
        at("r.yaml", text, "EgressNetwork"),
    ]


def test_egress_network_parent_without_port_is_reported_once(tmp_path):
    """LNK601 reported it too, at nearly the same place: only the route rule (LNK605) does now."""
    from .lintkit import lint as lint_many

    text = route(
        "policy.linkerd.io/v1beta3",
        "    - {group: policy.linkerd.io, kind: EgressNetwork, name: out}\n"
        "    - {group: policy.linkerd.io, kind: EgressNetwork, name: out2, port: null}\n"
        "    - {group: policy.linkerd.io, kind: EgressNetwork, name: ok, port: 443}\n",
    )
    r = lint_many(tmp_path, {"r.yaml": text}, ["LNK601", "LNK605"])
    assert [(f.rule_id, f.span.line, f.span.col) for f in r.findings] == [
        ("LNK605", *at("r.yaml", text, "EgressNetwork")[1:]),
        ("LNK605", *at("r.yaml", text, "EgressNetwork", 2)[1:]),
    ]
    assert "without a port: the policy admission webhook rejects the route" in r.findings[0].message


# -- LNK606 authorization-policy-target -------------------------------------------------------------


def test_namespace_target(tmp_path):
    bad = authz(ns="linkerd-viz", kind="Namespace", target="shop").replace("    group: policy.linkerd.io\n", "")
    r = lint(tmp_path, {"a.yaml": bad}, "LNK606")
    assert found(r, "LNK606") == [at("a.yaml", bad, "shop")]
    own = authz(ns="shop", kind="Namespace", target="shop").replace("    group: policy.linkerd.io\n", "")
    unwritten = bad.replace("  namespace: linkerd-viz\n", "")
    assert found(lint(tmp_path, {"a.yaml": own, "b.yaml": unwritten}, "LNK606"), "LNK606") == []


# -- LNK607 server-without-authorization ------------------------------------------------------------


def test_server_without_authorization_across_files(tmp_path):
    lonely = server(name="web-admin", port="linkerd-admin")
    files = {"s1.yaml": server(), "s2.yaml": lonely, "authz.yaml": authz(), "apps/web.yaml": deployment()}
    r = lint(tmp_path, files, "LNK607")
    assert found(r, "LNK607") == [at("s2.yaml", lonely, "kind: Server")]
    assert str(r.findings[0].severity) == "warning"


def test_namespace_policy_selector_saz_and_access_policy_authorize(tmp_path):
    lonely = server(name="web-admin", port="linkerd-admin")
    ns_policy = authz(name="all", kind="Namespace", target="shop").replace("    group: policy.linkerd.io\n", "")
    assert found(lint(tmp_path, {"s.yaml": lonely, "a.yaml": authz(), "n.yaml": ns_policy}, "LNK607"), "LNK607") == []
    saz = (
        "apiVersion: policy.linkerd.io/v1beta1\nkind: ServerAuthorization\nmetadata:\n  name: saz\n  namespace: shop\n"
        "spec:\n  server:\n    selector:\n      matchLabels: {tier: admin}\n  client:\n    unauthenticated: true\n"
    )
    labelled = lonely.replace("  namespace: shop\n", "  namespace: shop\n  labels: {tier: admin}\n")
    assert found(lint(tmp_path, {"s.yaml": labelled, "a.yaml": authz(), "z.yaml": saz}, "LNK607"), "LNK607") == []
    open_ = server(name="web-admin", port="linkerd-admin", extra="  accessPolicy: all-unauthenticated\n")
    assert found(lint(tmp_path, {"s.yaml": open_, "a.yaml": authz()}, "LNK607"), "LNK607") == []


def test_explicit_deny_is_info_and_coverage(tmp_path):
    deny = server(name="debug", port="9999", extra="  accessPolicy: deny\n")
    r = lint(tmp_path, {"s.yaml": deny, "a.yaml": authz()}, "LNK607")
    assert found(r, "LNK607") == [at("s.yaml", deny, "deny")]
    assert str(r.findings[0].severity) == "info"
    # No authorization of the namespace in the input: it may live elsewhere.
    alone = server()
    assert found(lint(tmp_path, {"s.yaml": alone}, "LNK607"), "LNK607") == []
    r = lint(tmp_path, {"s.yaml": alone, "web.yaml": deployment()}, "LNK607", config={"assume-complete": True})
    assert found(r, "LNK607") == [at("s.yaml", alone, "kind: Server")]
    # With no pod for it at all, the Server selects nothing: that is LNK603's finding, not this one.
    assert found(lint(tmp_path, {"s.yaml": alone}, "LNK607", config={"assume-complete": True}), "LNK607") == []


def test_server_of_unmeshed_pods_is_left_alone(tmp_path):
    lonely = server(name="batch", labels="app: batch", port="8080")
    batch = deployment("batch", labels="app: batch", extra="      annotations: {linkerd.io/inject: disabled}\n")
    files = {"s.yaml": lonely, "a.yaml": authz(), "apps/batch.yaml": batch}
    assert found(lint(tmp_path, files, "LNK607"), "LNK607") == []


# -- LNK608 service-profile-name --------------------------------------------------------------------


def profile(name, ns="shop"):
    return f"apiVersion: linkerd.io/v1alpha2\nkind: ServiceProfile\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  routes: []\n"


SVC = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: {app: web}\n"


def test_profile_names(tmp_path):
    files = {
        "svc.yaml": SVC,
        "a.yaml": profile("web"),
        "b.yaml": profile("web.shop.svc.example.org"),
        "c.yaml": profile("wbe.shop.svc.cluster.local"),
        "d.yaml": profile("books.library.svc.cluster.local"),
        "e.yaml": profile("web.shop.svc.cluster.local"),
    }
    r = lint(tmp_path, files, "LNK608")
    got = [(f.path, f.span.line, f.span.col, str(f.severity)) for f in r.findings]
    assert got == [("a.yaml", 4, 9, "error"), ("b.yaml", 4, 9, "warning"), ("c.yaml", 4, 9, "warning")]
    r = lint(tmp_path, files, "LNK608", config={"cluster-domain": "example.org", "assume-complete": True})
    # The domain configured is known: a name for another one is certain never to be looked up (error).
    assert [(f.path, str(f.severity)) for f in r.findings] == [
        ("a.yaml", "error"), ("c.yaml", "error"), ("d.yaml", "error"), ("e.yaml", "error")
    ]
    assert r.findings[3].message == (
        "ServiceProfile name 'web.shop.svc.cluster.local' is for cluster domain 'cluster.local', not 'example.org': "
        "with that cluster domain the destination controller never looks it up"
    )


def test_profile_for_mirrored_service_is_left_alone(tmp_path):
    exported = SVC.replace("  namespace: shop\n", "  namespace: shop\n  labels: {mirror.linkerd.io/exported: 'true'}\n")
    files = {"svc.yaml": exported, "a.yaml": profile("web-east.shop.svc.cluster.local"),
             "b.yaml": profile("web-federated.shop.svc.cluster.local")}
    assert found(lint(tmp_path, files, "LNK608"), "LNK608") == []


# -- LNK609 service-profile-routes ------------------------------------------------------------------


def routes(body):
    return "apiVersion: linkerd.io/v1alpha2\nkind: ServiceProfile\nmetadata:\n  name: web.shop.svc.cluster.local\n" \
        "  namespace: shop\nspec:\n  routes:\n" + body


def test_route_conditions_and_regexes(tmp_path):
    text = routes(
        "    - name: a\n      condition:\n        method: GET\n        all: [{method: POST}]\n"
        "    - name: b\n      condition:\n        pathRegex: '/users/(?!admin)'\n"
        "    - name: c\n      condition:\n        not: {any: [{method: GET}, {pathRegex: '/x'}]}\n"
        "    - name: d\n      condition:\n        any: []\n"
        "    - name: e\n      condition:\n        pathRegex: '/api/v1/\\d+'\n        method: get\n"
    )
    r = lint(tmp_path, {"p.yaml": text}, "LNK609")
    assert found(r, "LNK609") == [
        at("p.yaml", text, "condition"),
        at("p.yaml", text, "'/users"),
        at("p.yaml", text, "condition", 4),
    ]
    assert "look-around" in r.findings[1].message


def test_retries(tmp_path):
    text = routes(
        "    - name: post\n      condition: {method: POST, pathRegex: /orders}\n      isRetryable: true\n"
        "    - name: grpc\n      condition: {method: POST, pathRegex: '/shop\\.v1\\.Orders/List'}\n      isRetryable: true\n"
        "    - name: any-method\n      condition: {pathRegex: /books}\n      isRetryable: true\n"
        "    - name: fourxx\n      condition: {method: GET, pathRegex: /books}\n      isRetryable: true\n"
        "      responseClasses:\n        - condition: {status: {min: 500, max: 599}}\n          isFailure: false\n"
        "        - condition: {not: {status: {min: 200, max: 399}}}\n          isFailure: true\n"
        "    - name: ok429\n      condition: {method: GET, pathRegex: /authors}\n      isRetryable: true\n"
        "      responseClasses:\n        - condition: {status: {min: 429, max: 429}}\n          isFailure: true\n"
    )
    r = lint(tmp_path, {"p.yaml": text}, "LNK609")
    assert found(r, "LNK609") == [at("p.yaml", text, "true"), at("p.yaml", text, "true", 4)]
    assert "400-499" in r.findings[1].message


def test_unicode_classes_and_hex_escapes_are_not_stray_braces(tmp_path):
    """Rust's regex takes \\p{..}, \\P{..}, \\x{..}, \\u{..}, \\U{..}: their braces are not repetition counts."""
    good = ["/\\p{L}+", "/\\P{Greek}", "/\\p{Script=Greek}", "/\\x{41}", "/\\u{41}/\\U{1F600}", "[\\p{L}]{2}/\\pN"]
    text = routes("".join(f"    - name: r{i}\n      condition: {{method: GET, pathRegex: '{p}'}}\n" for i, p in enumerate(good)))
    bad = routes("    - name: b\n      condition: {method: GET, pathRegex: '/\\p{L}/{id}'}\n")
    r = lint(tmp_path, {"p.yaml": text, "q.yaml": bad}, "LNK609")
    assert found(r, "LNK609") == [at("q.yaml", bad, "'/")]  # before: one finding per pattern of p.yaml
    assert "has '{id}'" in r.findings[0].message


def test_retryable_route_whose_any_also_matches_post(tmp_path):
    text = routes(
        "    - name: get-or-post\n      condition: {any: [{method: GET}, {method: POST}]}\n      isRetryable: true\n"
        "    - name: nested\n      condition: {all: [{pathRegex: /x}, {any: [{method: put}, {method: patch}]}]}\n"
        "      isRetryable: true\n"
        "    - name: get-or-head\n      condition: {any: [{method: GET}, {method: HEAD}]}\n      isRetryable: true\n"
        "    - name: not-get\n      condition: {not: {method: GET}}\n      isRetryable: true\n"
        "    - name: grpc\n      condition: {any: [{method: POST, pathRegex: '/shop\\.v1\\.Orders/List'}]}\n"
        "      isRetryable: true\n"
        "    - name: not-retried\n      condition: {any: [{method: GET}, {method: POST}]}\n"
    )
    r = lint(tmp_path, {"p.yaml": text}, "LNK609")
    assert found(r, "LNK609") == [at("p.yaml", text, "true"), at("p.yaml", text, "true", 2)]
    assert r.findings[0].message == (
        "route 'get-or-post': isRetryable, and the route also matches POST requests: POST is not idempotent, and a "
        "retried request may be applied twice (orders, payments…); give the non-idempotent methods a route of their "
        "own without isRetryable"
    )
    assert "also matches PATCH requests" in r.findings[1].message


def test_status_ranges(tmp_path):
    text = routes(
        "    - name: a\n      condition: {method: GET}\n      responseClasses:\n"
        "        - condition: {status: {min: 600, max: 700}}\n          isFailure: true\n"
        "        - condition: {status: {min: 500, max: 400}}\n          isFailure: true\n"
        "        - condition: {status: {max: 599}}\n          isFailure: true\n"
    )
    r = lint(tmp_path, {"p.yaml": text}, "LNK609")
    assert found(r, "LNK609") == [at("p.yaml", text, "600"), at("p.yaml", text, "400"), at("p.yaml", text, "status", 3)]


# -- LNK610 service-selects-nothing -----------------------------------------------------------------


def test_namespace_mix_up(tmp_path):
    svc = SVC + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\n"
    files = {"svc.yaml": svc, "apps/web.yaml": deployment(ns="shop-staging")}
    r = lint(tmp_path, files, "LNK610")
    assert found(r, "LNK610") == [at("svc.yaml", svc, "selector")]
    assert "shop-staging" in r.findings[0].message
    files["apps/web.yaml"] = deployment(ns=None)  # may be applied into shop
    assert found(lint(tmp_path, files, "LNK610"), "LNK610") == []


def test_service_alone_in_its_namespace_is_quiet(tmp_path):
    assert found(lint(tmp_path, {"svc.yaml": SVC, "apps/web.yaml": deployment(ns="other")}, "LNK610"), "LNK610") == []


# -- LNK612 unused-authentication -------------------------------------------------------------------


def authn(name, ns="shop"):
    return (f"apiVersion: policy.linkerd.io/v1alpha1\nkind: NetworkAuthentication\nmetadata:\n  name: {name}\n"
            f"  namespace: {ns}\nspec:\n  networks: [{{cidr: 10.0.0.0/8}}]\n")


def test_unused_and_cross_namespace_use(tmp_path):
    unused, shared = authn("old"), authn("probes", ns="linkerd")
    user = authz(refs="[{group: policy.linkerd.io, kind: NetworkAuthentication, name: probes, namespace: linkerd}]")
    lp = authz(ns="linkerd", name="x", target="y")
    r = lint(tmp_path, {"a.yaml": unused, "b.yaml": shared, "c.yaml": user, "d.yaml": lp}, "LNK612")
    assert found(r, "LNK612") == [at("a.yaml", unused, "kind: NetworkAuthentication")]
    assert str(r.findings[0].severity) == "info"


def test_unused_authentication_needs_policies_of_its_namespace(tmp_path):
    assert found(lint(tmp_path, {"a.yaml": authn("old")}, "LNK612"), "LNK612") == []
    r = lint(tmp_path, {"a.yaml": authn("old")}, "LNK612", config={"assume-complete": True})
    assert len(found(r, "LNK612")) == 1


# -- the CLI, end to end ----------------------------------------------------------------------------


def test_cli_reports_cross_file_findings_with_positions(tmp_path):
    srv = server(labels="app: webapp")
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "web.yaml").write_text(deployment())
    (tmp_path / "server.yaml").write_text(srv)
    (tmp_path / "authz.yaml").write_text(authz(target="web-htp"))
    (tmp_path / ".git").mkdir()
    env = dict(os.environ)
    env.pop("LINKERD_LINT_CONFIG", None)
    out = subprocess.run(
        [sys.executable, "-m", "linter", "check", ".", "--select", "LNK603,LNK604", "-f", "json"],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
    )
    assert out.returncode == 1, out.stderr
    import json

    data = json.loads(out.stdout)
    items = data["findings"] if isinstance(data, dict) else data
    got = sorted((i["rule"] if "rule" in i else i["rule_id"], i["path"], i["line"], i["column"]) for i in items)
    _, line, col = at("server.yaml", srv, "podSelector")
    _, aline, acol = at("authz.yaml", authz(target="web-htp"), "web-htp")
    assert got == [("LNK603", "server.yaml", line, col), ("LNK604", "authz.yaml", aline, acol)]


def test_cli_assume_complete_flag(tmp_path):
    srv = server()
    (tmp_path / "server.yaml").write_text(srv)
    (tmp_path / ".git").mkdir()
    env = dict(os.environ)
    env.pop("LINKERD_LINT_CONFIG", None)
    base = [sys.executable, "-m", "linter", "check", "server.yaml", "--select", "LNK603"]
    quiet = subprocess.run(base, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    loud = subprocess.run(base + ["--assume-complete"], cwd=tmp_path, capture_output=True, text=True, env=env,
                          timeout=120)
    assert loud.returncode == 1
    _, line, col = at("server.yaml", srv, "podSelector")
    assert f"server.yaml:{line}:{col}: LNK603" in loud.stdout


WEIRD = """apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: s1, namespace: shop, labels: [1,2]}
spec:
  podSelector: [a, b]
  port: {x: 1}
---
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: s2, namespace: shop}
spec:
  podSelector:
    matchLabels: [1]
    matchExpressions: {a: b}
  port: 0
  accessPolicy: [deny]
---
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: s3, namespace: shop}
spec:
  podSelector:
    matchExpressions: [{key: [x], operator: Foo, values: 3}, 7]
  port: "${PORT}"
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: ap, namespace: shop}
spec:
  targetRef: [1]
  requiredAuthenticationRefs: {a: 1}
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: ap2, namespace: shop}
spec:
  targetRef: {kind: 5, name: {a: 1}, group: [x]}
  requiredAuthenticationRefs: [1, {kind: null, name: 3}, {kind: MeshTLSAuthentication, name: x, namespace: 5}]
---
apiVersion: policy.linkerd.io/v1beta3
kind: HTTPRoute
metadata: {name: r, namespace: shop}
spec:
  parentRefs: [1, {kind: 3}, {kind: Server, name: [1], port: x, namespace: {a: 1}}, {group: 5, kind: Service}]
---
apiVersion: linkerd.io/v1alpha2
kind: ServiceProfile
metadata: {name: 5, namespace: shop}
spec:
  routes: [1, {name: x, condition: [1], isRetryable: true, responseClasses: {a: 1}}, {condition: {all: 5, method: 7, not: [1]}, isRetryable: true, responseClasses: [{condition: {status: {min: x, max: [1]}}}, {condition: {status: [1]}}]}]
---
apiVersion: linkerd.io/v1alpha2
kind: ServiceProfile
metadata: {name: "a.b.svc.cluster.local", namespace: shop}
spec:
  routes: [{name: y, condition: {pathRegex: 5, any: [null, {method: GET}]}, isRetryable: true}]
---
apiVersion: v1
kind: Service
metadata: {name: svc, namespace: shop}
spec:
  selector: {app: [1], 5: 6}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: other}
spec:
  template:
    metadata: {labels: {app: x, 5: true}}
    spec:
      containers: [1, {ports: [1, {name: [1]}, {name: http, containerPort: "x", protocol: 5}]}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa, namespace: shop}
---
apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata: {name: saz, namespace: shop}
spec:
  server: {selector: [1]}
---
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: {name: m, namespace: shop}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: l, namespace: x}
spec:
  chart: {spec: {chart: linkerd-control-plane}}
  values:
    proxy: [1]
    proxyInit: {iptablesMode: [1]}
    cniEnabled: {a: 1}
    destinationResources: {cpu: [1], memory: {limit: [x]}}
"""


def test_malformed_objects_never_crash(tmp_path):
    files = {"a.yaml": WEIRD, "values.yaml": "identityTrustAnchorsPEM: x\nproxy:\n  resources: 5\n"}
    for rule in ("LNK603", "LNK604", "LNK605", "LNK606", "LNK607", "LNK608", "LNK609", "LNK610", "LNK611", "LNK612"):
        for config in (None, {"assume-complete": True}):
            lint(tmp_path, files, rule, config=config)  # asserts that no rule failed


# -- coverage for policy lookups: the namespace's workloads in the referrer's directory tree ---------

MTLS_REF = "[{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: clients}]"


def test_the_headline_case_namespace_deployment_and_server_in_one_file(tmp_path, run_cli):
    """The issue's own example: no AuthorizationPolicy anywhere, the workload beside the Server."""
    text = MESHED_NS + "---\n" + deployment() + "---\n" + server()
    (tmp_path / "shop.yaml").write_text(text)
    (tmp_path / ".git").mkdir()
    out = run_cli("check", ".", "--select", "LNK6")
    assert out.returncode == 1, out.stdout + out.stderr
    _, line, col = at("shop.yaml", text, "kind: Server")
    assert out.stdout.splitlines()[0] == (
        f"shop.yaml:{line}:{col}: LNK607 [warning] Server web-http (port http) has the default accessPolicy deny and "
        "no AuthorizationPolicy or ServerAuthorization in the input authorizes it: every client of that port is "
        "refused (only kubelet HTTP probes get through)"
    )
    assert len(out.stdout.splitlines()) == 2  # and the summary line: nothing else


def test_workloads_count_in_the_same_directory_or_one_inside_the_other(tmp_path):
    srv = server()
    nested = {"shop/web.yaml": deployment(), "shop/policy/server.yaml": srv}
    assert found(lint(tmp_path / "a", nested, "LNK607"), "LNK607") == [at("shop/policy/server.yaml", srv, "kind: Server")]
    service_only = {"shop/svc.yaml": SVC, "shop/server.yaml": srv}  # a Service of shop is a workload's too
    assert found(lint(tmp_path / "b", service_only, "LNK607"), "LNK607") == [at("shop/server.yaml", srv, "kind: Server")]
    # Sibling directories: the policies may well be kept apart from the apps, as the Servers are.
    siblings = {"apps/web.yaml": deployment(), "policy/server.yaml": srv}
    assert found(lint(tmp_path / "c", siblings, "LNK607"), "LNK607") == []


def test_what_does_not_cover_a_namespace_for_policy_lookups(tmp_path):
    srv = server()
    # The Namespace object alone: an overlay's namespace.yaml, workloads from a base elsewhere.
    assert found(lint(tmp_path / "a", {"ns.yaml": MESHED_NS, "server.yaml": srv}, "LNK607"), "LNK607") == []
    # Other policy objects: a directory of Servers says nothing about the authorizations.
    other = server(name="web-admin", port="linkerd-admin")
    assert found(lint(tmp_path / "b", {"s1.yaml": srv, "s2.yaml": other}, "LNK607"), "LNK607") == []
    # Workloads of another namespace beside it.
    elsewhere = {"web.yaml": deployment(ns="api"), "server.yaml": srv}
    assert found(lint(tmp_path / "c", elsewhere, "LNK607"), "LNK607") == []


def test_generators_unread_files_and_assume_complete_still_decide(tmp_path):
    srv = server()
    files = {"web.yaml": deployment(), "server.yaml": srv}
    assert found(lint(tmp_path / "a", files, "LNK607"), "LNK607") == [at("server.yaml", srv, "kind: Server")]
    release = (
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: policies\n  namespace: shop\n"
        "spec:\n  chart: {spec: {chart: shop-policies}}\n"
    )
    assert found(lint(tmp_path / "b", {**files, "release.yaml": release}, "LNK607"), "LNK607") == []
    broken = "apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata:\n  namespace: shop\n  x: [\n"
    assert found(lint(tmp_path / "c", {**files, "authz.yaml": broken}, "LNK607"), "LNK607") == []
    apart = {"apps/web.yaml": deployment(), "policy/server.yaml": srv}
    r = lint(tmp_path / "d", apart, "LNK607", config={"assume-complete": True})
    assert found(r, "LNK607") == [at("policy/server.yaml", srv, "kind: Server")]


def test_dangling_references_beside_the_workloads(tmp_path):
    ap = authz(refs=MTLS_REF)
    files = {"shop/web.yaml": deployment(), "shop/server.yaml": server(), "shop/authz.yaml": ap}
    r = lint(tmp_path / "a", files, "LNK604")
    assert found(r, "LNK604") == [at("shop/authz.yaml", ap, "clients")]
    assert r.findings[0].message == (
        "AuthorizationPolicy web-http: MeshTLSAuthentication 'clients' is not in namespace shop in the input; "
        "Linkerd ignores the whole policy (\"could not find …\"), so it authorizes no one"
    )
    apart = {"apps/web.yaml": deployment(), "policy/server.yaml": server(), "policy/authz.yaml": ap}
    assert found(lint(tmp_path / "b", apart, "LNK604"), "LNK604") == []
    # A ServiceAccount a pod of the namespace runs as exists for sure (and `default`).
    uses = deployment().replace("    spec:\n      containers:", "    spec:\n      serviceAccountName: web\n      containers:")
    sa_ap = authz(refs="[{kind: ServiceAccount, name: web}, {kind: ServiceAccount, name: default}]")
    files = {"shop/web.yaml": uses, "shop/server.yaml": server(), "shop/authz.yaml": sa_ap}
    assert found(lint(tmp_path / "c", files, "LNK604"), "LNK604") == []


def test_profile_for_a_missing_service_beside_the_workloads(tmp_path):
    sp = profile("api.shop.svc.cluster.local")
    r = lint(tmp_path / "a", {"shop/web.yaml": deployment(), "shop/profile.yaml": sp}, "LNK608")
    assert found(r, "LNK608") == [at("shop/profile.yaml", sp, "api.shop")]
    assert "no Service of shop is in the input" in r.findings[0].message
    apart = {"apps/web.yaml": deployment(), "profiles/profile.yaml": sp}
    assert found(lint(tmp_path / "b", apart, "LNK608"), "LNK608") == []


def test_an_unwritten_namespace_is_named_by_its_directory_in_messages(run_cli, tmp_path):
    """Objects that name no namespace go wherever their directory is applied; the message says
    that in words and with the directory as the user typed it, not an internal token."""
    route = (
        "apiVersion: policy.linkerd.io/v1beta3\nkind: HTTPRoute\nmetadata:\n  name: r\nspec:\n"
        "  parentRefs:\n    - {group: policy.linkerd.io, kind: Server, name: web-htp}\n"
    )
    files = {"deploy/app/web.yaml": deployment(ns=None), "deploy/app/server.yaml": server(ns=None),
             "deploy/app/route.yaml": route}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / ".git").mkdir()
    proc = run_cli("check", "-q", "--select", "LNK604", "deploy")
    assert proc.stdout == (
        "deploy/app/route.yaml:7:54: LNK604 [warning] HTTPRoute r: Server 'web-htp' is not in namespace "
        "(unset: wherever deploy/app/ is applied) in the input (did you mean 'web-http'?); the route attaches "
        "to nothing and Linkerd ignores it\n"
    )
