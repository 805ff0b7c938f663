"""LNK201: a proxy memory limit the injector ignores (not a Kubernetes quantity) is no limit."""

from tests.lintkit import at, lint, messages

POD = (
    "apiVersion: v1\n"
    "kind: Pod\n"
    "metadata:\n"
    "  name: web\n"
    "  namespace: shop\n"
    "  annotations:\n"
    "    linkerd.io/inject: enabled\n"
    "    config.linkerd.io/proxy-memory-limit: {limit}\n"
    "spec:\n"
    "  containers: [{{name: web, image: nginx}}]\n"
)


def test_an_invalid_limit_is_reported_as_missing_even_with_lnk202_off(tmp_path):
    text = POD.format(limit="256MB")
    result = lint(tmp_path, {"pod.yaml": text}, ["LNK201"])
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK201", *at(text, "256MB"))]
    assert messages(result) == [
        "meshed Pod web has no usable proxy memory limit: config.linkerd.io/proxy-memory-limit '256MB' is not a "
        "Kubernetes quantity, so the proxy injector ignores it and the linkerd-proxy container can grow without bound"
    ]


def test_with_lnk202_both_speak(tmp_path):
    text = POD.format(limit="1 Gi")
    result = lint(tmp_path, {"pod.yaml": text}, ["LNK201", "LNK202"])
    assert sorted((f.rule_id, f.span.line, f.span.col) for f in result.findings) == [
        ("LNK201", *at(text, "1 Gi")), ("LNK202", *at(text, "1 Gi")),
    ]


def test_control_a_valid_limit_is_quiet(tmp_path):
    assert lint(tmp_path, {"pod.yaml": POD.format(limit="256Mi")}, ["LNK201"]).findings == []


def test_the_control_plane_default_applies_when_the_pod_value_is_ignored(tmp_path):
    text = POD.format(limit="256MB")
    result = lint(tmp_path, {"pod.yaml": text}, ["LNK201"], config={"proxy-defaults": {"proxy-memory-limit": "512Mi"}})
    assert result.findings == []


def test_an_invalid_namespace_value_points_at_the_pod_and_names_the_namespace(tmp_path):
    ns = (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n"
        "    linkerd.io/inject: enabled\n    config.linkerd.io/proxy-memory-limit: 256mb\n"
    )
    pod = POD.format(limit="x").replace("    linkerd.io/inject: enabled\n    config.linkerd.io/proxy-memory-limit: x\n", "    a: b\n")
    result = lint(tmp_path, {"ns.yaml": ns, "pod.yaml": pod}, ["LNK201"])
    assert [(f.path, f.span.line, f.span.col) for f in result.findings] == [("pod.yaml", *at(pod, "kind"))]
    f = result.findings[0]
    assert "'256mb' (inherited from the Namespace) is not a Kubernetes quantity" in f.message
    assert [(r.path, r.span.line, r.span.col) for r in f.related] == [("ns.yaml", *at(ns, "enabled")), ("ns.yaml", *at(ns, "256mb"))]
