"""Types and enums of the linkerd-control-plane chart's values, per Linkerd version.

TYPED comes from the Go type the proxy injector decodes ``linkerd-config``'s
``values`` into (``pkg/charts/linkerd2/values.go``, struct ``Values`` and the types it
embeds), read at every tag from stable-2.12.0 (the first ``linkerd-control-plane``
chart) to version-2.20 and HEAD: path -> (type, first version, last version or None).
Only non-string scalar types are listed: a string field accepts a YAML number or
boolean (sigs.k8s.io/yaml converts them), the other way round fails.
``identity.externalCA`` is listed from 2.12, where values.yaml already had it (the Go
struct read it under ``identity.issuer`` in 2.12 only).
"""

from __future__ import annotations

from ._linkerd_annotations import CATALOGUE, VALUES_SINCE

FIRST = (2, 12)

TYPED = {
    "cniEnabled": ("bool", (2, 12), None),
    "controlPlaneTracing": ("bool", (2, 12), (2, 18)),
    "controller.tracing.enabled": ("bool", (2, 19), None),
    "controllerGID": ("int", (2, 16), None),
    "controllerReplicas": ("uint", (2, 12), None),
    "controllerUID": ("int", (2, 12), None),
    "disableHeartBeat": ("bool", (2, 12), None),
    "disableIPv6": ("bool", (2, 16), None),
    "enableEndpointSlices": ("bool", (2, 12), None),
    "enableH2Upgrade": ("bool", (2, 12), None),
    "enablePodAntiAffinity": ("bool", (2, 12), None),
    "enablePodDisruptionBudget": ("bool", (2, 12), None),
    "highAvailability": ("bool", (2, 12), None),
    "identity.externalCA": ("bool", (2, 12), None),
    "identity.kubeAPI.clientBurst": ("int", (2, 15), None),
    "identity.serviceAccountTokenProjection": ("bool", (2, 12), None),
    "networkValidator.enableSecurityContext": ("bool", (2, 14), (2, 18)),
    "podMonitor.controller.enabled": ("bool", (2, 13), None),
    "podMonitor.controller.honorTimestamps": ("bool", (2, 20), None),
    "podMonitor.enabled": ("bool", (2, 13), None),
    "podMonitor.proxy.enabled": ("bool", (2, 13), None),
    "podMonitor.proxy.honorTimestamps": ("bool", (2, 20), None),
    "podMonitor.serviceMirror.enabled": ("bool", (2, 13), None),
    "podMonitor.serviceMirror.honorTimestamps": ("bool", (2, 20), None),
    "policyValidator.externalSecret": ("bool", (2, 12), None),
    "profileValidator.externalSecret": ("bool", (2, 12), None),
    "proxy.await": ("bool", (2, 12), None),
    "proxy.cores": ("int", (2, 12), None),
    "proxy.disableInboundProtocolDetectTimeout": ("bool", (2, 15), None),
    "proxy.disableOutboundProtocolDetectTimeout": ("bool", (2, 15), None),
    "proxy.enableExternalProfiles": ("bool", (2, 12), None),
    "proxy.enableShutdownEndpoint": ("bool", (2, 16), None),
    "proxy.gid": ("int", (2, 16), None),
    "proxy.isGateway": ("bool", (2, 12), None),
    "proxy.isIngress": ("bool", (2, 12), None),
    "proxy.livenessProbe.initialDelaySeconds": ("uint", (2, 15), None),
    "proxy.livenessProbe.timeoutSeconds": ("uint", (2, 15), None),
    "proxy.metrics.hostnameLabels": ("bool", (2, 18), None),
    "proxy.nativeSidecar": ("bool", (2, 15), None),
    "proxy.ports.admin": ("int", (2, 12), None),
    "proxy.ports.control": ("int", (2, 12), None),
    "proxy.ports.inbound": ("int", (2, 12), None),
    "proxy.ports.outbound": ("int", (2, 12), None),
    "proxy.readinessProbe.initialDelaySeconds": ("uint", (2, 15), None),
    "proxy.readinessProbe.timeoutSeconds": ("uint", (2, 15), None),
    "proxy.runtime.workers.maximum": ("int", (2, 18), None),
    "proxy.runtime.workers.minimum": ("int", (2, 18), None),
    "proxy.saMountPath.readOnly": ("bool", (2, 12), None),
    "proxy.startupProbe.failureThreshold": ("uint", (2, 15), None),
    "proxy.startupProbe.initialDelaySeconds": ("uint", (2, 15), None),
    "proxy.startupProbe.periodSeconds": ("uint", (2, 15), None),
    "proxy.tracing.enabled": ("bool", (2, 19), None),
    "proxy.uid": ("int", (2, 12), None),
    "proxy.waitBeforeExitSeconds": ("uint", (2, 12), None),
    "proxyInit.closeWaitTimeoutSecs": ("int", (2, 12), None),
    "proxyInit.privileged": ("bool", (2, 13), None),
    "proxyInit.runAsGroup": ("int", (2, 16), None),
    "proxyInit.runAsRoot": ("bool", (2, 12), None),
    "proxyInit.runAsUser": ("int", (2, 12), None),
    "proxyInit.saMountPath.readOnly": ("bool", (2, 12), None),
    "proxyInit.xtMountPath.readOnly": ("bool", (2, 12), None),
    "proxyInjector.externalSecret": ("bool", (2, 12), None),
    "revisionHistoryLimit": ("uint", (2, 16), None),
}

_AUDIT_SINCE = VALUES_SINCE[("config.linkerd.io/default-inbound-policy", "audit")]
_LOG_HTTP_HEADERS_SINCE = CATALOGUE["config.linkerd.io/proxy-log-http-headers"].since
_POLICIES = ("all-unauthenticated", "all-authenticated", "cluster-unauthenticated", "cluster-authenticated", "deny")

# path -> [(first version, allowed values, what rejects other values)]
ENUMS = {
    # charts/partials/templates/_proxy-init.tpl: `fail "Unsupported value … for proxyInit.iptablesMode"`.
    "proxyInit.iptablesMode": [((2, 12), ("legacy", "nft"), "the chart refuses to render (\"Unsupported value\")")],
    # policy-controller/k8s/index/src/defaults.rs (DefaultPolicy::from_str); when `audit` arrived is the
    # annotation value's gate (the same parser): one home, VALUE_GATES in _linkerd_annotations.
    "proxy.defaultInboundPolicy": [
        ((2, 12), _POLICIES, "the policy controller rejects its --default-policy flag and does not start"),
        (_AUDIT_SINCE, _POLICIES + ("audit",), "the policy controller rejects its --default-policy flag and does not start"),
    ],
    # charts/partials/templates/_proxy.tpl: `fail "logHTTPHeaders must be one of: insecure | off"`, from the
    # release that brought the value and its annotation (the catalogue's proxy-log-http-headers `since`).
    "proxy.logHTTPHeaders": [(_LOG_HTTP_HEADERS_SINCE, ("off", "insecure", ""), "the chart and the proxy injector refuse to render")],
}

# charts/partials/templates/_proxy-init.tpl: `fail "proxyInit.runAsRoot must be set to use
# proxyInit.closeWaitTimeoutSecs"` @ version-2.18 (absent @ version-2.17).  The injector renders the
# same partial, so the close-wait-timeout annotation fails there too.
CLOSE_WAIT_NEEDS_ROOT_SINCE = (2, 18)

# Resource blocks rendered with partials.resources (charts/partials/templates/_resources.tpl) or
# the proxy template: path -> what renders it.
RESOURCE_BLOCKS = {
    "proxy.resources": "every injected linkerd-proxy and linkerd-init container",
    "policyController.resources": "the policy controller container",
    "destinationResources": "the destination controller",
    "identityResources": "the identity controller",
    "proxyInjectorResources": "the proxy injector",
    "heartbeatResources": "the heartbeat CronJob",
    "spValidatorResources": "the sp-validator container",
    "destinationProxyResources": "the destination pod's proxy",
    "identityProxyResources": "the identity pod's proxy",
    "proxyInjectorProxyResources": "the proxy injector pod's proxy",
}


def applies(since, until, version) -> bool:
    return since <= version and (until is None or version <= until)


def allowed(path: str, version):
    """(allowed values, consequence) of an enum value in ``version``, or None."""
    best = None
    for since, values, why in ENUMS.get(path, ()):
        if since <= version:
            best = (values, why)
    return best
