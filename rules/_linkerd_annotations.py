"""What Linkerd reads from (and writes onto) Kubernetes metadata, release by release: the
annotation catalogue and the values only some releases accept.  Data, not a rule: the engine
(``linter.annotations``, ``linter.mesh``, the language server) reads it too.

Each key's ``source`` names where linkerd/linkerd2 defines it and the first release tag holding
it (``pkg/k8s/labels.go`` for the injector's keys, compared at every tag stable-2.10.0 …
version-2.20; the policy controller's Rust sources for Service and route keys; the linkerd-jaeger
injector for the tracing keys), and the first tag without it for keys no longer read.
``inherit`` follows the inheritable lists ``ProxyAnnotations``/``ProxyAlphaConfigAnnotations``
in ``pkg/inject/inject.go`` at each tag from stable-2.11.0, except a listed key the injector reads
from the pod alone (enable-debug-sidecar); 2.10 had no list and read its keys from the Namespace's
annotations under the pod's (``applyAnnotationOverrides``); the jaeger injector merges every
Namespace annotation under the pod's own.  Versions are (major, minor) tuples; ``until`` is the first release that
no longer reads the key.

A ``since`` (or an inherit range's start) equal to the oldest release line the data covers
(``OLDEST_LINE``, 2.10) means *at least since*: the key is already in the oldest tag compared, so
it is no gate, and ``read_in``/``inherited_in`` hold for older releases too (which the version
rules do not judge).  Every key with the default ``since`` was also found at stable-2.9.0 (``git
show stable-2.9.0:pkg/k8s/labels.go``), except ``linkerd.io/extension`` (first at stable-2.10.0,
a key Linkerd writes, read by no rule); the tracing keys the jaeger extension reads from 2.10
were read by the core injector at 2.9.
"""

from __future__ import annotations

from collections import namedtuple

from linter.record import Record

from ._linkerd_releases import OLDEST_LINE

PREFIXES = ("linkerd.io/", "config.linkerd.io/", "config.alpha.linkerd.io/", "config.beta.linkerd.io/")
INJECT = "linkerd.io/inject"
INJECT_VALUES = ("enabled", "ingress", "disabled")
ADMISSION_WEBHOOKS = "config.linkerd.io/admission-webhooks"


class Key(Record, frozen=True):
    __slots__ = ("key", "value", "since", "until", "inherit", "where", "doc", "default", "source")

    def __init__(
        self,
        key: str,
        value: str,  # value grammar, see rules that check values
        since: tuple = OLDEST_LINE,  # the oldest line: at least since then, no gate (see above)
        until: tuple | None = None,
        # Inherited from the Namespace by the injector, in these releases [from, until).
        inherit: tuple | None = (OLDEST_LINE, None),
        where: str = "pod",  # pod: read from pod annotations | written: set by Linkerd | label | service
        doc: str = "",
        default: str = "",
        source: str = "",
    ):
        self.key = key
        self.value = value
        self.since = since
        self.until = until
        self.inherit = inherit
        self.where = where
        self.doc = doc
        self.default = default
        self.source = source

    def read_in(self, version: tuple) -> bool:
        return _reached(self.since, version) and (self.until is None or version < self.until)

    def inherited_in(self, version: tuple) -> bool:
        if self.inherit is None:
            return False
        lo, hi = self.inherit
        return _reached(lo, version) and (hi is None or version < hi)


def _reached(since: tuple, version: tuple) -> bool:
    """Is ``version`` at or after ``since``?  A start at the oldest line the data covers is no gate."""
    return since <= version or since <= OLDEST_LINE


_C = "config.linkerd.io/"
_NO = None  # not inherited
# 2.10 had no inheritable list: applyAnnotationOverrides (stable-2.10.0 pkg/inject/inject.go) read every key it
# knows from the Namespace's annotations with the pod's on top; from 2.11 only the listed keys are copied
# (AppendNamespaceAnnotations).  Keys it read that the 2.11 lists left out were inherited in 2.10 only.
_210_ONLY = (OLDEST_LINE, (2, 11))
_OLDEST = "stable-2.10.0 (the oldest tag compared; also at stable-2.9.0)"


def _go(const: str, first: str = _OLDEST, gone: str = "", path: str = "pkg/k8s/labels.go") -> str:
    return f"linkerd/linkerd2 {path} {const} @ {first}" + (f"; gone @ {gone}" if gone else "")


_JAEGER = "jaeger/injector/mutator/webhook.go"
_JAEGER_FIRST = "stable-2.10.0 (at stable-2.9.0 the core injector read it: pkg/k8s/labels.go ProxyTraceCollector*Annotation)"
_OUTBOUND = "policy-controller/k8s/index/src/outbound/index.rs"

CATALOGUE: dict = {
    k.key: k
    for k in [
        Key(INJECT, "enum:enabled,ingress,disabled", inherit=_NO, doc="Turns proxy injection on (`enabled`, `ingress`) or off (`disabled`) for a pod or, on a Namespace, for every pod in it.",
            source=_go("ProxyInjectAnnotation")),
        Key(_C + "proxy-image", "image", doc="Proxy container image name, without tag.", default="cr.l5d.io/linkerd/proxy",
            source=_go("ProxyImageAnnotation")),
        Key(_C + "proxy-version", "tag", doc="Proxy image tag.", default="the control plane's version",
            source=_go("ProxyVersionOverrideAnnotation")),
        Key(_C + "image-pull-policy", "enum:Always,IfNotPresent,Never", doc="Pull policy of the proxy and proxy-init images.", default="IfNotPresent",
            source=_go("ProxyImagePullPolicyAnnotation")),
        Key(_C + "init-image", "image", until=(2, 20), doc="proxy-init image name (removed in 2.20: proxy-init ships in the proxy image).",
            source=_go("ProxyInitImageAnnotation", gone="version-2.20")),
        Key(_C + "init-image-version", "tag", until=(2, 20), doc="proxy-init image tag (removed in 2.20).",
            source=_go("ProxyInitImageVersionAnnotation", gone="version-2.20")),
        Key(_C + "debug-image", "image", inherit=_210_ONLY, doc="Debug sidecar image name.", source=_go("DebugImageAnnotation")),
        Key(_C + "debug-image-version", "tag", inherit=_210_ONLY, doc="Debug sidecar image tag.", source=_go("DebugImageVersionAnnotation")),
        Key(_C + "debug-image-pull-policy", "enum:Always,IfNotPresent,Never", inherit=_210_ONLY, doc="Debug sidecar pull policy.",
            source=_go("DebugImagePullPolicyAnnotation")),
        Key(_C + "inbound-port", "port", doc="Proxy inbound port.", default="4143", source=_go("ProxyInboundPortAnnotation")),
        Key(_C + "outbound-port", "port", doc="Proxy outbound port.", default="4140", source=_go("ProxyOutboundPortAnnotation")),
        Key(_C + "admin-port", "port", doc="Proxy admin port (metrics, readiness, liveness).", default="4191", source=_go("ProxyAdminPortAnnotation")),
        Key(_C + "control-port", "port", doc="Proxy control (tap) port.", default="4190", source=_go("ProxyControlPortAnnotation")),
        Key(_C + "skip-inbound-ports", "ports", doc="Inbound ports that bypass the proxy; replaces the default list.", default="4567,4568",
            source=_go("ProxyIgnoreInboundPortsAnnotation")),
        Key(_C + "skip-outbound-ports", "ports", doc="Outbound ports that bypass the proxy; replaces the default list.", default="4567,4568",
            source=_go("ProxyIgnoreOutboundPortsAnnotation")),
        Key(_C + "skip-subnets", "cidrs", since=(2, 12), doc="CIDRs whose traffic bypasses the proxy.",
            source=_go("ProxySkipSubnetsAnnotation", "stable-2.12.0")),
        Key(_C + "opaque-ports", "ports-or-names", doc="Ports whose traffic skips protocol detection; replaces the default list.", default="25,587,3306,4444,5432,6379,9300,11211",
            source=_go("ProxyOpaquePortsAnnotation")),
        Key(_C + "pod-inbound-ports", "ports", since=(2, 11), inherit=((2, 11), None), doc="Ports the pod listens on (computed by the injector).",
            source=_go("ProxyPodInboundPortsAnnotation", "stable-2.11.0")),
        Key(_C + "proxy-cpu-request", "quantity", doc="Proxy CPU request; also the minimum proxy worker threads.", source=_go("ProxyCPURequestAnnotation")),
        Key(_C + "proxy-cpu-limit", "quantity", doc="Proxy CPU limit; also the maximum proxy worker threads.", source=_go("ProxyCPULimitAnnotation")),
        Key(_C + "proxy-cpu-ratio-limit", "ratio", since=(2, 18), inherit=_NO, doc="Proxy worker threads as a ratio of the node's cores, strictly between 0 and 1.",
            source=_go("ProxyCPURatioLimitAnnotation", "version-2.18")),
        Key(_C + "proxy-memory-request", "quantity", doc="Proxy memory request.", source=_go("ProxyMemoryRequestAnnotation")),
        Key(_C + "proxy-memory-limit", "quantity", doc="Proxy memory limit; without one a leaking or busy proxy can take the node's memory.",
            source=_go("ProxyMemoryLimitAnnotation")),
        Key(_C + "proxy-ephemeral-storage-request", "quantity", since=(2, 12), doc="Proxy ephemeral-storage request.",
            source=_go("ProxyEphemeralStorageRequestAnnotation", "stable-2.12.0")),
        Key(_C + "proxy-ephemeral-storage-limit", "quantity", since=(2, 12), doc="Proxy ephemeral-storage limit.",
            source=_go("ProxyEphemeralStorageLimitAnnotation", "stable-2.12.0")),
        Key(_C + "proxy-uid", "int", doc="User id the proxy runs as.", default="2102", source=_go("ProxyUIDAnnotation")),
        Key(_C + "proxy-gid", "int", since=(2, 16), inherit=((2, 16), None), doc="Group id the proxy runs as (negative: unset).", default="-1",
            source=_go("ProxyGIDAnnotation", "version-2.16")),
        Key(_C + "proxy-log-level", "loglevel", doc="Proxy log filter, e.g. `warn,linkerd=info`.", default="warn,linkerd=info",
            source=_go("ProxyLogLevelAnnotation")),
        Key(_C + "proxy-log-format", "enum:plain,json", doc="Proxy log format.", default="plain",
            source=_go("ProxyLogFormatAnnotation")),
        Key(_C + "proxy-log-http-headers", "enum:off,insecure", since=(2, 16), inherit=((2, 16), None), doc="Whether the proxy logs HTTP headers; any other value makes injection fail.", default="off",
            source=_go("ProxyLogHTTPHeaders", "version-2.16")),
        Key(_C + "access-log", "enum:apache,json", since=(2, 12), inherit=((2, 12), None), doc="Enables HTTP access logging in the given format.",
            source=_go("ProxyAccessLogAnnotation", "stable-2.12.0")),
        Key(_C + "proxy-await", "enum:enabled,disabled", since=(2, 11), inherit=((2, 11), None), doc="Hold the application until the proxy is ready.", default="enabled",
            source=_go("ProxyAwait", "stable-2.11.0")),
        Key(_C + "proxy-admin-shutdown", "enum:enabled,disabled", since=(2, 16), inherit=((2, 16), None), doc="Enables the proxy admin /shutdown endpoint.", default="disabled",
            source=_go("ProxyAdminShutdownAnnotation", "version-2.16")),
        Key(_C + "default-inbound-policy", "enum:all-unauthenticated,all-authenticated,cluster-unauthenticated,cluster-authenticated,deny,audit", since=(2, 11), inherit=((2, 11), None), doc="Inbound policy for ports without a Server.", default="all-unauthenticated",
            source=_go("ProxyDefaultInboundPolicyAnnotation", "stable-2.11.0")),
        Key(_C + "proxy-require-identity-inbound-ports", "ports", doc="Inbound ports that require meshed TLS.",
            source=_go("ProxyRequireIdentityOnInboundPortsAnnotation")),
        Key(_C + "shutdown-grace-period", "duration", since=(2, 12), inherit=((2, 12), None), doc="Grace period the proxy gives open connections at shutdown.",
            source=_go("ProxyShutdownGracePeriodAnnotation", "stable-2.12.0")),
        Key(_C + "proxy-outbound-connect-timeout", "duration", doc="Outbound connect timeout.", default="1000ms", source=_go("ProxyOutboundConnectTimeout")),
        Key(_C + "proxy-inbound-connect-timeout", "duration", doc="Inbound connect timeout.", default="100ms", source=_go("ProxyInboundConnectTimeout")),
        Key(_C + "proxy-outbound-discovery-cache-unused-timeout", "duration", since=(2, 14), inherit=((2, 14), None), doc="Eviction time of unused outbound discovery entries.", default="5s",
            source=_go("ProxyOutboundDiscoveryCacheUnusedTimeout", "stable-2.14.0")),
        Key(_C + "proxy-inbound-discovery-cache-unused-timeout", "duration", since=(2, 14), inherit=((2, 14), None), doc="Eviction time of unused inbound discovery entries.", default="90s",
            source=_go("ProxyInboundDiscoveryCacheUnusedTimeout", "stable-2.14.0")),
        Key(_C + "proxy-disable-outbound-protocol-detect-timeout", "bool", since=(2, 15), inherit=((2, 15), None), doc="Treat outbound protocol-detection timeouts as opaque instead of failing.",
            source=_go("ProxyDisableOutboundProtocolDetectTimeout", "version-2.15")),
        Key(_C + "proxy-disable-inbound-protocol-detect-timeout", "bool", since=(2, 15), inherit=((2, 15), None), doc="Treat inbound protocol-detection timeouts as opaque instead of failing.",
            source=_go("ProxyDisableInboundProtocolDetectTimeout", "version-2.15")),
        Key(_C + "enable-external-profiles", "bool", doc="Use ServiceProfiles for non-Kubernetes services.", source=_go("ProxyEnableExternalProfilesAnnotation")),
        Key(_C + "proxy-metrics-hostname-labels", "bool", since=(2, 18), inherit=((2, 18), None), doc="Add hostname labels to outbound proxy metrics.",
            source=_go("ProxyEnableHostnameLabels", "version-2.18")),
        Key(_C + "enable-gateway", "bool", inherit=_210_ONLY, doc="Run the proxy in gateway mode.", source=_go("ProxyEnableGatewayAnnotation")),
        # In the 2.11+ lists, so copied from the Namespace onto the pod, but the debug container is decided from the
        # pod's own annotations (conf.pod.meta.Annotations in pkg/inject/inject.go, stable-2.10.0 … version-2.20):
        # a Namespace value never adds it.
        Key(_C + "enable-debug-sidecar", "bool", inherit=_NO, doc="Add the linkerd-debug sidecar.", source=_go("ProxyEnableDebugAnnotation")),
        Key(_C + "close-wait-timeout", "duration", inherit=_NO, doc="Conntrack CLOSE_WAIT timeout set by proxy-init (makes it privileged).",
            source=_go("CloseWaitTimeoutAnnotation")),
        Key(_C + "disable-identity", "bool", until=(2, 12), doc="Removed in 2.12.", source=_go("ProxyDisableIdentityAnnotation", gone="stable-2.12.0")),
        # The native-sidecar switch moved twice; these three rows are the one home of when each key is read.
        Key(_C + "proxy-enable-native-sidecar", "bool", since=(2, 20), doc="Run the proxy as a native sidecar (init container with restartPolicy Always).",
            source=_go("ProxyEnableNativeSidecarAnnotation (config.linkerd.io prefix)", "version-2.20")),
        Key(_C + "proxy-additional-env", "env-json", since=(2, 20), doc="JSON list of extra environment variables for the proxy (merged by name).",
            source=_go("ProxyAdditionalEnvAnnotation", "version-2.20")),
        # The linkerd-jaeger extension's injector; the extension is gone from version-2.19 (commit fc75ab8bf, edge-25.10.1).
        Key(_C + "trace-collector", "any", until=(2, 19), inherit=(OLDEST_LINE, (2, 19)), doc="Read by the linkerd-jaeger extension's injector (2.10-2.18): the trace collector address.",
            source=_go("collectorSvcAddrAnnotation", _JAEGER_FIRST, "version-2.19", _JAEGER)),
        Key(_C + "trace-collector-protocol", "any", since=(2, 17), until=(2, 19), inherit=((2, 17), (2, 19)),
            doc="Read by the linkerd-jaeger extension's injector (2.17-2.18): the protocol proxies export traces with.",
            source=_go("collectorTraceProtocolAnnotation (commit b67c8ac6f, edge-24.10.1)", "version-2.17", "version-2.19", _JAEGER)),
        Key(_C + "trace-collector-name", "any", since=(2, 17), until=(2, 19), inherit=((2, 17), (2, 19)),
            doc="Read by the linkerd-jaeger extension's injector (2.17-2.18): the service name proxies report in traces.",
            source=_go("collectorTraceSvcNameAnnotation (commit b67c8ac6f, edge-24.10.1)", "version-2.17", "version-2.19", _JAEGER)),
        Key("config.alpha.linkerd.io/trace-collector-service-account", "any", until=(2, 19), inherit=(OLDEST_LINE, (2, 19)),
            doc="Read by the linkerd-jaeger extension's injector (2.10-2.18): the collector's service account.",
            source=_go("collectorSvcAccountAnnotation", _JAEGER_FIRST, "version-2.19", _JAEGER)),
        Key("config.alpha.linkerd.io/proxy-wait-before-exit-seconds", "uint", doc="Seconds the proxy waits before exiting (a preStop sleep); ignored with native sidecars.",
            source=_go("ProxyWaitBeforeExitSecondsAnnotation")),
        Key("config.alpha.linkerd.io/proxy-enable-native-sidecar", "bool", since=(2, 15), doc="Native sidecar switch for 2.15-2.18 (still honoured later).",
            source=_go("ProxyEnableNativeSidecarAnnotation (alpha prefix; ...AnnotationAlpha from version-2.19)", "version-2.15")),
        Key("config.beta.linkerd.io/proxy-enable-native-sidecar", "bool", since=(2, 19), inherit=((2, 19), (2, 20)), doc="Native sidecar switch for 2.19 (still honoured in 2.20).",
            source=_go("ProxyEnableNativeSidecarAnnotationBeta", "version-2.19")),
        # Read by the policy controller from Services and routes (first release tag holding each key by `git grep` over the tags).
        *[
            Key(k, "any", since=(2, 16), inherit=_NO, where="service", doc="Route retry/timeout setting read by the policy controller (Service, HTTPRoute, GRPCRoute).",
                source=f"linkerd/linkerd2 {path} .get(\"{k}\") @ version-2.16")
            for k, path in (
                ("retry.linkerd.io/http", "policy-controller/k8s/index/src/outbound/index/http.rs"),
                ("retry.linkerd.io/grpc", "policy-controller/k8s/index/src/outbound/index/grpc.rs"),
                ("retry.linkerd.io/limit", "policy-controller/k8s/index/src/outbound/index/{http,grpc}.rs"),
                ("retry.linkerd.io/timeout", "policy-controller/k8s/index/src/outbound/index/{http,grpc}.rs"),
                ("timeout.linkerd.io/request", _OUTBOUND),
                ("timeout.linkerd.io/response", _OUTBOUND),
                ("timeout.linkerd.io/idle", _OUTBOUND),
            )
        ],
        Key("balancer.linkerd.io/failure-accrual", "enum:consecutive,unified", since=(2, 13), inherit=_NO, where="service",
            doc="Service load-balancer failure accrual mode, read by the policy controller.",
            source=f"linkerd/linkerd2 {_OUTBOUND} parse_accrual_config @ stable-2.13.0"),
        *[
            Key("balancer.linkerd.io/" + k, "any", since=(2, 13), inherit=_NO, where="service", doc="Service load-balancer failure accrual, read by the policy controller.",
                source=f"linkerd/linkerd2 {_OUTBOUND} parse_accrual_config @ stable-2.13.0")
            for k in (
                "failure-accrual-consecutive-max-failures", "failure-accrual-consecutive-min-penalty",
                "failure-accrual-consecutive-max-penalty", "failure-accrual-consecutive-jitter-ratio",
            )
        ],
        *[
            Key("balancer.alpha.linkerd.io/" + k, "any", since=(2, 20), inherit=_NO, where="service", doc="Alpha load-balancer setting read by the policy controller.",
                source=f"linkerd/linkerd2 {_OUTBOUND} \"balancer.alpha.linkerd.io/{k}\" @ version-2.20 (commit bd2a1cdb1, edge-26.6.2)")
            for k in (
                "failure-accrual-honor-retry-after", "failure-accrual-success-rate-min-requests",
                "failure-accrual-success-rate-threshold", "failure-accrual-success-rate-window",
                "load-biaser-max-retry-after", "load-biaser-penalty", "penalize-failures",
            )
        ],
        Key(ADMISSION_WEBHOOKS, "enum:disabled", where="label", inherit=_NO, doc="Namespace label: `disabled` switches Linkerd's admission webhooks off for the namespace.",
            source=_go("AdmissionWebhookLabel (to version-2.15); charts/linkerd-control-plane/templates/namespace.yaml and the webhooks' namespaceSelector after")),
        # Keys Linkerd writes itself: known, never user errors.
        *[
            Key("linkerd.io/" + k, "any", where="written", inherit=_NO, doc="Written by Linkerd.", source=source)
            for k, source in (
                ("created-by", _go("CreatedByAnnotation")),
                ("proxy-version", _go("ProxyVersionAnnotation")),
                ("control-plane-ns", _go("ControllerNSLabel")),
                ("control-plane-component", _go("ControllerComponentLabel")),
                ("workload-ns", _go("WorkloadNamespaceLabel")),
                ("proxy-deployment", _go("ProxyDeploymentLabel")),
                ("proxy-replicationcontroller", _go("ProxyReplicationControllerLabel")),
                ("proxy-replicaset", _go("ProxyReplicaSetLabel")),
                ("proxy-job", _go("ProxyJobLabel")),
                ("proxy-daemonset", _go("ProxyDaemonSetLabel")),
                ("proxy-statefulset", _go("ProxyStatefulSetLabel")),
                ("proxy-cronjob", _go("ProxyCronJobLabel")),
                ("extension", _go("LinkerdExtensionLabel", "stable-2.10.0 (absent at stable-2.9.0)")),
                ("is-control-plane", _go("LinkerdNamespaceLabel (to stable-2.10.x); charts/linkerd-control-plane/templates/namespace.yaml after")),
                ("cni-resource", "linkerd/linkerd2 charts/linkerd2-cni/templates/cni-plugin.yaml @ version-2.20"),
                ("helm-release-version", "linkerd/linkerd2 charts (Helm chart annotation) until commit 1dc2603f6 (CHANGES.md, edge-23.9)"),
                ("identity-mode", _go("IdentityModeAnnotation", gone="stable-2.12.0")),
                ("identity-issuer-expiry", _go("IdentityIssuerExpiryAnnotation", gone="stable-2.11.0")),
            )
        ],
        Key("linkerd.io/trust-root-sha256", "any", since=(2, 13), where="written", inherit=_NO, doc="Written by Linkerd.",
            source=_go("ProxyTrustRootSHA", "stable-2.13.0 (absent at stable-2.12.0)")),
    ]
}


class Value(Record, frozen=True):
    """A value of an enum-valued key that only releases from ``since`` on accept."""

    __slots__ = ("key", "value", "since", "source")

    def __init__(self, key: str, value: str, since: tuple, source: str):
        self.key = key
        self.value = value
        self.since = since
        self.source = source


# The one home of every version-gated value (LNK505 reports them; the value rules leave them alone).
VALUE_GATES = (
    Value(_C + "default-inbound-policy", "audit", (2, 16),
          "linkerd/linkerd2 pkg/k8s/labels.go Audit and policy-controller/k8s/index/src/defaults.rs \"audit\" @ version-2.16 (absent @ version-2.15)"),
    Value("balancer.linkerd.io/failure-accrual", "unified", (2, 20),
          f"linkerd/linkerd2 {_OUTBOUND} mode == \"unified\" @ version-2.20 (commit bd2a1cdb1, edge-26.6.2)"),
)
VALUES_SINCE = {(v.key, v.value): v.since for v in VALUE_GATES}


# A default that older releases had: before ``until`` the key defaulted to ``default``, not to the
# catalogue's (current) ``default``.  (Not typing.NamedTuple: importing typing costs ~4 ms of every run.)
OldDefault = namedtuple("OldDefault", ("key", "until", "default", "source"), module=__name__)


_CHART_210 = "linkerd/linkerd2 charts/linkerd2/values.yaml {} @ stable-2.10.0; the catalogue's default @ stable-2.11.0 … version-2.20"
OLD_DEFAULTS = (
    OldDefault(_C + "opaque-ports", (2, 11), "25,443,587,3306,5432,11211", _CHART_210.format("proxy.opaquePorts")),
    OldDefault(_C + "skip-inbound-ports", (2, 11), "", _CHART_210.format("proxyInit.ignoreInboundPorts \"\"")),
    OldDefault(_C + "skip-outbound-ports", (2, 11), "", _CHART_210.format("proxyInit.ignoreOutboundPorts \"\"")),
)


def default_in(key: str, version: tuple) -> str:
    """The release default of ``key`` in ``version`` (the Helm chart's value the injector falls back to)."""
    older = [r for r in OLD_DEFAULTS if r.key == key and version < r.until]
    return min(older, key=lambda r: r.until).default if older else CATALOGUE[key].default
