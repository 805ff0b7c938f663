"""Linkerd versions outside the version data: newer releases are judged as the newest release
the data holds (and `context` says so); older ones get a notice instead of judgments."""

import json
import textwrap

import pytest
import yaml

from linter.api import lint_paths
from linter.versions import parse_linkerd_version

FILES = {
    "pod.yaml": """\
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          annotations:
            linkerd.io/inject: enabled
            config.linkerd.io/init-image: my/proxy-init
            config.alpha.linkerd.io/proxy-enable-native-sidecar: "true"
        spec:
          containers:
            - {name: web, image: nginx}
        """,
    "cron.yaml": """\
        apiVersion: batch/v1beta1
        kind: CronJob
        metadata: {name: c}
        spec:
          schedule: '* * * * *'
          jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: b}]}}}}
        """,
    "route.yaml": """\
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: GRPCRoute
        metadata: {name: r, namespace: shop}
        spec:
          parentRefs:
            - {name: web, kind: Service, group: core}
        """,
}


def run(tmp_path, linkerd):
    (tmp_path / ".git").mkdir(exist_ok=True)
    for name, text in FILES.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    (tmp_path / ".linkerd-lint.yaml").write_text(yaml.safe_dump({"linkerd-version": linkerd}))
    r = lint_paths(sorted(FILES), cwd=str(tmp_path), select=["LNK502", "LNK503", "LNK505", "LNK506", "LNK508"])
    assert not r.internal_errors
    return [(f.rule_id, f.path, f.span.line, f.span.col, f.message) for f in r.findings]


NEWEST = [
    ("LNK502", "cron.yaml", 1, 13, "batch/v1beta1 CronJob is not served by Kubernetes 1.31 (removed in 1.25); use batch/v1 "
     "(Kubernetes version unknown: judged against 1.31, the oldest {lk} installs on)"),
    ("LNK505", "pod.yaml", 7, 5, "config.linkerd.io/init-image is no longer read since Linkerd 2.20; {lk} ignores it"),
    ("LNK506", "pod.yaml", 8, 5, "config.alpha.linkerd.io/proxy-enable-native-sidecar is deprecated from Linkerd 2.19 "
     "(still honoured); use config.linkerd.io/proxy-enable-native-sidecar"),
    ("LNK508", "route.yaml", 1, 13, "gateway.networking.k8s.io/v1alpha2 GRPCRoute is deprecated in the Gateway API bundle "
     "of {lk}, and Gateway API v1.2.0 and later (which Linkerd 2.18 and later support) do not serve it at all; use "
     "gateway.networking.k8s.io/v1"),
]


@pytest.mark.parametrize("linkerd, lk", [
    ("2.20", "Linkerd 2.20"),
    ("2.21", "Linkerd 2.21 (judged as 2.20)"),
    ("edge-26.9.1", "Linkerd edge-26.9.1 (judged as 2.20)"),
])
def test_newer_releases_are_judged_as_the_newest_row(tmp_path, linkerd, lk):
    assert run(tmp_path, linkerd) == [(*f[:4], f[4].replace("{lk}", lk)) for f in NEWEST]


def test_older_releases_get_one_notice_and_no_judgment(tmp_path):
    assert run(tmp_path, "2.9") == [
        ("LNK505", "pod.yaml", 6, 5, "Linkerd 2.9 is older than 2.10, the oldest release linkerd-lint has version data "
         "for: Linkerd annotations are not checked against it"),
    ]


def test_judged_keeps_what_was_parsed():
    lv = parse_linkerd_version("edge-26.9.1")
    assert (lv.line, lv.upto) == ((2, 20), (2, 21))
    j = lv.judged()
    assert (j.line, j.upto, j.judged_from, j.order) == ((2, 20), (2, 20), ((2, 20), (2, 21)), lv.order)
    assert parse_linkerd_version("2.18").judged() == parse_linkerd_version("2.18")
    assert parse_linkerd_version("2.9").judged().covered is False


@pytest.mark.parametrize("linkerd, note", [
    ("2.21", "no data for 2.21; judged as 2.20, the newest release linkerd-lint has data for"),
    ("2.9", "no data for 2.9, older than 2.10, the oldest release linkerd-lint has data for: annotations, Linkerd resource "
            "versions, routes and the Kubernetes support matrix are not judged against it"),
    ("2.18", None),
])
def test_context_says_what_the_data_covers(run_cli, tmp_path, linkerd, note):
    (tmp_path / ".git").mkdir()
    (tmp_path / "ns.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    out = run_cli("context", "-f", "json", "--linkerd-version", linkerd, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["targets"]["linkerd"].get("note") == note
    text = run_cli("context", "--linkerd-version", linkerd, cwd=tmp_path).stdout
    assert text.splitlines()[1] == f"  Linkerd     {linkerd}  from the command line" + (f" ({note})" if note else "")


def test_support_matrix_judges_a_newer_release_by_the_newest_row(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "kind.yaml").write_text("apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes:\n"
                                        "  - image: kindest/node:v1.30.0\n")
    (tmp_path / ".linkerd-lint.yaml").write_text("linkerd-version: '2.21'\n")
    r = lint_paths(["kind.yaml"], cwd=str(tmp_path), select=["LNK501"])
    assert [(f.rule_id, f.span.line, f.span.col, str(f.severity)) for f in r.findings] == [("LNK501", 4, 12, "error")]
    assert "older than 1.31" in r.findings[0].message


def test_an_edge_release_before_the_data_is_treated_like_2_9(run_cli, tmp_path):
    """An edge release older than the edge table is accepted like 2.9 (a notice, no judgment),
    not refused: its line is unknown, so messages name the edge release itself."""
    lv = parse_linkerd_version("edge-20.1.1")
    assert lv.covered is False and not lv.exact
    assert run(tmp_path, "edge-20.1.1") == [
        ("LNK505", "pod.yaml", 6, 5, "Linkerd edge-20.1.1 is older than 2.10, the oldest release linkerd-lint has "
         "version data for: Linkerd annotations are not checked against it"),
    ]
    text = run_cli("context", "--linkerd-version", "edge-20.1.1", cwd=tmp_path)
    assert text.returncode == 0
    assert text.stdout.splitlines()[1].startswith("  Linkerd     older than 2.10 (edge-20.1.1)  from the command line (no data")
