"""The reader: positions, YAML 1.1 scalars, recovery, encodings, hostile structure."""

import codecs

from linter import source
from linter.located import Span
from linter.source import parse_bytes, parse_text


def test_c_parser_is_in_use():
    assert source.C_PARSER, "PyYAML was built without libyaml: reading is ~10x slower"
    assert source._Loader.__name__ == "CSafeLoader"


def test_spans_of_keys_and_values():
    src = parse_text("x.yaml", "a: b\nmeta:\n  labels:\n    app: \"web\"\n")
    data = src.documents[0].data
    labels = data["meta"]["labels"]
    assert labels.key_span("app") == Span(4, 5, 4, 8)
    assert labels.value_span("app") == Span(4, 10, 4, 15)
    assert labels.path == ("meta", "labels")


def test_yaml_11_scalars_like_kubernetes():
    data = parse_text("x.yaml", "a: yes\nb: on\nc: off\nd: 'yes'\ne: 010\nf: 1.0\ng: ~\nh: 2001-12-14\n").documents[0].data
    assert data["a"] is True and data["b"] is True and data["c"] is False
    assert data["d"] == "yes"
    assert data["e"] == 8  # YAML 1.1 octal
    assert data["f"] == 1.0 and data["g"] is None
    assert data["h"] == "2001-12-14"  # timestamps stay text


def test_columns_count_characters_not_bytes():
    data = parse_text("x.yaml", "name: \"héllo wörld\"\nnext: x\n").documents[0].data
    assert data.value_span("name") == Span(1, 7, 1, 20)
    assert data.key_span("next") == Span(2, 1, 2, 5)


def test_crlf_positions():
    data = parse_text("x.yaml", "a: b\r\nc:\r\n  d: e\r\n").documents[0].data
    assert data["c"].value_span("d") == Span(3, 6, 3, 7)


def test_duplicate_keys_are_problems_last_value_wins():
    src = parse_text("x.yaml", "a: 1\nb: 2\na: 3\n")
    assert [(p.kind, p.span.line, p.span.col) for p in src.problems] == [("duplicate-key", 3, 1)]
    assert src.documents[0].data["a"] == 3


def test_syntax_error_keeps_other_documents():
    text = "kind: A\n---\nkind: B\n  bad: indent\n---\nkind: C\n"
    src = parse_text("x.yaml", text)
    assert [d.data["kind"] for d in src.documents] == ["A", "C"]
    assert [(p.kind, p.span.line) for p in src.problems] == [("syntax", 4)]
    assert src.documents[1].span.line == 6


def test_merge_keys_and_aliases_resolve():
    text = "base: &b\n  linkerd.io/inject: enabled\nann:\n  <<: *b\n  other: x\n"
    data = parse_text("x.yaml", text).documents[0].data
    assert data["ann"] == {"linkerd.io/inject": "enabled", "other": "x"}


def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        prev = f"*a{i-1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    src = parse_text("bomb.yaml", "\n".join(lines) + "\n")
    assert [p.kind for p in src.problems] == ["too-complex"]


def test_python_tags_are_never_constructed():
    data = parse_text("x.yaml", "a: !!python/object/apply:os.system ['echo hi']\nb: !!python/name:os.system ''\n").documents[0].data
    assert data["a"] == ["echo hi"]
    assert data["b"] == ""


def test_encodings_and_binary():
    utf16 = codecs.BOM_UTF16_LE + "kind: A\n".encode("utf-16-le")
    assert parse_bytes("x.yaml", utf16).documents[0].data["kind"] == "A"
    assert parse_bytes("x.yaml", b"\xef\xbb\xbfkind: A\n").documents[0].data["kind"] == "A"
    bad = parse_bytes("x.yaml", b"kind: A\nname: caf\xe9\n")
    assert [(p.kind, p.span.line, p.span.col) for p in bad.problems] == [("encoding", 2, 10)]
    binary = parse_bytes("x.yaml", b"\x00\x01\x02garbage")
    assert [p.kind for p in binary.problems] == ["binary"]


def test_empty_and_comment_only_files_have_nothing():
    for text in ("", "# just a comment\n", "---\n", "\n\n"):
        src = parse_text("x.yaml", text)
        assert src.problems == []


def test_helm_template_detection_is_specific():
    assert [p.kind for p in parse_text("t.yaml", "name: {{ .Values.name }}\n").problems] == ["template"]
    # rendered manifests may carry Go templates inside strings (Prometheus rules)
    text = "kind: ConfigMap\ndata:\n  msg: \"{{ $labels.instance }} down\"\n"
    assert parse_text("r.yaml", text).problems == []


def test_helm_source_comments_name_the_template():
    text = "---\n# Source: shop/templates/web.yaml\nkind: A\n---\n# Source: shop/templates/db.yaml\nkind: B\n"
    src = parse_text("x.yaml", text)
    assert [d.template_source for d in src.documents] == ["shop/templates/web.yaml", "shop/templates/db.yaml"]


def test_deep_nesting_is_a_problem_not_a_crash():
    text = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    src = parse_text("deep.yaml", text)
    assert src.problems and src.problems[0].kind in ("too-complex", "syntax")


def test_every_yaml_line_break_counts_for_lines_offsets_and_suppressions():
    from linter.suppress import scan_comments

    text = "a: 1\rb: 2\x85c: 3\u2028d: 4  # linkerd-lint: disable=LNK101\n"
    src = parse_text("x.yaml", text)
    data = src.documents[0].data
    assert data.key_span("d") == Span(4, 1, 4, 2)
    assert src.lines[3].startswith("d: 4")
    assert text[src.offset(4, 1)] == "d"
    assert scan_comments("x.yaml", text).lines == {4: {"LNK101"}}


def test_without_libyaml_the_pure_python_reader_gives_the_same_findings(tmp_path):
    """PyYAML built without libyaml: the same findings at the same positions, and one notice."""
    import json
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    fixtures = os.path.join(root, "fixtures")
    wrapper = (
        "import sys\n"
        "if sys.argv.pop(1) == 'pure':\n"
        "    sys.modules['yaml._yaml'] = None  # as if PyYAML had no C extension\n"
        "sys.argv[0] = 'linkerd-lint'\n"
        "from linter.entry import main\n"
        "main()\n"
    )
    out = {}
    for mode in ("c", "pure"):
        r = subprocess.run([sys.executable, "-c", wrapper, mode, "check", "--jobs", "1", "-f", "json", fixtures],
                           capture_output=True, text=True, cwd=tmp_path)
        assert r.returncode == 1, r.stderr
        out[mode] = (json.loads(r.stdout), r.stderr)
    def comparable(report):  # the two parsers word syntax errors differently, at the same place
        return [{k: v for k, v in f.items() if not (f["rule"] == "LNK001" and k == "message")} for f in report["findings"]]

    assert len(out["c"][0]["findings"]) > 10
    assert comparable(out["pure"][0]) == comparable(out["c"][0])
    assert out["c"][1] == ""
    assert out["pure"][1].count("built without libyaml") == 1


BROKEN_THEN_GOOD = "kind: A\ndata: {a: *nope}\n---\nkind: B\n"


def test_reading_resumes_after_a_broken_document_whatever_the_line_break():
    for nl in ("\n", "\r\n", "\r", "\x85", "\u2028"):
        src = parse_text("x.yaml", BROKEN_THEN_GOOD.replace("\n", nl))
        assert [d.data["kind"] for d in src.documents] == ["B"], repr(nl)
        assert [(p.kind, p.span.line, p.span.col) for p in src.problems] == [("syntax", 2, 11)], repr(nl)
        assert src.documents[0].span.line == 4


def test_a_marker_followed_by_a_tab_or_the_end_of_the_text_resumes_too():
    src = parse_text("x.yaml", "a: *nope\n---\t{kind: B}\n")
    assert [d.data["kind"] for d in src.documents] == ["B"]
    src = parse_text("x.yaml", "a: *nope\n---")
    assert [d.data for d in src.documents] == [None] and [p.kind for p in src.problems] == ["syntax"]


def test_an_error_reported_at_the_marker_ends_the_document_before_it():
    for nl in ("\n", "\r\n"):
        src = parse_text("x.yaml", "a: [\n---\nkind: B\n".replace("\n", nl))
        assert [(p.kind, p.span.line, p.span.col) for p in src.problems] == [("syntax", 2, 1)]
        assert [d.data["kind"] for d in src.documents] == ["B"]
        assert src.documents[0].span.line == 3  # the mapping after the marker


def test_an_error_at_a_marker_that_starts_the_broken_document_moves_on():
    # the document at line 2 fails on its own line: reading must not start there again
    src = parse_text("x.yaml", "a: [\n--- ]\nkind: B\n---\nkind: C\n")
    assert [(p.kind, p.span.line) for p in src.problems] == [("syntax", 2), ("syntax", 2)]
    assert [d.data["kind"] for d in src.documents] == ["C"]


def test_crlf_file_is_linted_past_a_broken_document(tmp_path):
    from tests.lintkit import lint

    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: q, namespace: x}\ndata: {a: *nope}\n---\n"
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  annotations:\n    linkerd.io/inject: \"true\"\n"
    ).replace("\n", "\r\n")
    (tmp_path / "x.yaml").write_bytes(text.encode())
    result = lint(tmp_path, {}, ["LNK001", "LNK101"], context=())
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK001", 4, 11), ("LNK101", 11, 24)]
