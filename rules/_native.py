"""The native-sidecar switch, whose key moved twice (pkg/k8s/labels.go and pkg/inject/inject.go at
version-2.15 … version-2.20): alpha 2.15+ (deprecated 2.19), beta 2.19+ (deprecated 2.20), GA 2.20+;
from 2.20 the GA key wins over beta, beta over alpha (inject.go ApplyAnnotationOverrides)."""

from __future__ import annotations

from ._linkerd_annotations import CATALOGUE

ALPHA = "config.alpha.linkerd.io/proxy-enable-native-sidecar"
BETA = "config.beta.linkerd.io/proxy-enable-native-sidecar"
GA = "config.linkerd.io/proxy-enable-native-sidecar"
KEYS = (GA, BETA, ALPHA)  # precedence order
# Each key is deprecated from the release that brought its successor (the catalogue's `since`).
DEPRECATED_FROM = {ALPHA: CATALOGUE[BETA].since, BETA: CATALOGUE[GA].since}
# Helm `proxy.nativeSidecar` default: true from 2.20 (charts/linkerd-control-plane/values.yaml).
DEFAULT_ON_FROM = (2, 20)
# Kubernetes serves init containers with restartPolicy Always by default from 1.29
# (SidecarContainers beta); Linkerd's edge-26.5.2 notes "requires Kubernetes v1.29 or later".
KUBERNETES_MIN = (1, 29)

# Go's strconv.ParseBool, as the injector reads these keys.
from ._grammar import go_bool as parse_bool  # noqa: E402,F401
