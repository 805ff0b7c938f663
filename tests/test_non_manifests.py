"""Files that are not manifests stay quiet (or get one note); JSON is JSON, as kubectl reads it."""

from tests.lintkit import at, lint, messages

SELECT = ["LNK001", "LNK002"]


def found(result):
    return [(f.path, f.rule_id, str(f.severity), f.span.line, f.span.col) for f in result.findings]


def test_a_duplicate_key_in_a_values_file_is_not_the_api_servers_business(tmp_path):
    values = "replicas: 1\nimage: x\nreplicas: 2\n"
    assert lint(tmp_path, {"values.yaml": values}, SELECT).findings == []


def test_a_duplicate_key_in_an_object_is_reported_in_a_mixed_stream(tmp_path):
    text = "replicas: 1\nreplicas: 2\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  name: d\n"
    result = lint(tmp_path, {"mixed.yaml": text}, SELECT)
    assert found(result) == [("mixed.yaml", "LNK002", "error", *at(text, "name: d"))]


def test_a_broken_file_that_is_no_manifest_gets_one_note(tmp_path):
    tsconfig = '{\n  // comment\n  "compilerOptions": {"strict": true,},\n}\n'
    workflow = "name: ci\non:\n  push:\njobs:\n  a: [\n"
    result = lint(tmp_path, {"tsconfig.json": tsconfig, "ci.yaml": workflow}, SELECT)
    assert [(p, r, s) for p, r, s, *_ in found(result)] == [("ci.yaml", "LNK001", "info"), ("tsconfig.json", "LNK001", "info")]
    assert all("never mentions apiVersion or kind" in m for m in messages(result))
    assert result.findings[0].span.line == 5  # where the parser stopped


def test_control_a_broken_manifest_is_an_error(tmp_path):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: [\n"
    result = lint(tmp_path, {"cm.yaml": text}, SELECT)
    assert [(r, s) for _, r, s, *_ in found(result)] == [("LNK001", "error")]


def test_invalid_json_manifests_are_errors(tmp_path):
    missing = '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": }\n}\n'
    trailing = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},}\n'
    comment = '  {\n  "apiVersion": "v1", // the core group\n  "kind": "ConfigMap", "metadata": {"name": "c"}}\n'
    result = lint(tmp_path, {"a.json": missing, "b.json": trailing, "c.yaml": comment}, SELECT)
    assert found(result) == [
        ("a.json", "LNK001", "error", 4, 24),
        ("b.json", "LNK001", "error", *at(trailing, ",}", 1)[:1], trailing.index(",}") + 2),
        ("c.yaml", "LNK001", "error", *at(comment, "//")),
    ]
    assert messages(result)[0] == "not valid JSON (expecting value): kubectl reads a file that starts with '{' as JSON and refuses it"


def test_valid_json_and_yaml_flow_are_quiet(tmp_path):
    good = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}\n'
    flow = 'kind: ConfigMap\napiVersion: v1\nmetadata: {name: c,}\n'  # YAML, not JSON: a trailing comma is fine
    assert lint(tmp_path, {"a.json": good, "b.yaml": flow}, SELECT).findings == []


def test_invalid_json_is_still_linted_as_read(tmp_path):
    text = '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n", "annotations": {"linkerd.io/inject": "true"},},}\n'
    result = lint(tmp_path, {"ns.json": text}, SELECT + ["LNK101"])
    assert [r for _, r, *_ in found(result)] == ["LNK101", "LNK001"]  # in the order of their places


def test_nan_is_not_json(tmp_path):
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": NaN}}\n'
    result = lint(tmp_path, {"c.json": text}, SELECT)
    assert found(result) == [("c.json", "LNK001", "error", *at(text, "NaN"))]


def test_a_json_stream_of_objects_is_read_object_by_object(tmp_path):
    # valid for kubectl (json.Decoder reads value after value), no YAML (no --- between them)
    text = (
        '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}\n'
        '  {"apiVersion": "v1", "kind": "Namespace",\n'
        '   "metadata": {"name": "b", "annotations": {"linkerd.io/inject": "true"}}}\n'
    )
    result = lint(tmp_path, {"ns.json": text}, SELECT + ["LNK101"])
    assert found(result) == [("ns.json", "LNK101", "error", *at(text, '"true"'))]
