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

from typing import NamedTuple


class Row(NamedTuple):
    refuses_below: tuple
    supported: tuple  # (lowest, highest) Kubernetes minor versions, inclusive
    source: str


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
    if linkerd in MATRIX:
        return MATRIX[linkerd]
    return None
