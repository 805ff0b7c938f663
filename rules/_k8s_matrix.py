"""Which Kubernetes versions each Linkerd release installs on and supports.

Columns: ``refuses_below`` is ``minAPIVersion`` in ``pkg/k8s/api.go`` at the release
tag (``linkerd check --pre`` and the chart's ``kubeVersion`` refuse anything older);
``supported`` is the window linkerd-lint holds users to; ``source`` says where each
row comes from.  For 2.18 the supported window is 1.28-1.32, the matrix our users
hold us to; Linkerd's docs page (reference/k8s-versions.md) lists 1.22 as 2.18's
minimum although its own code refuses anything below 1.23, so the product
contract, not the docs, sets the lower bound there.
"""

from __future__ import annotations

from collections import namedtuple

# refuses_below: tuple; supported: (lowest, highest) Kubernetes minor versions, inclusive;
# source: str.  (Not typing.NamedTuple: importing typing costs ~4 ms of every run.)
Row = namedtuple("Row", ("refuses_below", "supported", "source"), module=__name__)


MATRIX = {
    (2, 10): Row((1, 16), ((1, 16), (1, 23)), "stable-2.10.0 pkg/k8s/api.go minAPIVersion 1.16.0; docs k8s-versions 1.16-1.23"),
    (2, 11): Row((1, 17), ((1, 17), (1, 23)), "stable-2.11.1 pkg/k8s/api.go minAPIVersion 1.17.0 (2.11.0: 1.16.0); docs 1.17-1.23"),
    (2, 12): Row((1, 21), ((1, 21), (1, 24)), "stable-2.12.0 pkg/k8s/api.go minAPIVersion 1.21.0; docs 1.21-1.24"),
    (2, 13): Row((1, 21), ((1, 21), (1, 28)), "stable-2.13.0 pkg/k8s/api.go minAPIVersion 1.21.0; docs 1.21-1.28"),
    (2, 14): Row((1, 21), ((1, 21), (1, 28)), "stable-2.14.0 pkg/k8s/api.go minAPIVersion 1.21.0; docs 1.21-1.28"),
    (2, 15): Row((1, 22), ((1, 22), (1, 29)), "version-2.15 pkg/k8s/api.go minAPIVersion 1.22.0; docs 1.22-1.29"),
    (2, 16): Row((1, 22), ((1, 22), (1, 29)), "version-2.16 pkg/k8s/api.go minAPIVersion 1.22.0; docs 1.22-1.29"),
    (2, 17): Row((1, 22), ((1, 22), (1, 31)), "version-2.17 pkg/k8s/api.go minAPIVersion 1.22.0; docs 1.22-1.31"),
    (2, 18): Row((1, 23), ((1, 28), (1, 32)), "version-2.18 pkg/k8s/api.go minAPIVersion 1.23.0; supported window 1.28-1.32 (product matrix; docs max 1.32)"),
    (2, 19): Row((1, 23), ((1, 23), (1, 35)), "version-2.19 pkg/k8s/api.go minAPIVersion 1.23.0; docs max 1.35"),
    (2, 20): Row((1, 31), ((1, 31), (1, 35)), "version-2.20 pkg/k8s/api.go minAPIVersion 1.31.0; docs 1.31-1.35"),
}


def row_for(linkerd: tuple) -> Row | None:
    """The row of a release line; a line newer than the newest row is judged by the newest (as the
    other version tables do), an older one has none."""
    if linkerd in MATRIX:
        return MATRIX[linkerd]
    newest = max(MATRIX)
    return MATRIX[newest] if linkerd > newest else None


# The edge release from which `linkerd check --pre` required each Kubernetes minimum
# (`git log -G minAPIVersion -- pkg/k8s/api.go` on linkerd/linkerd2; first tag containing each commit).
EdgeMinimum = namedtuple("EdgeMinimum", ("edge", "minimum", "source"), module=__name__)

_API_GO = "linkerd/linkerd2 pkg/k8s/api.go minAPIVersion"
EDGE_MIN_K8S = (
    EdgeMinimum((21, 2, 3), (1, 16), f"{_API_GO} 1.16.0: commit cbdd1cab0, first in edge-21.2.3"),
    EdgeMinimum((21, 10, 2), (1, 17), f"{_API_GO} 1.17.0: commit 8805a36fa, first in edge-21.10.2"),
    EdgeMinimum((21, 11, 1), (1, 20), f"{_API_GO} 1.20.0: commit c88c0edd1, first in edge-21.11.1 (never in a stable release)"),
    EdgeMinimum((22, 6, 2), (1, 21), f"{_API_GO} 1.21.0: commit b7a0b8adb, first in edge-22.6.2"),
    EdgeMinimum((23, 12, 2), (1, 22), f"{_API_GO} 1.22.0: commit 5f100b319, first in edge-23.12.2"),
    EdgeMinimum((25, 2, 3), (1, 23), f"{_API_GO} 1.23.0: commit afd2f99c6, first in edge-25.2.3"),
    EdgeMinimum((26, 5, 1), (1, 31), f"{_API_GO} 1.31.0: commit f37b69d2f, first in edge-26.5.1"),
)
# Patch releases whose minimum differs from their line's row: stable-2.11.0 still took 1.16.
PatchMinimum = namedtuple("PatchMinimum", ("release", "minimum", "source"), module=__name__)
PATCH_MIN_K8S = (
    PatchMinimum((2, 11, 0), (1, 16), f"{_API_GO} 1.16.0 @ stable-2.11.0 (1.17.0 from stable-2.11.1)"),
)
_PATCH_MIN = {p.release: p.minimum for p in PATCH_MIN_K8S}


def refuses_below(lv) -> tuple | None:
    """The oldest Kubernetes a Linkerd version (linter.versions.LinkerdVersion) installs on."""
    if lv.order[0] == "edge" and lv.channel in ("edge", "preview"):
        found = None
        for row in EDGE_MIN_K8S:
            if row.edge <= lv.order[1]:
                found = row.minimum
        return found
    if lv.order[0] == "release" and lv.order[1] in _PATCH_MIN:
        return _PATCH_MIN[lv.order[1]]
    row = row_for(lv.line)
    return row.refuses_below if row else None


def supported_window(lv) -> tuple | None:
    """(lowest, highest) supported Kubernetes minors; an edge between two lines gets the union."""
    rows = [r for r in (row_for(lv.line), row_for(lv.upto)) if r is not None]
    if not rows:
        return None
    return min(r.supported[0] for r in rows), max(r.supported[1] for r in rows)
