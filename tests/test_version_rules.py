"""LNK501-LNK508 beyond their documented examples: exact findings (rule, file, line, column)."""

import textwrap

import pytest
import yaml

from linter.api import lint_paths


def lint(tmp_path, files, config=None, select=("LNK5",)):
    (tmp_path / ".git").mkdir(exist_ok=True)
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    if config is not None:
        (tmp_path / ".linkerd-lint.yaml").write_text(yaml.safe_dump(config))
    r = lint_paths(["."], cwd=str(tmp_path), select=list(select))
    assert not r.internal_errors
    return r


def got(r):
    return [(f.rule_id, f.path, f.span.line, f.span.col, str(f.severity)) for f in r.findings]


def msgs(r):
    return [f.message for f in r.findings]


# -- LNK501 ---------------------------------------------------------------------------------


def test_lnk501_each_detected_cluster_at_its_own_place(tmp_path):
    r = lint(tmp_path, {"kind.yaml": """\
        apiVersion: kind.x-k8s.io/v1alpha4
        kind: Cluster
        nodes:
          - image: kindest/node:v1.22.17
          - image: kindest/node:v1.26.6
          - image: kindest/node:v1.30.0
        """}, config={"linkerd-version": "2.18"}, select=["LNK501"])
    assert got(r) == [
        ("LNK501", "kind.yaml", 4, 12, "error"),
        ("LNK501", "kind.yaml", 5, 12, "warning"),
    ]
    assert "older than 1.23" in msgs(r)[0] and "outside Linkerd 2.18's supported range 1.28-1.32" in msgs(r)[1]


def test_lnk501_configured_version_reported_at_config_line(tmp_path):
    r = lint(tmp_path, {"ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"},
             config={"linkerd-version": "2.20", "kubernetes-version": "1.30"}, select=["LNK501"])
    assert got(r) == [("LNK501", ".linkerd-lint.yaml", 1, 1, "error")]


@pytest.mark.parametrize(
    "constraint, severity, text",
    [
        ("'>=1.16.0-0 <1.23.0-0'", "error", "admits only Kubernetes versions Linkerd 2.18 refuses"),
        ("'>=1.23.0-0 <1.25.0-0'", "warning", "admits no Kubernetes version Linkerd 2.18 supports"),
        ("'>=1.19.0-0'", "warning", "admits Kubernetes 1.19-1.22, which Linkerd 2.18 refuses"),
        ("'>=1.22.0-0'", "warning", "admits Kubernetes 1.22, which Linkerd 2.18 refuses"),  # not "1.22-1.22"
        ("'<1.20.0-0 || >=1.21.0-0'", "warning", "admits Kubernetes 1.0-1.19, 1.21-1.22, which Linkerd 2.18 refuses"),
        ("'>=1.30.0 <1.20.0'", "error", "admits no Kubernetes version at all"),
    ],
)
def test_lnk501_chart_ranges(tmp_path, constraint, severity, text):
    r = lint(tmp_path, {"Chart.yaml": f"apiVersion: v2\nname: app\nversion: 1.0.0\nkubeVersion: {constraint}\n"},
             config={"linkerd-version": "2.18"}, select=["LNK501"])
    assert got(r) == [("LNK501", "Chart.yaml", 4, 14, severity)]
    assert text in msgs(r)[0]


def test_lnk501_good_chart_range_and_unreadable_range_are_quiet(tmp_path):
    r = lint(tmp_path, {"Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\nkubeVersion: '>=1.28.0-0'\n"},
             config={"linkerd-version": "2.18"}, select=["LNK501"])
    assert got(r) == []
    r = lint(tmp_path, {"Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\nkubeVersion: 'whatever'\n"},
             config={"linkerd-version": "2.18"}, select=["LNK501"])
    assert got(r) == []


def test_lnk501_uses_detected_linkerd(tmp_path):
    r = lint(tmp_path, {
        "cp.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: linkerd-dst\n  annotations:\n"
                   "    linkerd.io/created-by: linkerd/helm edge-26.5.1\n",
        "kind.yaml": "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes:\n  - image: kindest/node:v1.30.0\n",
    }, select=["LNK501"])
    # edge-26.5.1 already needs 1.31 (minAPIVersion raised in that edge), though it is on the 2.19 line
    assert got(r) == [("LNK501", "kind.yaml", 4, 12, "error")]


# -- LNK502 / LNK503 ------------------------------------------------------------------------

PSP = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: restricted}\nspec: {}\n"
PDB = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec: {minAvailable: 1}\n"
INGRESS = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nspec: {}\n"


def test_lnk502_unknown_kubernetes_judged_against_linkerd_floor(tmp_path):
    r = lint(tmp_path, {"a.yaml": INGRESS, "b.yaml": PSP}, select=["LNK502", "LNK503"])
    # 2.18 installs on 1.23+: Ingress (gone in 1.22) is removed everywhere; PSP is still served on 1.23
    assert got(r) == [("LNK502", "a.yaml", 1, 13, "error"), ("LNK503", "b.yaml", 1, 13, "info")]
    assert "judged against 1.23, the oldest Linkerd 2.18 installs on" in msgs(r)[0]
    assert "use networking.k8s.io/v1" in msgs(r)[0]
    assert "removed in 1.25" in msgs(r)[1]


def test_lnk502_known_kubernetes(tmp_path):
    r = lint(tmp_path, {"a.yaml": PSP, "b.yaml": PDB}, config={"kubernetes-version": "v1.29.3-eks-abc"},
             select=["LNK502", "LNK503"])
    assert got(r) == [("LNK502", "a.yaml", 1, 13, "error"), ("LNK502", "b.yaml", 1, 13, "error")]
    assert "no replacement" in msgs(r)[0] and "use policy/v1" in msgs(r)[1]
    r = lint(tmp_path, {"a.yaml": PSP, "b.yaml": PDB}, config={"kubernetes-version": "1.24"},
             select=["LNK502", "LNK503"])
    assert got(r) == [("LNK503", "a.yaml", 1, 13, "info"), ("LNK503", "b.yaml", 1, 13, "info")]


def test_lnk502_fix_only_where_the_schema_is_unchanged(tmp_path):
    cron = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec: {schedule: '* * * * *'}\n"
    r = lint(tmp_path, {"a.yaml": cron, "b.yaml": PDB}, config={"kubernetes-version": "1.30"}, select=["LNK502"])
    fixes = {f.path: f.fix for f in r.findings}
    assert fixes["b.yaml"] is None  # an empty selector changes meaning in policy/v1
    assert [e.text for e in fixes["a.yaml"].edits] == ["batch/v1"] and fixes["a.yaml"].safe


def test_lnk503_quiet_on_current_apis(tmp_path):
    r = lint(tmp_path, {"a.yaml": "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {}\n"},
             config={"kubernetes-version": "1.30"}, select=["LNK502", "LNK503"])
    assert got(r) == []


# -- LNK504 ---------------------------------------------------------------------------------


def test_lnk504_cases(tmp_path):
    docs = {
        "srv-old.yaml": "apiVersion: policy.linkerd.io/v1beta1\nkind: Server\nmetadata: {name: a}\nspec: {}\n",
        "saz.yaml": "apiVersion: policy.linkerd.io/v1beta1\nkind: ServerAuthorization\nmetadata: {name: a}\nspec: {}\n",
        "saz-old.yaml": "apiVersion: policy.linkerd.io/v1alpha1\nkind: ServerAuthorization\nmetadata: {name: a}\nspec: {}\n",
        "ts.yaml": "apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata: {name: a}\nspec: {}\n",
        "egress.yaml": "apiVersion: policy.linkerd.io/v1alpha1\nkind: EgressNetwork\nmetadata: {name: a}\nspec: {}\n",
        "typo.yaml": "apiVersion: policy.linkerd.io/v1beta9\nkind: Server\nmetadata: {name: a}\nspec: {}\n",
        "ok.yaml": "apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata: {name: a}\nspec: {}\n",
    }
    r = lint(tmp_path, docs, config={"linkerd-version": "2.16"}, select=["LNK504"])
    assert got(r) == [
        ("LNK504", "egress.yaml", 1, 13, "error"),
        ("LNK504", "saz-old.yaml", 1, 13, "warning"),
        ("LNK504", "saz.yaml", 1, 13, "info"),
        ("LNK504", "srv-old.yaml", 1, 13, "warning"),
        ("LNK504", "ts.yaml", 1, 13, "warning"),
        ("LNK504", "typo.yaml", 1, 13, "error"),
    ]
    assert "Linkerd 2.16 has no EgressNetwork" in msgs(r)[0]
    assert "linkerd-smi" in msgs(r)[4]


def test_lnk504_smi_served_by_211(tmp_path):
    r = lint(tmp_path, {"ts.yaml": "apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata: {name: a}\n"},
             config={"linkerd-version": "stable-2.11.5"}, select=["LNK504"])
    assert got(r) == []
    r = lint(tmp_path, {"ts.yaml": "apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata: {name: a}\n"},
             config={"linkerd-version": "stable-2.10.2"}, select=["LNK504"])
    assert got(r) == [("LNK504", "ts.yaml", 1, 13, "error")]


def test_lnk504_edge_between_lines_is_quiet_when_unsure(tmp_path):
    # Server v1beta3 arrived in 2.16; edge-24.5.1 sits between 2.15 and 2.16
    doc = {"s.yaml": "apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: a}\n"}
    assert got(lint(tmp_path, doc, config={"linkerd-version": "edge-24.5.1"}, select=["LNK504"])) == []
    assert len(got(lint(tmp_path, doc, config={"linkerd-version": "version-2.15"}, select=["LNK504"]))) == 1


# -- LNK505 ---------------------------------------------------------------------------------


def test_lnk505_keys_values_and_removed_keys(tmp_path):
    r = lint(tmp_path, {
        "ns.yaml": """\
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              annotations:
                config.linkerd.io/default-inbound-policy: audit
                config.linkerd.io/init-image: my/proxy-init
            """,
        "svc.yaml": """\
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              annotations:
                retry.linkerd.io/http: 5xx
                timeout.linkerd.io/request: 2s
            """,
    }, config={"linkerd-version": "2.15"}, select=["LNK505"])
    assert got(r) == [
        ("LNK505", "ns.yaml", 6, 47, "warning"),
        ("LNK505", "svc.yaml", 6, 5, "warning"),
        ("LNK505", "svc.yaml", 7, 5, "warning"),
    ]
    r = lint(tmp_path, {"ns.yaml": (tmp_path / "ns.yaml").read_text(), "svc.yaml": (tmp_path / "svc.yaml").read_text()},
             config={"linkerd-version": "2.20"}, select=["LNK505"])
    assert got(r) == [("LNK505", "ns.yaml", 7, 5, "warning")]
    assert "no longer read since Linkerd 2.20" in msgs(r)[0]


def test_lnk505_unresolved_variable_is_quiet(tmp_path):
    r = lint(tmp_path, {"ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  annotations:\n"
                                   "    config.linkerd.io/default-inbound-policy: ${POLICY}\n"},
             config={"linkerd-version": "2.15"}, select=["LNK505"])
    assert got(r) == []
    r = lint(tmp_path, {"ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  annotations:\n"
                                   "    config.linkerd.io/default-inbound-policy: ${POLICY:=audit}\n"},
             config={"linkerd-version": "2.15"}, select=["LNK505"])
    assert got(r) == [("LNK505", "ns.yaml", 6, 47, "warning")]


# -- LNK506 ---------------------------------------------------------------------------------

JOB = """\
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: j
      namespace: shop
    spec:
      template:
        metadata:
          annotations:
            linkerd.io/inject: enabled
            {key}: "true"
        spec:
          containers:
            - name: j
              image: busybox
    """


@pytest.mark.parametrize(
    "key, linkerd, expected",
    [
        ("config.beta.linkerd.io/proxy-enable-native-sidecar", "2.18", "read from Linkerd 2.19 on"),
        ("config.alpha.linkerd.io/proxy-enable-native-sidecar", "2.19", "deprecated from Linkerd 2.19"),
        ("config.beta.linkerd.io/proxy-enable-native-sidecar", "2.20", "deprecated from Linkerd 2.20"),
        ("config.alpha.linkerd.io/proxy-enable-native-sidecar", "2.14", "native sidecars arrived in Linkerd 2.15"),
    ],
)
def test_lnk506_keys(tmp_path, key, linkerd, expected):
    r = lint(tmp_path, {"job.yaml": JOB.replace("{key}", key)}, config={"linkerd-version": linkerd}, select=["LNK506"])
    assert got(r) == [("LNK506", "job.yaml", 11, 9, "warning")]
    assert expected in msgs(r)[0]


def test_lnk506_old_kubernetes_needs_a_meshed_pod(tmp_path):
    key = "config.beta.linkerd.io/proxy-enable-native-sidecar"
    cfg = {"linkerd-version": "2.19", "kubernetes-version": "1.28"}
    r = lint(tmp_path, {"job.yaml": JOB.replace("{key}", key)}, config=cfg, select=["LNK506"])
    assert got(r) == [("LNK506", "job.yaml", 11, 9, "warning")]
    assert "need Kubernetes 1.29" in msgs(r)[0]
    off = JOB.replace("{key}", key).replace("linkerd.io/inject: enabled", "linkerd.io/inject: disabled")
    assert got(lint(tmp_path, {"job.yaml": off}, config=cfg, select=["LNK506"])) == []
    cfg["kubernetes-version"] = "1.29"
    assert got(lint(tmp_path, {"job.yaml": JOB.replace("{key}", key)}, config=cfg, select=["LNK506"])) == []


def test_lnk506_beta_on_namespace_not_inherited_in_220(tmp_path):
    r = lint(tmp_path, {"ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  annotations:\n"
                                   "    config.beta.linkerd.io/proxy-enable-native-sidecar: 'true'\n"},
             config={"linkerd-version": "2.20"}, select=["LNK506"])
    assert got(r) == [("LNK506", "ns.yaml", 6, 5, "warning")]
    assert "no longer inherited" in msgs(r)[0]


# -- LNK507 ---------------------------------------------------------------------------------

PINNED = """\
    apiVersion: v1
    kind: Pod
    metadata:
      name: p
      annotations:
        config.linkerd.io/proxy-version: {pin}
    spec:
      containers: [{name: app, image: app}]
    """


@pytest.mark.parametrize(
    "pin, linkerd, fires",
    [
        ("edge-25.10.7", "2.18", True),  # newer than the control plane
        ("stable-2.14.10", "stable-2.14.8", True),  # newer patch of the same channel
        ("edge-24.8.2", "2.18", True),  # two releases behind
        ("edge-24.11.8", "2.18", False),  # one release behind: fine while upgrading
        ("version-2.18", "edge-25.4.4", False),
        ("my-custom-build", "2.18", False),
        ("${PROXY_VERSION}", "2.18", False),
    ],
)
def test_lnk507(tmp_path, pin, linkerd, fires):
    r = lint(tmp_path, {"p.yaml": PINNED.replace("{pin}", pin)}, config={"linkerd-version": linkerd}, select=["LNK507"])
    assert got(r) == ([("LNK507", "p.yaml", 6, 38, "warning")] if fires else [])


def test_lnk507_quiet_without_a_known_control_plane(tmp_path):
    r = lint(tmp_path, {"p.yaml": PINNED.replace("{pin}", "edge-26.6.3")}, select=["LNK507"])
    assert got(r) == []


def test_lnk507_against_detected_control_plane(tmp_path):
    r = lint(tmp_path, {
        "p.yaml": PINNED.replace("{pin}", "stable-2.14.10"),
        "cp.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: linkerd-dst\n  annotations:\n"
                   "    linkerd.io/created-by: linkerd/helm stable-2.13.4\n",
    }, select=["LNK507"])
    assert got(r) == [("LNK507", "p.yaml", 6, 38, "warning")]
    assert "(stable-2.13.4, detected in cp.yaml:6)" in msgs(r)[0]


# -- LNK508 ---------------------------------------------------------------------------------

ROUTE = """\
    apiVersion: gateway.networking.k8s.io/{version}
    kind: {kind}
    metadata: {name: r, namespace: shop}
    spec:
      parentRefs:
        - {parent}
    """


@pytest.mark.parametrize(
    "kind, version, parent, linkerd, fires",
    [
        ("GRPCRoute", "v1alpha2", "{name: web, kind: Service, group: core}", "2.15", "does not read Gateway API GRPCRoute"),
        ("GRPCRoute", "v1alpha2", "{name: web, kind: Service, group: core}", "2.18", "deprecated"),
        ("GRPCRoute", "v1alpha2", "{name: web, kind: Service, group: core}", "2.20",
         "deprecated in the Gateway API bundle of Linkerd 2.20, and Gateway API v1.2.0 and later"),
        ("GRPCRoute", "v1", "{name: web, kind: Service, group: core}", "2.18", None),
        ("HTTPRoute", "v1beta1", "{name: web, kind: Server, group: policy.linkerd.io}", "2.13", "does not read"),
        ("HTTPRoute", "v1alpha2", "{name: web, kind: Service, group: ''}", "2.15", "not a version"),
        ("HTTPRoute", "v1", "{name: public-gw}", "2.15", None),  # an ingress Gateway's route
        ("TCPRoute", "v1alpha2", "{name: web, kind: Service, group: core}", "2.17", None),
    ],
)
def test_lnk508(tmp_path, kind, version, parent, linkerd, fires):
    doc = ROUTE.replace("{version}", version).replace("{kind}", kind).replace("{parent}", parent)
    r = lint(tmp_path, {"r.yaml": doc}, config={"linkerd-version": linkerd}, select=["LNK508"])
    if fires:
        assert got(r) == [("LNK508", "r.yaml", 1, 13, "warning")] and fires in msgs(r)[0]
    else:
        assert got(r) == []


# -- linkerd-jaeger annotations (LNK105 / LNK505) -------------------------------------------

JAEGER_POD = """\
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
      annotations:
        config.linkerd.io/trace-collector: collector.linkerd-jaeger:55678
        config.linkerd.io/trace-collector-protocol: opentelemetry
        config.linkerd.io/trace-collector-name: web
        config.alpha.linkerd.io/trace-collector-service-account: collector
    spec:
      containers:
        - {name: web, image: nginx}
    """


def test_jaeger_keys_known_on_218_and_gone_on_219(tmp_path):
    r = lint(tmp_path, {"p.yaml": JAEGER_POD}, config={"linkerd-version": "2.18"}, select=["LNK105", "LNK505"])
    assert got(r) == []
    r = lint(tmp_path, {"p.yaml": JAEGER_POD}, config={"linkerd-version": "2.19"}, select=["LNK105", "LNK505"])
    assert got(r) == [("LNK505", "p.yaml", line, 5, "warning") for line in (6, 7, 8, 9)]
    assert all("no longer read since Linkerd 2.19" in m for m in msgs(r))


def test_jaeger_protocol_and_name_arrived_in_217(tmp_path):
    r = lint(tmp_path, {"p.yaml": JAEGER_POD}, config={"linkerd-version": "2.16"}, select=["LNK105", "LNK505"])
    assert got(r) == [("LNK505", "p.yaml", 7, 5, "warning"), ("LNK505", "p.yaml", 8, 5, "warning")]
    assert "read from Linkerd 2.17 on" in msgs(r)[0]


def test_jaeger_keys_inherited_from_the_namespace_until_219(tmp_path):
    from linter.annotations import inheritable

    assert "config.linkerd.io/trace-collector" in inheritable((2, 18))
    assert "config.linkerd.io/trace-collector-protocol" not in inheritable((2, 16))
    assert not {k for k in inheritable((2, 19)) if "trace-collector" in k}


# -- LNK507: which detected version is the control plane's ----------------------------------

def _deployment(name, image, labels=""):
    return f"""\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {name}
      namespace: linkerd{labels}
    spec:
      template:
        spec:
          containers:
            - name: main
              image: {image}
    """


def test_lnk507_quiet_when_the_version_comes_from_a_proxy_image(tmp_path):
    # A data-plane proxy image is some workload's proxy version, not the control plane's.
    r = lint(tmp_path, {"p.yaml": PINNED.replace("{pin}", "edge-25.10.7"),
                        "w.yaml": _deployment("web", "cr.l5d.io/linkerd/proxy:edge-25.4.4")}, select=["LNK507"])
    assert r.inventory.facts["versions"].linkerd_choice.role == "data-plane"
    assert got(r) == []


def test_lnk507_fires_against_a_control_plane_image(tmp_path):
    r = lint(tmp_path, {"p.yaml": PINNED.replace("{pin}", "edge-25.10.7"),
                        "cp.yaml": _deployment("linkerd-destination", "cr.l5d.io/linkerd/controller:edge-25.4.4")},
             select=["LNK507"])
    assert got(r) == [("LNK507", "p.yaml", 6, 38, "warning")]
    assert msgs(r) == ["the pinned proxy edge-25.10.7 is newer than the control plane (edge-25.4.4, detected in cp.yaml:11): "
                       "upgrade the control plane first"]


def test_lnk507_configured_version_beats_a_proxy_image(tmp_path):
    r = lint(tmp_path, {"p.yaml": PINNED.replace("{pin}", "edge-25.10.7"),
                        "w.yaml": _deployment("web", "cr.l5d.io/linkerd/proxy:edge-25.4.4")},
             config={"linkerd-version": "2.18"}, select=["LNK507"])
    assert got(r) == [("LNK507", "p.yaml", 6, 38, "warning")]


@pytest.mark.parametrize("constraint, admits", [
    (">=1.25.0-0", "1.25 and later"),  # open-ended: not the evaluator's internal cap
    (">=1.22.0-0 <1.23.0-0", "1.22"),
    ("~1.29", "1.29"),
    (">=1.25.0-0 <1.31.0-0", "1.25-1.30"),
    ("<1.26.0-0 || >=1.28.0-0", "1.0-1.25, 1.28 and later"),
    (">=1.30.0 <1.20.0", "nothing"),
])
def test_context_says_what_a_chart_range_admits(run_cli, tmp_path, constraint, admits):
    import json

    (tmp_path / ".git").mkdir()
    (tmp_path / "Chart.yaml").write_text(f"apiVersion: v2\nname: app\nversion: 1.0.0\nkubeVersion: '{constraint}'\n")
    text = run_cli("context", ".", cwd=tmp_path)
    assert f"Kubernetes {constraint:<17} Chart.yaml:4:14  (Chart.yaml kubeVersion, admits {admits})" in text.stdout, text.stdout
    doc = json.loads(run_cli("context", "-f", "json", ".", cwd=tmp_path).stdout)
    assert [d["admits"] for d in doc["detected"]["kubernetes"]] == [admits]
