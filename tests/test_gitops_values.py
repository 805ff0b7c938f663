"""Every value check judges a Flux variable's default and stays quiet when a variable has none.

Flux post-build substitution writes ``${VAR}``, ``${VAR:=default}`` and ``${VAR:-default}``
into manifests; until deploy time only the default is known.
"""

import pytest

from .lintkit import at, lint, messages, places

POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n  annotations:\n"
    "    linkerd.io/inject: enabled\n{ann}spec:\n  containers:\n    - name: web\n      image: nginx\n"
    "      ports:\n        - containerPort: {port}\n"
)
NS = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"


def pod(annotation, port=80):
    return POD.format(ann=f"    {annotation}\n", port=port)


def svc(annotations, ports="    - port: 80\n      targetPort: 7000\n"):
    return (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n  annotations:\n"
        f"    {annotations}\nspec:\n  selector: {{app: web}}\n  ports:\n{ports}"
    )


OPAQUE_7000 = POD.format(ann='    config.linkerd.io/opaque-ports: "7000"\n', port=7000).replace(
    "  name: web\n  namespace", "  name: web\n  labels: {app: web}\n  namespace"
)

# rule, files ({v} is the value under test), a bad default, a good default
CASES = [
    ("LNK101", {"a.yaml": POD.format(ann="", port=80).replace("enabled", '"{v}"')}, "true", "enabled"),
    ("LNK202", {"a.yaml": pod('config.linkerd.io/proxy-memory-limit: "{v}"')}, "128MB", "128Mi"),
    (
        "LNK203",
        {"a.yaml": pod('config.linkerd.io/proxy-memory-limit: 256Mi\n    config.linkerd.io/proxy-memory-request: "{v}"')},
        "512Mi",
        "128Mi",
    ),
    ("LNK204", {"a.yaml": pod('config.linkerd.io/proxy-memory-limit: "{v}"')}, "20Mi", "128Mi"),
    ("LNK205", {"a.yaml": pod('config.linkerd.io/proxy-await: "{v}"')}, "true", "enabled"),
    ("LNK206", {"a.yaml": pod('config.linkerd.io/proxy-log-http-headers: "{v}"')}, "yes", "off"),
    ("LNK207", {"a.yaml": svc('timeout.linkerd.io/request: "{v}"')}, "1m30s", "90s"),
    ("LNK301", {"a.yaml": pod('config.linkerd.io/admin-port: "{v}"', port=8080)}, "8080", "9990"),
    ("LNK302", {"a.yaml": pod('config.linkerd.io/skip-outbound-ports: "{v}"')}, "25, 587", "25,587"),
    ("LNK303", {"a.yaml": pod('config.linkerd.io/opaque-ports: "{v}"', port=3306)}, "8080", "3306,8080"),
    ("LNK304", {"ns.yaml": NS, "pod.yaml": OPAQUE_7000, "svc.yaml": svc('config.linkerd.io/opaque-ports: "{v}"')}, "9999", "80"),
    ("LNK305", {"a.yaml": svc('config.linkerd.io/opaque-ports: "{v}"', "    - name: mysql\n      port: 3306\n")}, "mysql", "3306"),
    ("LNK306", {"a.yaml": pod('config.linkerd.io/opaque-ports: "{v}"', port=4222)}, "8080", "4222"),
]


def _files(files, value):
    return {name: text.replace("{v}", value) for name, text in files.items()}


@pytest.mark.parametrize("rule, files, bad, good", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("form", ["${{VAR:={}}}", "${{VAR:-{}}}", "${{VAR={}}}"], ids=[":=", ":-", "="])
def test_bad_default_is_judged(tmp_path, rule, files, bad, good, form):
    assert len(places(lint(tmp_path, _files(files, form.format(bad)), rule), rule)) == 1


@pytest.mark.parametrize("rule, files, bad, good", CASES, ids=[c[0] for c in CASES])
def test_good_default_is_clean(tmp_path, rule, files, bad, good):
    assert places(lint(tmp_path, _files(files, "${VAR:=" + good + "}"), rule)) == []


@pytest.mark.parametrize("rule, files, bad, good", CASES, ids=[c[0] for c in CASES])
def test_variable_without_default_is_quiet(tmp_path, rule, files, bad, good):
    assert places(lint(tmp_path, _files(files, "${VAR}"), rule)) == []
    # and the plain bad value does fire, so the quiet result above means something
    assert len(places(lint(tmp_path, _files(files, bad), rule), rule)) == 1


def test_variable_inside_a_value(tmp_path):
    doc = pod('config.linkerd.io/skip-outbound-ports: "25,${EXTRA:=587, 465}"')
    assert len(places(lint(tmp_path, {"a.yaml": doc}, "LNK302"))) == 1
    doc = pod('config.linkerd.io/skip-outbound-ports: "25,${EXTRA}"')
    assert places(lint(tmp_path, {"a.yaml": doc}, "LNK302")) == []


# -- Flux value types: kustomize build drops quotes, so a substituted default has its YAML type --------
# (fluxcd/kustomize-controller docs/spec/v1/kustomizations.md, "Post build substitution of numbers and booleans")


def test_admin_port_default_collides_and_is_substituted_as_a_number(tmp_path):
    doc = pod('config.linkerd.io/admin-port: "${VAR:=8080}"', port=8080)
    r = lint(tmp_path, {"a.yaml": doc}, ["LNK301", "LNK104"])
    # the proxy's admin port moves onto the app's port (LNK301), and the annotation reaches the
    # API server as the number 8080 (LNK104): both are true of the default
    assert sorted((f.rule_id, f.span.line, f.span.col) for f in r.findings) == [
        ("LNK104", *at(doc, '"${VAR')),
        ("LNK301", *at(doc, "8080", 2)),
    ]


def test_flux_quote_idiom_keeps_a_string_and_the_value_is_still_judged(tmp_path):
    doc = pod("config.linkerd.io/admin-port: ${quote}${VAR:=8080}${quote}", port=8080)
    r = lint(tmp_path, {"a.yaml": doc}, ["LNK301", "LNK104"])
    assert [(f.rule_id, f.span.line, f.span.col) for f in r.findings] == [("LNK301", *at(doc, "8080", 2))]


def metadata_doc(annotations="", labels="", extra=""):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
    if labels:
        text += "  labels:\n" + "".join(f"    {line}\n" for line in labels.splitlines())
    if annotations:
        text += "  annotations:\n" + "".join(f"    {line}\n" for line in annotations.splitlines())
    return text + extra


def test_lnk104_judges_the_substituted_type(tmp_path):
    doc = metadata_doc(
        annotations="config.linkerd.io/enable-debug-sidecar: ${DBG:=true}\nconfig.linkerd.io/proxy-uid: \"${UID:=2102}\"",
        labels='team: "${TEAM:=123}"\nenv: ${ENV:=prod}',
    )
    r = lint(tmp_path, {"a.yaml": doc}, "LNK104")
    assert places(r) == [("a.yaml", *at(doc, '"${TEAM')), ("a.yaml", *at(doc, "${DBG")), ("a.yaml", *at(doc, '"${UID'))]
    team, dbg, uid = messages(r)
    assert "Flux substitutes it as the YAML number 123" in team
    assert "Flux substitutes it as the YAML boolean true" in dbg
    assert "YAML number 2102" in uid
    assert "${quote}${DBG:=true}${quote} with quote: '\"'" in dbg and "quoting it here does not help" in dbg
    assert all(f.fix is None for f in r.findings)  # quoting the source would not help


def test_lnk104_names_the_boolean_a_yaml_1_1_word_becomes(tmp_path):
    doc = metadata_doc(labels='mirror.linkerd.io/exported: "${EXP:=yes}"')
    r = lint(tmp_path, {"a.yaml": doc}, "LNK104")
    assert places(r) == [("a.yaml", *at(doc, '"${EXP'))]
    assert "Flux substitutes it as the YAML boolean yes (that is, true)" in messages(r)[0]


@pytest.mark.parametrize(
    "value",
    ["${DBG}", '"${DBG}"', "${quote}${DBG:=true}${quote}", '"${NAME:=web}"', "${V:=1.2.3}", "x-${N:=1}", "${E:=}"],
    ids=["no-default", "quoted-no-default", "flux-quote-idiom", "string", "version", "prefix", "empty"],
)
def test_lnk104_quiet_when_the_substituted_value_is_a_string_or_unknown(tmp_path, value):
    doc = metadata_doc(annotations=f"example.com/flag: {value}")
    assert places(lint(tmp_path, {"a.yaml": doc}, "LNK104")) == []


def test_lnk104_quiet_where_flux_does_not_substitute(tmp_path):
    doc = metadata_doc(annotations="example.com/flag: ${DBG:=true}", labels="kustomize.toolkit.fluxcd.io/substitute: disabled")
    assert places(lint(tmp_path, {"a.yaml": doc}, "LNK104")) == []
    # control: where Flux substitutes, the same value is judged
    doc = metadata_doc(annotations="example.com/flag: ${DBG:=true}")
    assert places(lint(tmp_path, {"a.yaml": doc}, "LNK104")) == [("a.yaml", *at(doc, "${DBG"))]


def test_lnk104_leaves_the_inject_annotation_to_lnk101(tmp_path):
    doc = POD.format(ann="", port=80).replace("enabled", '"${INJECT:=true}"')
    r = lint(tmp_path, {"a.yaml": doc}, ["LNK101", "LNK104"])
    assert [(f.rule_id, f.span.line, f.span.col) for f in r.findings] == [("LNK101", *at(doc, '"${INJECT'))]


def test_substituted_defaults_are_typed_as_kubernetes_reads_them(tmp_path):
    """go-yaml v2, not YAML 1.1: a default of y is the boolean true, 12:30 stays a string."""
    doc = metadata_doc(labels='short: "${S:=y}"\ntime: "${T:=12:30}"\nsci: "${N:=1e3}"')
    r = lint(tmp_path, {"a.yaml": doc}, "LNK104")
    assert places(r) == [("a.yaml", *at(doc, '"${S')), ("a.yaml", *at(doc, '"${N'))]
    short, sci = messages(r)
    assert "Flux substitutes it as the YAML boolean y (that is, true)" in short
    assert "YAML number 1e3" in sci
