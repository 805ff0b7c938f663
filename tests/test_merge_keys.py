"""Merge keys (<<) apply where they stand, as Kubernetes' reader applies them (go-yaml v2
decode.go: mapping() merges into the map at the ``<<`` entry, merge() steps through a list of
maps backwards so the first wins): a merged value overwrites a key written before the ``<<``,
a key written after it wins."""

from linter.located import Span
from linter.source import parse_text
from tests.lintkit import at, lint


def _read(text):
    src = parse_text("x.yaml", text)
    assert not src.problems
    return src.documents[0].data


def test_a_key_written_before_the_merge_is_overwritten():
    data = _read("m:\n  a: 1\n  <<: {a: 2, b: 3}\n")["m"]
    assert dict(data) == {"a": 2, "b": 3}
    assert data.value_span("a") == Span(3, 11, 3, 12)  # the merged value's place


def test_a_key_written_after_the_merge_wins():
    data = _read("m:\n  <<: {a: 2, b: 3}\n  a: 1\n")["m"]
    assert dict(data) == {"a": 1, "b": 3}
    assert data.value_span("a") == Span(3, 6, 3, 7)


def test_of_a_list_of_maps_the_first_wins_over_later_ones_and_earlier_keys():
    data = _read("m:\n  a: 0\n  <<: [{a: 1, d: 1}, {a: 2, b: 2}]\n  d: 5\n")["m"]
    assert dict(data) == {"a": 1, "d": 5, "b": 2}


def test_a_second_merge_key_overwrites_the_first():
    data = _read("m:\n  <<: {a: 1}\n  <<: {a: 2}\n")["m"]
    assert dict(data) == {"a": 2}


def test_an_aliased_merge_overwrites_an_earlier_key():
    data = _read("base: &b {linkerd.io/inject: disabled}\nann:\n  linkerd.io/inject: enabled\n  <<: *b\n")
    assert data["ann"]["linkerd.io/inject"] == "disabled"


POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: shop
  annotations:
{annotations}
spec:
  containers: [{{name: a, image: b}}]
"""


def test_inject_enabled_before_a_merge_that_disables_it_is_not_meshed(tmp_path):
    text = POD.format(annotations="    linkerd.io/inject: enabled\n    <<: {linkerd.io/inject: disabled}")
    assert lint(tmp_path, {"p.yaml": text}, "LNK201").findings == []


def test_inject_enabled_after_a_merge_that_disables_it_is_meshed(tmp_path):
    text = POD.format(annotations="    <<: {linkerd.io/inject: disabled}\n    linkerd.io/inject: enabled")
    result = lint(tmp_path, {"p.yaml": text}, "LNK201")
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK201", *at(text, "enabled"))]


def test_a_value_the_merge_overwrites_is_not_judged(tmp_path):
    text = POD.format(annotations='    linkerd.io/inject: "true"\n    <<: {linkerd.io/inject: enabled}')
    assert lint(tmp_path, {"p.yaml": text}, "LNK101").findings == []
    text = POD.format(annotations='    linkerd.io/inject: enabled\n    <<: {linkerd.io/inject: "true"}')
    result = lint(tmp_path, {"p.yaml": text}, "LNK101")
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK101", *at(text, '"true"'))]
