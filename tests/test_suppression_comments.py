"""Suppression comments and annotations: lists with spaces, rule names, malformed directives."""

import pytest

from tests.lintkit import at, lint

NS = (
    "apiVersion: v1\n"
    "kind: Namespace\n"
    "metadata:\n"
    "  name: shop\n"
    "  annotations: {{linkerd.io/inject: yes, team: yes}}{comment}\n"
)
SELECT = ["LNK101", "LNK104", "LNK004"]


def _run(tmp_path, comment="", before=""):
    text = NS.format(comment=comment).replace("  annotations:", before + "  annotations:")
    return text, lint(tmp_path, {"ns.yaml": text}, SELECT)


def found(result):
    """(rule, line, col) of every finding, in report order (line, then column)."""
    return [(f.rule_id, f.span.line, f.span.col) for f in result.findings]


def test_control_both_rules_fire(tmp_path):
    text, result = _run(tmp_path)
    assert found(result) == [("LNK101", *at(text, "yes")), ("LNK104", *at(text, "yes", 2))]


@pytest.mark.parametrize("comment", [
    "  # linkerd-lint: disable=LNK101, LNK104 migrating",
    "  # linkerd-lint: disable=LNK101 ,LNK104",
    "  # linkerd-lint: disable = LNK101 , LNK104 reason, with a comma",
    "  # linkerd-lint: disable=invalid-inject-value, non-string-metadata-value migrating",
    "  # linkerd-lint: disable=lnk101,Lnk104",
])
def test_lists_with_spaces_and_rule_names_suppress_every_rule(tmp_path, comment):
    text, result = _run(tmp_path, comment)
    assert found(result) == []


def test_standalone_comment_with_names(tmp_path):
    text, result = _run(tmp_path, before="  # linkerd-lint: disable=invalid-inject-value, LNK104 reason\n")
    assert found(result) == []


def test_disable_next_line_at_the_end_of_a_line_applies_to_the_next(tmp_path):
    text, result = _run(tmp_path, before="  labels: {}  # linkerd-lint: disable-next-line=LNK101\n")
    assert found(result) == [("LNK104", *at(text, "yes", 2))]


def test_disable_file_with_a_name(tmp_path):
    text = "# linkerd-lint: disable-file=non-string-metadata-value\n" + NS.format(comment="")
    result = lint(tmp_path, {"ns.yaml": text}, SELECT)
    assert found(result) == [("LNK101", *at(text, "yes"))]


@pytest.mark.parametrize("comment", [
    "  # linkerd-lint: disable",
    "  # linkerd-lint: disable=",
    "  # linkerd-lint: disable LNK101",
    "  # linkerd-lint: disable=LNK101,",
    "  # linkerd-lint: ignore=LNK101",
    "  # linkerd-lint:Disable=LNK101",
])
def test_malformed_directives_are_reported_not_ignored(tmp_path, comment):
    text, result = _run(tmp_path, comment)
    where = at(text, "# linkerd-lint")
    assert found(result) == [("LNK101", *at(text, "yes")), ("LNK104", *at(text, "yes", 2)), ("LNK004", *where)]
    message = next(f.message for f in result.findings if f.rule_id == "LNK004")
    assert message.startswith(f"malformed suppression comment {comment.strip()!r}; it suppresses nothing")
    span = next(f.span for f in result.findings if f.rule_id == "LNK004")
    assert span.end_col == where[1] + len(comment.strip())


def test_malformed_standalone_directive(tmp_path):
    text, result = _run(tmp_path, before="  # linkerd-lint: disable\n")
    assert found(result)[0] == ("LNK004", *at(text, "# linkerd-lint"))


def test_other_mentions_of_the_tool_are_not_directives(tmp_path):
    text, result = _run(tmp_path, before="  # linkerd-lint: see docs/ci.md for the pipeline\n")
    assert [r for r, *_ in found(result)] == ["LNK101", "LNK104"]


def test_unknown_name_is_reported_where_it_is_written(tmp_path):
    text, result = _run(tmp_path, "  # linkerd-lint: disable=invalid-inject, LNK104")
    assert found(result) == [("LNK101", *at(text, "yes")), ("LNK004", *at(text, "invalid-inject"))]
    assert "suppression comment names unknown rule invalid-inject; it suppresses nothing" in result.findings[1].message


def test_ignore_annotation_with_a_rule_name(tmp_path):
    ns = NS.format(comment="").replace("team: yes}", "team: yes, ignore.linkerd-lint.io/{name}: migrating}")
    text = ns.replace("{name}", "invalid-inject-value")
    result = lint(tmp_path, {"ns.yaml": text}, SELECT)
    assert found(result) == [("LNK104", *at(text, "yes", 2))]
    text = ns.replace("{name}", "invalid-inject-valu")
    result = lint(tmp_path, {"ns.yaml": text}, SELECT)
    assert found(result) == [("LNK101", *at(text, "yes")), ("LNK104", *at(text, "yes", 2)), ("LNK004", *at(text, "ignore.linkerd"))]


@pytest.mark.parametrize("comment", [
    "  # Linkerd-Lint: disable=LNK101,LNK104",
    "  # LINKERD-LINT: disable=LNK101,LNK104",
    "  # linkerd-lint disable=LNK101,LNK104",
    "  #linkerd-lint disable-file=LNK101,LNK104",
    "  # linkerd_lint: disable=LNK101,LNK104",
    "  # linkerd-lint : disable=LNK101,LNK104",
])
def test_other_spellings_of_the_directive_are_reported_not_accepted(tmp_path, comment):
    text, result = _run(tmp_path, comment)
    where = at(text, comment.strip())
    assert found(result) == [("LNK101", *at(text, "yes")), ("LNK104", *at(text, "yes", 2)), ("LNK004", *where)]
    lnk004 = next(f for f in result.findings if f.rule_id == "LNK004")
    assert lnk004.message == (
        f"malformed suppression comment {comment.strip()!r}; it suppresses nothing: write "
        "`# linkerd-lint: disable=LNK201,LNK204 reason` (or disable-file=, disable-next-line=)"
    )
    assert lnk004.span.end_col == where[1] + len(comment.strip())


def test_a_misspelt_directive_does_not_break_the_one_before_it(tmp_path):
    # the standalone directive above still reaches the content line that ends in a misspelt one
    text, result = _run(tmp_path, "  # Linkerd-Lint: disable=LNK104", before="  # linkerd-lint: disable=LNK101\n")
    assert found(result) == [("LNK104", *at(text, "yes", 2)), ("LNK004", *at(text, "# Linkerd-Lint"))]


@pytest.mark.parametrize("comment", [
    "  # checked by linkerd-lint in CI",
    "  # linkerd-lint is run by pre-commit",
    "  # Linkerd-Lint ignores nothing here",
])
def test_prose_that_names_the_tool_is_no_directive(tmp_path, comment):
    text, result = _run(tmp_path, comment)
    assert found(result) == [("LNK101", *at(text, "yes")), ("LNK104", *at(text, "yes", 2))]
