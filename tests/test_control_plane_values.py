"""LNK611 control-plane-values: values files and Flux HelmReleases of linkerd-control-plane."""

import yaml

from linter.api import lint_paths


def lint(tmp_path, files: dict, config=None):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / ".git").mkdir(exist_ok=True)
    cfg = tmp_path / ".linkerd-lint.yaml"
    if config:
        cfg.write_text(yaml.safe_dump(config))
    elif cfg.exists():
        cfg.unlink()
    result = lint_paths(list(files), cwd=str(tmp_path), select=["LNK611"])
    assert not result.internal_errors, result.internal_errors
    return result


def found(result):
    return [(f.path, f.span.line, f.span.col) for f in result.findings]


def at(name, text, needle, nth=1):
    start = -1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    return name, text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1


VALUES = (
    "identityTrustAnchorsPEM: |\n  -----BEGIN CERTIFICATE-----\n  -----END CERTIFICATE-----\n"
    "cniEnabled: 'false'\n"
    "controllerReplicas: \"3\"\n"
    "disableIPv6: false\n"
    "proxyInit:\n  iptablesMode: ''\n  runAsRoot: yes\n"
    "proxy:\n  await: 1\n  uid: 2102\n  defaultInboundPolicy: audit\n"
    "  resources:\n    cpu: {limit: 1, request: 100m}\n    memory: {limit: 1 Gi, request: ''}\n"
    "destinationResources:\n  memory: {limit: true}\n"
)


def test_values_file_types_enums_and_quantities(tmp_path):
    r = lint(tmp_path, {"values.yaml": VALUES})
    assert found(r) == [
        at("values.yaml", VALUES, "'false'"),
        at("values.yaml", VALUES, '"3"'),
        at("values.yaml", VALUES, "''"),
        at("values.yaml", VALUES, "1\n"),
        at("values.yaml", VALUES, "1 Gi"),
        at("values.yaml", VALUES, "true"),
    ]
    by_line = {f.span.line: f.message for f in r.findings}
    assert "write false without quotes" in by_line[at("values.yaml", VALUES, "'false'")[1]]
    assert "not one of legacy, nft" in by_line[at("values.yaml", VALUES, "iptablesMode")[1]]
    assert "did you mean 1Gi?" in by_line[at("values.yaml", VALUES, "1 Gi")[1]]
    assert "refused" in by_line[at("values.yaml", VALUES, '"3"')[1]]


def test_version_gates(tmp_path):
    text = "proxyInit:\n  iptablesMode: nft\nproxy:\n  defaultInboundPolicy: audit\n  nativeSidecar: 'true'\n"
    # 2.15: no audit yet; nativeSidecar exists (2.15+).
    r = lint(tmp_path, {"values.yaml": text}, config={"linkerd-version": "2.15"})
    assert found(r) == [at("values.yaml", text, "audit"), at("values.yaml", text, "'true'")]
    # 2.14: nativeSidecar is not a value of the chart yet, so Helm ignores it.
    r = lint(tmp_path, {"values.yaml": text}, config={"linkerd-version": "2.14"})
    assert found(r) == [at("values.yaml", text, "audit")]
    # 2.11: the linkerd2 chart, not modelled.
    assert found(lint(tmp_path, {"values.yaml": text}, config={"linkerd-version": "2.11"})) == []


def test_helm_release_and_flux_substitution(tmp_path):
    release = (
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: linkerd\n  namespace: linkerd\n"
        "spec:\n  chart:\n    spec:\n      chart: linkerd-control-plane\n  values:\n"
        "    disableIPv6: \"${DISABLE_IPV6:=false}\"\n"
        "    enablePodAntiAffinity: \"${HA}\"\n"
        "    highAvailability: \"false\"\n"
        "    proxy:\n      defaultInboundPolicy: \"${POLICY:=all-unauthenticatd}\"\n"
    )
    r = lint(tmp_path, {"release.yaml": release})
    assert found(r) == [at("release.yaml", release, '"false"'), at("release.yaml", release, '"${POLICY')]


def test_other_charts_are_left_alone(tmp_path):
    other_values = "proxy:\n  enabled: 'false'\n  resources: {memory: {limit: lots}}\ncniEnabled: 'yes'\n"
    other_release = (
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: nginx\nspec:\n"
        "  chart:\n    spec:\n      chart: ingress-nginx\n  values:\n    proxyInit: {iptablesMode: bogus}\n"
    )
    assert found(lint(tmp_path, {"values.yaml": other_values, "release.yaml": other_release})) == []


def test_multicluster_link_values_are_not_the_control_planes(tmp_path):
    # charts/linkerd-multicluster-link/values.yaml shares controllerImage with the control plane.
    link = "controllerImage: cr.l5d.io/linkerd/controller\nenablePodAntiAffinity: 'false'\ntargetClusterName: east\n"
    assert found(lint(tmp_path, {"values.yaml": link})) == []


# -- the linkerd-config ConfigMap: the values text the proxy injector decodes --------------------------


def linkerd_config(values: str, header="values: |", indent=4):
    body = "".join((" " * indent + line if line else "") + "\n" for line in values.splitlines())
    return (
        "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: linkerd-config\n  namespace: linkerd\ndata:\n"
        "  linkerd-crds-chart-version: linkerd-crds-1.0.0-edge\n"
        f"  {header}\n{body}"
    )


CM_VALUES = (
    "controllerReplicas: 1\n"
    "enablePodAntiAffinity: \"false\"\n"
    "proxy:\n  resources:\n    memory:\n      limit: 10 Mi\n"
    "proxyInit:\n  iptablesMode: iptables\n"
)


def test_linkerd_config_values_are_checked_in_place(tmp_path):
    text = linkerd_config(CM_VALUES)
    r = lint(tmp_path, {"cp.yaml": text})
    assert found(r) == [at("cp.yaml", text, '"false"'), at("cp.yaml", text, "10 Mi"), at("cp.yaml", text, "iptables\n")]
    assert r.findings[0].message.startswith("enablePodAntiAffinity is the string 'false', not a boolean")
    assert r.findings[1].message.startswith("proxy.resources.memory.limit is the string '10 Mi', not a Kubernetes quantity")


def test_linkerd_config_positions_follow_the_block_indentation(tmp_path):
    for header, indent in (("values: |", 8), ("values: |-", 4), ("values: |4", 6), ("values: |  # rendered", 3)):
        text = linkerd_config(CM_VALUES, header, indent)
        r = lint(tmp_path, {"cp.yaml": text})
        assert found(r) == [at("cp.yaml", text, '"false"'), at("cp.yaml", text, "10 Mi"),
                            at("cp.yaml", text, "iptables\n")], header


def test_linkerd_config_left_alone_when_it_cannot_be_read_or_is_not_linkerds(tmp_path):
    quoted = ("kind: ConfigMap\napiVersion: v1\nmetadata: {name: linkerd-config}\n"
              "data:\n  values: \"proxyInit:\\n  iptablesMode: iptables\\n\"\n")
    broken = linkerd_config("proxyInit:\n  iptablesMode: [iptables\n")
    scalar = linkerd_config("just text")
    other = linkerd_config(CM_VALUES).replace("name: linkerd-config", "name: app-config")
    for text in (quoted, broken, scalar, other):
        assert found(lint(tmp_path, {"cp.yaml": text})) == [], text
