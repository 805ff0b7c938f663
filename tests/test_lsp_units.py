"""The language server's plain-Python parts: positions, cursor context in half-typed YAML,
suppression-comment edits, hover text, and the workspace index."""

from __future__ import annotations

import os

import pytest

from linter.located import Span
from linter.lsp import actions, knowledge, yamlctx
from linter.lsp.positions import UTF8, UTF16, UTF32, Lines, char_index, units
from linter.lsp.workspace import Workspace
from linter.fix import apply_edits
from linter.source import SourceFile


# -- positions -------------------------------------------------------------------------------

def test_units_per_encoding():
    s = "aé😀"
    assert (units(s, UTF8), units(s, UTF16), units(s, UTF32)) == (1 + 2 + 4, 1 + 1 + 2, 3)
    assert char_index(s, 2, UTF16) == 2 and char_index(s, 4, UTF16) == 3
    assert char_index(s, 3, UTF16) == 2  # inside the surrogate pair: the character's start
    assert char_index(s, 99, UTF16) == 3


@pytest.mark.parametrize("encoding,expected", [(UTF16, (1, 6)), (UTF8, (1, 9)), (UTF32, (1, 5))])
def test_span_to_lsp_counts_code_units(encoding, expected):
    lines = Lines("a: 1\nb: é😀x\n", encoding)
    # `x` is character column 6 (1-based) on line 2
    assert lines.to_lsp(2, 6) == expected
    assert lines.from_lsp(*expected) == (2, 6)


def test_lines_handle_crlf_and_clamp():
    lines = Lines("a: 1\r\nb: 2\r\n")
    assert lines.line(0) == "a: 1"
    assert lines.to_lsp(1, 99) == (0, 4)
    assert lines.to_lsp(9, 1) == (2, 0)  # past the end: the end
    assert lines.span_to_lsp(Span(2, 4, 2, 2)) == ((1, 3), (1, 3))  # never ends before it starts


# -- cursor context ----------------------------------------------------------------------------

DOC = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  annotations:
    x: y
spec:
  jobTemplate:
    spec:
      template:
        metadata:
          annotations:
            config.linkerd.io/proxy-
            "linkerd.io/inject": "ena"
        spec:
          containers:
            - name: job
              env:
                -
---
apiVersion: v1
kind: Namespace
metadata:
  annotations:

"""


def test_key_site_under_a_cronjob_pod_template():
    lines = DOC.split("\n")
    site = yamlctx.completion_site(lines, 12, len(lines[12]))
    assert isinstance(site, yamlctx.KeySite)
    assert site.owner == "pod"
    assert site.path == ("spec", "jobTemplate", "spec", "template", "metadata", "annotations")
    assert (site.start, site.end, site.prefix, site.has_colon) == (12, 36, "config.linkerd.io/proxy-", False)
    # the CronJob's own metadata is not where Linkerd reads annotations
    site = yamlctx.completion_site(lines, 5, 4)
    assert site.owner is None and site.path == ("metadata", "annotations") and site.has_colon


def test_value_site_with_quotes():
    lines = DOC.split("\n")
    line = lines[13]
    site = yamlctx.completion_site(lines, 13, line.index("ena") + 3)
    assert isinstance(site, yamlctx.ValueSite)
    assert (site.key, site.prefix, site.quote) == ("linkerd.io/inject", "ena", '"')
    assert (site.start, site.end) == (line.index('"ena'), len(line))


def test_sequences_and_the_next_document():
    lines = DOC.split("\n")
    assert yamlctx.parent_path(lines, 18, 16) == ("spec", "jobTemplate", "spec", "template", "spec", "containers", "[]", "env")
    lines[18] += " "
    site = yamlctx.completion_site(lines, 18, 18)  # `- ` typed: the first key of an env item
    assert site.path[-3:] == ("[]", "env", "[]") and site.owner is None
    lines[24] = "    "  # the editor indented the new line under the Namespace's annotations
    site = yamlctx.completion_site(lines, 24, 4)
    assert site.owner == "namespace" and site.path == ("metadata", "annotations") and site.prefix == ""


def test_rollout_counts_only_for_argo():
    assert yamlctx.annotations_owner("argoproj.io/v1alpha1", "Rollout", ("spec", "template", "metadata", "annotations")) == "pod"
    assert yamlctx.annotations_owner("example.com/v1", "Rollout", ("spec", "template", "metadata", "annotations")) is None


# -- hover text --------------------------------------------------------------------------------

def test_annotation_markdown_versions():
    md = knowledge.annotation_markdown("config.linkerd.io/init-image", (2, 20))
    assert "- **Read by:** Linkerd 2.10 (the oldest checked) to 2.19; not read from 2.20 on" in md
    assert "- **Your target, Linkerd 2.20:** does NOT read it" in md
    md = knowledge.annotation_markdown("config.linkerd.io/proxy-cpu-ratio-limit", (2, 18))
    assert "Linkerd 2.18 and later" in md and "- **Inherited from the Namespace:** no" in md
    assert knowledge.annotation_markdown("example.com/x") is None
    md = knowledge.annotation_markdown("config.linkerd.io/default-inbound-policy", (2, 15))
    assert "`deny`, `audit` (2.16+)" in md
    assert "audit" not in knowledge.enum_values("config.linkerd.io/default-inbound-policy", (2, 15))
    assert "audit" in knowledge.enum_values("config.linkerd.io/default-inbound-policy", (2, 16))
    assert knowledge.annotation_markdown("linkerd.io/created-by", (2, 18)).startswith(
        "**`linkerd.io/created-by`** — written by Linkerd itself, not something to set"
    )
    assert knowledge.annotation_keys("namespace", (2, 18))[0] == "linkerd.io/inject"
    assert "config.linkerd.io/proxy-enable-native-sidecar" not in knowledge.annotation_keys("pod", (2, 18))
    assert "config.linkerd.io/proxy-enable-native-sidecar" in knowledge.annotation_keys("pod", (2, 20))


# -- suppression comments ---------------------------------------------------------------------


def apply(text, edits):
    return apply_edits(text, edits, SourceFile("t.yaml", text).offset)


MANIFEST = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: x  # keep
  labels: {a: b}  # linkerd-lint: disable=LNK105 reason
data:
  script: |
    echo one
    echo two
"""


def test_disable_comment_at_end_of_line():
    edit = actions.disable_edit(MANIFEST, 4, "LNK201")
    assert apply(MANIFEST, [edit]).split("\n")[3] == "  name: x  # keep  # linkerd-lint: disable=LNK201"


def test_disable_comment_joins_an_existing_one():
    edit = actions.disable_edit(MANIFEST, 5, "LNK201")
    assert apply(MANIFEST, [edit]).split("\n")[4] == "  labels: {a: b}  # linkerd-lint: disable=LNK105,LNK201 reason"
    assert actions.disable_edit(MANIFEST, 5, "LNK105") is None  # already there


def test_no_comment_that_would_change_a_block_scalar():
    # a comment inside `script: |` would become part of the script; the line before is in it too
    assert actions.disable_edit(MANIFEST, 9, "LNK201") is None
    # the `script: |` line itself takes a trailing comment
    edit = actions.disable_edit(MANIFEST, 7, "LNK201")
    assert apply(MANIFEST, [edit]).split("\n")[6] == "  script: |  # linkerd-lint: disable=LNK201"


def test_multi_line_plain_scalar_falls_back_to_the_line_before():
    text = "a: one\n  two\nb: 1\n"
    # a trailing comment on line 1 would cut the scalar `one two`; the standalone form keeps it
    edit = actions.disable_edit(text, 1, "LNK201")
    assert apply(text, [edit]) == "# linkerd-lint: disable=LNK201\na: one\n  two\nb: 1\n"


def test_checked_fixes_follow_check_fix():
    from linter.rule import Edit, Fix, Finding, Severity

    text = "a: 1\nb: 2  # keep\n"
    checked = actions.Checked("t.yaml", text)
    assert checked.sound([Edit(Span(1, 4, 1, 5), '"1"')])
    # an edit that drops a comment is refused, as check --fix refuses it
    assert not checked.sound([Edit(Span(2, 1, 3, 1), "")])
    one = Finding("LNK104", Severity.ERROR, "m", "t.yaml", Span(1, 4, 1, 5), fix=Fix("q", (Edit(Span(1, 4, 1, 5), '"1"'),)))
    clash = Finding("LNK104", Severity.ERROR, "m", "t.yaml", Span(1, 4, 1, 5), fix=Fix("q", (Edit(Span(1, 4, 1, 5), "x"),)))
    two = Finding("LNK104", Severity.ERROR, "m", "t.yaml", Span(2, 4, 2, 5), fix=Fix("q", (Edit(Span(2, 4, 2, 5), '"2"'),)))
    assert apply(text, checked.fix_all([one, clash, two])) == 'a: "1"\nb: "2"  # keep\n'


# -- the workspace index -----------------------------------------------------------------------

NS = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    linkerd.io/inject: enabled\n"
DEPLOY = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n"
    "  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n"
    "    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n"
)


def _ws(tmp_path, config="") -> Workspace:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ns.yaml").write_text(NS)
    (tmp_path / "web.yaml").write_text(DEPLOY)
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "other-ns.yaml").write_text(NS.replace("enabled", "disabled"))
    if config:
        (tmp_path / ".linkerd-lint.yaml").write_text(config)
    ws = Workspace(str(tmp_path))
    ws.begin_indexing()
    ws.install_index(ws.build_index(), ws.engine)
    return ws


def rules_of(outcome):
    return sorted((f.rule_id, f.span.line) for f in outcome.findings)


def test_workspace_lint_uses_the_index(tmp_path):
    ws = _ws(tmp_path, "exclude: [vendor/]\n")
    assert sorted(ws.disk) == [".linkerd-lint.yaml", "ns.yaml", "web.yaml"]  # vendor/ excluded, like the CLI
    out = ws.lint("web.yaml", DEPLOY)
    assert rules_of(out) == [("LNK201", 9)] and not out.dependents_stale
    # the Namespace buffer as edited: no injection; its dependents are stale
    out = ws.lint("ns.yaml", NS.replace("enabled", "disabled"))
    assert out.dependents_stale
    assert rules_of(ws.lint("web.yaml", DEPLOY)) == []
    # closing the buffer: the disk version counts again
    assert ws.close("ns.yaml")
    assert rules_of(ws.lint("web.yaml", DEPLOY)) == [("LNK201", 9)]


def test_workspace_follows_the_disk(tmp_path):
    ws = _ws(tmp_path)
    assert rules_of(ws.lint("web.yaml", DEPLOY)) == [("LNK201", 9)]
    (tmp_path / "ns.yaml").unlink()
    assert ws.file_changed(str(tmp_path / "ns.yaml"), deleted=True)
    # the other Namespace file (not excluded here) says disabled: nothing to report
    assert rules_of(ws.lint("web.yaml", DEPLOY)) == []
    # a deleted directory takes its files with it
    (tmp_path / "vendor" / "other-ns.yaml").unlink()
    (tmp_path / "vendor").rmdir()
    assert ws.file_changed(str(tmp_path / "vendor"), deleted=True)
    assert "vendor/other-ns.yaml" not in ws.disk
    # a change that does not touch run-wide facts does not make open documents stale
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    assert not ws.file_changed(str(tmp_path / "cm.yaml"))


def test_editing_helm_values_refreshes_dependents(tmp_path):
    ws = _ws(tmp_path, "exclude: [vendor/]\n")
    values = "proxyInjector: {}\nproxy:\n  resources:\n    memory:\n      limit: 256Mi\n"
    assert rules_of(ws.lint("web.yaml", DEPLOY)) == [("LNK201", 9)]
    out = ws.lint("values.yaml", values)  # a new, unsaved values file in the editor
    assert out.dependents_stale
    assert rules_of(ws.lint("web.yaml", DEPLOY)) == []  # the values set the proxy's memory limit
    assert ws.lint("values.yaml", values + "# a comment\n").dependents_stale  # any edit may matter


def test_workspace_with_a_broken_configuration_uses_defaults(tmp_path):
    ws = _ws(tmp_path, "linkerd-version: 2.18\n")  # a float: the schema wants a string
    assert ws.problem and "linkerd-version" in ws.problem
    assert rules_of(ws.lint("web.yaml", DEPLOY)) == [("LNK201", 9)]


def test_is_config(tmp_path):
    ws = _ws(tmp_path)
    assert ws.is_config(str(tmp_path / ".linkerd-lint.yaml"))
    assert ws.is_config(str(tmp_path / "pyproject.toml"))
    assert ws.is_config(str(tmp_path.parent / ".linkerd-lint.yml"))  # discovery walks up
    assert not ws.is_config(str(tmp_path / "sub" / ".linkerd-lint.yaml"))
    assert not ws.is_config(str(tmp_path / "ns.yaml"))
    assert os.path.basename(ws.root) == tmp_path.name


def test_line_breaks_the_reader_and_lsp_count_differently():
    from linter.source import parse_text

    # a lone CR breaks a line for both; NEL and LS only for the YAML reader
    text = "a: 1\rb: é\x85c: 2\u2028d: x\n"
    src = parse_text("t.yaml", text)
    spans = src.documents[0].data.spans
    assert [spans[k][0].line for k in "abcd"] == [1, 2, 3, 4]
    lines = Lines(text)
    assert lines.lines == ["a: 1", "b: é\x85c: 2\u2028d: x", ""]
    assert lines.span_to_lsp(spans["c"][1]) == ((1, 8), (1, 9))  # `2` on LSP line 1
    assert lines.span_to_lsp(spans["d"][1]) == ((1, 13), (1, 14))
    assert actions.disable_edit(text, 2, "LNK201") is None  # no comment we cannot place exactly


def test_server_without_pygls_says_how_to_install_it():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "for m in ('pygls', 'pygls.lsp', 'pygls.lsp.server'): sys.modules[m] = None\n"
        "from linter.cli import main\n"
        "sys.argv = ['linkerd-lint', 'server']\n"
        "main()\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert 'pip install "linkerd-lint[server]"' in r.stderr and "Traceback" not in r.stderr


# -- Services, routes and flow mappings --------------------------------------------------------

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    config.linkerd.io/opaque-ports: "3306"
    config.linkerd.io/
spec:
  selector: {app: web}
"""
FLOW = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, annotations: {config.linkerd.io/}}
spec:
  template:
    metadata:
      annotations: {linkerd.io/inject: ena, config.linkerd.io/}
"""


def test_service_and_route_annotations_have_owners():
    lines = SERVICE.split("\n")
    site = yamlctx.completion_site(lines, 6, len(lines[6]))
    assert isinstance(site, yamlctx.KeySite) and site.owner == "service" and site.prefix == "config.linkerd.io/"
    assert yamlctx.owner_at(lines, 5, 6) == "service" and yamlctx.owner_at(lines, 6, 6) == "service"
    assert yamlctx.owner_at(lines, 8, 4) is None  # spec.selector
    assert yamlctx.annotations_owner("gateway.networking.k8s.io/v1", "HTTPRoute", ("metadata", "annotations")) == "route"
    assert yamlctx.annotations_owner("policy.linkerd.io/v1beta3", "HTTPRoute", ("metadata", "annotations")) == "route"
    assert yamlctx.annotations_owner("example.com/v1", "Service", ("metadata", "annotations")) is None
    keys = knowledge.annotation_keys("service", (2, 18))
    assert "config.linkerd.io/opaque-ports" in keys and "retry.linkerd.io/http" in keys
    assert "timeout.linkerd.io/request" in keys and "balancer.linkerd.io/failure-accrual" in keys
    assert "config.linkerd.io/proxy-cpu-limit" not in keys and "linkerd.io/inject" not in keys
    assert "retry.linkerd.io/http" not in knowledge.annotation_keys("service", (2, 15))  # read from 2.16 on
    route = knowledge.annotation_keys("route", (2, 18))
    assert "retry.linkerd.io/http" in route and "balancer.linkerd.io/failure-accrual" not in route


def test_hover_text_depends_on_whose_annotation_it_is():
    md = knowledge.annotation_markdown("config.linkerd.io/opaque-ports", (2, 18), "service")
    assert md.startswith("**`config.linkerd.io/opaque-ports`** — Linkerd Service annotation, read by the destination")
    assert "read from the pod template" not in md and "named ports" not in md
    # names are the pods' business: the policy controller drops a Service's list that holds one (LNK305)
    assert "- **Value:** a comma-separated list of port numbers and `lo-hi` ranges; a port name makes the policy " \
           "controller drop the whole list (LNK305)" in md
    md = knowledge.annotation_markdown("config.linkerd.io/opaque-ports", (2, 18), "pod")
    assert md.startswith("**`config.linkerd.io/opaque-ports`** — Linkerd annotation, read from the pod template")
    md = knowledge.annotation_markdown("config.linkerd.io/proxy-cpu-limit", (2, 18), "service")
    assert "- **Here:** NOT read: Linkerd reads it from pod templates (and Namespaces), not from a Service" in md
    md = knowledge.annotation_markdown("retry.linkerd.io/http", (2, 18), "pod")
    assert "- **Here:** NOT read: Linkerd reads it from a Service (or an HTTPRoute/GRPCRoute), not from a pod template" in md
    assert "**Here:**" not in knowledge.annotation_markdown("retry.linkerd.io/http", (2, 18), "route")


def test_completion_sites_in_flow_mappings():
    lines = FLOW.split("\n")
    line = lines[6]
    site = yamlctx.completion_site(lines, 6, len(line) - 1)
    assert isinstance(site, yamlctx.KeySite) and site.owner == "pod"
    assert site.path == ("spec", "template", "metadata", "annotations")
    assert (site.start, site.end, site.prefix, site.has_colon) == (line.index("config"), len(line) - 1, "config.linkerd.io/", False)
    site = yamlctx.completion_site(lines, 6, line.index("ena") + 3)
    assert isinstance(site, yamlctx.ValueSite) and (site.key, site.prefix, site.start) == ("linkerd.io/inject", "ena", line.index("ena"))
    site = yamlctx.completion_site(lines, 6, line.index("{") + 3)  # inside `linkerd.io/inject`
    assert site.owner == "pod" and site.prefix == "li" and site.has_colon
    # nested flow mappings on one line: the Deployment's own metadata is not the pod template
    site = yamlctx.completion_site(lines, 2, len(lines[2]) - 2)
    assert site.path == ("metadata", "annotations") and site.owner is None
    assert yamlctx.completion_site(["a: {b: c}  # {x"], 0, 16) is None  # in a comment
    assert yamlctx.completion_site(["a: [b, c"], 0, 8) is None  # a flow sequence holds no keys


def test_latency_benchmark_fails_when_the_target_is_missed(monkeypatch, capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "lsp_latency", os.path.join(os.path.dirname(os.path.dirname(__file__)), "benchmarks", "lsp_latency.py"))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    def fake(median_change, median_save):
        stat = lambda m: {"n": 20, "median_ms": m, "p90_ms": m, "max_ms": m}  # noqa: E731
        return {"files": 1000, "ignored_rules": [], "edited_file_lines": 300, "open_ms": 1.0, "index": "",
                "in_process": {"index_ms": 1.0, "files_indexed": 1000, "lint": stat(10.0)},
                "change": stat(median_change), "save": stat(median_save), "burst_end": stat(180.0)}

    for (change, save), code in (((20.0, 30.0), 0), ((20.0, 55.0), 1), ((50.0, 10.0), 1)):
        monkeypatch.setattr(bench, "measure", lambda *a, r=fake(change, save): r)
        assert bench.main([]) == code
        assert ("NOT met" in capsys.readouterr().out) == bool(code)
        assert bench.main(["--json"]) == code
        assert f'"target_met": {"false" if code else "true"}' in capsys.readouterr().out


def test_a_bad_editor_setting_keeps_the_project_configuration(tmp_path):
    """An editor setting the configuration refuses is dropped, not the project's configuration with it."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".linkerd-lint.yaml").write_text("ignore: [LNK201]\n")
    (tmp_path / "web.yaml").write_text(DEPLOY)
    (tmp_path / "ns.yaml").write_text(NS)
    ws = Workspace(str(tmp_path), options={"linkerdVersion": "banana"})
    ws.begin_indexing()
    ws.install_index(ws.build_index(), ws.engine)
    assert ws.problem.startswith("linkerd-lint: ") and ws.problem.endswith("; ignoring the editor settings (linkerdVersion)")
    assert "banana" in ws.problem
    assert rules_of(ws.lint("web.yaml", DEPLOY)) == []  # the project still ignores LNK201
