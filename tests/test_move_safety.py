"""LNK102/LNK103 moves that bypass the proxy or open the inbound policy are unsafe fixes: --fix
leaves them for a reviewer, --unsafe-fixes applies them."""

from linter.api import lint_paths

WORKLOAD = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    config.linkerd.io/skip-inbound-ports: "8080"
    config.linkerd.io/default-inbound-policy: {policy}
    config.linkerd.io/proxy-memory-limit: 256Mi
spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
      annotations:
        linkerd.io/inject: enabled
    spec:
      containers: [{{name: web, image: nginx:1.27}}]
"""


def fixes(tmp_path, text, rule):
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "d.yaml").write_text(text)
    found = lint_paths(["d.yaml"], cwd=str(tmp_path), select=[rule]).findings
    return {f.message.split(" ", 1)[0]: f.fix.safe for f in found if f.fix is not None}


def test_lnk102_moves_that_widen_exposure_are_unsafe(tmp_path):
    assert fixes(tmp_path, WORKLOAD.format(policy="all-unauthenticated"), "LNK102") == {
        "config.linkerd.io/skip-inbound-ports": False,
        "config.linkerd.io/default-inbound-policy": False,
        "config.linkerd.io/proxy-memory-limit": True,
    }
    # closing the policy is what a reviewer need not check first
    assert fixes(tmp_path, WORKLOAD.format(policy="deny"), "LNK102")["config.linkerd.io/default-inbound-policy"] is True


def test_lnk103_moves_that_widen_exposure_are_unsafe(tmp_path):
    text = WORKLOAD.format(policy="deny").replace("      labels: {app: web}\n", "      labels:\n        app: web\n        config.linkerd.io/skip-outbound-ports: \"443\"\n"
                            "        config.linkerd.io/proxy-cpu-limit: \"1\"\n")
    assert fixes(tmp_path, text, "LNK103") == {
        "config.linkerd.io/skip-outbound-ports": False,
        "config.linkerd.io/proxy-cpu-limit": True,
    }


def test_fix_applies_only_the_safe_move(run_cli, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "d.yaml").write_text(WORKLOAD.format(policy="all-unauthenticated"))
    run_cli("check", "--fix", "--select", "LNK102", "d.yaml")
    after = (tmp_path / "d.yaml").read_text()
    head, template = after.split("  template:")
    assert "proxy-memory-limit" in template and "proxy-memory-limit" not in head
    assert "skip-inbound-ports" in head and "default-inbound-policy" in head
    run_cli("check", "--fix", "--unsafe-fixes", "--select", "LNK102", "d.yaml")
    head, template = (tmp_path / "d.yaml").read_text().split("  template:")
    assert "config.linkerd.io" not in head and "skip-inbound-ports" in template


def test_value_fixes_that_open_the_pod_are_unsafe(tmp_path):
    """LNK205 corrects a policy the injector ignores; the corrected one applies: unsafe unless it is deny.
    LNK104 quotes a number; a skip-ports annotation then starts to bypass the proxy: unsafe."""
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    linkerd.io/inject: enabled\n"
        "    config.linkerd.io/default-inbound-policy: {policy}\n    config.linkerd.io/skip-outbound-ports: 3306\n"
        "    example.com/port: 3306\nspec:\n  containers: [{{name: a, image: b}}]\n"
    )
    assert fixes(tmp_path, pod.format(policy="All-Unauthenticated"), "LNK205") == {"config.linkerd.io/default-inbound-policy": False}
    assert fixes(tmp_path, pod.format(policy="Deny"), "LNK205") == {"config.linkerd.io/default-inbound-policy": True}
    found = lint_paths(["d.yaml"], cwd=str(tmp_path), select=["LNK104"]).findings
    assert {f.message.split(" ")[1]: f.fix.safe for f in found} == {
        "config.linkerd.io/skip-outbound-ports": False, "example.com/port": True}


ALIASED = """apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    selector:
      matchLabels: {app: web}
    template:
      metadata:
        labels: &podlabels
          app: web
          linkerd.io/inject: enabled
      spec:
        containers: [{name: web, image: "nginx:1"}]
- apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: shop}
  spec:
    selector: *podlabels
    ports: [{port: 80}]
"""


def test_no_fix_edits_a_map_an_alias_repeats(tmp_path):
    """Moving linkerd.io/inject out of an anchored labels map would also take it out of the
    Service selector that aliases the map: another object, which the finding is not about."""
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "d.yaml").write_text(ALIASED)
    [f] = [f for f in lint_paths(["d.yaml"], cwd=str(tmp_path), select=["LNK103"]).findings]
    assert (f.span.line, f.span.col, f.fix) == (14, 11, None)
    # the control: the same anchor with no alias repeating it is fixed as usual
    (tmp_path / "d.yaml").write_text(ALIASED.replace("selector: *podlabels", "selector: {app: web}"))
    [f] = [f for f in lint_paths(["d.yaml"], cwd=str(tmp_path), select=["LNK103"]).findings]
    assert f.fix is not None and f.fix.safe


def test_no_fix_edits_inside_a_map_whose_parent_an_alias_repeats(tmp_path):
    """The anchor may sit on a map above the one edited: the pod template's metadata is written
    once and repeated by alias in a second Deployment, so moving a label out of it would change both."""
    text = """apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: &podmeta
        labels:
          app: web
          linkerd.io/inject: enabled
      spec: {containers: [{name: web, image: "nginx:1"}]}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web2}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: *podmeta
      spec: {containers: [{name: web, image: "nginx:1"}]}
"""
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "d.yaml").write_text(text)
    found = lint_paths(["d.yaml"], cwd=str(tmp_path), select=["LNK103"]).findings
    assert [(f.span.line, f.span.col, f.fix) for f in found] == [(13, 11, None)]  # reported once, no fix
    # the control: without the alias, the same label is moved
    (tmp_path / "d.yaml").write_text(text.replace("metadata: *podmeta", "metadata: {labels: {app: web}}"))
    [f] = lint_paths(["d.yaml"], cwd=str(tmp_path), select=["LNK103"]).findings
    assert f.fix is not None and f.fix.safe
