"""JSON Schemas (draft 2020-12) for Linkerd's custom resources, written for this project.

Written from the fact sheet and from Linkerd's sources, not copied from its CRD files:
the field sets, types and limits follow the CRDs' openAPIV3Schema in
``charts/linkerd-crds/templates/**`` and
``multicluster/charts/linkerd-multicluster/templates/link-crd.yaml`` (HEAD, compared
version by version with every release tag 2.10-2.20: where a tag differs, the schema
here takes the most permissive form, so no release sees a false error).  What the
CRDs leave to code is added from the Rust types the policy validator deserialises
(``policy-controller/k8s/api/src/**``: e.g. Server ``proxyProtocol`` is an enum there,
label-selector values must be strings) and from the ServiceProfile validator's strict
Go types (``controller/gen/apis/serviceprofile/v1alpha2/types.go``).

Everything is built from small pieces so that the versions of a kind share them.
Unknown fields are flagged (``additionalProperties: false``): outside the regions that
keep unknown fields, the API server drops them.  Cross-field rules the validator
applies in code live in ``_linkerd_admission.py``.
"""

from __future__ import annotations

POLICY = "policy.linkerd.io"

# -- patterns, with what they mean for messages ----------------------------------------------

_DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
_DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
_GROUP = r"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
_KIND = r"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$"
_HEADER_NAME = r"^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$"
_HOSTNAME = r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
_DNS_LIKE_IDENTITY = r"^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"


def _str(**extra) -> dict:
    return {"type": "string", **extra}


def _pattern(pattern: str, meaning: str, **extra) -> dict:
    return {"type": "string", "pattern": pattern, "x-lint-pattern": meaning, **extra}


def _obj(properties: dict, required=(), **extra) -> dict:
    """A mapping with a closed field set (unknown fields are reported)."""
    out = {"type": "object", "properties": properties, "additionalProperties": False, **extra}
    if required:
        out["required"] = list(required)
    return out


def _list(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


_INT = {"type": "integer"}
_GO_DURATION = _str(**{"x-lint-hint": "a Go duration such as 500ms or 10s"})
_BOOL = {"type": "boolean"}
_PORT = {"type": "integer", "minimum": 1, "maximum": 65535}
_GROUP_S = _pattern(_GROUP, "an API group (a DNS subdomain, or empty for the core group)", maxLength=253)
_KIND_S = _pattern(_KIND, "a resource kind", minLength=1, maxLength=63)
_NAME_S = _str(minLength=1, maxLength=253)

# Kubernetes label selectors as the Rust policy types read them: label values are strings
# (the CRD keeps matchLabels open, but a number or boolean fails deserialisation).
_SELECTOR = _obj(
    {
        "matchLabels": {
            "type": "object",
            "additionalProperties": {"type": "string", "x-lint-hint": "label values are strings"},
        },
        "matchExpressions": _list(
            _obj(
                {
                    "key": _str(),
                    "operator": {"enum": ["In", "NotIn", "Exists", "DoesNotExist"]},
                    "values": _list(_str()),
                },
                required=("key", "operator"),
            )
        ),
    }
)

_LOCAL_REF = _obj({"group": _GROUP_S, "kind": _KIND_S, "name": _NAME_S}, required=("kind", "name"))
_NAMESPACED_REF = _obj(
    {"group": _GROUP_S, "kind": _KIND_S, "name": _NAME_S, "namespace": _str(maxLength=253)},
    required=("kind", "name"),
)
_NETWORK = _obj({"cidr": _str(), "except": _list(_str())}, required=("cidr",))


def _resource(spec: dict | None, *, spec_required: bool = True) -> dict:
    """The top level of a custom resource; metadata and status are the API server's business."""
    out = _obj(
        {
            "apiVersion": _str(),
            "kind": _str(),
            "metadata": {"type": "object"},
            "spec": spec if spec is not None else {"type": "object"},
            "status": {"type": "object"},
        }
    )
    if spec_required:
        out["required"] = ["spec"]
    return out


# -- Server ------------------------------------------------------------------------------------

_PROXY_PROTOCOLS = ["unknown", "HTTP/1", "HTTP/2", "gRPC", "opaque", "TLS"]
_ACCESS_POLICIES = ["all-unauthenticated", "all-authenticated", "cluster-unauthenticated",
                    "cluster-authenticated", "deny", "audit"]

_SERVER_PORT = {
    "anyOf": [dict(_PORT), _str(minLength=1)],
    "x-lint-hint": "a container port number 1-65535, or a container port name",
}
_PROXY_PROTOCOL = {
    "enum": _PROXY_PROTOCOLS,
    "x-lint-hint": "the policy validator accepts only these exact spellings",
}


def _server(version: str) -> dict:
    props = {"podSelector": _SELECTOR, "port": _SERVER_PORT, "proxyProtocol": _PROXY_PROTOCOL}
    if version == "v1alpha1":
        selector = dict(_SELECTOR)
        selector["oneOf"] = [{"required": ["matchLabels"]}, {"required": ["matchExpressions"]}]
        selector["x-lint-message"] = ("a v1alpha1 Server's podSelector needs exactly one of matchLabels or "
                                      "matchExpressions (v1beta1 and later allow both, or neither to select all pods)")
        props["podSelector"] = selector
        return _resource(_obj(props, required=("podSelector", "port")))
    if version == "v1beta1":
        return _resource(_obj(props, required=("podSelector", "port")))
    props["externalWorkloadSelector"] = _SELECTOR
    if version == "v1beta3":
        props["accessPolicy"] = {"enum": _ACCESS_POLICIES}
    spec = _obj(props, required=("port",))
    spec["oneOf"] = [{"required": ["podSelector"]}, {"required": ["externalWorkloadSelector"]}]
    spec["x-lint-message"] = "a Server needs exactly one of podSelector or externalWorkloadSelector"
    return _resource(spec)


# -- ServerAuthorization ---------------------------------------------------------------------

def _server_authorization(_version: str) -> dict:
    server = _obj({"name": _pattern(_DNS_LABEL, "a Server name (a DNS label)"), "selector": _SELECTOR})
    server["oneOf"] = [{"required": ["name"]}, {"required": ["selector"]}]
    server["x-lint-message"] = "`spec.server` needs exactly one of name or selector"
    service_account = _obj(
        {"name": _pattern(_DNS_LABEL, "a ServiceAccount name (a DNS label)"),
         "namespace": _pattern(_DNS_LABEL, "a namespace name (a DNS label)")},
        required=("name",),
    )
    mesh_tls = _obj(
        {
            "unauthenticatedTLS": _BOOL,
            "identities": _list(_pattern(_DNS_LIKE_IDENTITY, "a proxy identity (a DNS-like name, `*` or `*.domain`)")),
            "serviceAccounts": _list(service_account),
        }
    )
    client = _obj({"networks": _list(_NETWORK), "unauthenticated": _BOOL, "meshTLS": mesh_tls})
    return _resource(_obj({"server": server, "client": client}, required=("server", "client")))


# -- AuthorizationPolicy, MeshTLSAuthentication, NetworkAuthentication ------------------------

def _authorization_policy(_version: str) -> dict:
    return _resource(
        _obj(
            {"targetRef": _LOCAL_REF, "requiredAuthenticationRefs": _list(_NAMESPACED_REF)},
            required=("targetRef", "requiredAuthenticationRefs"),
        )
    )


def _meshtls_authentication(_version: str) -> dict:
    # Identities are checked in code: a DNS-like name or (2.15+) a SPIFFE id.
    ref = _obj({"group": _GROUP_S, "kind": _KIND_S, "name": _NAME_S, "namespace": _str(maxLength=253)},
               required=("kind",))
    spec = _obj({"identities": _list(_str(), minItems=1), "identityRefs": _list(ref, minItems=1)})
    spec["oneOf"] = [{"required": ["identities"]}, {"required": ["identityRefs"]}]
    spec["x-lint-message"] = "a MeshTLSAuthentication needs exactly one of identities or identityRefs"
    return _resource(spec)


def _network_authentication(_version: str) -> dict:
    networks = _list(_NETWORK, minItems=1, **{"x-lint-hint": "the policy validator needs at least one network"})
    return _resource(_obj({"networks": networks}, required=("networks",)))


# -- HTTPRoute (policy.linkerd.io) -------------------------------------------------------------

def _header_list(max_items: int = 16) -> dict:
    return _list(_obj({"name": _pattern(_HEADER_NAME, "an HTTP header name", minLength=1, maxLength=256),
                       "value": _str(minLength=1, maxLength=4096)}, required=("name", "value")),
                 maxItems=max_items)


_HEADER_MODIFIER = _obj({"add": _header_list(), "set": _header_list(),
                         "remove": _list(_str(), maxItems=16)})
_REDIRECT = _obj(
    {
        "hostname": _pattern(_DNS_SUBDOMAIN, "a host name", minLength=1, maxLength=253),
        # 2.12's CRDs typed `path` as a string (a bug, fixed in 2.13); the validator always wanted this.
        "path": _obj({"type": {"enum": ["ReplaceFullPath", "ReplacePrefixMatch"]},
                      "replaceFullPath": _str(maxLength=1024), "replacePrefixMatch": _str(maxLength=1024)},
                     required=("type",)),
        "port": _PORT,
        "scheme": {"enum": ["http", "https"]},
        "statusCode": {"enum": [301, 302]},
    }
)


def _filter(types: list) -> dict:
    fields = {"RequestHeaderModifier": "requestHeaderModifier", "ResponseHeaderModifier": "responseHeaderModifier",
              "RequestRedirect": "requestRedirect"}
    props = {"type": {"enum": types}}
    for t in types:
        props[fields[t]] = _HEADER_MODIFIER if "Header" in t else _REDIRECT
    out = _obj(props, required=("type",))
    # The validator reads a filter as a tagged union: the field named by `type` must be there.
    out["allOf"] = [
        {"if": {"properties": {"type": {"const": t}}, "required": ["type"]}, "then": {"required": [fields[t]]}}
        for t in types
    ]
    return out


_MATCH = _obj(
    {
        "path": _obj({"type": {"enum": ["Exact", "PathPrefix", "RegularExpression"]}, "value": _str(maxLength=1024)}),
        "headers": _list(_obj({"name": _pattern(_HEADER_NAME, "an HTTP header name", minLength=1, maxLength=256),
                               "type": {"enum": ["Exact", "RegularExpression"]},
                               "value": _str(minLength=1, maxLength=4096)}, required=("name", "value")),
                         maxItems=16),
        "queryParams": _list(_obj({"name": _str(minLength=1, maxLength=256),
                                   "type": {"enum": ["Exact", "RegularExpression"]},
                                   "value": _str(minLength=1, maxLength=1024)}, required=("name", "value")),
                             maxItems=16),
        "method": {"enum": ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]},
    }
)


def _httproute(version: str) -> dict:
    typed = version in ("v1beta2", "v1beta3")
    parent = _obj(
        {
            "group": _GROUP_S,
            "kind": _KIND_S,
            "name": _NAME_S,
            "namespace": _pattern(_DNS_LABEL, "a namespace name (a DNS label)", minLength=1, maxLength=63),
            "port": _PORT if typed else _INT,
            "sectionName": _pattern(_DNS_SUBDOMAIN, "a section name (a DNS subdomain)", minLength=1, maxLength=253),
        },
        required=("name",),
    )
    backend_filters = _list(_filter(["RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect"]), maxItems=16)
    if typed:
        backend = _obj(
            {
                "group": _GROUP_S,
                "kind": _KIND_S,
                "name": _NAME_S,
                "namespace": _pattern(_DNS_LABEL, "a namespace name (a DNS label)", minLength=1, maxLength=63),
                "port": _PORT,
                "weight": {"type": "integer", "minimum": 0, "maximum": 1000000},
                "filters": backend_filters,
            },
            required=("name",),
        )
        backends = _list(backend, maxItems=16)
    else:
        backends = _list(_obj({"name": _str(), "namespace": _str(), "port": _INT, "filters": backend_filters}))
    rule = {
        "matches": _list(_MATCH, maxItems=8),
        "filters": _list(_filter(["RequestHeaderModifier", "RequestRedirect"]), maxItems=16),
        "backendRefs": backends,
    }
    if version == "v1beta3":
        rule["timeouts"] = _obj({"request": _GO_DURATION, "backendRequest": _GO_DURATION})
    spec = _obj(
        {
            "parentRefs": _list(parent, maxItems=32),
            "hostnames": _list(_pattern(_HOSTNAME, "a host name (optionally `*.` prefixed)", minLength=1, maxLength=253),
                               maxItems=16),
            "rules": _list(_obj(rule), maxItems=16),
        }
    )
    return _resource(spec)


# -- ServiceProfile (linkerd.io) ---------------------------------------------------------------
# The sp-validator unmarshals strictly into the Go types, so unknown fields inside the
# match trees (which the CRD keeps) are rejected.

_STRICT = {"x-unknown-fields": "Linkerd's ServiceProfile validator rejects unknown fields"}


def _request_match(top: bool) -> dict:
    props = {
        "all": _list({"$ref": "#/$defs/requestMatch"}),
        "any": _list({"$ref": "#/$defs/requestMatch"}),
        "pathRegex": _str(),
        "method": _str(),
        "not": {"$ref": "#/$defs/requestMatch"},
    }
    if top:
        # The CRD types a route condition's `not` as a list, the Go type as a single match:
        # no value satisfies both.  Nested `not`s (inside all/any) are fine.
        props["not"] = {
            "not": {},
            "x-lint-message": (
                "`not` cannot be used directly in a route condition: the CRD wants a list there and Linkerd's "
                "ServiceProfile validator a single match, so every value is rejected; write "
                "`all: [{not: {...}}]` instead"
            ),
        }
        return _obj(props)
    return _obj(props, **_STRICT)


def _response_match(top: bool) -> dict:
    status = _obj({"min": {"type": "integer", "minimum": 0}, "max": {"type": "integer", "minimum": 0}}, **_STRICT)
    props = {
        "all": _list({"$ref": "#/$defs/responseMatch"}),
        "any": _list({"$ref": "#/$defs/responseMatch"}),
        "not": {"$ref": "#/$defs/responseMatch"},
        "status": status,
    }
    # At the top of a response class the CRD types the fields (unknown ones are dropped);
    # below it keeps everything and the validator's strict unmarshal rejects strays.
    return _obj(props) if top else _obj(props, **_STRICT)


def _service_profile(version: str) -> dict:
    route = _obj(
        {
            "name": _str(),
            "condition": _request_match(top=True),
            "responseClasses": _list(_obj({"condition": _response_match(top=True), "isFailure": _BOOL},
                                          required=("condition",))),
            "isRetryable": _BOOL,
            "timeout": _GO_DURATION,
        },
        required=("name", "condition"),
    )
    spec = _obj(
        {
            "routes": _list(route),
            "retryBudget": _obj({"minRetriesPerSecond": {"type": "integer", "minimum": 0},
                                 "retryRatio": {"type": "number"}, "ttl": _GO_DURATION},
                                required=("minRetriesPerSecond", "retryRatio", "ttl")),
            "dstOverrides": _list(_obj({"authority": _str(), "weight": {"type": ["integer", "string"]}},
                                       required=("authority", "weight"))),
            "opaquePorts": {
                "not": {},
                "x-lint-message": (
                    "`spec.opaquePorts` cannot be admitted: the CRD wants a list of strings and Linkerd's "
                    "ServiceProfile validator a map of port numbers, so every value is rejected; mark the "
                    "ports opaque with the `config.linkerd.io/opaque-ports` annotation instead"
                ),
            },
        },
        required=("routes",) if version == "v1alpha1" else (),
    )
    out = _resource(spec, spec_required=False)
    out["$defs"] = {"requestMatch": _request_match(top=False), "responseMatch": _response_match(top=False)}
    return out


# -- ExternalWorkload, EgressNetwork, HTTPLocalRateLimitPolicy, Link --------------------------------

def _external_workload(version: str) -> dict:
    tls_key = "meshTls" if version == "v1alpha1" else "meshTLS"
    mesh_tls = _obj({"identity": _str(minLength=1, maxLength=253), "serverName": _str(minLength=1, maxLength=253)},
                    required=("identity", "serverName"))
    ports = _list(_obj({"name": _str(), "port": _PORT, "protocol": _str()}, required=("port",)))
    # v1beta1 allowed one address in 2.15-2.16 and two (IPv4 + IPv6) from 2.17.
    ips = _list(_obj({"ip": _str()}), maxItems=1 if version == "v1alpha1" else 2)
    return _resource(_obj({tls_key: mesh_tls, "ports": ports, "workloadIPs": ips}, required=(tls_key,)))


def _egress_network(_version: str) -> dict:
    networks = _list(_NETWORK, minItems=1, **{"x-lint-hint": "leave `networks` out to mean everything outside the cluster"})
    return _resource(_obj({"trafficPolicy": {"enum": ["Allow", "Deny"]}, "networks": networks},
                          required=("trafficPolicy",)))


def _ratelimit(_version: str) -> dict:
    limit = _obj({"requestsPerSecond": {"type": "integer", "minimum": 0}}, required=("requestsPerSecond",))
    client_ref = _obj(
        {"group": _GROUP_S, "kind": _KIND_S, "name": _NAME_S,
         "namespace": _pattern(_DNS_LABEL, "a namespace name (a DNS label)", minLength=1, maxLength=63)},
        required=("kind", "name"),
    )
    override = _obj({"requestsPerSecond": {"type": "integer", "minimum": 0}, "clientRefs": _list(client_ref)},
                    required=("requestsPerSecond", "clientRefs"))
    return _resource(_obj({"targetRef": _LOCAL_REF, "total": limit, "identity": limit, "overrides": _list(override)},
                          required=("targetRef",)))


def _link(version: str) -> dict:
    s = _str()
    probe = _obj({"failureThreshold": s, "path": s, "period": s, "port": s, "timeout": s})
    props = {
        "targetClusterName": s, "targetClusterDomain": s, "targetClusterLinkerdNamespace": s,
        "clusterCredentialsSecret": s, "gatewayAddress": s,
        "gatewayPort": _str(**{"x-lint-hint": "the Link CRD types the gateway port as a string"}),
        "gatewayIdentity": s, "probeSpec": probe, "selector": _SELECTOR, "remoteDiscoverySelector": _SELECTOR,
    }
    if version in ("v1alpha2", "v1alpha3"):
        props["federatedServiceSelector"] = _SELECTOR
    if version == "v1alpha3":
        props["excludedAnnotations"] = _list(s)
        props["excludedLabels"] = _list(s)
    return _resource(_obj(props), spec_required=False)


# (group, kind) -> {version: builder}; every version any release 2.10-HEAD serves.
BUILDERS = {
    (POLICY, "Server"): dict.fromkeys(("v1alpha1", "v1beta1", "v1beta2", "v1beta3"), _server),
    (POLICY, "ServerAuthorization"): dict.fromkeys(("v1alpha1", "v1beta1"), _server_authorization),
    (POLICY, "AuthorizationPolicy"): {"v1alpha1": _authorization_policy},
    (POLICY, "MeshTLSAuthentication"): {"v1alpha1": _meshtls_authentication},
    (POLICY, "NetworkAuthentication"): {"v1alpha1": _network_authentication},
    (POLICY, "HTTPRoute"): dict.fromkeys(("v1alpha1", "v1beta1", "v1beta2", "v1beta3"), _httproute),
    (POLICY, "EgressNetwork"): {"v1alpha1": _egress_network},
    (POLICY, "HTTPLocalRateLimitPolicy"): {"v1alpha1": _ratelimit},
    ("linkerd.io", "ServiceProfile"): dict.fromkeys(("v1alpha1", "v1alpha2"), _service_profile),
    ("workload.linkerd.io", "ExternalWorkload"): dict.fromkeys(("v1alpha1", "v1beta1"), _external_workload),
    ("multicluster.linkerd.io", "Link"): dict.fromkeys(("v1alpha1", "v1alpha2", "v1alpha3"), _link),
}

KINDS = tuple(sorted({kind for _, kind in BUILDERS}))


def schema_for(group: str, kind: str, version: str) -> dict | None:
    builder = BUILDERS.get((group, kind), {}).get(version)
    if builder is None:
        return None
    out = builder(version)
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return out


def covers(group: str, kind: str) -> bool:
    return (group, kind) in BUILDERS


def versions_with(group: str, kind: str, path: tuple) -> list:
    """The versions of a kind whose schema has a field at ``path`` (list indexes ignored)."""
    out = []
    for version, builder in BUILDERS.get((group, kind), {}).items():
        node = builder(version)
        for part in path:
            if not isinstance(node, dict):
                break
            node = node.get("items") if isinstance(part, int) else (node.get("properties") or {}).get(part)
        if isinstance(node, dict):
            out.append(version)
    return out
