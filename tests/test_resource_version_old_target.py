"""LNK504 and a Linkerd older than the version data (2.9): like LNK505/LNK506, one notice for the run
and no judgment, instead of calling every Linkerd resource unserved."""

import textwrap

import pytest

from .lintkit import lint

FILES = {
    "a.yaml": textwrap.dedent("""\
        apiVersion: policy.linkerd.io/v1beta1
        kind: Server
        metadata: {name: web-http, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          port: http
        ---
        apiVersion: split.smi-spec.io/v1alpha1
        kind: TrafficSplit
        metadata: {name: web, namespace: shop}
        spec: {service: web, backends: [{service: web-v2, weight: 100}]}
        """),
    "b.yaml": textwrap.dedent("""\
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: admin, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          port: admin
        """),
}


def findings(tmp_path, linkerd):
    r = lint(tmp_path, FILES, "LNK504", config={"linkerd-version": linkerd})
    return [(f.path, f.span.line, f.span.col, f.severity.name.lower(), f.message) for f in r.findings]


@pytest.mark.parametrize("linkerd", ["2.9", "stable-2.9.5"])
def test_older_than_the_data_one_notice(tmp_path, linkerd):
    assert findings(tmp_path, linkerd) == [
        ("a.yaml", 1, 13, "info", "Linkerd 2.9 is older than 2.10, the oldest release linkerd-lint has version data for: "
         "Linkerd resource versions are not checked against it"),
    ]


def test_the_oldest_line_is_judged(tmp_path):
    assert findings(tmp_path, "2.10") == [
        ("a.yaml", 1, 13, "error", "policy.linkerd.io/v1beta1 Server is not served by Linkerd 2.10 (v1beta1 arrives in "
         "2.11); Linkerd 2.10 has no Server"),
        ("b.yaml", 1, 13, "error", "policy.linkerd.io/v1beta3 Server is not served by Linkerd 2.10 (v1beta3 arrives in "
         "2.16); Linkerd 2.10 has no Server"),
    ]


def test_context_names_resource_versions_among_what_is_not_judged(run_cli, tmp_path):
    lint(tmp_path, FILES, "LNK504")
    out = run_cli("context", "--linkerd-version", "2.9", cwd=tmp_path)
    assert "Linkerd resource versions" in out.stdout, out.stdout
