"""`linkerd-lint context` explains every mesh decision linter/mesh.py can make in words, including
the decisions a GitOps variable leaves open (hostNetwork, the admission-webhooks label)."""

import ast
import json
import os
import re
import textwrap

from linter import context_command, mesh

from .conftest import ROOT

MANIFESTS = """\
    apiVersion: v1
    kind: Namespace
    metadata:
      name: shop
      labels:
        config.linkerd.io/admission-webhooks: ${WEBHOOKS}
      annotations:
        linkerd.io/inject: enabled
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
      namespace: shop
    spec:
      containers:
        - {name: web, image: nginx}
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: host
      namespace: other
      annotations:
        linkerd.io/inject: enabled
    spec:
      hostNetwork: ${HOST_NET}
      containers:
        - {name: web, image: nginx}
    """


def _write(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.yaml").write_text(textwrap.dedent(MANIFESTS))


def test_unresolved_gates_are_explained_in_text(run_cli, tmp_path):
    _write(tmp_path)
    out = run_cli("context", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (
        "  Pod shop/web  a.yaml:11:1\n"
        "    meshed: unknown - it asks for injection, but its Namespace's config.linkerd.io/admission-webhooks label "
        "is a variable without a default (disabled keeps the injector out): decided at deploy time "
        "(linkerd.io/inject: enabled, namespace at a.yaml:8:24)\n"
    ) in out.stdout
    assert (
        "  Pod other/host  a.yaml:20:1\n"
        "    meshed: unknown - it asks for injection, but hostNetwork is a variable without a default "
        "(a hostNetwork pod is never injected): decided at deploy time (linkerd.io/inject: enabled, pod at a.yaml:25:24)\n"
    ) in out.stdout
    assert "_unresolved" not in out.stdout  # no bare reason code


def test_unresolved_gates_are_explained_in_json(run_cli, tmp_path):
    _write(tmp_path)
    out = run_cli("context", "-f", "json", cwd=tmp_path)
    pods = {p["object"]: (p["meshed"], p["reason"], p["why"]) for p in json.loads(out.stdout)["pod_templates"]}
    assert pods["Pod shop/web"][:2] == ("unknown", "admission_webhooks_unresolved")
    assert pods["Pod other/host"][:2] == ("unknown", "host_network_unresolved")
    assert all(why != reason and " " in why for _, reason, why in pods.values())


def test_every_reason_mesh_can_give_has_words():
    """Every reason code in linter/mesh.py (a snake_case string literal that is not a field name)."""
    with open(os.path.join(ROOT, "linter", "mesh.py"), encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    fields = set(mesh.Value._fields) | set(mesh.MeshConfig._fields)
    codes = {
        n.value for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and re.fullmatch(r"[a-z]+(?:_[a-z]+)+", n.value)
    } - fields
    assert {"host_network_unresolved", "admission_webhooks_unresolved", "annotation_at_workload"} <= codes
    assert sorted(codes - set(context_command._REASONS)) == []
