"""The linkerd-control-plane charts versioned x.y.z-edge and the edge release each shipped.
Data, not a rule: ``_detect.chart_linkerd`` imports it when it meets such a version (84 rows
are not worth reading on every start).
"""

from __future__ import annotations

from collections import namedtuple

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
