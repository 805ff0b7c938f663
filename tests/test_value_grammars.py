"""The value grammars rules share (rules/_grammar.py), case by case against what Go and Rust accept."""

import pytest

from linter.rules import _grammar as g


@pytest.mark.parametrize(
    "text, ns",
    [
        ("0", 0), ("-0", 0), ("1m30s", 90 * 10**9), ("1.5s", 1_500_000_000), (".5s", 500_000_000), ("1.s", 10**9),
        ("300ms", 300 * 10**6), ("2h45m", (2 * 60 + 45) * 60 * 10**9), ("5us", 5000), ("5\u00b5s", 5000),
        ("-1h", -3600 * 10**9), ("10", None), ("1d", None), ("", None), ("s", None), (".s", None), ("1 s", None),
        ("9999999999h", None),
    ],
)
def test_go_duration(text, ns):
    assert g.go_duration(text) == ns


@pytest.mark.parametrize(
    "text, ms",
    [
        ("0", 0), ("0s", 0), ("10s", 10_000), (" 3d ", 259_200_000), ("+5m", 300_000), ("500ms", 500),
        ("1m30s", None), ("1.5s", None), ("10", None), ("-5s", None), ("5us", None), ("", None), ("s", None),
    ],
)
def test_rust_duration(text, ms):
    assert g.rust_duration(text) == ms


@pytest.mark.parametrize("ns, text", [(90 * 10**9, "90s"), (1_500_000_000, "1500ms"), (0, "0s"), (86_400 * 10**9, "1d"), (5000, None)])
def test_rust_duration_text(ns, text):
    assert g.rust_duration_text(ns) == text


def test_port_entries_and_sets():
    kinds = [(e.raw, e.kind) for e in g.port_entries("80, 90-100,http,,0,70000,9-1,a b,+8")]
    assert kinds == [
        ("80", "port"), (" 90-100", "range"), ("http", "name"), ("", "empty"), ("0", "zero"), ("70000", "big"),
        ("9-1", "reversed"), ("a b", "bad"), ("+8", "port"),
    ]
    assert g.go_port_set("25, 4000-4002,mysql,bogus", {"mysql": 3306}) == {25, 3306, 4000, 4001, 4002}
    assert g.rust_port_set(" 25 ,,4000-4001") == {25, 4000, 4001}
    assert g.rust_port_set("25,mysql") is None


@pytest.mark.parametrize(
    "text, bad",
    [("10.0.0.0/8", []), (" 10.0.0.0/8 , fd00::/8", []), ("10.0.0.1/8", []), ("10.0.0.0", ["10.0.0.0"]),
     ("10.0.0.0/8,", [""]), ("10.0.0.0/33", ["10.0.0.0/33"]), ("10.0.0.0/255.0.0.0", ["10.0.0.0/255.0.0.0"])],
)
def test_cidrs(text, bad):
    assert g.cidr_problems(text) == bad


def test_log_level():
    assert g.log_level_problems("warn,linkerd=info,linkerd_proxy::x[{a=1}]=DEBUG,hickory=3") == []
    assert [d for d, _ in g.log_level_problems("warning,linkerd=infoo,my_target")] == ["warning", "linkerd=infoo"]


def test_bools_ints_floats():
    assert [g.go_bool(t) for t in ("T", "false", "yes", "enabled")] == [True, False, None, None]
    assert (g.go_int("+80", 32), g.go_int("2147483648", 32), g.go_int("8_0")) == (80, None, None)
    assert (g.go_uint("5"), g.go_uint("+5"), g.go_uint("-5")) == (5, None, None)
    assert (g.go_float(".5"), g.go_float("1e-1"), g.go_float("0x1p-1"), g.go_float("half")) == (0.5, 0.1, 0.5, None)


def test_images_and_tags():
    assert g.image_problem("cr.l5d.io/linkerd/proxy") is None
    assert g.image_problem("localhost:5000/linkerd/proxy") is None
    assert "tag" in g.image_problem("cr.l5d.io/linkerd/proxy:edge-25.4.4")
    assert "digest" in g.image_problem("cr.l5d.io/linkerd/proxy@sha256:" + "a" * 64)
    assert g.tag_problem("edge-25.4.4") is None
    assert g.tag_problem("edge-25.4.4@sha256:" + "a" * 64) is None
    assert g.tag_problem("-edge") is not None and g.tag_problem("a:b") is not None
