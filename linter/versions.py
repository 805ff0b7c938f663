"""Parsing Linkerd and Kubernetes version strings as users write them.

``packaging.version`` handles plain semantic versions; it cannot read Linkerd's
channel prefixes (``stable-``, ``edge-``, ``version-``, ``enterprise-``) or the
vendor suffixes of Kubernetes builds (``-eks-abc``, ``+k3s1``, ``-gke.1217000``),
so those are stripped here first and the remainder goes to ``packaging``.
"""

from __future__ import annotations

import re

from packaging.version import InvalidVersion, Version

# The edge release each Linkerd version line was cut from (linkerd/website data/versions.yaml,
# and `git describe --match 'edge-*'` on the stable tags for 2.10-2.14).
EDGE_OF_RELEASE = {
    (2, 10): (21, 3, 2),
    (2, 11): (21, 9, 5),
    (2, 12): (22, 8, 2),
    (2, 13): (23, 4, 1),
    (2, 14): (23, 8, 3),
    (2, 15): (24, 2, 4),
    (2, 16): (24, 8, 2),
    (2, 17): (24, 11, 8),
    (2, 18): (25, 4, 4),
    (2, 19): (25, 10, 7),
    (2, 20): (26, 6, 3),
}

_LINKERD = re.compile(r"^(?:(stable|version|enterprise|preview)-)?v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$")
_EDGE = re.compile(r"^edge-(\d{2})\.(\d{1,2})\.(\d+)(?:[-+].*)?$")
_K8S = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.+-]*)?$")


class VersionError(ValueError):
    pass


def parse_linkerd(text) -> tuple:
    """'2.18', '2.18.2', 'stable-2.14.10', 'version-2.18', 'enterprise-2.19.6', 'edge-25.4.4' -> (2, 18)."""
    s = str(text).strip()
    m = _EDGE.match(s)
    if m:
        edge = tuple(int(x) for x in m.groups())
        line = None
        for release, cut in sorted(EDGE_OF_RELEASE.items(), key=lambda kv: kv[1]):
            if cut <= edge:
                line = release
        if line is None:
            raise VersionError(f"edge release {s} predates Linkerd 2.10")
        return line
    m = _LINKERD.match(s)
    if not m or int(m.group(2)) != 2:
        raise VersionError(f"not a Linkerd version: {s!r} (expected e.g. 2.18, stable-2.14.10, edge-25.4.4)")
    return (int(m.group(2)), int(m.group(3)))


def parse_kubernetes(text) -> tuple:
    """'1.30', 'v1.30.4', '1.30.2-eks-abc', 'v1.29.3+k3s1', '1.28.5-gke.1217000' -> (1, 30)."""
    s = str(text).strip()
    m = _K8S.match(s)
    if not m:
        raise VersionError(f"not a Kubernetes version: {s!r} (expected e.g. 1.30 or v1.30.4)")
    core = ".".join(g for g in m.groups() if g is not None)
    try:
        v = Version(core)
    except InvalidVersion as e:  # pragma: no cover - the regex admits only digits
        raise VersionError(str(e)) from None
    if v.major != 1:
        raise VersionError(f"not a Kubernetes version: {s!r}")
    return (v.major, v.minor)


def fmt(version: tuple) -> str:
    return ".".join(str(p) for p in version)
