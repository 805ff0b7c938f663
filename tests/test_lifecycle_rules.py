"""Pod lifecycle and security rules (LNK401-LNK404): exact findings, version by version, across files."""

import os

import pytest
import yaml

from linter.api import lint_paths

from .lintkit import at


def lint(tmp_path, files: dict, select, config=None):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / ".git").mkdir(exist_ok=True)
    if config:
        (tmp_path / ".linkerd-lint.yaml").write_text(yaml.safe_dump(config))
    result = lint_paths(["."], cwd=str(tmp_path), select=[select])
    assert not result.internal_errors, result.internal_errors
    return result


def places(result, rule):
    return [(f.path, f.span.line, f.span.col) for f in result.findings if f.rule_id == rule]


def ns(name="shop", annotations=None, labels=None):
    out = f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n"
    for field, values in (("annotations", annotations), ("labels", labels)):
        if values:
            out += f"  {field}:\n" + "".join(f"    {k}: {v}\n" for k, v in values.items())
    return out


def job(annotations=None, command='["/app/migrate"]', kind="Job", extra_spec="", containers=None):
    """A Job (or CronJob) whose pod template's annotations block starts at line 10 (Job)."""
    ann = "".join(f"        {k}: {v}\n" for k, v in (annotations or {}).items())
    meta = "    metadata:\n      annotations:\n" + ann if ann else ""
    cont = containers or f"        - name: main\n          image: example/job:1\n          command: {command}\n"
    body = (
        "  template:\n" + meta + "    spec:\n      restartPolicy: Never\n" + extra_spec + "      containers:\n" + cont
    )
    if kind == "CronJob":
        body = "  schedule: '0 1 * * *'\n  jobTemplate:\n    spec:\n" + "\n".join(
            "    " + line if line else line for line in body.splitlines()
        ) + "\n"
    return f"apiVersion: batch/v1\nkind: {kind}\nmetadata:\n  name: work\n  namespace: shop\nspec:\n{body}"


INJECT = {"linkerd.io/inject": "enabled"}


# -- LNK401 job-never-completes ---------------------------------------------------------------


def test_meshed_job_without_shutdown_path(tmp_path):
    r = lint(tmp_path, {"job.yaml": job(INJECT)}, "LNK401")
    assert places(r, "LNK401") == [("job.yaml", 10, 28)]
    f = r.findings[0]
    assert "native sidecars are off by default in Linkerd 2.18" in f.message
    assert f.fix is not None and not f.fix.safe  # switching native sidecars on changes behaviour


def test_cronjob_meshed_by_namespace_in_another_file(tmp_path):
    files = {"ns.yaml": ns(annotations=INJECT), "cron.yaml": job(kind="CronJob")}
    r = lint(tmp_path, files, "LNK401")
    assert places(r, "LNK401") == [("cron.yaml", 10, 7)]  # the CronJob's `template:` key
    f = r.findings[0]
    assert "its jobs never complete" in f.message
    assert [(rel.path, rel.span.line) for rel in f.related] == [("ns.yaml", 6)]


def test_native_sidecar_inherited_from_namespace(tmp_path):
    files = {
        "ns.yaml": ns(annotations={**INJECT, "config.alpha.linkerd.io/proxy-enable-native-sidecar": '"true"'}),
        "job.yaml": job(),
    }
    assert places(lint(tmp_path, files, "LNK401"), "LNK401") == []


@pytest.mark.parametrize(
    "version, annotations, fires",
    [
        ("2.14", {"config.alpha.linkerd.io/proxy-enable-native-sidecar": '"true"'}, True),  # no native sidecars yet
        ("2.15", {"config.alpha.linkerd.io/proxy-enable-native-sidecar": '"true"'}, False),
        ("2.18", {"config.linkerd.io/proxy-enable-native-sidecar": '"true"'}, True),  # GA key not read before 2.20
        ("2.18", {"config.beta.linkerd.io/proxy-enable-native-sidecar": '"true"'}, True),  # beta key not read before 2.19
        ("2.18", {"config.alpha.linkerd.io/proxy-enable-native-sidecar": "enabled"}, True),  # not a Go bool: ignored
        ("2.18", {"config.alpha.linkerd.io/proxy-enable-native-sidecar": "T"}, False),  # Go ParseBool accepts T
        ("2.19", {"config.alpha.linkerd.io/proxy-enable-native-sidecar": '"true"'}, False),  # alpha still honoured
        ("2.19", {"config.beta.linkerd.io/proxy-enable-native-sidecar": '"false"',
                  "config.alpha.linkerd.io/proxy-enable-native-sidecar": '"true"'}, True),  # beta wins
        ("2.20", {}, False),  # on by default
        ("2.20", {"config.linkerd.io/proxy-enable-native-sidecar": '"false"'}, True),
        ("2.20", {"config.beta.linkerd.io/proxy-enable-native-sidecar": '"false"'}, True),
        # the GA key is present, so it decides even though its value is ignored: the default (on) stays
        ("2.20", {"config.linkerd.io/proxy-enable-native-sidecar": "enabled",
                  "config.beta.linkerd.io/proxy-enable-native-sidecar": '"false"'}, False),
    ],
)
def test_native_sidecar_keys_per_version(tmp_path, version, annotations, fires):
    r = lint(tmp_path, {"job.yaml": job({**INJECT, **annotations})}, "LNK401", {"linkerd-version": version})
    assert bool(places(r, "LNK401")) is fires


@pytest.mark.parametrize(
    "version, command, annotations, fires_at",
    [
        # linkerd-await --shutdown posts to /shutdown, which is opt-in since 2.16
        ("2.18", '["/linkerd-await", "--shutdown", "--", "/app/migrate"]', {}, (16, 21)),
        ("2.18", '["/linkerd-await", "--shutdown", "--", "/app/migrate"]',
         {"config.linkerd.io/proxy-admin-shutdown": "enabled"}, None),
        ("2.15", '["/linkerd-await", "-S", "--", "/app/migrate"]', {}, None),  # always served before 2.16
        ("2.18", '["sh", "-c", "/app/migrate; curl -X POST http://localhost:4191/shutdown"]',
         {"config.linkerd.io/proxy-admin-shutdown": "enabled"}, None),
        # the wrong port is no shutdown path at all
        ("2.18", '["sh", "-c", "/app/migrate; curl -X POST http://localhost:9999/shutdown"]',
         {"config.linkerd.io/proxy-admin-shutdown": "enabled"}, (10, 28)),
        ("2.18", '["sh", "-c", "/app/migrate; wget --post-data= http://127.0.0.1:9991/shutdown"]',
         {"config.linkerd.io/proxy-admin-shutdown": "enabled", "config.linkerd.io/admin-port": '"9991"'}, None),
        ("2.18", '["sh", "-c", "/app/migrate"]', {"config.linkerd.io/proxy-admin-shutdown": "enabled"}, (10, 28)),
    ],
)
def test_shutdown_paths(tmp_path, version, command, annotations, fires_at):
    r = lint(tmp_path, {"job.yaml": job({**INJECT, **annotations}, command)}, "LNK401", {"linkerd-version": version})
    got = [(line, col) for _, line, col in places(r, "LNK401")]
    assert got == ([fires_at] if fires_at else [])


def test_disabled_endpoint_message_and_namespace_setting(tmp_path):
    command = '["/linkerd-await", "--shutdown", "--", "/app/migrate"]'
    r = lint(tmp_path, {"job.yaml": job(INJECT, command)}, "LNK401")
    assert "proxy-admin-shutdown: enabled and it is not set" in r.findings[0].message
    # the Namespace (another file) switches the endpoint on for its pods
    files = {"ns.yaml": ns(annotations={"config.linkerd.io/proxy-admin-shutdown": "enabled"}),
             "job.yaml": job(INJECT, command)}
    assert places(lint(tmp_path, files, "LNK401"), "LNK401") == []


def test_args_only_shutdown_counts_as_image_entrypoint(tmp_path):
    containers = "        - name: main\n          image: example/job-awaited:1\n          args: [\"--shutdown\", \"--\", \"run\"]\n"
    r = lint(tmp_path, {"job.yaml": job({**INJECT, "config.linkerd.io/proxy-admin-shutdown": "enabled"},
                                        containers=containers)}, "LNK401")
    assert places(r, "LNK401") == []


def test_script_from_mounted_volume_is_unknown(tmp_path):
    containers = (
        "        - name: main\n          image: busybox\n          command: [sh, /scripts/run.sh]\n"
        "          volumeMounts:\n            - {name: scripts, mountPath: /scripts}\n"
    )
    extra = "      volumes:\n        - name: scripts\n          configMap: {name: job-scripts}\n"
    r = lint(tmp_path, {"job.yaml": job(INJECT, containers=containers, extra_spec=extra)}, "LNK401")
    assert places(r, "LNK401") == []


def test_proxy_defaults_from_configuration(tmp_path):
    files = {"job.yaml": job(INJECT)}
    assert places(lint(tmp_path, files, "LNK401", {"proxy-defaults": {"proxy-enable-native-sidecar": True}}), "LNK401") == []
    command = '["/linkerd-await", "--shutdown", "--", "/app/migrate"]'
    files = {"job.yaml": job(INJECT, command)}
    r = lint(tmp_path, files, "LNK401", {"proxy-defaults": {"proxy-admin-shutdown": "enabled"}})
    assert places(r, "LNK401") == []


@pytest.mark.parametrize(
    "value, fires",
    [('"${NATIVE:=true}"', False), ('"${NATIVE}"', False), ('"${NATIVE:-false}"', True)],
)
def test_gitops_variables(tmp_path, value, fires):
    ann = {**INJECT, "config.alpha.linkerd.io/proxy-enable-native-sidecar": value}
    assert bool(places(lint(tmp_path, {"job.yaml": job(ann)}, "LNK401"), "LNK401")) is fires


def test_unmeshed_or_unknown_jobs_are_quiet(tmp_path):
    assert places(lint(tmp_path, {"job.yaml": job({"linkerd.io/inject": "disabled"})}, "LNK401"), "LNK401") == []
    # no annotation and the Namespace is not in the input: membership unknown
    assert places(lint(tmp_path, {"job.yaml": job()}, "LNK401"), "LNK401") == []


def test_fix_enables_native_sidecar_and_respects_kubernetes(tmp_path):
    r = lint(tmp_path, {"job.yaml": job(INJECT)}, "LNK401", {"linkerd-version": "2.19"})
    (edit,) = r.findings[0].fix.edits
    assert edit.text == '        config.beta.linkerd.io/proxy-enable-native-sidecar: "true"\n'
    assert (edit.span.line, edit.span.col) == (11, 1)
    # an explicit "false" on the pod is turned around rather than shadowed
    r = lint(tmp_path, {"job.yaml": job({**INJECT, "config.alpha.linkerd.io/proxy-enable-native-sidecar": '"false"'})},
             "LNK401")
    (edit,) = r.findings[0].fix.edits
    assert edit.text == '"true"' and edit.span.line == 11
    # native sidecars need Kubernetes 1.29
    r = lint(tmp_path, {"job.yaml": job(INJECT)}, "LNK401", {"kubernetes-version": "1.28"})
    assert r.findings[0].fix is None


def test_cli_applies_the_unsafe_fix(run_cli, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "job.yaml").write_text(job(INJECT))
    proc = run_cli("check", "--select", "LNK401", "--fix", "--unsafe-fixes", "job.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (tmp_path / "job.yaml").read_text()
    assert 'config.alpha.linkerd.io/proxy-enable-native-sidecar: "true"' in text
    assert run_cli("check", "--select", "LNK401", "job.yaml").returncode == 0


# -- LNK402 pod-security-blocks-proxy-init ---------------------------------------------------

DEPLOY = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n"
    "  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n"
    "    spec:\n      containers:\n        - {name: web, image: nginx}\n"
)


def psa_ns(level, extra=None):
    return ns(annotations=INJECT, labels={"pod-security.kubernetes.io/enforce": level, **(extra or {})})


@pytest.mark.parametrize("level", ["baseline", "restricted", '"${PSA:=baseline}"'])
def test_psa_blocks_proxy_init(tmp_path, level):
    r = lint(tmp_path, {"ns.yaml": psa_ns(level), "app/web.yaml": DEPLOY}, "LNK402")
    assert places(r, "LNK402") == [(os.path.join("app", "web.yaml"), 9, 3)]
    f = r.findings[0]
    assert f.severity.name == "ERROR"
    assert ("ns.yaml", 8, 41) in [(rel.path, rel.span.line, rel.span.col) for rel in f.related]


@pytest.mark.parametrize("level", ["privileged", '"${PSA}"', "audit-only"])
def test_psa_levels_that_allow_proxy_init(tmp_path, level):
    assert places(lint(tmp_path, {"ns.yaml": psa_ns(level), "web.yaml": DEPLOY}, "LNK402"), "LNK402") == []


CNI_DAEMONSET = (
    "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: linkerd-cni\n  namespace: linkerd-cni\nspec:\n"
    "  selector:\n    matchLabels: {k8s-app: linkerd-cni}\n  template:\n    metadata:\n"
    "      labels: {k8s-app: linkerd-cni}\n    spec:\n      containers: [{name: install-cni, image: cr.l5d.io/linkerd/cni-plugin:v1.6.0}]\n"
)
CNI_HELMRELEASE = (
    "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: linkerd\n  namespace: linkerd\n"
    "spec:\n  chart:\n    spec:\n      chart: linkerd-control-plane\n  values:\n    cniEnabled: true\n"
)
CNI_LABELLED = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: linkerd-cni\n  labels:\n    linkerd.io/cni-resource: \"true\"\n"


@pytest.mark.parametrize("evidence", [CNI_DAEMONSET, CNI_HELMRELEASE, CNI_LABELLED])
def test_cni_evidence_in_a_third_file(tmp_path, evidence):
    files = {"ns.yaml": psa_ns("restricted"), "web.yaml": DEPLOY, "zz-cni.yaml": evidence}
    assert places(lint(tmp_path, files, "LNK402"), "LNK402") == []
    # the configuration has the last word
    assert len(places(lint(tmp_path, files, "LNK402", {"cni": False}), "LNK402")) == 1


def test_psa_quiet_cases(tmp_path):
    files = {"ns.yaml": psa_ns("restricted"), "web.yaml": DEPLOY}
    assert places(lint(tmp_path, files, "LNK402", {"cni": True}), "LNK402") == []
    assert places(lint(tmp_path, files, "LNK402", {"kubernetes-version": "1.22"}), "LNK402") == []
    # Namespace not in the input, pod injected by its own annotation: the PSA level is unknown
    pod_injected = DEPLOY.replace("      labels: {app: web}\n", "      labels: {app: web}\n      annotations: {linkerd.io/inject: enabled}\n")
    assert places(lint(tmp_path / "other", {"web.yaml": pod_injected}, "LNK402"), "LNK402") == []
    # not meshed
    unmeshed = DEPLOY.replace("      labels: {app: web}\n", "      labels: {app: web}\n      annotations: {linkerd.io/inject: disabled}\n")
    assert places(lint(tmp_path / "third", {"ns.yaml": psa_ns("baseline"), "web.yaml": unmeshed}, "LNK402"), "LNK402") == []


# -- LNK403 windows-node ---------------------------------------------------------------------


def windows_deploy(spec_extra, annotations="linkerd.io/inject: enabled"):
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: iis\n  namespace: shop\nspec:\n"
        "  selector:\n    matchLabels: {app: iis}\n  template:\n    metadata:\n      labels: {app: iis}\n"
        f"      annotations: {{{annotations}}}\n    spec:\n{spec_extra}"
        "      containers: [{name: iis, image: mcr.microsoft.com/windows/servercore/iis}]\n"
    )


AFFINITY = (
    "      affinity:\n        nodeAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n"
    "            nodeSelectorTerms:\n"
    "              - matchExpressions:\n                  - {key: kubernetes.io/os, operator: In, values: [windows]}\n"
)


def test_windows_node_selector_and_affinity(tmp_path):
    r = lint(tmp_path, {"a.yaml": windows_deploy("      nodeSelector:\n        beta.kubernetes.io/os: windows\n")}, "LNK403")
    assert places(r, "LNK403") == [("a.yaml", 15, 32)]
    r = lint(tmp_path / "b", {"b.yaml": windows_deploy(AFFINITY)}, "LNK403")
    assert places(r, "LNK403") == [("b.yaml", 19, 68)]


def test_windows_quiet_cases(tmp_path):
    linux_too = AFFINITY + "              - matchExpressions:\n                  - {key: kubernetes.io/os, operator: In, values: [linux]}\n"
    assert places(lint(tmp_path / "a", {"a.yaml": windows_deploy(linux_too)}, "LNK403"), "LNK403") == []
    win_proxy = "linkerd.io/inject: enabled, config.linkerd.io/proxy-image: ghcr.io/example/proxy-win"
    sel = "      nodeSelector: {kubernetes.io/os: windows}\n"
    assert places(lint(tmp_path / "b", {"b.yaml": windows_deploy(sel, win_proxy)}, "LNK403"), "LNK403") == []
    assert places(lint(tmp_path / "c", {"c.yaml": windows_deploy(sel, "linkerd.io/inject: disabled")}, "LNK403"), "LNK403") == []


def test_windows_pod_meshed_by_namespace_in_another_file(tmp_path):
    sel = "      nodeSelector: {kubernetes.io/os: windows}\n"
    files = {"ns.yaml": ns(annotations=INJECT), "w.yaml": windows_deploy(sel, "example.com/x: y")}
    r = lint(tmp_path, files, "LNK403")
    assert places(r, "LNK403") == [("w.yaml", 14, 40)]
    assert [rel.path for rel in r.findings[0].related] == ["ns.yaml"]


# -- LNK404 wait-before-exit-ignored -----------------------------------------------------------

WAIT = "config.alpha.linkerd.io/proxy-wait-before-exit-seconds"


def web(annotations):
    ann = "".join(f"        {k}: {v}\n" for k, v in annotations.items())
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n"
        "  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n"
        f"      annotations:\n{ann}    spec:\n      containers: [{{name: web, image: nginx}}]\n"
    )


def test_wait_before_exit_ignored_on_220(tmp_path):
    r = lint(tmp_path, {"w.yaml": web({**INJECT, WAIT: '"30"'})}, "LNK404", {"linkerd-version": "2.20"})
    assert places(r, "LNK404") == [("w.yaml", 14, 65)]
    f = r.findings[0]
    assert f.severity.name == "INFO" and "is ignored" in f.message
    assert f.fix.safe and f.fix.edits[0].text == "" and f.fix.edits[0].span.line == 14


def test_wait_before_exit_with_native_sidecar_rejects_pod_before_220(tmp_path):
    ann = {**INJECT, "config.alpha.linkerd.io/proxy-enable-native-sidecar": '"true"', WAIT: '"30"'}
    r = lint(tmp_path, {"w.yaml": web(ann)}, "LNK404", {"linkerd-version": "2.18"})
    assert places(r, "LNK404") == [("w.yaml", 15, 65)]
    f = r.findings[0]
    assert f.severity.name == "ERROR" and "rejects the pod" in f.message and not f.fix.safe


@pytest.mark.parametrize(
    "version, annotations",
    [
        ("2.18", {WAIT: '"30"'}),  # no native sidecar: the preStop sleep is used
        ("2.20", {WAIT: '"0"'}),  # the default
        ("2.20", {WAIT: "soon"}),  # not a uint: ignored by the injector (LNK205's finding)
        ("2.20", {WAIT: '"30"', "config.linkerd.io/proxy-enable-native-sidecar": '"false"'}),
    ],
)
def test_wait_before_exit_quiet(tmp_path, version, annotations):
    r = lint(tmp_path, {"w.yaml": web({**INJECT, **annotations})}, "LNK404", {"linkerd-version": version})
    assert places(r, "LNK404") == []


def test_wait_before_exit_from_namespace_in_another_file(tmp_path):
    files = {
        "ns.yaml": ns(annotations={**INJECT, WAIT: '"15"', "config.beta.linkerd.io/proxy-enable-native-sidecar": '"true"'}),
        "w.yaml": web({"example.com/team": "a"}),
    }
    r = lint(tmp_path, files, "LNK404", {"linkerd-version": "2.19"})
    assert places(r, "LNK404") == [("w.yaml", 9, 3)]
    f = r.findings[0]
    assert f.severity.name == "ERROR"
    assert sorted(rel.span.line for rel in f.related) == [6, 7, 8]


def test_wait_before_exit_from_proxy_defaults_with_native_on_the_pod(tmp_path):
    ann = {**INJECT, "config.alpha.linkerd.io/proxy-enable-native-sidecar": '"true"'}
    config = {"linkerd-version": "2.17", "proxy-defaults": {WAIT: "10"}}
    r = lint(tmp_path, {"w.yaml": web(ann)}, "LNK404", config)
    assert places(r, "LNK404") == [("w.yaml", 14, 62)]  # the native-sidecar switch that makes it fail
    assert r.findings[0].severity.name == "ERROR"
    # both in the control plane's values: not this pod's problem
    config["proxy-defaults"]["config.alpha.linkerd.io/proxy-enable-native-sidecar"] = "true"
    r = lint(tmp_path, {"w.yaml": web(INJECT)}, "LNK404", config)
    assert places(r, "LNK404") == []


# The proxy shuts down on POST /shutdown only; anything else gets 405 (linkerd2-proxy
# linkerd/app/admin/src/server.rs@release/v2.294.0 L272-281), so a GET is no shutdown path.
SHUTDOWN_ON = {"config.linkerd.io/proxy-admin-shutdown": "enabled"}


@pytest.mark.parametrize(
    "script",
    [
        "curl -X POST http://localhost:4191/shutdown",
        "curl -sf -XPOST http://localhost:4191/shutdown",
        "curl --request POST http://localhost:4191/shutdown",
        "curl --request=POST localhost:4191/shutdown",
        "curl -fsS http://localhost:4191/shutdown -X POST",
        "curl -d '' http://localhost:4191/shutdown",
        "curl -sd '' http://localhost:4191/shutdown",
        "curl --data-raw x http://localhost:4191/shutdown",
        "curl --json {} http://localhost:4191/shutdown",
        "curl -X $METHOD http://localhost:4191/shutdown",
        "wget -qO- --post-data '' http://localhost:4191/shutdown",
        "wget --method=POST http://localhost:4191/shutdown",
        "http POST :4191/shutdown",
        "http --ignore-stdin post localhost:4191/shutdown",
        "http :4191/shutdown now=1",
        "python3 -c \\\"import urllib.request as u; u.urlopen('http://localhost:4191/shutdown', data=b'')\\\"",
        "/app/stop http://localhost:4191/shutdown",
        "curl -X POST http://localhost:4191/shutdown || curl http://localhost:4191/ready",
    ],
)
def test_shutdown_post_evidence_or_unknown_client_counts(tmp_path, script):
    command = f'["sh", "-c", "/app/migrate; {script}"]'
    r = lint(tmp_path, {"job.yaml": job({**INJECT, **SHUTDOWN_ON}, command)}, "LNK401")
    assert places(r, "LNK401") == []


@pytest.mark.parametrize(
    "script, how",
    [
        ("curl http://localhost:4191/shutdown", "curl without -X POST (a GET)"),
        ("curl -sf localhost:4191/shutdown && echo done", "curl without -X POST (a GET)"),
        ("curl -X GET http://localhost:4191/shutdown", "curl -X GET"),
        ("curl -G -d x=1 http://localhost:4191/shutdown", "curl without -X POST (a GET)"),
        ("echo -d; wget -q http://localhost:4191/shutdown", "wget without --post-data (a GET)"),
        ("wget --method=PUT http://localhost:4191/shutdown", "wget --method=PUT"),
        ("http :4191/shutdown", "http without a method or data (a GET)"),
        ("http DELETE :4191/shutdown", "http DELETE"),
    ],
)
def test_shutdown_by_get_is_a_clear_miss(tmp_path, script, how):
    command = f'["sh", "-c", "/app/migrate; {script}"]'
    doc = job({**INJECT, **SHUTDOWN_ON}, command)
    r = lint(tmp_path, {"job.yaml": doc}, "LNK401")
    line = doc.splitlines().index(next(x for x in doc.splitlines() if "command:" in x)) + 1
    col = doc.splitlines()[line - 1].index('"/app/migrate') + 1
    assert places(r, "LNK401") == [("job.yaml", line, col)]
    message = r.findings[0].message
    assert f"calls the proxy's /shutdown with {how}" in message and "405 Method Not Allowed" in message
    assert "proxy-admin-shutdown" not in message  # the endpoint is on: only the method is wrong


def test_get_in_exec_form_and_endpoint_also_off(tmp_path):
    command = '["curl", "-sf", "http://localhost:4191/shutdown"]'
    doc = job(INJECT, command)
    r = lint(tmp_path, {"job.yaml": doc}, "LNK401")
    assert places(r, "LNK401") == [("job.yaml", 16, doc.splitlines()[15].index('"http://') + 1)]
    assert "curl without -X POST" in r.findings[0].message
    assert "add config.linkerd.io/proxy-admin-shutdown: enabled" in r.findings[0].message
    # exec form with the method as separate items is a POST
    doc = job({**INJECT, **SHUTDOWN_ON}, '["curl", "-X", "POST", "http://localhost:4191/shutdown"]')
    assert places(lint(tmp_path, {"job.yaml": doc}, "LNK401"), "LNK401") == []


def test_get_and_a_mounted_script_stays_quiet(tmp_path):
    containers = (
        "        - name: main\n          image: busybox\n          command: [sh, -c, \"/scripts/run.sh; curl localhost:4191/shutdown\"]\n"
        "          volumeMounts:\n            - {name: scripts, mountPath: /scripts}\n"
    )
    r = lint(tmp_path, {"job.yaml": job({**INJECT, **SHUTDOWN_ON}, containers=containers)}, "LNK401")
    assert places(r, "LNK401") == []
    # control: without the mounted script the same command is a GET, reported
    unmounted = containers.split("          volumeMounts:")[0]
    doc = job({**INJECT, **SHUTDOWN_ON}, containers=unmounted)
    r = lint(tmp_path, {"job.yaml": doc}, "LNK401")
    assert places(r, "LNK401") == [("job.yaml", *at(doc, '"/scripts/run.sh'))]
