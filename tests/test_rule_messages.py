"""Messages speak YAML, not Python; LNK102/LNK103 cover the keys Linkerd checks and no others;
LNK001 shows where an unclosed construct opened."""

import os
import tomllib

from tests.conftest import ROOT
from tests.lintkit import at, lint, messages

DEPLOYMENT = (
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata:\n"
    "  name: web\n"
    "  annotations:\n"
    "{own}"
    "spec:\n"
    "  selector:\n"
    "    matchLabels: {{app: web}}\n"
    "  template:\n"
    "    metadata:\n"
    "      labels: {{app: web}}\n"
    "      annotations:\n"
    "        linkerd.io/inject: enabled\n"
    "{pod}"
    "    spec:\n"
    "      containers: [{{name: web, image: nginx}}]\n"
)


def found(result):
    return [(f.rule_id, f.span.line, f.span.col) for f in result.findings]


def test_admission_webhooks_on_workload_metadata_is_not_lnk102(tmp_path):
    text = DEPLOYMENT.format(own="    config.linkerd.io/admission-webhooks: disabled\n", pod="")
    assert lint(tmp_path, {"d.yaml": text}, "LNK102").findings == []


def test_control_another_config_key_on_workload_metadata_is_lnk102(tmp_path):
    text = DEPLOYMENT.format(own="    config.linkerd.io/proxy-cpu-limit: \"1\"\n", pod="")
    assert found(lint(tmp_path, {"d.yaml": text}, "LNK102")) == [("LNK102", *at(text, "config.linkerd.io/proxy-cpu-limit"))]


def test_lnk102_names_the_pod_templates_value_in_yaml_words(tmp_path):
    text = DEPLOYMENT.format(own="    config.linkerd.io/enable-debug-sidecar: \"false\"\n",
                             pod="        config.linkerd.io/enable-debug-sidecar: true\n")
    result = lint(tmp_path, {"d.yaml": text}, "LNK102")
    assert found(result) == [("LNK102", *at(text, "config.linkerd.io/enable-debug-sidecar"))]
    assert messages(result) == [
        "config.linkerd.io/enable-debug-sidecar on the Deployment's own metadata differs from the pod template's "
        "value the boolean true; only the pod template's is used"
    ]


NS = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    linkerd.io/inject: {value}\n"


def test_lnk101_says_list_not_yseq(tmp_path):
    text = NS.format(value="[enabled]")
    result = lint(tmp_path, {"ns.yaml": text}, "LNK101")
    assert found(result) == [("LNK101", *at(text, "[enabled]"))]
    assert messages(result)[0].startswith("linkerd.io/inject is a list on Namespace shop: not one of enabled, ingress, disabled")


def test_lnk101_shows_the_text_and_the_yaml_type(tmp_path):
    result = lint(tmp_path, {"ns.yaml": NS.format(value="yes")}, "LNK101")
    assert messages(result)[0].startswith("linkerd.io/inject is yes (the YAML boolean true) on Namespace shop:")
    result = lint(tmp_path, {"ns.yaml": NS.format(value="1.0")}, "LNK101")
    assert messages(result)[0].startswith("linkerd.io/inject is 1.0 (the YAML number 1) on Namespace shop:")


SERVICE = (
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata:\n"
    "  name: db\n"
    "  labels:\n"
    "    app: db\n"
    "    {key}: \"5432\"\n"
    "spec:\n"
    "  selector: {{app: db}}\n"
    "  ports: [{{port: 5432}}]\n"
)


def test_lnk103_opaque_ports_as_a_service_label(tmp_path):
    text = SERVICE.format(key="config.linkerd.io/opaque-ports")
    result = lint(tmp_path, {"svc.yaml": text}, "LNK103")
    assert found(result) == [("LNK103", *at(text, "config.linkerd.io/opaque-ports"))]
    assert messages(result) == ["config.linkerd.io/opaque-ports is a label on Service db; Linkerd reads it only as an annotation"]
    assert result.findings[0].fix is not None and result.findings[0].fix.description.startswith("move config.linkerd.io/opaque-ports")


def test_lnk103_other_service_labels_are_quiet(tmp_path):
    assert lint(tmp_path, {"svc.yaml": SERVICE.format(key="mirror.linkerd.io/exported")}, "LNK103").findings == []
    assert lint(tmp_path, {"svc.yaml": SERVICE.format(key="config.linkerd.io/admission-webhooks")}, "LNK103").findings == []


def test_lnk001_points_at_where_the_quote_opened(tmp_path):
    text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "broken\n  labels: {a: b}\n'
    result = lint(tmp_path, {"q.yaml": text}, "LNK001")
    assert found(result) == [("LNK001", 5, 17)]  # the end of the text, where the quote is still open
    (rel,) = result.findings[0].related
    assert (rel.path, rel.span.line, rel.span.col, rel.message) == ("q.yaml", *at(text, '"broken'), "the quoted scalar starts here")


def test_lnk001_flow_mapping_context(tmp_path):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x,\n  labels: {a: b}\ndata: 1\n"
    result = lint(tmp_path, {"f.yaml": text}, "LNK001")
    assert found(result) == [("LNK001", 5, 1)]
    assert [(r.span.line, r.span.col, r.message) for r in result.findings[0].related] == [
        (*at(text, "{name"), "the flow mapping starts here")]


def test_memory_rules_cite_no_unverifiable_page():
    from linter.registry import Registry

    rules = Registry.load(plugins=False).rules
    for rid in ("LNK201", "LNK204"):
        refs = rules[rid].references
        assert not any("configuring-proxy-resources" in r for r in refs), refs
        assert any("charts/linkerd-control-plane/values.yaml" in r for r in refs)


def test_package_data_names_files_that_exist():
    import glob

    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as fh:
        tool = tomllib.load(fh)["tool"]["setuptools"]
    dirs = tool.get("package-dir", {})
    for package, patterns in tool.get("package-data", {}).items():
        base = os.path.join(ROOT, dirs.get(package, package.replace(".", "/")))
        for p in patterns:
            assert glob.glob(os.path.join(base, p)), f"package-data {package}: {p} matches nothing"
