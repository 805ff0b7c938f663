"""Injection rules LNK106-LNK112: exact findings, Namespace and workload in different files, version gates, fixes."""

import subprocess
import sys

import pytest

from .lintkit import at, lint, messages, places


def namespace(name="shop", annotations="", labels=""):
    text = f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n"
    if labels:
        text += "  labels:\n" + "".join(f"    {line}\n" for line in labels.splitlines())
    if annotations:
        text += "  annotations:\n" + "".join(f"    {line}\n" for line in annotations.splitlines())
    return text


def deployment(name="web", ns="shop", annotations="", labels="", spec="", containers=None):
    text = (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n"
        f"  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels:\n        app: {name}\n"
    )
    text += "".join(f"        {line}\n" for line in labels.splitlines())
    if annotations:
        text += "      annotations:\n" + "".join(f"        {line}\n" for line in annotations.splitlines())
    text += "    spec:\n" + "".join(f"      {line}\n" for line in spec.splitlines())
    text += "      containers:\n"
    for c in containers or ["- name: app\n  image: nginx:1.27"]:
        text += "".join(f"        {line}\n" for line in c.splitlines())
    return text


INJECT = "linkerd.io/inject: enabled"


# -- LNK106 host-network-not-injected ----------------------------------------------


def test_host_network_with_namespace_injection_across_files(tmp_path):
    app = deployment(spec="hostNetwork: true")
    r = lint(tmp_path, {"ns.yaml": namespace(annotations=INJECT), "app.yaml": app}, "LNK106")
    assert places(r, "LNK106") == [("app.yaml", *at(app, "true"))]
    assert "through its Namespace" in messages(r)[0]
    assert [(x.path, x.span.line) for x in r.findings[0].related] == [("ns.yaml", 6)]


@pytest.mark.parametrize(
    "annotations, namespace_file",
    [("linkerd.io/inject: disabled", True), ("", False), ("", True)],
    ids=["opted-out", "namespace-unknown", "namespace-not-injecting"],
)
def test_host_network_quiet_without_request(tmp_path, annotations, namespace_file):
    files = {"app.yaml": deployment(annotations=annotations, spec="hostNetwork: true")}
    if namespace_file:
        files["ns.yaml"] = namespace(annotations=INJECT if annotations else "")
    assert places(lint(tmp_path, files, "LNK106")) == []


# -- LNK107 sidecar-already-present ------------------------------------------------


def test_istio_init_container_blocks_injection(tmp_path):
    app = deployment(annotations=INJECT, spec="initContainers:\n  - name: istio-init\n    image: docker.io/istio/proxyv2:1.20")
    r = lint(tmp_path, {"app.yaml": app}, "LNK107")
    assert places(r, "LNK107") == [("app.yaml", *at(app, "istio-init"))]


def test_sidecar_found_by_image(tmp_path):
    proxy = "- name: sidecar\n  image: cr.l5d.io/linkerd/proxy:edge-25.4.4"
    app = deployment(annotations=INJECT, containers=["- name: app\n  image: nginx", proxy])
    r = lint(tmp_path, {"app.yaml": app}, "LNK107")
    assert places(r, "LNK107") == [("app.yaml", *at(app, "cr.l5d.io/linkerd/proxy"))]


def test_linkerd_init_as_app_container_is_not_a_sidecar(tmp_path):
    # HasExistingSidecars looks for linkerd-init among init containers only
    app = deployment(annotations=INJECT, containers=["- name: linkerd-init\n  image: busybox"])
    assert places(lint(tmp_path, {"app.yaml": app}, "LNK107")) == []


# -- LNK108 istio-and-linkerd ------------------------------------------------------


def test_istio_namespace_label_in_another_file(tmp_path):
    ns = namespace(labels="istio.io/rev: asm-1-20", annotations=INJECT)
    app = deployment()
    r = lint(tmp_path, {"ns.yaml": ns, "app.yaml": app}, "LNK108")
    assert places(r, "LNK108") == [("app.yaml", *at(app, "template"))]
    assert {(x.path, x.span.line) for x in r.findings[0].related} == {("ns.yaml", 6), ("ns.yaml", 8)}


def test_istio_annotation_on_pod(tmp_path):
    app = deployment(annotations=INJECT + '\nsidecar.istio.io/inject: "true"')
    r = lint(tmp_path, {"app.yaml": app}, "LNK108")
    assert places(r, "LNK108") == [("app.yaml", *at(app, '"true"'))]


@pytest.mark.parametrize(
    "ns_labels, pod_labels",
    [("istio-injection: enabled", 'sidecar.istio.io/inject: "false"'), ("istio-injection: disabled", 'sidecar.istio.io/inject: "true"')],
    ids=["pod-opts-out", "namespace-disables-istio"],
)
def test_istio_opt_outs(tmp_path, ns_labels, pod_labels):
    files = {"ns.yaml": namespace(labels=ns_labels, annotations=INJECT), "app.yaml": deployment(labels=pod_labels)}
    assert places(lint(tmp_path, files, "LNK108")) == []


def test_istio_request_on_pod_linkerd_does_not_inject_is_quiet(tmp_path):
    app = deployment(annotations='linkerd.io/inject: disabled\nsidecar.istio.io/inject: "true"')
    assert places(lint(tmp_path, {"app.yaml": app}, "LNK108")) == []


# -- LNK109 never-injected-here ----------------------------------------------------


def test_admission_webhooks_label_in_namespace_file(tmp_path):
    ns = namespace(name="legacy", labels="config.linkerd.io/admission-webhooks: disabled")
    app = deployment(ns="legacy", annotations=INJECT)
    r = lint(tmp_path, {"ns.yaml": ns, "app.yaml": app}, "LNK109")
    assert places(r, "LNK109") == [("app.yaml", *at(app, "enabled"))]
    assert [(x.path, x.span.line) for x in r.findings[0].related] == [("ns.yaml", 6)]


def test_kube_system_only_from_2_12(tmp_path):
    app = deployment(ns="kube-system", annotations=INJECT)
    assert places(lint(tmp_path, {"app.yaml": app}, "LNK109")) == [("app.yaml", *at(app, "enabled"))]
    assert places(lint(tmp_path, {"app.yaml": app}, "LNK109", config={"linkerd-version": "2.11"})) == []


def test_object_selector_label(tmp_path):
    app = deployment(annotations=INJECT, labels="linkerd.io/cni-resource: \"true\"")
    r = lint(tmp_path, {"app.yaml": app}, "LNK109")
    assert places(r, "LNK109") == [("app.yaml", *at(app, "enabled"))]
    assert "linkerd.io/cni-resource" in messages(r)[0]


# -- LNK110 admission-webhooks-as-annotation ---------------------------------------


def test_admission_webhooks_annotation_and_unsafe_fix(tmp_path):
    ns = namespace(name="legacy", labels="team: a", annotations="config.linkerd.io/admission-webhooks: disabled\nowner: b")
    r = lint(tmp_path, {"ns.yaml": ns}, "LNK110")
    assert places(r, "LNK110") == [("ns.yaml", *at(ns, "config.linkerd.io"))]
    assert r.findings[0].fix is not None and not r.findings[0].fix.safe
    run = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--select", "LNK110", "--fix", "--unsafe-fixes", "ns.yaml"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "ns.yaml").read_text() == namespace(
        name="legacy", labels="team: a\nconfig.linkerd.io/admission-webhooks: disabled", annotations="owner: b"
    )


def test_admission_webhooks_annotation_on_pod_has_no_fix(tmp_path):
    app = deployment(annotations="config.linkerd.io/admission-webhooks: disabled")
    r = lint(tmp_path, {"app.yaml": app}, "LNK110")
    assert places(r, "LNK110") == [("app.yaml", *at(app, "config.linkerd.io"))]
    assert r.findings[0].fix is None


# -- LNK111 inject-without-effect --------------------------------------------------


def test_inject_on_configmap_is_removed_by_fix(tmp_path):
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    a: b\n    linkerd.io/inject: enabled\n"
    r = lint(tmp_path, {"cm.yaml": cm}, "LNK111")
    assert places(r, "LNK111") == [("cm.yaml", 7, 5)]
    run = subprocess.run([sys.executable, "-m", "linter", "check", "--select", "LNK111", "--fix", "cm.yaml"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "cm.yaml").read_text() == cm.replace("    linkerd.io/inject: enabled\n", "")


@pytest.mark.parametrize("kind, api", [("Namespace", "v1"), ("Knative", "serving.knative.dev/v1"), ("Pod", "v1")])
def test_inject_where_it_may_work_is_quiet(tmp_path, kind, api):
    doc = f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: x\n  annotations:\n    {INJECT}\n"
    assert places(lint(tmp_path, {"x.yaml": doc}, "LNK111")) == []


# -- LNK112 hand-written-linkerd-container ------------------------------------------


MANUAL = ["- name: app\n  image: nginx", "- name: linkerd-proxy\n  image: cr.l5d.io/linkerd/proxy:stable-2.14.10"]


def test_frozen_manual_injection(tmp_path):
    app = deployment(containers=MANUAL)
    r = lint(tmp_path, {"app.yaml": app, "ns.yaml": namespace()}, "LNK112")
    assert places(r, "LNK112") == [("app.yaml", *at(app, "linkerd-proxy"))]


def test_hand_written_proxy_but_injection_requested_is_lnk107s(tmp_path):
    app = deployment(annotations=INJECT, containers=MANUAL)
    r = lint(tmp_path, {"app.yaml": app}, ["LNK107", "LNK112"])
    assert [f.rule_id for f in r.findings] == ["LNK107"]


@pytest.mark.parametrize(
    "labels, containers",
    [
        ("linkerd.io/control-plane-component: destination", MANUAL),
        ("", ["- name: app\n  image: nginx", "- name: linkerd-debug\n  image: cr.l5d.io/linkerd/debug:stable-2.12.2"]),
    ],
    ids=["control-plane", "lone-debug-container"],
)
def test_hand_written_quiet_cases(tmp_path, labels, containers):
    app = deployment(labels=labels, containers=containers)
    assert places(lint(tmp_path, {"app.yaml": app}, "LNK112")) == []


def test_object_selector_only_from_2_12(tmp_path):
    app = deployment(annotations=INJECT, labels="linkerd.io/control-plane-component: web")
    assert places(lint(tmp_path, {"app.yaml": app}, "LNK109", config={"linkerd-version": "2.11"})) == []


def test_inject_on_linkerd_rendered_service_is_quiet(tmp_path):
    svc = (
        "kind: Service\napiVersion: v1\nmetadata:\n  name: metrics-api\n  namespace: linkerd-viz\n"
        "  labels:\n    linkerd.io/extension: viz\n  annotations:\n    linkerd.io/created-by: linkerd/helm edge-25.4.4\n"
        "    linkerd.io/inject: enabled\nspec:\n  ports: [{port: 8085}]\n"
    )
    assert places(lint(tmp_path, {"svc.yaml": svc}, "LNK111")) == []


# -- Flux variables in the injector's gates ----------------------------------------
# Flux substitutes after kustomize build has dropped the quotes, so `"${HN:=true}"` reaches the
# cluster as the boolean true; a variable without a default leaves the pod's mesh state unknown.

PORT_4191 = ["- name: app\n  image: nginx\n  ports: [{containerPort: 4191}]"]


def _context(tmp_path):
    import json

    run = subprocess.run([sys.executable, "-m", "linter", "context", "--format", "json", "."],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return {p["object"]: (p["meshed"], p["reason"]) for p in json.loads(run.stdout)["pod_templates"]}


@pytest.mark.parametrize("value", ["${HOST_NETWORK:=true}", '"${HOST_NETWORK:=true}"', "${HOST_NETWORK:-yes}"])
def test_host_network_default_true_is_judged(tmp_path, value):
    app = deployment(annotations=INJECT, spec=f"hostNetwork: {value}", containers=PORT_4191)
    r = lint(tmp_path, {"app.yaml": app}, ["LNK106", "LNK301"])
    # not injected: LNK106 at the value, and no proxy-port collision (there is no proxy)
    assert [(f.rule_id, f.span.line, f.span.col) for f in r.findings] == [("LNK106", *at(app, value))]
    assert f"the default of {value.strip(chr(34))}" in messages(r)[0]
    assert _context(tmp_path)["Deployment shop/web"] == ("no", "host_network_enabled")


def test_host_network_default_false_is_meshed(tmp_path):
    app = deployment(annotations=INJECT, spec='hostNetwork: "${HOST_NETWORK:=false}"', containers=PORT_4191)
    r = lint(tmp_path, {"app.yaml": app}, ["LNK106", "LNK301"])
    assert [(f.rule_id, f.span.line, f.span.col) for f in r.findings] == [("LNK301", *at(app, "4191"))]


def test_host_network_without_default_leaves_mesh_unknown(tmp_path):
    app = deployment(annotations=INJECT, spec="hostNetwork: ${HOST_NETWORK}", containers=PORT_4191)
    r = lint(tmp_path, {"app.yaml": app}, ["LNK106", "LNK301", "LNK201"])
    assert places(r) == []  # neither "skipped" nor "meshed": meshed-only rules stay quiet
    assert _context(tmp_path)["Deployment shop/web"] == ("unknown", "host_network_unresolved")


def test_host_network_unknown_but_another_gate_skips_for_certain(tmp_path):
    ns = namespace(labels="config.linkerd.io/admission-webhooks: disabled", annotations=INJECT)
    app = deployment(spec="hostNetwork: ${HOST_NETWORK}")
    r = lint(tmp_path, {"ns.yaml": ns, "app.yaml": app}, ["LNK106", "LNK109"])
    assert [(f.rule_id, f.path, f.span.line, f.span.col) for f in r.findings] == [("LNK109", "app.yaml", *at(app, "template"))]


def test_admission_webhooks_label_default_disabled_across_files(tmp_path):
    ns = namespace(labels='config.linkerd.io/admission-webhooks: "${AW:=disabled}"')
    app = deployment(annotations=INJECT, containers=PORT_4191)
    r = lint(tmp_path, {"ns.yaml": ns, "app.yaml": app}, ["LNK109", "LNK301"])
    assert [(f.rule_id, f.path, f.span.line, f.span.col) for f in r.findings] == [("LNK109", "app.yaml", *at(app, "enabled"))]
    assert [(x.path, x.span.line, x.span.col) for x in r.findings[0].related] == [("ns.yaml", *at(ns, '"${AW'))]
    assert _context(tmp_path)["Deployment shop/web"] == ("no", "admission_webhooks_disabled")


def test_admission_webhooks_label_default_enabled_is_meshed(tmp_path):
    ns = namespace(labels='config.linkerd.io/admission-webhooks: "${AW:=enabled}"')
    app = deployment(annotations=INJECT, containers=PORT_4191)
    r = lint(tmp_path, {"ns.yaml": ns, "app.yaml": app}, ["LNK109", "LNK301"])
    assert [(f.rule_id, f.span.line, f.span.col) for f in r.findings] == [("LNK301", *at(app, "4191"))]


def test_admission_webhooks_label_without_default_leaves_mesh_unknown(tmp_path):
    ns = namespace(labels='config.linkerd.io/admission-webhooks: "${AW}"')
    app = deployment(annotations=INJECT, containers=PORT_4191)
    assert places(lint(tmp_path, {"ns.yaml": ns, "app.yaml": app}, ["LNK109", "LNK301"])) == []
    assert _context(tmp_path)["Deployment shop/web"] == ("unknown", "admission_webhooks_unresolved")


# -- LNK107 / LNK112 across files, and pods the injector wrote ------------------------------------


def test_sidecar_present_with_injection_from_namespace_in_another_file(tmp_path):
    ns = namespace(annotations=INJECT)
    app = deployment(containers=MANUAL)
    r = lint(tmp_path, {"ns.yaml": ns, "app.yaml": app}, ["LNK107", "LNK112"])
    # the Namespace asks for injection, so the hand-written proxy is LNK107's, not LNK112's
    assert [(f.rule_id, f.path, f.span.line, f.span.col) for f in r.findings] == [
        ("LNK107", "app.yaml", *at(app, "linkerd-proxy"))
    ]
    assert [(x.path, x.span.line, x.span.col) for x in r.findings[0].related] == [("ns.yaml", *at(ns, "enabled"))]
    # without the Namespace file the request is unknown: neither rule claims it for certain
    r = lint(tmp_path / "alone", {"app.yaml": app}, ["LNK107", "LNK112"])
    assert [(f.rule_id, f.span.line, f.span.col) for f in r.findings] == [("LNK112", *at(app, "linkerd-proxy"))]


def pod_doc(created_by, inject=False):
    ann = f"    linkerd.io/created-by: {created_by}\n" + (f"    {INJECT}\n" if inject else "")
    return (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-7d9\n  namespace: shop\n  annotations:\n" + ann
        + "spec:\n  initContainers:\n    - name: linkerd-init\n      image: cr.l5d.io/linkerd/proxy-init:v2.4.2\n"
        "  containers:\n    - name: linkerd-proxy\n      image: cr.l5d.io/linkerd/proxy:edge-25.4.4\n"
        "    - name: web\n      image: nginx\n"
    )


def test_pod_written_by_the_injector_is_left_alone(tmp_path):
    doc = pod_doc("linkerd/proxy-injector edge-25.4.4")
    assert places(lint(tmp_path, {"pod.yaml": doc}, ["LNK107", "LNK112"])) == []
    doc = pod_doc("linkerd/proxy-injector edge-25.4.4", inject=True)  # the injector keeps the request on the pod
    assert places(lint(tmp_path, {"pod.yaml": doc}, ["LNK107", "LNK112"])) == []


def test_output_of_linkerd_inject_manual_is_reported(tmp_path):
    doc = pod_doc("linkerd/cli stable-2.14.10")
    r = lint(tmp_path, {"pod.yaml": doc}, ["LNK107", "LNK112"])
    assert [(f.rule_id, f.span.line, f.span.col) for f in r.findings] == [("LNK112", *at(doc, "linkerd-init"))]
    assert "linkerd-init, linkerd-proxy" in messages(r)[0]
