"""LNK509 kubernetes-schema (opt-in) and how opt-in rules are selected."""

import json
import os
import subprocess
import sys

import pytest

from linter.api import LintError, load_registry, load_settings, selection

from .lintkit import at, lint, messages, places

pytest.importorskip("kubernetes_validate")  # the `schemas` extra (part of the `test` extra)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    tier: 1
spec:
  replicas: "3"
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      contianers:
        - name: web
      containers:
        - name: web
          image: nginx
          args: ["--port", 8080]
          env:
            - name: DEBUG
              value: yes
          ports:
            - containerPort: "80"
          resources:
            limits: {cpu: 1, memory: 1Gi}
            requests: {cpu: true}
status:
  replicas: "x"
"""


# -- selection of opt-in rules ---------------------------------------------------------------


@pytest.fixture(scope="module")
def registry():
    return load_registry(plugins=False)


def _chosen(registry, tmp_path, config=None, **kw):
    import yaml

    (tmp_path / ".git").mkdir(exist_ok=True)
    if config is not None:
        (tmp_path / ".linkerd-lint.yaml").write_text(yaml.safe_dump(config))
    settings = load_settings(str(tmp_path))
    return selection(registry, settings, **kw)


def test_opt_in_rule_is_not_in_default_all_or_prefix(registry, tmp_path):
    assert registry.rules["LNK509"].opt_in and not registry.rules["LNK508"].opt_in
    default = _chosen(registry, tmp_path)
    assert "LNK509" not in default and "LNK508" in default
    assert "LNK509" not in _chosen(registry, tmp_path, select=["ALL"])
    assert _chosen(registry, tmp_path, select=["LNK5"]) == {f"LNK50{i}" for i in range(1, 9)}
    assert "LNK509" not in _chosen(registry, tmp_path, select=["LNK50"], extend=["ALL"])


@pytest.mark.parametrize("how", [
    {"select": ["LNK509"]}, {"select": ["lnk509"]}, {"select": ["kubernetes-schema"]}, {"extend": ["LNK509"]},
])
def test_opt_in_rule_runs_when_named_on_the_command_line(registry, tmp_path, how):
    chosen = _chosen(registry, tmp_path, **how)
    assert "LNK509" in chosen
    assert ("LNK101" in chosen) == ("extend" in how)


@pytest.mark.parametrize("config, on", [
    ({"extend-select": ["LNK509"]}, True),
    ({"extend-select": ["kubernetes-schema"]}, True),
    ({"select": ["LNK509", "LNK1"]}, True),
    ({"select": ["ALL"]}, False),
    ({"extend-select": ["LNK5"]}, False),
    ({"extend-select": ["LNK509"], "ignore": ["LNK509"]}, False),
    ({"extend-select": ["LNK509"], "ignore": ["LNK5"]}, False),
])
def test_opt_in_rule_from_the_configuration(registry, tmp_path, config, on):
    assert ("LNK509" in _chosen(registry, tmp_path, config=config)) is on


def test_unknown_selector_still_an_error(registry, tmp_path):
    with pytest.raises(LintError):
        _chosen(registry, tmp_path, select=["LNK5099"])


def test_rules_command_marks_opt_in():
    out = subprocess.run([sys.executable, "-m", "linter", "rules"], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("LNK509"))
    assert line.split()[1:4] == ["kubernetes-schema", "error", "opt-in"]
    other = next(ln for ln in out.splitlines() if ln.startswith("LNK508"))
    assert "opt-in" not in other
    js = json.loads(subprocess.run([sys.executable, "-m", "linter", "rules", "-f", "json"], capture_output=True,
                                   text=True, cwd=ROOT, check=True).stdout)
    assert {r["id"] for r in js if r["opt_in"]} == {"LNK509"}


def test_default_check_does_not_run_it(tmp_path):
    (tmp_path / "d.yaml").write_text(DEPLOY)
    (tmp_path / ".git").mkdir()
    proc = subprocess.run([sys.executable, "-m", "linter", "check", "-f", "json", "."], capture_output=True, text=True,
                          cwd=tmp_path)
    assert "LNK509" not in {f["rule"] for f in json.loads(proc.stdout)["findings"]}


# -- findings ------------------------------------------------------------------------------------


def test_findings_at_exact_places_via_cli(tmp_path):
    (tmp_path / "d.yaml").write_text(DEPLOY)
    (tmp_path / ".git").mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "linter", "check", "-f", "json", "--kubernetes-version", "1.30", "--extend-select",
         "LNK509", "d.yaml"], capture_output=True, text=True, cwd=tmp_path)
    found = [(f["line"], f["column"], f["message"]) for f in json.loads(proc.stdout)["findings"] if f["rule"] == "LNK509"]
    assert [(ln, col) for ln, col, _ in found] == [
        at(DEPLOY, '"3"'),                      # replicas: a string
        at(DEPLOY, "contianers"),               # unknown field: its key
        at(DEPLOY, "8080"),                     # args item: a number
        at(DEPLOY, "yes"),                      # env value: a YAML 1.1 boolean
        at(DEPLOY, '"80"'),                     # containerPort: a string
        at(DEPLOY, "true"),                     # a quantity: a boolean
    ], found
    msgs = [m for _, _, m in found]
    assert msgs[0] == '`spec.replicas` is the string "3": it must be an integer (remove the quotes)'
    assert msgs[1].startswith("unknown field `spec.template.spec.contianers` (did you mean `containers`?): "
                              "kubectl apply rejects it")
    assert "`spec.template.spec.containers[0].args[1]` is the number 8080: it must be a string" in msgs[2]
    assert "the boolean true" in msgs[3] and "quote it" in msgs[3]
    assert msgs[5] == "`spec.template.spec.containers[0].resources.requests.cpu` is the boolean true: it must be a " \
                      "string or a number (YAML reads unquoted true/false/yes/no/on/off as booleans: quote it)"
    assert all(f["severity"] == "error" for f in json.loads(proc.stdout)["findings"] if f["rule"] == "LNK509")


def test_same_findings_through_lint_paths(tmp_path):
    r = lint(tmp_path, {"d.yaml": DEPLOY}, "LNK509", config={"kubernetes-version": "1.30"})
    assert places(r, "LNK509") == [("d.yaml", *at(DEPLOY, n)) for n in ('"3"', "contianers", "8080", "yes", '"80"', "true")]
    # LNK104 owns the label value `tier: 1`; `status` is never judged
    r = lint(tmp_path, {"d.yaml": DEPLOY}, ["LNK509", "LNK104"], config={"kubernetes-version": "1.30"})
    assert places(r, "LNK104") == [("d.yaml", at(DEPLOY, "tier: 1")[0], 11)]
    assert len(places(r, "LNK509")) == 6


QUIET = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  creationTimestamp: null
  annotations:
    example.com/port: 8080
spec:
  selector: {app: web}
  ports:
    - port: ${PORT}
      targetPort: http
      nodePort: ${NODE_PORT:=30080}
    - port: 81
      targetPort: 8081
  clusterIP: null
  externalIPs: [null]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: patch-only
spec:
  template:
    spec:
      containers:
        - name: web
          resources: {}
          securityContext:
            runAsUser: ${UID}
---
apiVersion: apps.example.com/v1
kind: Deployment
metadata: {name: custom}
spec: {anything: [1, 2], replicas: "x"}
---
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: s}
spec: {port: 8080, podSelector: {}, unknownField: 1}
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: old}
spec: {schedule: "* * * * *", bogus: 1}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: {x: 1}
"""


def test_quiet_where_the_api_server_accepts_or_another_rule_owns_it(tmp_path):
    r = lint(tmp_path, {"q.yaml": QUIET}, "LNK509", config={"kubernetes-version": "1.30"})
    assert places(r, "LNK509") == [], messages(r)


SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  trafficDistribution: PreferClose
  ports: [{port: 80}]
"""


@pytest.mark.parametrize("config, expected", [
    ({"kubernetes-version": "1.29"}, "unknown field `spec.trafficDistribution`: kubectl apply rejects it (strict field "
                                    "validation); other clients drop it with a warning (a field of Kubernetes 1.30 and later)"),
    ({"kubernetes-version": "1.30"}, None),
    ({"kubernetes-version": "v1.31.4-eks-abc"}, None),
    ({"kubernetes-version": "1.19"}, "(judged by the Kubernetes 1.25 schemas, the nearest shipped to 1.19)"),
    ({"linkerd-version": "2.15"}, "(a field of Kubernetes 1.30 and later) (Kubernetes version unknown: judged by the 1.29 schemas)"),  # 2.15: 1.22-1.29
    ({"linkerd-version": "2.17"}, None),  # 2.17 supports 1.22-1.31: the 1.31 schemas
    ({"linkerd-version": "2.18"}, None),  # 1.28-1.32: the 1.32 schemas
])
def test_schema_set_follows_the_target_kubernetes(tmp_path, config, expected):
    r = lint(tmp_path, {"s.yaml": SERVICE}, "LNK509", config=config)
    if expected is None:
        assert messages(r, "LNK509") == []
    else:
        assert places(r, "LNK509") == [("s.yaml", 6, 3)]
        assert expected in messages(r, "LNK509")[0]


def test_newer_than_shipped_uses_the_newest_and_says_so(tmp_path):
    from linter.rules import _k8s_schema

    newest = max(_k8s_schema.schema_sets(_k8s_schema.schema_root()))
    text = SERVICE.replace("trafficDistribution: PreferClose", "trafficDistrbution: PreferClose")
    r = lint(tmp_path, {"s.yaml": text}, "LNK509", config={"kubernetes-version": "1.99"})
    assert messages(r, "LNK509") == [
        "unknown field `spec.trafficDistrbution` (did you mean `trafficDistribution`?): kubectl apply rejects it "
        "(strict field validation); other clients drop it with a warning (judged by the Kubernetes "
        f"1.{newest[1]} schemas, the nearest shipped to 1.99)"]


def test_at_most_twenty_findings_per_object(tmp_path):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n" + "".join(f"  k{i}: {i}\n" for i in range(25))
    r = lint(tmp_path, {"c.yaml": text}, "LNK509", config={"kubernetes-version": "1.30"})
    msgs = messages(r, "LNK509")
    assert len(msgs) == 20
    assert places(r, "LNK509")[0] == ("c.yaml", 5, 7)
    assert sum("5 more schema errors in this object not shown" in m for m in msgs) == 1


# -- without the extra --------------------------------------------------------------------------


def test_missing_extra_one_info_finding_per_run(tmp_path, monkeypatch):
    from linter.rules import _k8s_schema

    monkeypatch.setattr(_k8s_schema, "schema_root", lambda: None)
    two = {"a.yaml": DEPLOY, "b.yaml": SERVICE}
    for _ in range(2):  # each run says it once
        r = lint(tmp_path, two, "LNK509")
        found = [f for f in r.findings if f.rule_id == "LNK509"]
        assert [(f.path, f.span.line, f.span.col, str(f.severity)) for f in found] == [("a.yaml", 1, 13, "info")]
        assert "needs the schemas extra: pip install 'linkerd-lint[schemas]'" in found[0].message


_BLOCK = """\
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "kubernetes_validate":
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, Block())
from linter.entry import main
main()
"""


def test_missing_extra_via_cli(tmp_path):
    (tmp_path / "d.yaml").write_text(DEPLOY)
    (tmp_path / ".git").mkdir()
    proc = subprocess.run([sys.executable, "-c", _BLOCK, "check", "--select", "LNK509", "-f", "json", "d.yaml"],
                          capture_output=True, text=True, cwd=tmp_path)
    found = json.loads(proc.stdout)["findings"]
    assert [(f["rule"], f["line"], f["column"], f["severity"]) for f in found] == [("LNK509", 1, 13, "info")], proc.stderr


def test_missing_extra_one_notice_with_worker_processes(tmp_path):
    """With --jobs, every worker process meets objects of its own: the run still says it once."""
    for i in range(40):  # the parent checks the first chunk before forking: nothing to tell there
        (tmp_path / f"a{i:03}.yaml").write_text("replicas: 3\n")
    for i in range(240):
        (tmp_path / f"d{i:03}.yaml").write_text(DEPLOY)
    (tmp_path / ".git").mkdir()
    proc = subprocess.run([sys.executable, "-c", _BLOCK, "check", "--jobs", "2", "--select", "LNK509", "-f", "json", "."],
                          capture_output=True, text=True, cwd=tmp_path)
    found = json.loads(proc.stdout)["findings"]
    assert [(f["path"], f["rule"], f["severity"]) for f in found] == [("d000.yaml", "LNK509", "info")], proc.stderr
