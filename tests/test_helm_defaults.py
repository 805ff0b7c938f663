"""The control plane's Helm values as the baseline of every pod: proxy.resources.* seen by LNK201/LNK203/LNK204."""

import pytest

from linter.api import lint_paths

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
      annotations:
        linkerd.io/inject: enabled
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""  # the inject value, where pod-level findings point: line 13, column 28

VALUES = """\
# linkerd-control-plane values
proxyInit:
  runAsRoot: false
proxy:
  resources:
    memory:
      limit: {limit}
      request: {request}
"""  # proxy.resources.memory.limit's value: line 7, column 14


def values(limit='""', request='""'):
    return VALUES.replace("{limit}", limit).replace("{request}", request)


def helm_release(body, chart="linkerd-control-plane"):
    return (
        "apiVersion: helm.toolkit.fluxcd.io/v2\n"
        "kind: HelmRelease\n"
        "metadata: {name: linkerd, namespace: linkerd}\n"
        "spec:\n"
        f"  chart:\n    spec: {{chart: {chart}, sourceRef: {{kind: HelmRepository, name: linkerd}}}}\n" + body
    )


def run(tmp_path, files, select=("LNK201", "LNK203", "LNK204"), config=None, context=()):
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    (tmp_path / ".git").mkdir(exist_ok=True)
    if config is not None:
        (tmp_path / ".linkerd-lint.yaml").write_text(config)
    targets = [n for n in files if n not in context]
    result = lint_paths(targets, cwd=str(tmp_path), select=list(select), context=list(context))
    assert not result.internal_errors, result.internal_errors
    return result


def found(result):
    return sorted((f.rule_id, f.path, f.span.line, f.span.col) for f in result.findings)


def test_a_limit_in_the_values_file_counts_for_every_pod(tmp_path):
    assert found(run(tmp_path, {"web.yaml": DEPLOY})) == [("LNK201", "web.yaml", 13, 28)]
    assert found(run(tmp_path, {"web.yaml": DEPLOY, "values.yaml": values("256Mi")})) == []


def test_the_chart_default_is_no_limit(tmp_path):
    assert found(run(tmp_path, {"web.yaml": DEPLOY, "values.yaml": values()})) == [("LNK201", "web.yaml", 13, 28)]


def test_a_low_helm_limit_is_reported_on_the_pod_with_the_values_as_related(tmp_path):
    result = run(tmp_path, {"web.yaml": DEPLOY, "values.yaml": values("20Mi")})
    assert found(result) == [("LNK204", "web.yaml", 13, 28)]
    f = result.findings[0]
    assert "proxy memory limit 20Mi (from the control plane Helm values) is below the minimum 64Mi" in f.message
    assert [(r.path, r.span.line, r.span.col) for r in f.related] == [("values.yaml", 7, 14)]


def test_helm_request_above_a_pod_limit(tmp_path):
    deploy = DEPLOY.replace("        linkerd.io/inject: enabled\n",
                            "        linkerd.io/inject: enabled\n        config.linkerd.io/proxy-memory-limit: 128Mi\n")
    result = run(tmp_path, {"web.yaml": deploy, "values.yaml": values(request="512Mi")})
    assert found(result) == [("LNK203", "web.yaml", 14, 47)]
    assert "request 512Mi (from the control plane Helm values)" in result.findings[0].message


def test_a_pod_annotation_overrides_helm(tmp_path):
    deploy = DEPLOY.replace("        linkerd.io/inject: enabled\n",
                            "        linkerd.io/inject: enabled\n        config.linkerd.io/proxy-memory-limit: 32Mi\n")
    result = run(tmp_path, {"web.yaml": deploy, "values.yaml": values("256Mi")})
    assert found(result) == [("LNK204", "web.yaml", 14, 47)]
    assert result.findings[0].related == ()


def test_helm_release_values(tmp_path):
    body = "  values:\n    proxy:\n      resources:\n        memory: {limit: 20Mi}\n"
    result = run(tmp_path, {"web.yaml": DEPLOY, "hr.yaml": helm_release(body)})
    assert found(result) == [("LNK204", "web.yaml", 13, 28)]
    assert [(r.path, r.span.line, r.span.col) for r in result.findings[0].related] == [("hr.yaml", 10, 25)]
    # The same values in a release of another chart are not Linkerd's.
    result = run(tmp_path, {"web.yaml": DEPLOY, "hr.yaml": helm_release(body, chart="podinfo")})
    assert found(result) == [("LNK201", "web.yaml", 13, 28)]


@pytest.mark.parametrize("target, quiet", [(None, True), ("proxy.resources", True), ("identityTrustAnchorsPEM", False)])
def test_values_from_makes_the_limit_unknown(tmp_path, target, quiet):
    item = "    - kind: ConfigMap\n      name: linkerd-ha-values\n"
    if target:
        item += f"      targetPath: {target}\n"
    result = run(tmp_path, {"web.yaml": DEPLOY, "hr.yaml": helm_release("  valuesFrom:\n" + item)})
    assert found(result) == ([] if quiet else [("LNK201", "web.yaml", 13, 28)])


def test_values_win_over_the_configuration(tmp_path):
    files = {"web.yaml": DEPLOY, "values.yaml": values("256Mi")}
    assert found(run(tmp_path, files, config="proxy-defaults: {proxy-memory-limit: 20Mi}\n")) == []
    files["values.yaml"] = values("20Mi")
    result = run(tmp_path, files, config="proxy-defaults: {proxy-memory-limit: 256Mi}\n")
    assert found(result) == [("LNK204", "web.yaml", 13, 28)]
    # A key the values leave unset keeps the configuration's value.
    result = run(tmp_path, {"web.yaml": DEPLOY, "values.yaml": values()},
                 config="proxy-defaults: {proxy-memory-limit: 20Mi}\n")
    assert found(result) == [("LNK204", "web.yaml", 13, 28)]
    assert "(from the configuration)" in result.findings[0].message


def test_values_in_a_context_file_count(tmp_path):
    result = run(tmp_path, {"web.yaml": DEPLOY, "cluster/values.yaml": values("20Mi")}, context=("cluster/values.yaml",))
    assert found(result) == [("LNK204", "web.yaml", 13, 28)]


def test_first_values_read_win(tmp_path):
    result = run(tmp_path, {"web.yaml": DEPLOY, "a/values.yaml": values("20Mi"), "b/values.yaml": values("256Mi")})
    assert found(result) == [("LNK204", "web.yaml", 13, 28)]
    assert result.findings[0].related[0].path == "a/values.yaml"


def test_gitops_variables(tmp_path):
    assert found(run(tmp_path, {"web.yaml": DEPLOY, "values.yaml": values('"${MEM_LIMIT}"')})) == []
    result = run(tmp_path, {"web.yaml": DEPLOY, "values.yaml": values('"${MEM_LIMIT:=16Mi}"')})
    assert found(result) == [("LNK204", "web.yaml", 13, 28)]


def test_other_charts_values_are_not_the_baseline(tmp_path):
    other = "proxy:\n  resources:\n    memory: {limit: 256Mi}\nreplicaCount: 2\n"
    assert found(run(tmp_path, {"web.yaml": DEPLOY, "values.yaml": other})) == [("LNK201", "web.yaml", 13, 28)]


LINKERD_CONFIG = """\
kind: ConfigMap
apiVersion: v1
metadata:
  name: linkerd-config
  namespace: linkerd
data:
  linkerd-crds-chart-version: linkerd-crds-1.0.0-edge
  values: |
    controllerReplicas: 1
    proxy:
      resources:
        memory:
          limit: {limit}
"""  # the limit's value: line 13, column 18


def test_the_linkerd_config_values_are_the_baseline_too(tmp_path):
    """What `linkerd install` renders: the proxy injector reads proxy.resources from linkerd-config's values."""
    low = LINKERD_CONFIG.replace("{limit}", "10Mi")
    result = run(tmp_path, {"web.yaml": DEPLOY, "cp.yaml": low})
    assert found(result) == [("LNK204", "web.yaml", 13, 28)]  # before: LNK201, the limit unseen
    f = result.findings[0]
    assert "proxy memory limit 10Mi (from the control plane Helm values) is below the minimum 64Mi" in f.message
    assert [(r.path, r.span.line, r.span.col) for r in f.related] == [("cp.yaml", 13, 18)]
    ok = LINKERD_CONFIG.replace("{limit}", "256Mi")
    assert found(run(tmp_path, {"web.yaml": DEPLOY, "cp.yaml": ok})) == []
    # Only the ConfigMap of that name: another one's values are not the control plane's.
    other = ok.replace("name: linkerd-config", "name: web-config")
    assert found(run(tmp_path, {"web.yaml": DEPLOY, "cp.yaml": other})) == [("LNK201", "web.yaml", 13, 28)]
