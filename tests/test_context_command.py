"""`linkerd-lint context`: versions and where from, namespaces, mesh decisions with provenance."""

import json
import textwrap

FILES = {
    "cluster/kind.yaml": """\
        apiVersion: kind.x-k8s.io/v1alpha4
        kind: Cluster
        nodes:
          - role: control-plane
            image: kindest/node:v1.30.0
        """,
    "linkerd/destination.yaml": """\
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
                  image: cr.l5d.io/linkerd/controller:edge-25.4.4
        """,
    "apps/ns.yaml": """\
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
          annotations:
            linkerd.io/inject: enabled
            config.linkerd.io/proxy-cpu-limit: "1"
        """,
    "apps/web.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          template:
            metadata:
              annotations:
                config.linkerd.io/proxy-memory-limit: 256Mi
                config.linkerd.io/proxy-cpu-ratio-limit: "0.5"
            spec:
              containers:
                - name: web
                  image: nginx:1.27
        """,
}


def setup(tmp_path):
    (tmp_path / ".git").mkdir()
    for name, text in FILES.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    (tmp_path / ".linkerd-lint.yaml").write_text("proxy-defaults:\n  proxy-log-level: debug\n")


def test_context_json(run_cli, tmp_path):
    setup(tmp_path)
    out = run_cli("context", "-f", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["targets"]["linkerd"] == {
        "version": "2.18", "as_written": "edge-25.4.4", "kind": "detected",
        "at": "linkerd/destination.yaml:16", "via": "controller image"}
    assert data["targets"]["kubernetes"] == {
        "version": "1.30", "as_written": "v1.30.0", "kind": "detected",
        "at": "cluster/kind.yaml:5", "via": "kind node image"}
    assert data["detected"]["implied_minimum"] == [
        {"linkerd": "2.18", "by": "config.linkerd.io/proxy-cpu-ratio-limit", "at": "apps/web.yaml:11:9"}]
    shop = next(n for n in data["namespaces"] if n["name"] == "shop")
    assert shop == {"name": "shop", "defined_at": "apps/ns.yaml:2:1", "inject": "enabled", "objects": 1, "pod_templates": 1}
    web = next(p for p in data["pod_templates"] if p["object"] == "Deployment shop/web")
    assert web["meshed"] == "yes" and web["reason"] == "annotation_at_namespace"
    assert web["inject"] == {"value": "enabled", "from": "namespace", "at": "apps/ns.yaml:6:24"}
    config = {c["key"]: (c["value"], c["from"], c["at"]) for c in web["proxy_config"]}
    assert config["config.linkerd.io/proxy-cpu-limit"] == ("1", "namespace", "apps/ns.yaml:7:40")
    assert config["config.linkerd.io/proxy-memory-limit"] == ("256Mi", "pod", "apps/web.yaml:10:47")
    assert config["config.linkerd.io/proxy-log-level"][:2] == ("debug", "config")
    dest = next(p for p in data["pod_templates"] if p["object"] == "Deployment linkerd/linkerd-destination")
    assert dest["meshed"] == "unknown"


def test_context_text(run_cli, tmp_path):
    setup(tmp_path)
    out = run_cli("context", "apps", "--context", "linkerd", "--kubernetes-version", "1.31", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "  Linkerd     2.18 (edge-25.4.4)  detected in linkerd/destination.yaml:16 (controller image)\n" in text
    assert "  Kubernetes  1.31  from the command line\n" in text
    assert "  Deployment shop/web  apps/web.yaml:2:1\n" in text
    assert "    meshed: yes - its Namespace asks for injection (linkerd.io/inject: enabled, namespace at apps/ns.yaml:6:24)\n" in text
    assert "config.linkerd.io/proxy-memory-limit    = 256Mi  (pod apps/web.yaml:10:47)\n" in text


def test_context_default_targets(run_cli, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    out = run_cli("context", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "  Linkerd     2.18  default\n" in out.stdout
    assert "  Kubernetes  unknown" in out.stdout
    assert "Versions found in the input\n  none\n" in out.stdout


def test_context_bad_config_is_a_usage_error(run_cli, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".linkerd-lint.yaml").write_text("linkerd-version: banana\n")
    out = run_cli("context", cwd=tmp_path)
    assert out.returncode == 2 and "linkerd-version" in out.stderr


NATIVE_POD = """\
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
      namespace: shop
      annotations:
        linkerd.io/inject: enabled{extra}
    spec:
      containers:
        - {{name: web, image: nginx}}
    """


def _native_config(run_cli, tmp_path, linkerd, extra=""):
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "pod.yaml").write_text(textwrap.dedent(NATIVE_POD.format(extra=extra)))
    out = run_cli("context", "-f", "json", "--linkerd-version", linkerd, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    pod = json.loads(out.stdout)["pod_templates"][0]
    return [c for c in pod["proxy_config"] if "native-sidecar" in c["key"]]


def test_context_shows_native_sidecars_on_by_default_from_220(run_cli, tmp_path):
    assert _native_config(run_cli, tmp_path, "2.20") == [
        {"key": "config.linkerd.io/proxy-enable-native-sidecar", "value": "true", "from": "default in Linkerd 2.20", "at": None}]
    assert _native_config(run_cli, tmp_path, "2.19") == []  # off by default: nothing to point out
    text = run_cli("context", "--linkerd-version", "2.20", cwd=tmp_path).stdout
    assert "      config.linkerd.io/proxy-enable-native-sidecar = true  (default in Linkerd 2.20)\n" in text


def test_context_native_sidecar_set_in_the_input_is_not_a_default(run_cli, tmp_path):
    got = _native_config(run_cli, tmp_path, "2.20", extra="\n        config.linkerd.io/proxy-enable-native-sidecar: \"false\"")
    assert got == [{"key": "config.linkerd.io/proxy-enable-native-sidecar", "value": "false", "from": "pod", "at": "pod.yaml:8:52"}]
