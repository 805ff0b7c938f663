"""Linkerd release lines: the edge release each line was cut from, and the stable Helm chart
versions that ship each release (the x.y.z-edge charts: ``_linkerd_edge_charts``, read only
when such a version is met).  Data, not a rule: the engine's version parser
(``linter.versions``) and target detection (``_detect``) read it.

Every row names its source in linkerd/linkerd2 (the mirror's tags): ``git describe``/``git tag
--points-at`` on the release tags for the edge table, ``charts/*/Chart.yaml`` at the tags for
the chart tables.
"""

from __future__ import annotations

from collections import namedtuple

# line: (2, minor); edge: (yy, m, n) of the edge release the line was cut from; source: str.
# (Not typing.NamedTuple: importing typing costs ~4 ms of every run.)
Release = namedtuple("Release", ("line", "edge", "source"), module=__name__)

RELEASES = (
    Release((2, 10), (21, 3, 2), "linkerd/linkerd2 `git describe --match 'edge-*' stable-2.10.0` = edge-21.3.2-1"),
    Release((2, 11), (21, 9, 5), "linkerd/linkerd2 `git describe --match 'edge-*' stable-2.11.0` = edge-21.9.5-2"),
    Release((2, 12), (22, 8, 2), "linkerd/linkerd2 `git describe --match 'edge-*' stable-2.12.0` = edge-22.8.2-55"),
    Release((2, 13), (23, 4, 1), "linkerd/linkerd2 `git describe --match 'edge-*' stable-2.13.0` = edge-23.4.1-11"),
    Release((2, 14), (23, 8, 3), "linkerd/linkerd2 `git describe --match 'edge-*' stable-2.14.0` = edge-23.8.3-2"),
    Release((2, 15), (24, 2, 4), "linkerd/linkerd2 tag version-2.15 points at edge-24.2.4"),
    Release((2, 16), (24, 8, 2), "linkerd/linkerd2 tag version-2.16 points at edge-24.8.2"),
    Release((2, 17), (24, 11, 8), "linkerd/linkerd2 tag version-2.17 points at edge-24.11.8"),
    Release((2, 18), (25, 4, 4), "linkerd/linkerd2 tag version-2.18 points at edge-25.4.4"),
    Release((2, 19), (25, 10, 7), "linkerd/linkerd2 tag version-2.19 points at edge-25.10.7"),
    Release((2, 20), (26, 6, 3), "linkerd/linkerd2 `git describe --match 'edge-*' version-2.20` = edge-26.6.3-1"),
)

EDGE_OF_RELEASE = {r.line: r.edge for r in RELEASES}
OLDEST_LINE = min(EDGE_OF_RELEASE)
NEWEST_LINE = max(EDGE_OF_RELEASE)

# Stable chart versions (major, minor) -> the Linkerd line whose stable tags carry them.
ChartLine = namedtuple("ChartLine", ("chart", "version", "line", "source"), module=__name__)

CHART_LINES = (
    ChartLine("linkerd-control-plane", (1, 9), (2, 12), "linkerd/linkerd2 charts/linkerd-control-plane/Chart.yaml 1.9.0-1.9.8 @ stable-2.12.0 … stable-2.12.6"),
    ChartLine("linkerd-control-plane", (1, 12), (2, 13), "linkerd/linkerd2 charts/linkerd-control-plane/Chart.yaml 1.12.0-1.12.7 @ stable-2.13.0 … stable-2.13.7"),
    ChartLine("linkerd-control-plane", (1, 15), (2, 14), "linkerd/linkerd2 charts/linkerd-control-plane/Chart.yaml 1.15.0 @ stable-2.14.0"),
    ChartLine("linkerd-control-plane", (1, 16), (2, 14), "linkerd/linkerd2 charts/linkerd-control-plane/Chart.yaml 1.16.2-1.16.11 @ stable-2.14.1 … stable-2.14.10"),
    ChartLine("linkerd-crds", (1, 4), (2, 12), "linkerd/linkerd2 charts/linkerd-crds/Chart.yaml 1.4.0 @ stable-2.12.0 … stable-2.12.6"),
    ChartLine("linkerd-crds", (1, 6), (2, 13), "linkerd/linkerd2 charts/linkerd-crds/Chart.yaml 1.6.0-1.6.1 @ stable-2.13.0 … stable-2.13.7"),
    ChartLine("linkerd-crds", (1, 8), (2, 14), "linkerd/linkerd2 charts/linkerd-crds/Chart.yaml 1.8.0 @ stable-2.14.0 … stable-2.14.10"),
)
LINKERD_CHARTS = frozenset(c.chart for c in CHART_LINES) | {"linkerd2"}  # linkerd2: the 2.10/2.11 chart
