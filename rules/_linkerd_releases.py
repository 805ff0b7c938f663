"""Linkerd release lines: the edge release each line was cut from, and the Helm chart
versions that ship each release.  Data, not a rule: the engine's version parser
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

# Edge charts of linkerd-control-plane versioned x.y.z-edge (edge-21.12.3 … edge-24.2.5; from
# edge-24.3.1 on the tags' Chart.yaml says 0.0.0-undefined and edge charts carry calendar
# versions, see _detect.chart_linkerd): the chart version in the edge tag's Chart.yaml.  The crds
# chart is left out: one crds version spans many edges, and the control plane's is enough.
EdgeChart = namedtuple("EdgeChart", ("version", "edge", "source"), module=__name__)

_CP_CHART = "linkerd/linkerd2 charts/linkerd-control-plane/Chart.yaml @ "
EDGE_CHARTS = (
    EdgeChart("1.0.0-edge", (21, 12, 3), _CP_CHART + "edge-21.12.3"),
    EdgeChart("1.0.1-edge", (21, 12, 4), _CP_CHART + "edge-21.12.4"),
    EdgeChart("1.1.0-edge", (22, 1, 1), _CP_CHART + "edge-22.1.1"),
    EdgeChart("1.1.1-edge", (22, 1, 3), _CP_CHART + "edge-22.1.3"),
    EdgeChart("1.1.2-edge", (22, 1, 4), _CP_CHART + "edge-22.1.4"),
    EdgeChart("1.1.3-edge", (22, 1, 5), _CP_CHART + "edge-22.1.5"),
    EdgeChart("1.1.4-edge", (22, 2, 1), _CP_CHART + "edge-22.2.1"),
    EdgeChart("1.1.5-edge", (22, 2, 2), _CP_CHART + "edge-22.2.2"),
    EdgeChart("1.1.6-edge", (22, 2, 3), _CP_CHART + "edge-22.2.3"),
    EdgeChart("1.1.7-edge", (22, 2, 4), _CP_CHART + "edge-22.2.4"),
    EdgeChart("1.1.8-edge", (22, 3, 1), _CP_CHART + "edge-22.3.1"),
    EdgeChart("1.1.9-edge", (22, 3, 2), _CP_CHART + "edge-22.3.2"),
    EdgeChart("1.1.10-edge", (22, 3, 3), _CP_CHART + "edge-22.3.3"),
    EdgeChart("1.1.11-edge", (22, 3, 4), _CP_CHART + "edge-22.3.4"),
    EdgeChart("1.2.0-edge", (22, 3, 5), _CP_CHART + "edge-22.3.5"),
    EdgeChart("1.3.0-edge", (22, 4, 1), _CP_CHART + "edge-22.4.1"),
    EdgeChart("1.3.1-edge", (22, 5, 1), _CP_CHART + "edge-22.5.1"),
    EdgeChart("1.4.1-edge", (22, 5, 2), _CP_CHART + "edge-22.5.2"),
    EdgeChart("1.4.2-edge", (22, 5, 3), _CP_CHART + "edge-22.5.3"),
    EdgeChart("1.4.3-edge", (22, 6, 1), _CP_CHART + "edge-22.6.1"),
    EdgeChart("1.5.3-edge", (22, 6, 2), _CP_CHART + "edge-22.6.2"),
    EdgeChart("1.5.4-edge", (22, 7, 1), _CP_CHART + "edge-22.7.1"),
    EdgeChart("1.6.0-edge", (22, 7, 2), _CP_CHART + "edge-22.7.2"),
    EdgeChart("1.7.0-edge", (22, 7, 3), _CP_CHART + "edge-22.7.3"),
    EdgeChart("1.8.0-edge", (22, 8, 1), _CP_CHART + "edge-22.8.1"),
    EdgeChart("1.8.1-edge", (22, 8, 2), _CP_CHART + "edge-22.8.2"),
    EdgeChart("1.9.1-edge", (22, 8, 3), _CP_CHART + "edge-22.8.3"),
    EdgeChart("1.9.2-edge", (22, 9, 1), _CP_CHART + "edge-22.9.1"),
    EdgeChart("1.9.3-edge", (22, 9, 2), _CP_CHART + "edge-22.9.2"),
    EdgeChart("1.10.0-edge", (22, 10, 1), _CP_CHART + "edge-22.10.1"),
    EdgeChart("1.10.1-edge", (22, 10, 2), _CP_CHART + "edge-22.10.2"),
    EdgeChart("1.10.2-edge", (22, 10, 3), _CP_CHART + "edge-22.10.3"),
    EdgeChart("1.10.3-edge", (22, 11, 1), _CP_CHART + "edge-22.11.1"),
    EdgeChart("1.10.4-edge", (22, 11, 2), _CP_CHART + "edge-22.11.2"),
    EdgeChart("1.10.5-edge", (22, 11, 3), _CP_CHART + "edge-22.11.3"),
    EdgeChart("1.11.0-edge", (22, 12, 1), _CP_CHART + "edge-22.12.1"),
    EdgeChart("1.11.1-edge", (23, 1, 1), _CP_CHART + "edge-23.1.1"),
    EdgeChart("1.11.2-edge", (23, 1, 2), _CP_CHART + "edge-23.1.2"),
    EdgeChart("1.11.3-edge", (23, 2, 1), _CP_CHART + "edge-23.2.1"),
    EdgeChart("1.11.4-edge", (23, 2, 2), _CP_CHART + "edge-23.2.2"),
    EdgeChart("1.11.5-edge", (23, 2, 3), _CP_CHART + "edge-23.2.3"),
    EdgeChart("1.11.6-edge", (23, 3, 1), _CP_CHART + "edge-23.3.1"),
    EdgeChart("1.11.7-edge", (23, 3, 2), _CP_CHART + "edge-23.3.2"),
    EdgeChart("1.11.8-edge", (23, 3, 3), _CP_CHART + "edge-23.3.3"),
    EdgeChart("1.11.9-edge", (23, 3, 4), _CP_CHART + "edge-23.3.4"),
    EdgeChart("1.11.10-edge", (23, 4, 1), _CP_CHART + "edge-23.4.1"),
    EdgeChart("1.13.0-edge", (23, 4, 2), _CP_CHART + "edge-23.4.2"),
    EdgeChart("1.13.1-edge", (23, 4, 3), _CP_CHART + "edge-23.4.3"),
    EdgeChart("1.13.2-edge", (23, 5, 1), _CP_CHART + "edge-23.5.1"),
    EdgeChart("1.13.3-edge", (23, 5, 2), _CP_CHART + "edge-23.5.2"),
    EdgeChart("1.13.4-edge", (23, 5, 3), _CP_CHART + "edge-23.5.3"),
    EdgeChart("1.13.5-edge", (23, 6, 1), _CP_CHART + "edge-23.6.1"),
    EdgeChart("1.13.6-edge", (23, 6, 2), _CP_CHART + "edge-23.6.2"),
    EdgeChart("1.13.7-edge", (23, 6, 3), _CP_CHART + "edge-23.6.3"),
    EdgeChart("1.13.8-edge", (23, 7, 1), _CP_CHART + "edge-23.7.1"),
    EdgeChart("1.13.9-edge", (23, 7, 2), _CP_CHART + "edge-23.7.2"),
    EdgeChart("1.14.0-edge", (23, 7, 3), _CP_CHART + "edge-23.7.3"),
    EdgeChart("1.14.1-edge", (23, 8, 1), _CP_CHART + "edge-23.8.1"),
    EdgeChart("1.14.2-edge", (23, 8, 2), _CP_CHART + "edge-23.8.2"),
    EdgeChart("1.14.3-edge", (23, 8, 3), _CP_CHART + "edge-23.8.3"),
    EdgeChart("1.16.0-edge", (23, 9, 1), _CP_CHART + "edge-23.9.1"),
    EdgeChart("1.16.1-edge", (23, 9, 2), _CP_CHART + "edge-23.9.2"),
    EdgeChart("1.17.0-edge", (23, 9, 3), _CP_CHART + "edge-23.9.3"),
    EdgeChart("1.17.1-edge", (23, 9, 4), _CP_CHART + "edge-23.9.4"),
    EdgeChart("1.17.2-edge", (23, 10, 1), _CP_CHART + "edge-23.10.1"),
    EdgeChart("1.17.3-edge", (23, 10, 2), _CP_CHART + "edge-23.10.2"),
    EdgeChart("1.17.4-edge", (23, 10, 3), _CP_CHART + "edge-23.10.3"),
    EdgeChart("1.17.5-edge", (23, 10, 4), _CP_CHART + "edge-23.10.4"),
    EdgeChart("1.17.6-edge", (23, 11, 1), _CP_CHART + "edge-23.11.1"),
    EdgeChart("1.17.7-edge", (23, 11, 2), _CP_CHART + "edge-23.11.2"),
    EdgeChart("1.17.8-edge", (23, 11, 3), _CP_CHART + "edge-23.11.3"),
    EdgeChart("1.17.9-edge", (23, 11, 4), _CP_CHART + "edge-23.11.4"),
    EdgeChart("1.18.0-edge", (23, 12, 1), _CP_CHART + "edge-23.12.1"),
    EdgeChart("1.18.1-edge", (23, 12, 2), _CP_CHART + "edge-23.12.2"),
    EdgeChart("1.18.2-edge", (23, 12, 3), _CP_CHART + "edge-23.12.3"),
    EdgeChart("1.18.3-edge", (23, 12, 4), _CP_CHART + "edge-23.12.4"),
    EdgeChart("1.18.4-edge", (24, 1, 1), _CP_CHART + "edge-24.1.1"),
    EdgeChart("1.18.5-edge", (24, 1, 2), _CP_CHART + "edge-24.1.2"),
    EdgeChart("1.18.6-edge", (24, 1, 3), _CP_CHART + "edge-24.1.3"),
    EdgeChart("1.18.7-edge", (24, 2, 1), _CP_CHART + "edge-24.2.1"),
    EdgeChart("1.18.8-edge", (24, 2, 2), _CP_CHART + "edge-24.2.2"),
    EdgeChart("1.18.9-edge", (24, 2, 3), _CP_CHART + "edge-24.2.3"),
    EdgeChart("1.18.10-edge", (24, 2, 4), _CP_CHART + "edge-24.2.4"),
    EdgeChart("1.18.11-edge", (24, 2, 5), _CP_CHART + "edge-24.2.5"),
)
EDGE_OF_CHART = {}
for _row in EDGE_CHARTS:
    EDGE_OF_CHART.setdefault(_row.version, _row.edge)  # 1.1.0-edge is in edge-22.1.1 and 22.1.2: the first
del _row
