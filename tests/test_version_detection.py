"""Target detection: each source, where it was found, and precedence
(command line > configuration > detected > default)."""

import json
import textwrap

import pytest
import yaml

from linter.api import lint_paths


def write(tmp_path, files, config=None):
    (tmp_path / ".git").mkdir(exist_ok=True)
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    if config is not None:
        (tmp_path / ".linkerd-lint.yaml").write_text(yaml.safe_dump(config))


def run(tmp_path, files, config=None, **kw):
    write(tmp_path, files, config)
    return lint_paths(["."], cwd=str(tmp_path), **kw)


def found(result, what):
    d = result.inventory.facts.get("versions")
    items = getattr(d, what) if d else []
    return [(x.text, x.path, x.span.line, x.span.col, x.role) for x in items]


CONTROL_PLANE = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: linkerd-destination
      namespace: linkerd
      labels:
        linkerd.io/control-plane-component: destination
    spec:
      template:
        metadata:
          labels:
            linkerd.io/control-plane-component: destination
        spec:
          containers:
            - name: destination
              image: cr.l5d.io/linkerd/controller:stable-2.14.10
            - name: linkerd-proxy
              image: cr.l5d.io/linkerd/proxy:stable-2.14.10
            - name: init
              image: cr.l5d.io/linkerd/proxy-init:v2.2.1
    """


def test_control_plane_images(tmp_path):
    r = run(tmp_path, {"cp.yaml": CONTROL_PLANE})
    assert found(r, "linkerd") == [
        ("stable-2.14.10", "cp.yaml", 16, 18, "control-plane"),
        ("stable-2.14.10", "cp.yaml", 18, 18, "control-plane"),
    ]  # proxy-init's own v2.2.1 is not a Linkerd version
    s = r.inventory.settings
    assert (s.linkerd_version, s.linkerd_version_text, s.linkerd_version_source) == (
        (2, 14), "stable-2.14.10", "detected in cp.yaml:16")


def test_data_plane_proxy_and_created_by(tmp_path):
    r = run(tmp_path, {"web.yaml": """\
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          annotations:
            linkerd.io/created-by: linkerd/proxy-injector edge-25.4.4
            linkerd.io/proxy-version: edge-25.4.4
        spec:
          containers:
            - name: linkerd-proxy
              image: cr.l5d.io/linkerd/proxy:edge-25.4.4
        """})
    assert found(r, "linkerd") == [
        ("edge-25.4.4", "web.yaml", 11, 14, "data-plane"),
        ("edge-25.4.4", "web.yaml", 6, 28, "control-plane"),
        ("edge-25.4.4", "web.yaml", 7, 31, "data-plane"),
    ]
    assert r.inventory.settings.linkerd_version == (2, 18)
    assert r.inventory.settings.linkerd_version_source == "detected in web.yaml:6"


def test_control_plane_beats_data_plane_and_newest_control_plane_wins(tmp_path):
    r = run(tmp_path, {
        "a.yaml": CONTROL_PLANE,
        "b.yaml": CONTROL_PLANE.replace("stable-2.14.10", "edge-24.8.2"),
        "c.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                  "    - name: linkerd-proxy\n      image: cr.l5d.io/linkerd/proxy:edge-26.6.3\n",
    })
    s = r.inventory.settings
    assert (s.linkerd_version, s.linkerd_version_source) == ((2, 16), "detected in b.yaml:16")


@pytest.mark.parametrize(
    "doc, line, expected",
    [
        ("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: linkerd}\nspec:\n  chart:\n"
         "    spec:\n      chart: linkerd-control-plane\n      version: 2025.4.4\n", 8, (2, 18)),
        ("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: linkerd}\nspec:\n  chart:\n"
         "    spec:\n      chart: linkerd-control-plane\n      version: 1.16.11\n", 8, (2, 14)),
        ("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: linkerd-crds}\nspec:\n  source:\n"
         "    chart: linkerd-crds\n    targetRevision: 1.8.0\n", 7, (2, 14)),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: linkerd-config\n  labels:\n"
         "    helm.sh/chart: linkerd-control-plane-1.12.4\n", 6, (2, 13)),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: linkerd-config}\ndata:\n  values: |\n"
         "    linkerdVersion: stable-2.13.7\n", 6, (2, 13)),
        ("apiVersion: v1\nkind: Service\nmetadata:\n  name: linkerd-dst\n  annotations:\n"
         "    linkerd.io/created-by: linkerd/helm version-2.17\n", 6, (2, 17)),
    ],
    ids=["helmrelease-calendar", "helmrelease-stable", "argo-application", "chart-label", "linkerd-config", "created-by"],
)
def test_linkerd_sources(tmp_path, doc, line, expected):
    r = run(tmp_path, {"x.yaml": doc})
    s = r.inventory.settings
    assert s.linkerd_version == expected
    assert s.linkerd_version_source == f"detected in x.yaml:{line}"


def test_chart_yaml_dependency(tmp_path):
    r = run(tmp_path, {"Chart.yaml": "apiVersion: v2\nname: mesh\nversion: 0.1.0\ndependencies:\n"
                                     "  - name: linkerd-control-plane\n    version: 2024.8.2\n    repository: https://helm.linkerd.io/edge\n"})
    assert r.inventory.settings.linkerd_version == (2, 16)
    assert r.inventory.settings.linkerd_version_source == "detected in Chart.yaml:6"


@pytest.mark.parametrize(
    "doc, text, line",
    [
        ("apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes:\n  - role: control-plane\n"
         "    image: kindest/node:v1.29.2@sha256:0123\n", "v1.29.2", 5),
        ("apiVersion: controlplane.cluster.x-k8s.io/v1beta1\nkind: KubeadmControlPlane\nmetadata: {name: cp}\n"
         "spec:\n  version: v1.29.4\n", "v1.29.4", 5),
        ("apiVersion: cluster.x-k8s.io/v1beta1\nkind: MachineDeployment\nmetadata: {name: md}\nspec:\n  template:\n"
         "    spec:\n      version: v1.29.0\n", "v1.29.0", 7),
        ("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: prod\n  version: \"1.29\"\n", "1.29", 5),
        ("apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nmetadata: {name: k}\nspec:\n  kubernetesVersion: 1.29.6\n",
         "1.29.6", 5),
        ("apiVersion: k3d.io/v1alpha5\nkind: Simple\nmetadata: {name: dev}\nimage: rancher/k3s:v1.29.3-k3s1\n",
         "v1.29.3-k3s1", 4),
    ],
    ids=["kind", "kubeadm-control-plane", "machine-deployment", "eksctl", "kops", "k3d"],
)
def test_kubernetes_sources(tmp_path, doc, text, line):
    r = run(tmp_path, {"cluster.yaml": doc})
    s = r.inventory.settings
    assert (s.kubernetes_version, s.kubernetes_version_text) == ((1, 29), text)
    assert s.kubernetes_version_source == f"detected in cluster.yaml:{line}"


def test_eksctl_unquoted_version_keeps_its_digits(tmp_path):
    # YAML reads `version: 1.30` as the float 1.3
    r = run(tmp_path, {"eks.yaml": "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: p\n  version: 1.30\n"})
    assert r.inventory.settings.kubernetes_version == (1, 30)


def test_oldest_cluster_is_the_target_and_ranges_yield_to_clusters(tmp_path):
    r = run(tmp_path, {
        "kind.yaml": "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes:\n"
                     "  - image: kindest/node:v1.31.0\n  - image: kindest/node:v1.30.2\n",
        "Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\nkubeVersion: '>=1.23.0-0'\n",
    })
    assert r.inventory.settings.kubernetes_version == (1, 30)
    assert [x[:3] for x in found(r, "kubernetes")] == [
        (">=1.23.0-0", "Chart.yaml", 4), ("v1.31.0", "kind.yaml", 4), ("v1.30.2", "kind.yaml", 5)]


def test_chart_range_alone_gives_its_oldest_version_linkerd_installs_on(tmp_path):
    r = run(tmp_path, {"Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\nkubeVersion: '>=1.19.0-0'\n"})
    s = r.inventory.settings
    assert (s.kubernetes_version, s.kubernetes_version_source) == ((1, 23), "detected in Chart.yaml:4")


def test_version_only_keys_never_set_the_target(tmp_path):
    r = run(tmp_path, {"web.yaml": "apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: s}\n"
                                   "spec: {port: 80, podSelector: {}}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n"
                                   "  name: p\n  annotations:\n    config.linkerd.io/proxy-enable-native-sidecar: 'true'\n"})
    s = r.inventory.settings
    assert (s.linkerd_version, s.linkerd_version_source) == ((2, 18), "default")
    assert s.kubernetes_version is None


def test_context_paths_are_detected_too(tmp_path):
    write(tmp_path, {"apps/web.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
                     "platform/cp.yaml": CONTROL_PLANE})
    r = lint_paths(["apps"], cwd=str(tmp_path), context=["platform"])
    assert r.inventory.settings.linkerd_version == (2, 14)


def test_precedence_command_line_over_config_over_detected(tmp_path):
    files = {"cp.yaml": CONTROL_PLANE,
             "kind.yaml": "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes:\n  - image: kindest/node:v1.27.3\n"}
    r = run(tmp_path, files, config={"linkerd-version": "2.17", "kubernetes-version": "1.31"})
    s = r.inventory.settings
    assert (s.linkerd_version, s.kubernetes_version) == ((2, 17), (1, 31))
    assert s.linkerd_version_source.endswith(".linkerd-lint.yaml")
    r = lint_paths(["."], cwd=str(tmp_path), overrides={"linkerd-version": "2.16"})
    s = r.inventory.settings
    assert (s.linkerd_version, s.linkerd_version_source) == ((2, 16), "overrides")
    assert s.kubernetes_version == (1, 31)  # still the configuration's
    (tmp_path / ".linkerd-lint.yaml").unlink()
    r = lint_paths(["."], cwd=str(tmp_path))
    s = r.inventory.settings
    assert (s.linkerd_version, s.kubernetes_version) == ((2, 14), (1, 27))


def test_cli_flag_beats_detection(run_cli, tmp_path):
    write(tmp_path, {"cp.yaml": CONTROL_PLANE})
    out = run_cli("context", "-f", "json", "--linkerd-version", "2.18", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["targets"]["linkerd"] == {"version": "2.18", "as_written": "2.18", "kind": "command line", "at": None}
    assert len(data["detected"]["linkerd"]) == 2  # still listed


def test_versions_older_than_the_data_never_become_the_target(tmp_path):
    r = run(tmp_path, {"id.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: linkerd-identity\n  annotations:\n"
                                  "    linkerd.io/created-by: linkerd/cli stable-2.8.1\n"})
    assert found(r, "linkerd") == [("stable-2.8.1", "id.yaml", 6, 28, "control-plane")]
    s = r.inventory.settings
    assert (s.linkerd_version, s.linkerd_version_source) == ((2, 18), "default")


@pytest.mark.parametrize(
    "chart_version, text, line_upto",
    [
        ("1.18.10-edge", "edge-24.2.4", ((2, 15), (2, 15))),  # the edge version-2.15 was tagged on
        ("1.17.2-edge", "edge-23.10.1", ((2, 14), (2, 15))),  # between 2.14 and 2.15
        ("1.14.3-edge", "edge-23.8.3", ((2, 14), (2, 14))),
    ],
)
def test_edge_chart_versions_map_to_their_edge_tag(tmp_path, chart_version, text, line_upto):
    doc = ("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: linkerd}\nspec:\n  chart:\n"
           f"    spec:\n      chart: linkerd-control-plane\n      version: {chart_version}\n")
    r = run(tmp_path, {"x.yaml": doc})
    d = r.inventory.facts["versions"].linkerd
    assert [(x.text, x.span.line, x.span.col, x.role) for x in d] == [(text, 8, 16, "control-plane")]
    assert (d[0].version.line, d[0].version.upto) == line_upto
    assert d[0].via == f"Flux HelmRelease linkerd-control-plane {chart_version}"


def test_unknown_edge_chart_version_detects_nothing(tmp_path):
    r = run(tmp_path, {"x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n"
                                 "    helm.sh/chart: linkerd-control-plane-1.99.0-edge\n"})
    assert found(r, "linkerd") == []
    assert r.inventory.settings.linkerd_version_source == "default"
