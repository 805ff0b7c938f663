"""The effective mesh configuration follows the injector's decision table (pkg/inject/report.go)."""

import pytest

from linter.api import lint_text
from linter.config import Settings
from linter.inventory import Inventory
from linter.model import resources_of
from linter.source import parse_text


def _pod(annotation=None, labels=None, host_network=False, namespace="app", containers=None):
    ann = f"\n      annotations:\n        linkerd.io/inject: {annotation}" if annotation is not None else ""
    lab = "".join(f"\n        {k}: {v}" for k, v in (labels or {}).items())
    lab = f"\n      labels:{lab}" if lab else ""
    hn = "\n      hostNetwork: true" if host_network else ""
    cont = containers or "[{name: app, image: nginx}]"
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: {namespace}\nspec:\n"
        f"  template:\n    metadata:\n      name: x{ann}{lab}\n    spec:{hn}\n      containers: {cont}\n"
    )


def _ns(annotation=None, name="app", labels=None):
    ann = f"\n  annotations:\n    linkerd.io/inject: {annotation}" if annotation is not None else ""
    lab = "".join(f"\n    {k}: {v}" for k, v in (labels or {}).items())
    lab = f"\n  labels:{lab}" if lab else ""
    return f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}{ann}{lab}\n"


def decide(pod_text, ns_text=None, settings=None):
    inv = Inventory(settings or Settings())
    if ns_text is not None:
        for r in resources_of("ns.yaml", 0, parse_text("ns.yaml", ns_text).documents[0].data, "default"):
            inv.add_namespace(r)
    res = resources_of("d.yaml", 0, parse_text("d.yaml", pod_text).documents[0].data, "default")[0]
    return inv.mesh(res.pod_template)


@pytest.mark.parametrize(
    "ns, pod, requested, reason",
    [
        ('"true"', "enabled", False, "invalid_inject_annotation_at_ns"),
        ("enabled", '"true"', False, "invalid_inject_annotation_at_workload"),
        ("enabled", None, True, "annotation_at_namespace"),
        ("enabled", "enabled", True, "annotation_at_workload"),
        ("ingress", None, True, "annotation_at_namespace"),
        ("enabled", "disabled", False, "injection_disable_annotation_present"),
        ("disabled", "enabled", True, "annotation_at_workload"),
        (None, "enabled", True, "annotation_at_workload"),
        (None, "ingress", True, "annotation_at_workload"),
        ("disabled", None, False, "injection_enable_annotation_absent"),
        (None, None, False, "injection_enable_annotation_absent"),
        (None, '""', False, "injection_enable_annotation_absent"),
        ("enabled", "Enabled", False, "invalid_inject_annotation_at_workload"),
    ],
)
def test_decision_table(ns, pod, requested, reason):
    cfg = decide(_pod(pod), _ns(ns))
    assert (cfg.requested, cfg.reason) == (requested, reason)
    assert cfg.injected is requested


def test_unknown_when_namespace_not_in_input():
    cfg = decide(_pod(None))
    assert cfg.requested is None and cfg.injected is None and not cfg.meshed


def test_pod_decides_without_namespace():
    assert decide(_pod("enabled")).meshed
    assert decide(_pod("disabled")).requested is False


def test_gitops_variables():
    assert decide(_pod('"${INJECT:=enabled}"')).meshed
    assert decide(_pod('"${INJECT}"'), _ns("enabled")).requested is None


@pytest.mark.parametrize(
    "kwargs, ns_kwargs, gate",
    [
        ({"host_network": True}, {}, "host_network_enabled"),
        ({"containers": "[{name: linkerd-proxy, image: x}]"}, {}, "sidecar_already_exists"),
        ({"containers": "[{name: app, image: 'gcr.io/istio-release/proxyv2:1.20'}]"}, {}, "sidecar_already_exists"),
        ({"namespace": "kube-system"}, {"name": "kube-system"}, "namespace_excluded_by_webhook"),
        ({}, {"labels": {"config.linkerd.io/admission-webhooks": "disabled"}}, "admission_webhooks_disabled"),
        ({"labels": {"linkerd.io/control-plane-component": "destination"}}, {}, "excluded_by_object_selector"),
    ],
)
def test_injector_gates(kwargs, ns_kwargs, gate):
    cfg = decide(_pod("enabled", **kwargs), _ns("enabled", **ns_kwargs))
    assert cfg.requested is True and cfg.injected is False and cfg.reason == gate


def test_inheritance_and_provenance():
    ns = (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n  annotations:\n"
        "    linkerd.io/inject: enabled\n"
        "    config.linkerd.io/proxy-memory-limit: 256Mi\n"
        "    config.linkerd.io/proxy-cpu-ratio-limit: \"0.5\"\n"  # not inherited (inject.go lists)
        "    config.linkerd.io/proxy-cpu-limit: \"1\"\n"
    )
    pod = _pod(None).replace("      name: x", "      name: x\n      annotations:\n        config.linkerd.io/proxy-cpu-limit: \"2\"")
    cfg = decide(pod, ns)
    mem = cfg.get("config.linkerd.io/proxy-memory-limit")
    assert (mem.value, mem.source, mem.file, mem.span.line) == ("256Mi", "namespace", "ns.yaml", 7)
    assert cfg.get("config.linkerd.io/proxy-cpu-limit").value == "2"
    assert cfg.get("config.linkerd.io/proxy-cpu-limit").source == "pod"
    assert cfg.get("config.linkerd.io/proxy-cpu-ratio-limit") is None


def test_config_proxy_defaults_are_the_baseline():
    s = Settings()
    s.proxy_defaults = {"config.linkerd.io/proxy-memory-limit": "300Mi"}
    cfg = decide(_pod("enabled"), settings=s)
    assert cfg.get("config.linkerd.io/proxy-memory-limit").source == "config"


def test_cross_file_namespace_finding_names_related_location(tmp_path):
    (tmp_path / "ns.yaml").write_text(_ns("enabled"))
    (tmp_path / ".git").mkdir()
    result = lint_text(_pod(None), "deploy.yaml", cwd=str(tmp_path), context=[str(tmp_path / "ns.yaml")], select=["LNK201"])
    [f] = result.findings
    assert (f.path, f.span.line, f.span.col) == ("deploy.yaml", 7, 3)
    assert [(r.path, r.span.line, r.span.col) for r in f.related] == [("ns.yaml", 6, 24)]


def test_selector_gates_arrived_in_2_12():
    s = Settings()
    s.linkerd_version = (2, 11)
    cfg = decide(_pod("enabled", namespace="kube-system"), _ns("enabled", name="kube-system"), settings=s)
    assert cfg.injected is True
    cfg = decide(_pod("enabled", labels={"linkerd.io/control-plane-component": "x"}), _ns("enabled"), settings=s)
    assert cfg.injected is True
