"""Parsing Linkerd and Kubernetes version strings as users write them.

Where ``packaging`` fits and where it does not:

* plain semantic versions (``1.30.4``, ``2.18.2``) are matched by the expressions below,
  which admit digits only; a Kubernetes version then goes to ``packaging.version``
  (imported only then: it costs ~3 ms, and the default target needs no parsing);
* Linkerd's channel prefixes (``stable-``, ``edge-``, ``version-``, ``enterprise-``,
  ``preview-``) and the vendor suffixes of Kubernetes builds (``-eks-abc``, ``+k3s1``,
  ``-gke.1217000``) are not PEP 440, so they are stripped here first;
* an edge release (``edge-25.4.4``) is not a semantic version at all: it is mapped to
  its release line with ``EDGE_OF_RELEASE``;
* Helm's ``kubeVersion`` ranges are Masterminds/semver constraints (``>=1.23.0-0``,
  ``^1.28``, ``~1.29``, ``1.2x.x``, ``a - b``, ``||``), which ``packaging.specifiers``
  does not understand (no ``^``/``~``/``x``/``||``/hyphen ranges, and ``~=`` means
  something else): ``admitted_minors`` evaluates them itself.
"""

from __future__ import annotations

import re

from linter.lazyre import pattern
from linter.record import Record

# The edge release each Linkerd version line was cut from: data, one row per line with its
# source, in rules/_linkerd_releases.py.
from linter.rules._linkerd_releases import EDGE_OF_RELEASE, NEWEST_LINE, OLDEST_LINE

_LINKERD = pattern(r"^(?:(stable|version|enterprise)-)?v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$")
_EDGE = pattern(r"^(edge|preview)-(\d{2})\.(\d{1,2})\.(\d+)(?:[-+].*)?$")
_K8S = pattern(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.+-]*)?$")


class VersionError(ValueError):
    pass


class LinkerdVersion(Record, frozen=True):
    """A Linkerd version as written, and the release lines it may stand for.

    ``line`` is the release whose features it certainly has; ``upto`` is the newest
    release line it may partly contain.  They differ only for an edge release cut
    between two lines (edge-25.8.2 has all of 2.18 and part of what became 2.19): a
    rule that is unsure which side a feature falls on stays quiet.
    ``order`` compares versions of one family: ("edge", (25, 4, 4)) for edge builds and
    ``version-2.x`` tags, ("release", (2, 14, 10)) for stable/enterprise/plain versions.
    """

    __slots__ = ("text", "line", "upto", "channel", "order", "judged_from")

    def __init__(self, text: str, line: tuple, upto: tuple, channel: str, order: tuple, judged_from: tuple = ()):
        self.text = text
        self.line = line
        self.upto = upto
        self.channel = channel
        self.order = order
        self.judged_from = judged_from  # (line, upto) as parsed, when ``judged`` moved them onto the data

    @property
    def exact(self) -> bool:
        return self.line == self.upto

    @property
    def covered(self) -> bool:
        """Is there version data for this release (not older than the oldest line it holds)?"""
        return self.line >= OLDEST_LINE

    @property
    def name(self) -> str:
        """How messages name it: 'Linkerd 2.18', 'Linkerd edge-25.8.2', 'Linkerd 2.21 (judged as 2.20)'."""
        if self.judged_from:
            return f"Linkerd {self.text} (judged as {fmt(self.line)})"
        return f"Linkerd {fmt(self.line)}" if self.exact else f"Linkerd {self.text}"

    @property
    def data_note(self) -> str:
        """What ``context`` says when the version data does not reach this release ('' when it does)."""
        if self.judged_from:
            return f"no data for {self.text}; judged as {fmt(self.line)}, the newest release linkerd-lint has data for"
        if not self.covered:
            return (f"no data for {self.text}, older than {fmt(OLDEST_LINE)}, the oldest release linkerd-lint has data "
                    "for: annotations, Linkerd resource versions, routes and the Kubernetes support matrix are not judged against it")
        return ""

    def judged(self) -> "LinkerdVersion":
        """The release the version data judges this one as: a release newer than the newest line the
        data holds is judged as that line (what it serves, reads and supports is assumed unchanged);
        ``judged_from`` keeps what was parsed.  Older releases stay as they are (see ``covered``)."""
        if self.upto <= NEWEST_LINE:
            return self
        line = min(self.line, NEWEST_LINE)
        return LinkerdVersion(self.text, line, NEWEST_LINE, self.channel, self.order, (self.line, self.upto))

    def newer_than(self, other: "LinkerdVersion") -> bool | None:
        """True/False when certain, None when the two cannot be ordered."""
        if self.order[0] == other.order[0]:
            return self.order[1] > other.order[1]
        if self.line > other.upto:
            return True
        if self.upto <= other.line and not (self.exact and other.exact and self.line == other.line):
            return False
        return None


def _edge_line(edge: tuple) -> tuple[tuple, tuple]:
    line = None
    for release, cut in sorted(EDGE_OF_RELEASE.items(), key=lambda kv: kv[1]):
        if cut <= edge:
            line = release
    if line is None:
        return None, None
    if EDGE_OF_RELEASE[line] == edge:
        return line, line
    return line, (line[0], line[1] + 1)


def parse_linkerd_version(text) -> LinkerdVersion:
    """Every form users meet: 2.18, 2.18.2, v2.18, stable-2.14.10, version-2.18, enterprise-2.19.6,
    edge-25.4.4, preview-25.10.7 (Buoyant's preview builds follow the edge numbering)."""
    s = str(text).strip()
    m = _EDGE.match(s)
    if m:
        edge = tuple(int(x) for x in m.groups()[1:])
        line, upto = _edge_line(edge)
        if line is None:
            # Before the oldest line the edge table holds: some release before it, like "2.9" a
            # version the data does not cover (``covered`` is False; rules do not judge it).
            line, upto = (2, 0), (OLDEST_LINE[0], OLDEST_LINE[1] - 1)
        return LinkerdVersion(s, line, upto, m.group(1), ("edge", edge))
    m = _LINKERD.match(s)
    if not m or int(m.group(2)) != 2:
        raise VersionError(f"not a Linkerd version: {s!r} (expected e.g. 2.18, stable-2.14.10, edge-25.4.4)")
    number = f"{m.group(2)}.{m.group(3)}.{m.group(4) or 0}"
    if not number.isascii():  # \d admits other scripts' digits; PEP 440 (packaging) does not
        raise VersionError(f"Invalid version: {number!r}")
    channel = m.group(1) or "plain"
    line = (2, int(m.group(3)))
    if channel == "version" and line in EDGE_OF_RELEASE:
        # version-2.18 is a tag on edge-25.4.4: order it among edges
        return LinkerdVersion(s, line, line, channel, ("edge", EDGE_OF_RELEASE[line]))
    return LinkerdVersion(s, line, line, channel, ("release", line + (int(m.group(4) or 0),)))


def parse_linkerd(text) -> tuple:
    """'2.18', '2.18.2', 'stable-2.14.10', 'version-2.18', 'enterprise-2.19.6', 'edge-25.4.4' -> (2, 18)."""
    return parse_linkerd_version(text).line


def linkerd_target(settings) -> LinkerdVersion:
    """The target Linkerd version of a run, with its line range (see LinkerdVersion)."""
    try:
        return parse_linkerd_version(settings.linkerd_version_text)
    except (VersionError, TypeError, AttributeError):
        v = tuple(settings.linkerd_version)
        return LinkerdVersion(fmt(v), v, v, "plain", ("release", v + (0,)))


def judged_target(settings) -> LinkerdVersion:
    """The target Linkerd version as the version data judges it (see ``LinkerdVersion.judged``)."""
    return linkerd_target(settings).judged()


def parse_kubernetes(text) -> tuple:
    """'1.30', 'v1.30.4', '1.30.2-eks-abc', 'v1.29.3+k3s1', '1.28.5-gke.1217000' -> (1, 30)."""
    s = str(text).strip()
    m = _K8S.match(s)
    if not m:
        raise VersionError(f"not a Kubernetes version: {s!r} (expected e.g. 1.30 or v1.30.4)")
    core = ".".join(g for g in m.groups() if g is not None)
    from packaging.version import InvalidVersion, Version

    try:
        v = Version(core)
    except InvalidVersion as e:  # pragma: no cover - the regex admits only digits
        raise VersionError(str(e)) from None
    if v.major != 1:
        raise VersionError(f"not a Kubernetes version: {s!r}")
    return (v.major, v.minor)


def fmt(version: tuple) -> str:
    return ".".join(str(p) for p in version)


# -- Helm kubeVersion constraints (Masterminds/semver v3) ----------------------------------

_TERM = pattern(
    r"(?P<op>!=|>=|<=|=>|=<|~>|>|<|=|~|\^)?\s*v?(?P<v>(?:\d+|[xX*])(?:\.(?:\d+|[xX*])){0,2})"
    r"(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?"
)
_HYPHEN = pattern(r"^\s*(\S+)\s+-\s+(\S+)\s*$")
_BIG = 10**6


class ConstraintError(ValueError):
    pass


def _parts(v: str):
    """'1.2.x' -> ([1, 2], 2): the numbers given and how many there are before a wildcard."""
    nums = []
    for p in v.split("."):
        if p in ("x", "X", "*"):
            break
        nums.append(int(p))
    return nums


def _pad(nums, fill=0) -> tuple:
    return tuple(nums + [fill] * (3 - len(nums)))


def _bump(nums) -> tuple:
    """The first version after every version that starts with ``nums`` (1.2 -> 1.3.0)."""
    if not nums:
        return (_BIG, 0, 0)
    head = nums[:-1] + [nums[-1] + 1]
    return _pad(head)


def _term(op: str, v: str):
    """A predicate over (major, minor, patch) for one constraint term."""
    nums = _parts(v)
    full = len(nums) == 3
    lo = _pad(nums)
    if op in ("", "="):
        if full:
            return lambda x: x == lo
        hi = _bump(nums)
        return lambda x: lo <= x < hi
    if op == "!=":
        if full:
            return lambda x: x != lo
        hi = _bump(nums)
        return lambda x: not (lo <= x < hi)
    if op == ">":
        bound = lo if full else _bump(nums)
        return (lambda x: x > bound) if full else (lambda x: x >= bound)
    if op in (">=", "=>"):
        return lambda x: x >= lo
    if op == "<":
        return lambda x: x < lo
    if op in ("<=", "=<"):
        if full:
            return lambda x: x <= lo
        hi = _bump(nums)
        return lambda x: x < hi
    if op in ("~", "~>"):
        hi = _bump(nums[:2]) if len(nums) >= 2 else _bump(nums)
        return lambda x: lo <= x < hi
    if op == "^":
        first = next((i for i, n in enumerate(nums) if n != 0), len(nums) - 1)
        hi = _bump(nums[: max(first, 0) + 1]) if nums else (_BIG, 0, 0)
        return lambda x: lo <= x < hi
    raise ConstraintError(f"unknown operator {op!r}")  # pragma: no cover - the regex admits no other


def parse_constraint(text: str):
    """A predicate over (major, minor, patch) for a Helm ``kubeVersion`` constraint; prerelease
    suffixes such as ``-0`` (how charts admit vendor builds like 1.30.2-eks-abc) are ignored."""
    if not isinstance(text, str) or not text.strip():
        raise ConstraintError("empty constraint")
    groups = []
    for alt in text.split("||"):
        m = _HYPHEN.match(alt)
        if m:
            a, b = _TERM.fullmatch(m.group(1)), _TERM.fullmatch(m.group(2))
            if not a or not b or a.group("op") or b.group("op"):
                raise ConstraintError(f"cannot read range {alt.strip()!r}")
            groups.append([_term(">=", a.group("v")), _term("<=", b.group("v"))])
            continue
        terms, pos, rest = [], 0, alt.replace(",", " ")
        while pos < len(rest):
            if rest[pos].isspace():
                pos += 1
                continue
            m = _TERM.match(rest, pos)
            if not m or m.end() == pos or (m.end() < len(rest) and not rest[m.end()].isspace()):
                raise ConstraintError(f"cannot read {rest[pos:].strip()!r} in {text!r}")
            terms.append(_term(m.group("op") or "", m.group("v")))
            pos = m.end()
        if not terms:
            raise ConstraintError(f"empty alternative in {text!r}")
        groups.append(terms)
    return lambda x: any(all(t(x) for t in g) for g in groups)


def admitted_minors(text: str, lowest: int = 0, highest: int = 60) -> list:
    """The Kubernetes minors (1, m) for which some 1.m.p satisfies the constraint."""
    pred = parse_constraint(text)
    patches = {0, 1, _BIG - 1} | {int(n) for n in re.findall(r"\d+\.\d+\.(\d+)", text)}
    patches |= {p + 1 for p in list(patches)} | {p - 1 for p in list(patches) if p > 0}
    return [(1, m) for m in range(lowest, highest + 1) if any(pred((1, m, p)) for p in patches)]
