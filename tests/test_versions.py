"""Every version form users write, and Helm kubeVersion ranges."""

import pytest

from linter.versions import (
    ConstraintError,
    VersionError,
    admitted_minors,
    parse_kubernetes,
    parse_linkerd,
    parse_linkerd_version,
)


@pytest.mark.parametrize(
    "text, line, upto, family",
    [
        ("2.18", (2, 18), (2, 18), ("release", (2, 18, 0))),
        ("2.18.2", (2, 18), (2, 18), ("release", (2, 18, 2))),
        ("v2.18", (2, 18), (2, 18), ("release", (2, 18, 0))),
        ("stable-2.14.10", (2, 14), (2, 14), ("release", (2, 14, 10))),
        ("version-2.18", (2, 18), (2, 18), ("edge", (25, 4, 4))),
        ("enterprise-2.19.6", (2, 19), (2, 19), ("release", (2, 19, 6))),
        ("edge-25.4.4", (2, 18), (2, 18), ("edge", (25, 4, 4))),
        ("edge-25.8.2", (2, 18), (2, 19), ("edge", (25, 8, 2))),  # between two lines
        ("edge-24.2.4", (2, 15), (2, 15), ("edge", (24, 2, 4))),
        ("edge-26.8.3", (2, 20), (2, 21), ("edge", (26, 8, 3))),  # after the newest line
        ("preview-25.10.7", (2, 19), (2, 19), ("edge", (25, 10, 7))),
    ],
)
def test_linkerd_forms(text, line, upto, family):
    v = parse_linkerd_version(text)
    assert (v.line, v.upto, v.order) == (line, upto, family)
    assert parse_linkerd(text) == line


@pytest.mark.parametrize("text", ["1.30", "3.1", "latest", "stable-", "edge-25.4"])
def test_linkerd_rejects(text):
    with pytest.raises(VersionError):
        parse_linkerd_version(text)


def test_linkerd_ordering():
    p = parse_linkerd_version
    assert p("stable-2.14.10").newer_than(p("stable-2.14.8")) is True
    assert p("edge-25.8.2").newer_than(p("version-2.18")) is True
    assert p("version-2.17").newer_than(p("2.18")) is False
    assert p("2.19.1").newer_than(p("version-2.18")) is True
    assert p("2.18.1").newer_than(p("version-2.18")) is None  # different families, same line


@pytest.mark.parametrize(
    "text, minor",
    [("1.30", (1, 30)), ("v1.30.4", (1, 30)), ("1.30.2-eks-abc", (1, 30)), ("v1.29.3+k3s1", (1, 29)),
     ("1.28.5-gke.1217000", (1, 28)), ("v1.29.3-k3s1", (1, 29))],
)
def test_kubernetes_forms(text, minor):
    assert parse_kubernetes(text) == minor


@pytest.mark.parametrize("text", ["2.18", "1", "latest", "v1.x"])
def test_kubernetes_rejects(text):
    with pytest.raises(VersionError):
        parse_kubernetes(text)


@pytest.mark.parametrize(
    "constraint, first, last",
    [
        (">=1.23.0-0", 23, 60),
        (">= 1.21.0-0 < 1.30.0-0", 21, 29),
        (">=1.22.0-0, <1.33.0-0", 22, 32),
        ("^1.28", 28, 60),
        ("~1.29", 29, 29),
        ("~1.29.3", 29, 29),
        ("1.29.x", 29, 29),
        ("1.25 - 1.27", 25, 27),
        (">1.28", 29, 60),
        ("<=1.25", 0, 25),
        (">1.28.3", 28, 60),  # 1.28.4 qualifies
        ("<1.28.0", 0, 27),
    ],
)
def test_kube_version_ranges(constraint, first, last):
    minors = admitted_minors(constraint)
    assert (minors[0], minors[-1]) == ((1, first), (1, last))


def test_kube_version_alternatives_and_gaps():
    minors = admitted_minors(">=1.19.0-0 <1.22.0-0 || >=1.28.0-0")
    assert (1, 21) in minors and (1, 22) not in minors and (1, 27) not in minors and (1, 28) in minors
    assert admitted_minors(">=1.30.0 <1.20.0") == []
    assert admitted_minors("!=1.25.x >=1.24 <1.27") == [(1, 24), (1, 26)]


@pytest.mark.parametrize("text", ["", "1.2x.x", "foo", ">=1.2 bar"])
def test_kube_version_unreadable(text):
    with pytest.raises(ConstraintError):
        admitted_minors(text)
