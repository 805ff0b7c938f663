"""Every value check judges a Flux variable's default and stays quiet when a variable has none.

Flux post-build substitution writes ``${VAR}``, ``${VAR:=default}`` and ``${VAR:-default}``
into manifests; until deploy time only the default is known.
"""

import pytest

from .lintkit import lint, places

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
