"""What Linkerd reads from (and writes onto) Kubernetes metadata, release by release.

The catalogue is derived from ``pkg/k8s/labels.go`` and the inheritable lists
``ProxyAnnotations``/``ProxyAlphaConfigAnnotations`` in ``pkg/inject/inject.go`` at
every release tag of linkerd/linkerd2 (stable-2.10.0 … version-2.20), compared
key by key.  Versions are (major, minor) tuples; ``until`` is the first release
that no longer reads the key.
"""

from __future__ import annotations

from functools import lru_cache

from linter.record import Record

PREFIXES = ("linkerd.io/", "config.linkerd.io/", "config.alpha.linkerd.io/", "config.beta.linkerd.io/")
CONFIG_PREFIXES = PREFIXES[1:]
INJECT = "linkerd.io/inject"
INJECT_VALUES = ("enabled", "ingress", "disabled")
ADMISSION_WEBHOOKS = "config.linkerd.io/admission-webhooks"


class Key(Record, frozen=True):
    __slots__ = ("key", "value", "since", "until", "inherit", "where", "doc", "default")

    def __init__(
        self,
        key: str,
        value: str,  # value grammar, see rules that check values
        since: tuple = (2, 10),
        until: tuple | None = None,
        # Inherited from the Namespace by the injector, in these releases [from, until).
        inherit: tuple | None = ((2, 10), None),
        where: str = "pod",  # pod: read from pod annotations | written: set by Linkerd | label | service
        doc: str = "",
        default: str = "",
    ):
        self.key = key
        self.value = value
        self.since = since
        self.until = until
        self.inherit = inherit
        self.where = where
        self.doc = doc
        self.default = default

    def read_in(self, version: tuple) -> bool:
        return self.since <= version and (self.until is None or version < self.until)

    def inherited_in(self, version: tuple) -> bool:
        if self.inherit is None:
            return False
        lo, hi = self.inherit
        return lo <= version and (hi is None or version < hi)


_C = "config.linkerd.io/"
_NO = None  # not inherited

CATALOGUE: dict = {
    k.key: k
    for k in [
        Key(INJECT, "enum:enabled,ingress,disabled", inherit=_NO, doc="Turns proxy injection on (`enabled`, `ingress`) or off (`disabled`) for a pod or, on a Namespace, for every pod in it."),
        Key(_C + "proxy-image", "image", doc="Proxy container image name, without tag.", default="cr.l5d.io/linkerd/proxy"),
        Key(_C + "proxy-version", "tag", doc="Proxy image tag.", default="the control plane's version"),
        Key(_C + "image-pull-policy", "enum:Always,IfNotPresent,Never", doc="Pull policy of the proxy and proxy-init images.", default="IfNotPresent"),
        Key(_C + "init-image", "image", until=(2, 20), doc="proxy-init image name (removed in 2.20: proxy-init ships in the proxy image)."),
        Key(_C + "init-image-version", "tag", until=(2, 20), doc="proxy-init image tag (removed in 2.20)."),
        Key(_C + "debug-image", "image", inherit=_NO, doc="Debug sidecar image name."),
        Key(_C + "debug-image-version", "tag", inherit=_NO, doc="Debug sidecar image tag."),
        Key(_C + "debug-image-pull-policy", "enum:Always,IfNotPresent,Never", inherit=_NO, doc="Debug sidecar pull policy."),
        Key(_C + "inbound-port", "port", doc="Proxy inbound port.", default="4143"),
        Key(_C + "outbound-port", "port", doc="Proxy outbound port.", default="4140"),
        Key(_C + "admin-port", "port", doc="Proxy admin port (metrics, readiness, liveness).", default="4191"),
        Key(_C + "control-port", "port", doc="Proxy control (tap) port.", default="4190"),
        Key(_C + "skip-inbound-ports", "ports", doc="Inbound ports that bypass the proxy; replaces the default list.", default="4567,4568"),
        Key(_C + "skip-outbound-ports", "ports", doc="Outbound ports that bypass the proxy; replaces the default list.", default="4567,4568"),
        Key(_C + "skip-subnets", "cidrs", since=(2, 12), doc="CIDRs whose traffic bypasses the proxy."),
        Key(_C + "opaque-ports", "ports-or-names", doc="Ports whose traffic skips protocol detection; replaces the default list.", default="25,587,3306,4444,5432,6379,9300,11211"),
        Key(_C + "pod-inbound-ports", "ports", since=(2, 11), inherit=((2, 11), None), doc="Ports the pod listens on (computed by the injector)."),
        Key(_C + "proxy-cpu-request", "quantity", doc="Proxy CPU request; also the minimum proxy worker threads."),
        Key(_C + "proxy-cpu-limit", "quantity", doc="Proxy CPU limit; also the maximum proxy worker threads."),
        Key(_C + "proxy-cpu-ratio-limit", "ratio", since=(2, 18), inherit=_NO, doc="Proxy worker threads as a ratio of the node's cores, strictly between 0 and 1."),
        Key(_C + "proxy-memory-request", "quantity", doc="Proxy memory request."),
        Key(_C + "proxy-memory-limit", "quantity", doc="Proxy memory limit; without one a leaking or busy proxy can take the node's memory."),
        Key(_C + "proxy-ephemeral-storage-request", "quantity", since=(2, 12), doc="Proxy ephemeral-storage request."),
        Key(_C + "proxy-ephemeral-storage-limit", "quantity", since=(2, 12), doc="Proxy ephemeral-storage limit."),
        Key(_C + "proxy-uid", "int", doc="User id the proxy runs as.", default="2102"),
        Key(_C + "proxy-gid", "int", since=(2, 16), inherit=((2, 16), None), doc="Group id the proxy runs as (negative: unset).", default="-1"),
        Key(_C + "proxy-log-level", "loglevel", doc="Proxy log filter, e.g. `warn,linkerd=info`.", default="warn,linkerd=info"),
        Key(_C + "proxy-log-format", "enum:plain,json", inherit=((2, 11), None), doc="Proxy log format.", default="plain"),
        Key(_C + "proxy-log-http-headers", "enum:off,insecure", since=(2, 16), inherit=((2, 16), None), doc="Whether the proxy logs HTTP headers; any other value makes injection fail.", default="off"),
        Key(_C + "access-log", "enum:apache,json", since=(2, 12), inherit=((2, 12), None), doc="Enables HTTP access logging in the given format."),
        Key(_C + "proxy-await", "enum:enabled,disabled", since=(2, 11), inherit=((2, 11), None), doc="Hold the application until the proxy is ready.", default="enabled"),
        Key(_C + "proxy-admin-shutdown", "enum:enabled,disabled", since=(2, 16), inherit=((2, 16), None), doc="Enables the proxy admin /shutdown endpoint.", default="disabled"),
        Key(_C + "default-inbound-policy", "enum:all-unauthenticated,all-authenticated,cluster-unauthenticated,cluster-authenticated,deny,audit", since=(2, 11), inherit=((2, 11), None), doc="Inbound policy for ports without a Server.", default="all-unauthenticated"),
        Key(_C + "proxy-require-identity-inbound-ports", "ports", doc="Inbound ports that require meshed TLS."),
        Key(_C + "shutdown-grace-period", "duration", since=(2, 12), inherit=((2, 12), None), doc="Grace period the proxy gives open connections at shutdown."),
        Key(_C + "proxy-outbound-connect-timeout", "duration", doc="Outbound connect timeout.", default="1000ms"),
        Key(_C + "proxy-inbound-connect-timeout", "duration", doc="Inbound connect timeout.", default="100ms"),
        Key(_C + "proxy-outbound-discovery-cache-unused-timeout", "duration", since=(2, 14), inherit=((2, 14), None), doc="Eviction time of unused outbound discovery entries.", default="5s"),
        Key(_C + "proxy-inbound-discovery-cache-unused-timeout", "duration", since=(2, 14), inherit=((2, 14), None), doc="Eviction time of unused inbound discovery entries.", default="90s"),
        Key(_C + "proxy-disable-outbound-protocol-detect-timeout", "bool", since=(2, 15), inherit=((2, 15), None), doc="Treat outbound protocol-detection timeouts as opaque instead of failing."),
        Key(_C + "proxy-disable-inbound-protocol-detect-timeout", "bool", since=(2, 15), inherit=((2, 15), None), doc="Treat inbound protocol-detection timeouts as opaque instead of failing."),
        Key(_C + "enable-external-profiles", "bool", doc="Use ServiceProfiles for non-Kubernetes services."),
        Key(_C + "proxy-metrics-hostname-labels", "bool", since=(2, 18), inherit=((2, 18), None), doc="Add hostname labels to outbound proxy metrics."),
        Key(_C + "enable-gateway", "bool", inherit=_NO, doc="Run the proxy in gateway mode."),
        Key(_C + "enable-debug-sidecar", "bool", doc="Add the linkerd-debug sidecar."),
        Key(_C + "close-wait-timeout", "duration", inherit=_NO, doc="Conntrack CLOSE_WAIT timeout set by proxy-init (makes it privileged)."),
        Key(_C + "disable-identity", "bool", until=(2, 12), doc="Removed in 2.12."),
        Key(_C + "proxy-enable-native-sidecar", "bool", since=(2, 20), doc="Run the proxy as a native sidecar (init container with restartPolicy Always)."),
        Key(_C + "proxy-additional-env", "env-json", since=(2, 20), doc="JSON list of extra environment variables for the proxy (merged by name)."),
        Key(_C + "trace-collector", "any", inherit=_NO, doc="Read by the linkerd-jaeger extension's injector: the trace collector address."),
        Key("config.alpha.linkerd.io/trace-collector-service-account", "any", inherit=_NO, doc="Read by the linkerd-jaeger extension's injector."),
        Key("config.alpha.linkerd.io/proxy-wait-before-exit-seconds", "uint", inherit=((2, 11), None), doc="Seconds the proxy waits before exiting (a preStop sleep); ignored with native sidecars."),
        Key("config.alpha.linkerd.io/proxy-enable-native-sidecar", "bool", since=(2, 15), doc="Native sidecar switch for 2.15-2.18 (still honoured later)."),
        Key("config.beta.linkerd.io/proxy-enable-native-sidecar", "bool", since=(2, 19), inherit=((2, 19), (2, 20)), doc="Native sidecar switch for 2.19 (still honoured in 2.20)."),
        # Read by the policy controller from Services and routes (policy-controller/k8s/index/src/outbound/index.rs;
        # first release tag holding each key by `git grep` over the tags).
        *[
            Key(k, "any", since=(2, 16), inherit=_NO, where="service", doc="Route retry/timeout setting read by the policy controller (Service, HTTPRoute, GRPCRoute).")
            for k in (
                "retry.linkerd.io/http", "retry.linkerd.io/grpc", "retry.linkerd.io/limit", "retry.linkerd.io/timeout",
                "timeout.linkerd.io/request", "timeout.linkerd.io/response", "timeout.linkerd.io/idle",
            )
        ],
        *[
            Key("balancer.linkerd.io/" + k, "any", since=(2, 13), inherit=_NO, where="service", doc="Service load-balancer failure accrual, read by the policy controller.")
            for k in (
                "failure-accrual", "failure-accrual-consecutive-max-failures", "failure-accrual-consecutive-min-penalty",
                "failure-accrual-consecutive-max-penalty", "failure-accrual-consecutive-jitter-ratio",
            )
        ],
        *[
            Key("balancer.alpha.linkerd.io/" + k, "any", since=(2, 20), inherit=_NO, where="service", doc="Alpha load-balancer setting read by the policy controller.")
            for k in (
                "failure-accrual-honor-retry-after", "failure-accrual-success-rate-min-requests",
                "failure-accrual-success-rate-threshold", "failure-accrual-success-rate-window",
                "load-biaser-max-retry-after", "load-biaser-penalty", "penalize-failures",
            )
        ],
        Key(ADMISSION_WEBHOOKS, "enum:disabled", where="label", inherit=_NO, doc="Namespace label: `disabled` switches Linkerd's admission webhooks off for the namespace."),
        # Keys Linkerd writes itself: known, never user errors.
        *[
            Key("linkerd.io/" + k, "any", where="written", inherit=_NO, doc="Written by Linkerd.")
            for k in (
                "created-by", "proxy-version", "control-plane-ns", "control-plane-component", "workload-ns",
                "proxy-deployment", "proxy-replicationcontroller", "proxy-replicaset", "proxy-job",
                "proxy-daemonset", "proxy-statefulset", "proxy-cronjob", "trust-root-sha256", "extension",
                "is-control-plane", "cni-resource", "helm-release-version", "identity-mode",
                "identity-issuer-expiry",
            )
        ],
    ]
}

# Values that only some releases accept, as (key, value) -> first release that reads them:
# `audit` joined the default-policy enum in 2.16 (policy-controller/k8s/index/src/defaults.rs,
# pkg/k8s/labels.go Audit); failure accrual `unified` arrived in edge-26.6.2 (2.20, bd2a1cdb1).
VALUES_SINCE = {
    (_C + "default-inbound-policy", "audit"): (2, 16),
    ("balancer.linkerd.io/failure-accrual", "unified"): (2, 20),
}

CONFIG_KEYS = tuple(k for k in CATALOGUE if k.startswith(CONFIG_PREFIXES) and CATALOGUE[k].where == "pod")


def is_linkerd_key(key: str) -> bool:
    return isinstance(key, str) and key.startswith(PREFIXES)


def is_config_key(key: str) -> bool:
    return isinstance(key, str) and key.startswith(CONFIG_PREFIXES)


@lru_cache(maxsize=None)  # asked once per pod template: the catalogue does not change during a run
def inheritable(version: tuple) -> frozenset:
    return frozenset(k for k, meta in CATALOGUE.items() if meta.inherited_in(version) and meta.read_in(version))
