"""The proxy injector's webhook selectors: which pods the API server never sends to the injector.

Data, not a rule: the engine's mesh decision (``linter.mesh``) and LNK109 (never-injected-here)
read it.  Read from the chart's ``proxyInjector.namespaceSelector`` / ``objectSelector`` at each
tag: ``charts/linkerd2/values.yaml`` (stable-2.10.0, stable-2.11.0: the admission-webhooks label
only) and ``charts/linkerd-control-plane/values.yaml`` (stable-2.12.0 … version-2.20 and HEAD:
the same three selectors throughout).
"""

from __future__ import annotations

from collections import namedtuple

from ._linkerd_annotations import ADMISSION_WEBHOOKS
from ._linkerd_releases import OLDEST_LINE

# selector: namespaceSelector | objectSelector; key: the label the expression reads; operator;
# values; since: first release whose chart has it; source.  (Not typing.NamedTuple: see
# _linkerd_crds.)
Selector = namedtuple("Selector", ("selector", "key", "operator", "values", "since", "source"), module=__name__)

_212 = "linkerd/linkerd2 charts/linkerd-control-plane/values.yaml proxyInjector.{} @ stable-2.12.0 … version-2.20 (absent from charts/linkerd2/values.yaml @ stable-2.11.0; added by commit 539bcced3, edge-22.2.1)"

SELECTORS = (
    Selector("namespaceSelector", ADMISSION_WEBHOOKS, "NotIn", ("disabled",), OLDEST_LINE,
             "linkerd/linkerd2 charts/linkerd2/values.yaml proxyInjector.namespaceSelector @ stable-2.10.0, stable-2.11.0; "
             "charts/linkerd-control-plane/values.yaml @ stable-2.12.0 … version-2.20"),
    Selector("namespaceSelector", "kubernetes.io/metadata.name", "NotIn", ("kube-system", "cert-manager"), (2, 12),
             _212.format("namespaceSelector")),
    Selector("objectSelector", "linkerd.io/control-plane-component", "DoesNotExist", (), (2, 12),
             _212.format("objectSelector")),
    Selector("objectSelector", "linkerd.io/cni-resource", "DoesNotExist", (), (2, 12),
             _212.format("objectSelector")),
)

_NAMES = [s for s in SELECTORS if s.key == "kubernetes.io/metadata.name"]
# Namespaces the namespaceSelector excludes by name, and from which release.
EXCLUDED_NAMESPACES = tuple(n for s in _NAMES for n in s.values)
EXCLUDED_NAMESPACES_SINCE = min(s.since for s in _NAMES)
# Pod labels whose presence the objectSelector excludes, and from which release.
OBJECT_LABELS = tuple(s.key for s in SELECTORS if s.selector == "objectSelector")
OBJECT_SELECTOR_SINCE = min(s.since for s in SELECTORS if s.selector == "objectSelector")
