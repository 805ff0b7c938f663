"""LNK502/LNK503 follow the replacement chain to an apiVersion the judged Kubernetes still serves,
and fix only where every step is a rename."""

import json

import pytest

FLOW = "apiVersion: flowcontrol.apiserver.k8s.io/v1beta1\nkind: FlowSchema\nmetadata: {name: fs}\nspec:\n  priorityLevelConfiguration: {name: x}\n"
PSP = "apiVersion: extensions/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: psp}\nspec: {}\n"


def check(run_cli, tmp_path, kubernetes, *extra):
    if not (tmp_path / ".git").exists():
        (tmp_path / ".git").mkdir()
        (tmp_path / "flow.yaml").write_text(FLOW)
        (tmp_path / "psp.yaml").write_text(PSP)
    proc = run_cli("check", "--select", "LNK502,LNK503", "--kubernetes-version", kubernetes, "-f", "json", *extra,
                   "flow.yaml", "psp.yaml", cwd=tmp_path)
    return proc


def findings(proc):
    doc = json.loads(proc.stdout)
    return [(f["rule"], f["path"], f["line"], f["column"], f["message"], bool(f.get("fix"))) for f in doc["findings"]]


def test_replacements_removed_too_on_130_message_only(run_cli, tmp_path):
    proc = check(run_cli, tmp_path, "1.30")
    assert findings(proc) == [
        ("LNK502", "flow.yaml", 1, 13,
         "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema is not served by Kubernetes 1.30 (removed in 1.26); use "
         "flowcontrol.apiserver.k8s.io/v1 (its replacement flowcontrol.apiserver.k8s.io/v1beta2 is removed in 1.29 too; "
         "mind the field changes the deprecation guide lists)", False),
        ("LNK502", "psp.yaml", 1, 13,
         "extensions/v1beta1 PodSecurityPolicy is not served by Kubernetes 1.30 (removed in 1.16); nothing replaces it "
         "on Kubernetes 1.30: its replacement policy/v1beta1 is removed in 1.25 too (use Pod Security Admission)", False),
    ]


def test_fix_writes_nothing_when_the_chain_changes_fields(run_cli, tmp_path):
    proc = check(run_cli, tmp_path, "1.30", "--fix")
    assert proc.returncode == 1, proc.stderr
    assert (tmp_path / "flow.yaml").read_text() == FLOW
    assert (tmp_path / "psp.yaml").read_text() == PSP


@pytest.mark.parametrize(
    "kubernetes, path, written",
    [
        ("1.27", "flow.yaml", "flowcontrol.apiserver.k8s.io/v1beta2"),  # v1beta2 still served, a rename
        ("1.20", "psp.yaml", "policy/v1beta1"),  # policy/v1beta1 still served, a rename
    ],
)
def test_fix_writes_the_first_served_rename(run_cli, tmp_path, kubernetes, path, written):
    before = check(run_cli, tmp_path, kubernetes)
    fixable = [(rule, p) for rule, p, _, _, _, fix in findings(before) if fix]
    assert fixable == [("LNK502", path)]
    check(run_cli, tmp_path, kubernetes, "--fix")
    original = FLOW if path == "flow.yaml" else PSP
    assert (tmp_path / path).read_text() == original.replace(original.split("\n")[0][len("apiVersion: "):], written, 1)
    # and once fixed, the object is served: no finding is left on it
    assert [f for f in findings(check(run_cli, tmp_path, kubernetes)) if f[1] == path and f[0] == "LNK502"] == []


def test_psp_on_125_and_later_has_nothing_to_move_to(run_cli, tmp_path):
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "p.yaml").write_text(PSP.replace("extensions/v1beta1", "policy/v1beta1"))
    proc = run_cli("check", "--select", "LNK502", "--kubernetes-version", "1.25", "-f", "json", "p.yaml", cwd=tmp_path)
    assert [(r, line, col, m, fix) for r, _, line, col, m, fix in findings(proc)] == [
        ("LNK502", 1, 13, "policy/v1beta1 PodSecurityPolicy is not served by Kubernetes 1.25 (removed in 1.25); it has "
         "no replacement (use Pod Security Admission)", False)]


# -- several detected clusters ----------------------------------------------------------------

CRON = ("apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '* * * * *'\n"
        "  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: b}]}}}}\n")
KIND = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n  image: kindest/node:v1.24.17\n"
EKS = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: prod, region: eu-west-1, version: \"1.30\"}\n"


def lint_files(tmp_path, files, **kw):
    from linter.api import lint_paths

    (tmp_path / ".git").mkdir(exist_ok=True)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    r = lint_paths(sorted(files), cwd=str(tmp_path), select=["LNK502", "LNK503"], **kw)
    assert not r.internal_errors
    return [(f.rule_id, f.path, f.span.line, f.span.col, f.message) for f in r.findings]


def test_removal_judged_against_the_newest_detected_cluster(tmp_path):
    assert lint_files(tmp_path, {"cron.yaml": CRON, "kind.yaml": KIND, "eks.yaml": EKS}) == [
        ("LNK502", "cron.yaml", 1, 13,
         "batch/v1beta1 CronJob is not served by Kubernetes 1.30 (removed in 1.25); use batch/v1 "
         "(eksctl ClusterConfig metadata.version at eks.yaml:3, the newest of 2 detected clusters)"),
    ]


def test_one_detected_cluster_is_judged_alone(tmp_path):
    assert lint_files(tmp_path, {"cron.yaml": CRON, "kind.yaml": KIND}) == [
        ("LNK503", "cron.yaml", 1, 13, "batch/v1beta1 CronJob is deprecated in Kubernetes v1.24.17 and removed in 1.25; use batch/v1"),
    ]


def test_a_configured_version_beats_the_detected_clusters(tmp_path):
    import yaml

    (tmp_path / ".linkerd-lint.yaml").write_text(yaml.safe_dump({"kubernetes-version": "1.24"}))
    assert [f[:2] for f in lint_files(tmp_path, {"cron.yaml": CRON, "kind.yaml": KIND, "eks.yaml": EKS})] == [
        ("LNK503", "cron.yaml")]


# -- deprecation releases (kubernetes/api zz_generated.prerelease-lifecycle.go) --------------

@pytest.mark.parametrize(
    "api, kind, deprecated",
    [
        ("events.k8s.io/v1beta1", "Event", "1.22"),
        ("node.k8s.io/v1beta1", "RuntimeClass", "1.22"),
        ("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.22"),
        ("extensions/v1beta1", "Ingress", "1.14"),
        ("coordination.k8s.io/v1beta1", "Lease", "1.19"),
        ("rbac.authorization.k8s.io/v1beta1", "Role", "1.17"),
        ("storage.k8s.io/v1beta1", "CSINode", "1.17"),
    ],
)
def test_lnk503_from_the_release_that_deprecates(tmp_path, api, kind, deprecated):
    text = f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x}}\n"
    minor = int(deprecated.split(".")[1])
    before = lint_files(tmp_path, {"x.yaml": text}, overrides={"kubernetes-version": f"1.{minor - 1}"})
    assert before == []
    at = lint_files(tmp_path, {"x.yaml": text}, overrides={"kubernetes-version": deprecated})
    assert [f[:4] for f in at] == [("LNK503", "x.yaml", 1, 13)]
    assert f"{api} {kind} is deprecated in Kubernetes {deprecated}" in at[0][4]


def test_deprecated_before_the_replacement_is_served_gives_no_fix(run_cli, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "h.yaml").write_text("apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n")
    proc = run_cli("check", "--select", "LNK503", "--kubernetes-version", "1.22", "-f", "json", "h.yaml", cwd=tmp_path)
    assert [f[:5] for f in findings(proc)] == [
        ("LNK503", "h.yaml", 1, 13, "autoscaling/v2beta1 HorizontalPodAutoscaler is deprecated in Kubernetes 1.22 and "
         "removed in 1.25; move to autoscaling/v2 once on Kubernetes 1.23 or later, which serves it")]
    assert findings(proc)[0][5] is False


# -- a fix must suit every detected cluster -------------------------------------------------

CSI = "apiVersion: storage.k8s.io/v1beta1\nkind: CSIStorageCapacity\nmetadata: {name: c, namespace: x}\nstorageClassName: s\n"


def kind_cluster(version):
    return KIND.replace("v1.24.17", version)


def eks_cluster(version):
    return EKS.replace('"1.30"', f'"{version}"')


def test_no_fix_when_the_oldest_detected_cluster_does_not_serve_the_replacement(run_cli, tmp_path):
    (tmp_path / ".git").mkdir()
    for name, text in {"c.yaml": CSI, "kind.yaml": kind_cluster("v1.22.0"), "eks.yaml": eks_cluster("1.27")}.items():
        (tmp_path / name).write_text(text)
    proc = run_cli("check", "--select", "LNK502,LNK503", "-f", "json", ".", cwd=tmp_path)
    assert findings(proc) == [
        ("LNK502", "c.yaml", 1, 13,
         "storage.k8s.io/v1beta1 CSIStorageCapacity is not served by Kubernetes 1.27 (removed in 1.27); "
         "storage.k8s.io/v1 replaces it, but Kubernetes v1.22.0 (kind node image at kind.yaml:5) serves "
         "storage.k8s.io/v1 only from 1.24 on (eksctl ClusterConfig metadata.version at eks.yaml:3, the newest of "
         "2 detected clusters)", False),
    ]
    run_cli("check", "--select", "LNK502,LNK503", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert (tmp_path / "c.yaml").read_text() == CSI


def test_fix_when_every_detected_cluster_serves_the_replacement(run_cli, tmp_path):
    (tmp_path / ".git").mkdir()
    for name, text in {"c.yaml": CSI, "kind.yaml": kind_cluster("v1.24.0"), "eks.yaml": eks_cluster("1.27")}.items():
        (tmp_path / name).write_text(text)
    proc = run_cli("check", "--select", "LNK502,LNK503", "-f", "json", ".", cwd=tmp_path)
    assert [(f[0], f[1], f[5]) for f in findings(proc)] == [("LNK502", "c.yaml", True)]
    assert "; use storage.k8s.io/v1 (eksctl" in findings(proc)[0][4]
    run_cli("check", "--select", "LNK502,LNK503", "--fix", ".", cwd=tmp_path)
    assert (tmp_path / "c.yaml").read_text() == CSI.replace("storage.k8s.io/v1beta1", "storage.k8s.io/v1")


def test_deprecation_advice_waits_for_the_oldest_detected_cluster(tmp_path):
    got = lint_files(tmp_path, {"c.yaml": CSI, "kind.yaml": kind_cluster("v1.23.4"), "eks.yaml": eks_cluster("1.26")})
    assert got == [
        ("LNK503", "c.yaml", 1, 13,
         "storage.k8s.io/v1beta1 CSIStorageCapacity is deprecated in Kubernetes 1.26 and removed in 1.27; "
         "storage.k8s.io/v1 replaces it, but Kubernetes v1.23.4 (kind node image at kind.yaml:5) serves "
         "storage.k8s.io/v1 only from 1.24 on (eksctl ClusterConfig metadata.version at eks.yaml:3, the newest of "
         "2 detected clusters)"),
    ]


# -- a replacement that is itself deprecated ------------------------------------------------

@pytest.mark.parametrize("kubernetes, rule, note", [
    ("1.25", "LNK503", ""),  # v1beta2 is not deprecated yet
    ("1.26", "LNK502", " (itself deprecated, removed in 1.29)"),
    ("1.28", "LNK502", " (itself deprecated, removed in 1.29)"),
])
def test_replacement_deprecated_at_the_judged_version_says_so(run_cli, tmp_path, kubernetes, rule, note):
    [flow] = [f for f in findings(check(run_cli, tmp_path, kubernetes)) if f[1] == "flow.yaml"]
    assert flow[0] == rule
    assert flow[4].endswith(f"; use flowcontrol.apiserver.k8s.io/v1beta2{note}")
    assert flow[5] is True  # still a rename to an apiVersion the cluster serves


def test_psp_with_unknown_kubernetes_names_the_deprecated_replacement(tmp_path):
    assert lint_files(tmp_path, {"psp.yaml": PSP}) == [
        ("LNK502", "psp.yaml", 1, 13,
         "extensions/v1beta1 PodSecurityPolicy is not served by Kubernetes 1.23 (removed in 1.16); use policy/v1beta1 "
         "(itself deprecated, removed in 1.25) (Kubernetes version unknown: judged against 1.23, the oldest Linkerd "
         "2.18 installs on)"),
    ]
