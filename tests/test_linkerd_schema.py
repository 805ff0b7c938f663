"""LNK601 linkerd-resource-schema: schema and admission-time errors, each at its exact place."""

import os
import subprocess
import sys
import textwrap

import pytest

from linter.api import lint_text


def lnk601(tmp_path, text, **overrides):
    os.makedirs(tmp_path / ".git", exist_ok=True)
    result = lint_text(textwrap.dedent(text), "policy.yaml", cwd=str(tmp_path), overrides=overrides or None,
                       select=["LNK601"])
    assert not result.internal_errors
    return [(f.span.line, f.span.col, str(f.severity), f.message) for f in result.findings]


def places(found):
    return [(line, col, sev) for line, col, sev, _ in found]


# -- every kind and version: a correct object is clean ----------------------------------------------

GOOD = """\
apiVersion: policy.linkerd.io/v1alpha1
kind: Server
metadata: {name: a, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  port: http
  proxyProtocol: HTTP/1
---
apiVersion: policy.linkerd.io/v1beta1
kind: Server
metadata: {name: b, namespace: shop}
spec:
  podSelector:
    matchExpressions:
      - {key: app, operator: In, values: [web, api]}
  port: 8080
---
apiVersion: policy.linkerd.io/v1beta2
kind: Server
metadata: {name: c, namespace: shop}
spec:
  externalWorkloadSelector: {matchLabels: {app: legacy}}
  port: 443
  proxyProtocol: TLS
---
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: d, namespace: shop}
spec:
  podSelector: {}
  port: admin-http
  proxyProtocol: opaque
  accessPolicy: cluster-authenticated
---
apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata: {name: e, namespace: shop}
spec:
  server: {name: d}
  client:
    networks:
      - cidr: 10.0.0.0/8
        except: [10.1.0.0/16, 10.2.3.4]
      - cidr: "fd00::/8"
    meshTLS:
      identities: ["*.shop.serviceaccount.identity.linkerd.cluster.local"]
      serviceAccounts:
        - {name: web, namespace: shop}
---
apiVersion: policy.linkerd.io/v1alpha1
kind: ServerAuthorization
metadata: {name: f, namespace: shop}
spec:
  server:
    selector: {matchLabels: {tier: front}}
  client:
    unauthenticated: true
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: g, namespace: shop}
spec:
  targetRef: {kind: Namespace, name: shop}
  requiredAuthenticationRefs:
    - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: web}
    - {group: policy.linkerd.io, kind: NetworkAuthentication, name: lb}
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: h, namespace: shop}
spec:
  targetRef: {group: gateway.networking.k8s.io, kind: GRPCRoute, name: rpc}
  requiredAuthenticationRefs: []
---
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: {name: i, namespace: shop}
spec:
  identities: ["*", "web.shop.serviceaccount.identity.linkerd.cluster.local", "spiffe://example.org/ns/shop/sa/web"]
---
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: {name: j, namespace: shop}
spec:
  identityRefs:
    - {kind: ServiceAccount, name: web}
    - {kind: Namespace, name: shop}
---
apiVersion: policy.linkerd.io/v1alpha1
kind: NetworkAuthentication
metadata: {name: k, namespace: shop}
spec:
  networks: [{cidr: 0.0.0.0/0}, {cidr: "::/0"}]
---
apiVersion: policy.linkerd.io/v1beta3
kind: HTTPRoute
metadata: {name: l, namespace: shop}
spec:
  parentRefs:
    - {group: policy.linkerd.io, kind: Server, name: d}
    - {group: policy.linkerd.io, kind: EgressNetwork, name: out, port: 443}
  hostnames: ["*.example.com"]
  rules:
    - matches:
        - path: {type: PathPrefix, value: /api}
          method: GET
          headers: [{name: x-user, type: RegularExpression, value: "^[a-z]+$"}]
        - path: {type: RegularExpression, value: "/v[0-9]+/.*"}
      filters:
        - type: RequestHeaderModifier
          requestHeaderModifier: {set: [{name: x-mesh, value: linkerd}], remove: [x-debug]}
        - type: RequestRedirect
          requestRedirect: {scheme: https, statusCode: 301, path: {type: ReplaceFullPath, replaceFullPath: /new}}
      backendRefs:
        - {name: web, port: 8080, weight: 90}
      timeouts: {request: 10s, backendRequest: 2500ms}
---
apiVersion: policy.linkerd.io/v1beta1
kind: HTTPRoute
metadata: {name: m, namespace: shop}
spec:
  parentRefs: [{group: policy.linkerd.io, kind: Server, name: d}]
  rules:
    - matches: [{path: {value: /}}]
---
apiVersion: policy.linkerd.io/v1alpha1
kind: EgressNetwork
metadata: {name: n, namespace: linkerd-egress}
spec:
  trafficPolicy: Deny
  networks: [{cidr: 0.0.0.0/0, except: [10.0.0.0/8]}]
---
apiVersion: policy.linkerd.io/v1alpha1
kind: HTTPLocalRateLimitPolicy
metadata: {name: o, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: d}
  total: {requestsPerSecond: 100}
  identity: {requestsPerSecond: 20}
  overrides:
    - requestsPerSecond: 50
      clientRefs: [{kind: ServiceAccount, name: batch, namespace: jobs}]
---
apiVersion: linkerd.io/v1alpha2
kind: ServiceProfile
metadata: {name: web.shop.svc.cluster.local, namespace: shop}
spec:
  routes:
    - name: GET /books/{id}
      condition:
        method: GET
        pathRegex: /books/[^/]*
      responseClasses:
        - condition: {status: {min: 500, max: 599}}
          isFailure: true
        - condition:
            not: {status: {min: 200, max: 399}}
      isRetryable: true
      timeout: 300ms
    - name: anything but deletes
      condition:
        all:
          - not: {method: DELETE}
          - any: [{pathRegex: /a}, {pathRegex: /b}]
  retryBudget: {retryRatio: 0.2, minRetriesPerSecond: 10, ttl: 10s}
  dstOverrides:
    - {authority: web-v2.shop.svc.cluster.local:8080, weight: 500m}
---
apiVersion: linkerd.io/v1alpha1
kind: ServiceProfile
metadata: {name: api.shop.svc.cluster.local, namespace: shop}
spec:
  routes:
    - {name: all, condition: {pathRegex: .*}}
---
apiVersion: workload.linkerd.io/v1beta1
kind: ExternalWorkload
metadata: {name: p, namespace: shop, labels: {app: legacy}}
spec:
  meshTLS:
    identity: spiffe://root.linkerd.cluster.local/legacy
    serverName: legacy.cluster.local
  workloadIPs: [{ip: 192.0.2.10}, {ip: "2001:db8::10"}]
  ports: [{port: 8080, name: http}]
---
apiVersion: workload.linkerd.io/v1alpha1
kind: ExternalWorkload
metadata: {name: q, namespace: shop}
spec:
  meshTls: {identity: legacy, serverName: legacy.cluster.local}
  workloadIPs: [{ip: 192.0.2.11}]
---
apiVersion: multicluster.linkerd.io/v1alpha3
kind: Link
metadata: {name: east, namespace: linkerd-multicluster}
spec:
  targetClusterName: east
  targetClusterDomain: cluster.local
  gatewayAddress: 203.0.113.7
  gatewayPort: "4143"
  probeSpec: {path: /ready, port: "4191", period: 3s, failureThreshold: "3", timeout: 30s}
  selector: {matchLabels: {mirror.linkerd.io/exported: "true"}}
  excludedAnnotations: [example.com/secret]
---
apiVersion: multicluster.linkerd.io/v1alpha1
kind: Link
metadata: {name: west, namespace: linkerd-multicluster}
spec:
  targetClusterName: west
  gatewayPort: "4143"
"""


def test_correct_objects_of_every_kind_and_version_are_clean(tmp_path):
    assert lnk601(tmp_path, GOOD) == []


def test_good_manifests_clean_for_the_oldest_version_that_serves_them(tmp_path):
    # Nothing here needs 2.16+ except the GRPCRoute target (h) and the v1beta3 kinds.
    found = lnk601(tmp_path, GOOD, **{"linkerd-version": "2.15"})
    assert [m for *_, m in found] == [
        "targeting a gateway.networking.k8s.io GRPCRoute needs Linkerd 2.16 or later (the target is 2.15)"
    ]


# -- Server -------------------------------------------------------------------------------------------

def test_server_values(tmp_path):
    found = lnk601(tmp_path, """\
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: web, namespace: shop}
        spec:
          podSelector:
            matchLabels: {app: web, version: 2}
          port: "8080"
          proxyProtocol: http/2
          accessPolicy: Deny
          proxyprotocol: opaque
        """)
    assert found == [
        (6, 38, "error", '`spec.podSelector.matchLabels.version` is the number 2: it must be a string '
                         '(quote it: "2") (label values are strings)'),
        (7, 9, "error", "`spec.port` is the string '8080': Linkerd reads a string as a container port *name*, and "
                        "port names must contain a letter, so this matches no port; write 8080 without quotes"),
        (8, 18, "error", '`spec.proxyProtocol` is "http/2": it must be one of "unknown", "HTTP/1", "HTTP/2", "gRPC", '
                         '"opaque", "TLS"; did you mean "HTTP/2"? (the policy validator accepts only these exact spellings)'),
        (9, 17, "error", '`spec.accessPolicy` is "Deny": it must be one of "all-unauthenticated", "all-authenticated", '
                         '"cluster-unauthenticated", "cluster-authenticated", "deny", "audit"; did you mean "deny"?'),
        (10, 3, "warning", "unknown field `spec.proxyprotocol` (did you mean `proxyProtocol`?): the API server drops it "
                           "(kubectl's strict validation rejects it), so it has no effect"),
    ]


@pytest.mark.parametrize("port,expected", [
    ("0", [(5, 9, "error", "`spec.port` is 0: it must be at least 1")]),
    ("65536", [(5, 9, "error", "`spec.port` is 65536: it must be at most 65535")]),
    ("web_http", [(5, 9, "error", "`spec.port` 'web_http' is not a valid container port name (at most 15 lower-case "
                                  "letters, digits and '-', with at least one letter): no container port can carry it, "
                                  "so the Server matches no port")]),
    ("a-very-long-port-name", [(5, 9, "error")]),
    ("[80]", [(5, 3, "error", "`spec.port` is a list: it must be an integer or a string (a container port number 1-65535, or a container port name)")]),
    ("http", []),
    ("${PORT:=8080}", []),  # Flux writes the number 8080
    ("${PORT}", []),
])
def test_server_port(tmp_path, port, expected):
    found = lnk601(tmp_path, f"""\
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {{name: web}}
        spec:
          port: {port}
          podSelector: {{}}
        """)
    assert [f[: len(e)] for f, e in zip(found, expected)] == expected and len(found) == len(expected)


def test_server_selectors_per_version(tmp_path):
    found = lnk601(tmp_path, """\
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: both}
        spec:
          podSelector: {}
          externalWorkloadSelector: {}
          port: 80
        ---
        apiVersion: policy.linkerd.io/v1beta2
        kind: Server
        metadata: {name: neither}
        spec:
          port: 80
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: Server
        metadata: {name: old}
        spec:
          podSelector:
            matchLabels: {app: a}
            matchExpressions: [{key: b, operator: Exists}]
          port: 80
        ---
        apiVersion: policy.linkerd.io/v1beta1
        kind: Server
        metadata: {name: early}
        spec:
          externalWorkloadSelector: {}
          port: 80
        """)
    assert found == [
        (6, 3, "error", "a Server needs exactly one of podSelector or externalWorkloadSelector"),
        (12, 1, "error", "a Server needs exactly one of podSelector or externalWorkloadSelector"),
        (21, 5, "error", "a v1alpha1 Server's podSelector needs exactly one of matchLabels or matchExpressions "
                         "(v1beta1 and later allow both, or neither to select all pods)"),
        (27, 1, "error", "`spec` is missing the required field `podSelector`"),
        (28, 3, "warning", "unknown field `spec.externalWorkloadSelector`: the API server drops it (kubectl's strict "
                           "validation rejects it), so it has no effect; `externalWorkloadSelector` is a field of "
                           "policy.linkerd.io/v1beta2 and v1beta3, not v1beta1"),
    ]


def test_missing_or_null_spec_is_reported_at_the_kind(tmp_path):
    found = lnk601(tmp_path, """\
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: web}
        spec:
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: web2}
        specs: {port: 80}
        """)
    assert found == [
        (2, 1, "error", "the object is missing the required field `spec`"),
        (7, 1, "error", "the object is missing the required field `spec`"),
        (9, 1, "warning", "unknown field `specs` (did you mean `spec`?): the API server drops it (kubectl's strict "
                          "validation rejects it), so it has no effect"),
    ]


def test_null_optional_field_is_pruned_not_an_error(tmp_path):
    assert lnk601(tmp_path, """\
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: web}
        spec: {podSelector: {}, port: 80, proxyProtocol: null}
        """) == []


def test_flux_variables(tmp_path):
    found = lnk601(tmp_path, """\
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: web}
        spec:
          podSelector: {}
          port: 80
          proxyProtocol: ${PROTOCOL}
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: web2}
        spec:
          podSelector: {}
          port: 80
          proxyProtocol: ${PROTOCOL:=http}
        """)
    assert places(found) == [(15, 18, "error")]


# -- references ----------------------------------------------------------------------------------------

def test_authorization_policy_references(tmp_path):
    found = lnk601(tmp_path, """\
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: a, namespace: shop}
        spec:
          targetRef: {kind: Server, name: web}
          requiredAuthenticationRefs:
            - {kind: ServiceAccount, name: frontend}
            - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: x}
            - {kind: NetworkAuthentication, name: u}
            - {group: policy.linkerd.io, kind: networkauthentication, name: z}
            - {group: policy.linkerd.io, kind: NetworkAuthentication, name: w}
            - {group: apps, kind: Deployment, name: v}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: b, namespace: shop}
        spec:
          targetRef: {group: apps, kind: Deployment, name: web}
        """)
    assert found == [
        (5, 21, "error", "targetRef kind Server has no `group`: Linkerd reads a missing group as the core API group, so "
                         "the policy validator rejects it; add `group: policy.linkerd.io`"),
        (8, 40, "error", "a MeshTLSAuthentication and a ServiceAccount may not be set together: put the service "
                         "account's identity into the MeshTLSAuthentication instead"),
        (9, 14, "error", "authentication kind NetworkAuthentication has no `group`: Linkerd reads a missing group as the "
                         "core API group, so the policy validator rejects it; add `group: policy.linkerd.io`"),
        (11, 40, "error", "only one NetworkAuthentication may be set (the first is item 3)"),
        (12, 27, "error", "Deployment.apps cannot be a required authentication: use a MeshTLSAuthentication or "
                          "NetworkAuthentication (policy.linkerd.io) or a ServiceAccount"),
        (17, 1, "error", "`spec` is missing the required field `requiredAuthenticationRefs`"),
        (18, 34, "error", "targetRef Deployment.apps is not a kind an AuthorizationPolicy can target: use a Server or an "
                          "HTTPRoute (policy.linkerd.io), a Namespace, or a Gateway API GRPCRoute"),
    ]


GATEWAY_ROUTE_TARGET = """\
    apiVersion: policy.linkerd.io/v1alpha1
    kind: AuthorizationPolicy
    metadata: {name: a, namespace: shop}
    spec:
      targetRef: {group: gateway.networking.k8s.io, kind: HTTPRoute, name: web}
      requiredAuthenticationRefs: [{kind: ServiceAccount, name: x}]
    """


@pytest.mark.parametrize("version,target", [("2.18", "2.18"), ("2.14", "2.14"), ("2.12", "2.12"),
                                            ("edge-25.4.4", "2.18"), ("stable-2.14.10", "2.14")])
def test_gateway_httproute_target_rejected_before_2_19(tmp_path, version, target):
    # validate_policy_target (admission.rs, 2.12-2.18) admits no gateway.networking.k8s.io HTTPRoute;
    # linkerd/linkerd2 cdff9e2f6 removed it (edge-25.5.1, version-2.19).
    assert lnk601(tmp_path, GATEWAY_ROUTE_TARGET, **{"linkerd-version": version}) == [
        (5, 55, "error", "the policy validator of Linkerd before 2.19 rejects a gateway.networking.k8s.io HTTPRoute "
                         "target (\"invalid targetRef kind\"), although 2.14-2.18 route with such HTTPRoutes: target "
                         f"Linkerd's own HTTPRoute (`group: policy.linkerd.io`) instead (the target is {target})"),
    ]


@pytest.mark.parametrize("version", ["2.19", "2.20", "version-2.19", "edge-25.5.1",
                                     # cut after 2.18 (edge-25.4.4): unsure which side, so quiet
                                     "edge-25.8.2"])
def test_gateway_httproute_target_accepted_from_2_19(tmp_path, version):
    assert lnk601(tmp_path, GATEWAY_ROUTE_TARGET, **{"linkerd-version": version}) == []


def test_policy_httproute_target_accepted_on_2_18(tmp_path):
    text = GATEWAY_ROUTE_TARGET.replace("gateway.networking.k8s.io", "policy.linkerd.io")
    assert lnk601(tmp_path, text, **{"linkerd-version": "2.18"}) == []


@pytest.mark.parametrize("version,suggestion", [
    ("2.19", "HTTPRoute (policy.linkerd.io), a Namespace, or a Gateway API HTTPRoute/GRPCRoute"),
    ("2.16", "HTTPRoute (policy.linkerd.io), a Namespace, or a Gateway API GRPCRoute"),
    ("2.15", "HTTPRoute (policy.linkerd.io) or a Namespace"),
])
def test_wrong_target_kind_suggests_what_the_version_admits(tmp_path, version, suggestion):
    text = GATEWAY_ROUTE_TARGET.replace("{group: gateway.networking.k8s.io, kind: HTTPRoute", "{group: apps, kind: Deployment")
    assert lnk601(tmp_path, text, **{"linkerd-version": version}) == [
        (5, 34, "error", f"targetRef Deployment.apps is not a kind an AuthorizationPolicy can target: use a Server or "
                         f"an {suggestion}"),
    ]


def test_meshtls_authentication(tmp_path):
    text = """\
        apiVersion: policy.linkerd.io/v1alpha1
        kind: MeshTLSAuthentication
        metadata: {name: m}
        spec:
          identities:
            - "*.shop.serviceaccount.identity.linkerd.cluster.local"
            - spiffe://example.org/ns//sa
            - Web.Shop
            - spiffe://example.org/ns/shop
          identityRefs:
            - {kind: Namespace, name: shop, namespace: shop}
            - {kind: Deployment, name: web}
        """
    found = lnk601(tmp_path, text)
    assert found == [
        (7, 7, "error", "identity 'spiffe://example.org/ns//sa' is invalid: a SPIFFE path cannot have empty segments"),
        (8, 7, "error", "identity 'Web.Shop' is invalid: it must be `*`, a DNS-like name such as "
                        "`*.ns.serviceaccount.identity.linkerd.cluster.local`, or a SPIFFE id"),
        (10, 3, "error", "a MeshTLSAuthentication needs exactly one of identities or identityRefs"),
        (11, 37, "error", "a Namespace identityRef cannot carry a namespace (Namespaces are cluster-scoped)"),
        (12, 14, "error", "identityRef kind Deployment is not supported: use ServiceAccount or Namespace (core group)"),
    ]
    old = lnk601(tmp_path, text, **{"linkerd-version": "2.14"})
    assert (9, 7, "error", "identity 'spiffe://example.org/ns/shop' is invalid: SPIFFE ids are accepted from Linkerd "
                           "2.15 (the target is 2.14)") in old


@pytest.mark.parametrize("networks,expected", [
    ("[]", [(4, 8, "must not be empty (the policy validator needs at least one network)")]),
    ("[{cidr: 10.0.0.0/33}]", [(4, 26, "`cidr` '10.0.0.0/33' is not an IP address or CIDR block")]),
    ("[{cidr: 10.0.0.0/255.0.0.0}]", [(4, 26, "is not an IP address or CIDR block")]),
    ("[{cidr: 10.0.0.0/8, except: [10.0.0.0/8]}]", [(4, 47, "negates all of '10.0.0.0/8'")]),
    ("[{cidr: 10.0.0.0/8, except: [192.168.0.0/16]}]", [(4, 47, "exception '192.168.0.0/16' is not inside '10.0.0.0/8'")]),
    ("[{cidr: 10.0.0.0/8, except: [\"fd00::/8\"]}]", [(4, 47, "is not inside")]),
    ("[{cidr: 10.1.2.3/8, except: [10.9.0.0/16, 10.1.2.3]}]", []),  # host bits allowed, as ipnet does
    ("[{cidr: \"2001:db8::/32\", except: [\"2001:db8:1::/48\"]}]", []),
    ("[{except: [10.0.0.0/8]}]", [(4, 19, "`spec.networks[0]` is missing the required field `cidr`")]),
])
def test_network_authentication(tmp_path, networks, expected):
    found = lnk601(tmp_path, f"""\
        apiVersion: policy.linkerd.io/v1alpha1
        kind: NetworkAuthentication
        metadata: {{name: n}}
        spec: {{networks: {networks}}}
        """)
    assert len(found) == len(expected), found
    for (line, col, sev, msg), (eline, ecol, text) in zip(found, expected):
        assert (line, col, sev) == (eline, ecol, "error") and text in msg


def test_server_authorization_client_rules(tmp_path):
    found = lnk601(tmp_path, """\
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: s}
        spec:
          server: {name: Web_Server}
          client:
            unauthenticated: true
            meshTLS:
              unauthenticatedTLS: true
              identities: ["Bad..id"]
            networks: [{cidr: 10.0.0.0/16, except: [10.0.0.0/8]}]
        """)
    assert found == [
        (5, 18, "error", '`spec.server.name` "Web_Server" is not a Server name (a DNS label)'),
        (7, 22, "error", "`unauthenticated: true` cannot be combined with `meshTLS`: the policy validator rejects it"),
        (9, 27, "error", "`unauthenticatedTLS: true` cannot be combined with identities or serviceAccounts: the "
                         "policy validator rejects it"),
        (10, 20, "error", '`spec.client.meshTLS.identities[0]` "Bad..id" is not a proxy identity (a DNS-like name, '
                          "`*` or `*.domain`)"),
        (11, 45, "error", "exception '10.0.0.0/8' negates all of '10.0.0.0/16': the network matches nothing"),
    ]


# -- routes ------------------------------------------------------------------------------------------------

def test_httproute_admission_rules(tmp_path):
    found = lnk601(tmp_path, """\
        apiVersion: policy.linkerd.io/v1beta3
        kind: HTTPRoute
        metadata: {name: r}
        spec:
          parentRefs:
            - {kind: EgressNetwork, name: out}
          rules:
            - matches:
                - path: {value: api}
                  method: get
                - path: {type: RegularExpression, value: "/(?!admin).*"}
                - path: {type: RegularExpression, value: "/(api"}
              filters:
                - type: RequestRedirect
                - type: RequestRedirect
                  requestRedirect: {path: {type: ReplaceFullPath}}
                - type: RequestRedirect
                  requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: v2}}
              timeouts: {request: 1s, backendRequest: 5s}
            - timeouts: {request: 1d, backendRequest: -1s}
        """)
    assert found == [  # the EgressNetwork parent without a port: LNK605's (test_cross_resource)
        (9, 25, "error", "path 'api' must be absolute (start with '/')"),
        (10, 19, "error", '`spec.rules[0].matches[0].method` is "get": it must be one of "GET", "HEAD", "POST", "PUT", '
                          '"DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"; did you mean "GET"?'),
        (11, 50, "error", "path regex '/(?!admin).*' is invalid: look-around and back-references are not supported by "
                          "Linkerd's regex engine"),
        (12, 50, "error", "path regex '/(api' is invalid: missing ), unterminated subpattern at position 1"),
        (14, 11, "error", "`spec.rules[0].filters[0]` is missing the required field `requestRedirect`"),
        (16, 29, "error", "a redirect path needs replaceFullPath or replacePrefixMatch"),
        (18, 82, "error", "redirect path 'v2' must be absolute (start with '/')"),
        (19, 47, "error", "timeouts.backendRequest is longer than timeouts.request: the policy validator rejects it"),
        (20, 27, "error", "timeouts.request '1d' is not a duration (e.g. 10s, 1m30s, 500ms)"),
        (20, 47, "error", "timeouts.backendRequest must not be negative"),
    ]


def test_httproute_field_of_a_later_version(tmp_path):
    found = lnk601(tmp_path, """\
        apiVersion: policy.linkerd.io/v1beta1
        kind: HTTPRoute
        metadata: {name: r}
        spec:
          rules:
            - timeouts: {request: 10s}
        """)
    assert found == [(6, 7, "warning", "unknown field `spec.rules[0].timeouts`: the API server drops it (kubectl's strict "
                                       "validation rejects it), so it has no effect; `timeouts` is a field of "
                                       "policy.linkerd.io/v1beta3, not v1beta1")]


def test_gateway_api_routes_are_not_lnk601s(tmp_path):
    assert lnk601(tmp_path, """\
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: r}
        spec: {rules: [{matches: [{method: get}]}]}
        """) == []


def test_service_profile(tmp_path):
    found = lnk601(tmp_path, """\
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata: {name: web.shop.svc.cluster.local, namespace: shop}
        spec:
          opaquePorts: ["8080"]
          routes:
            - name: GET /
              condition:
                not: {method: GET}
                all:
                  - pathRegx: /x
                  - {}
              isRetryable: "true"
              timeout: 1d
              responseClasses:
                - condition: {status: {min: 500}, statuses: {max: 599}}
          retryBudget: {retryRatio: -1, minRetriesPerSecond: 10, ttl: 10}
        """)
    assert found == [
        (5, 3, "error", "`spec.opaquePorts` cannot be admitted: the CRD wants a list of strings and Linkerd's "
                        "ServiceProfile validator a map of port numbers, so every value is rejected; mark the ports "
                        "opaque with the `config.linkerd.io/opaque-ports` annotation instead"),
        (9, 9, "error", "`not` cannot be used directly in a route condition: the CRD wants a list there and Linkerd's "
                        "ServiceProfile validator a single match, so every value is rejected; write "
                        "`all: [{not: {...}}]` instead"),
        (11, 13, "error", "unknown field `spec.routes[0].condition.all[0].pathRegx` (did you mean `pathRegex`?): "
                          "Linkerd's ServiceProfile validator rejects unknown fields"),
        (12, 13, "error", "a request match must set at least one of pathRegex, method, all, any or not"),
        (13, 20, "error", '`spec.routes[0].isRetryable` is the string "true": it must be a boolean'),
        (14, 16, "error", "route timeout '1d' is not a Go duration (e.g. 300ms, 1m30s)"),
        (16, 43, "warning", "unknown field `spec.routes[0].responseClasses[0].condition.statuses` (did you mean "
                            "`status`?): the API server drops it (kubectl's strict validation rejects it), so it has no "
                            "effect"),
        (17, 29, "error", "retryBudget.retryRatio must not be negative"),
        (17, 63, "error", '`spec.retryBudget.ttl` is the number 10: it must be a string (quote it: "10") '
                          "(a Go duration such as 500ms or 10s)"),
    ]


# -- the rest ----------------------------------------------------------------------------------------

def test_external_workload_egress_ratelimit_link(tmp_path):
    found = lnk601(tmp_path, """\
        apiVersion: workload.linkerd.io/v1beta1
        kind: ExternalWorkload
        metadata: {name: e}
        spec:
          meshTls: {identity: x, serverName: y}
          workloadIPs: [{ip: 10.0.0.300}]
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: EgressNetwork
        metadata: {name: out}
        spec: {trafficPolicy: allow, networks: []}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: HTTPLocalRateLimitPolicy
        metadata: {name: rl}
        spec:
          targetRef: {kind: Server, name: web}
          total: {requestsPerSecond: 10}
          identity: {requestsPerSecond: 20}
          overrides:
            - requestsPerSecond: 0
              clientRefs: [{kind: Deployment, name: batch}]
        ---
        apiVersion: multicluster.linkerd.io/v1alpha1
        kind: Link
        metadata: {name: east}
        spec:
          gatewayPort: 4143
          federatedServiceSelector: {}
        """)
    assert found == [
        (4, 1, "error", "`spec` is missing the required field `meshTLS`"),
        (5, 3, "warning", "unknown field `spec.meshTls` (did you mean `meshTLS`?): the API server drops it (kubectl's "
                          "strict validation rejects it), so it has no effect; `meshTls` is a field of "
                          "workload.linkerd.io/v1alpha1, not v1beta1"),
        (6, 22, "error", "'10.0.0.300' is not an IP address"),
        (11, 23, "error", '`spec.trafficPolicy` is "allow": it must be one of "Allow", "Deny"; did you mean "Allow"?'),
        (11, 30, "error", "`spec.networks` must not be empty (leave `networks` out to mean everything outside the "
                          "cluster)"),
        (17, 21, "error", "targetRef kind Server has no `group`: Linkerd reads a missing group as the core API group; "
                          "add `group: policy.linkerd.io`"),
        (19, 33, "error", "identity.requestsPerSecond (20) exceeds total.requestsPerSecond (10)"),
        (21, 26, "error", "an override's requestsPerSecond must be greater than 0"),
        (22, 27, "error", "clientRefs must be ServiceAccounts, not Deployment"),
        (28, 16, "error", '`spec.gatewayPort` is the number 4143: it must be a string (quote it: "4143") '
                          "(the Link CRD types the gateway port as a string)"),
        (29, 3, "warning", "unknown field `spec.federatedServiceSelector`: the API server drops it (kubectl's strict "
                           "validation rejects it), so it has no effect; `federatedServiceSelector` is a field of "
                           "multicluster.linkerd.io/v1alpha2 and v1alpha3, not v1alpha1"),
    ]


def test_unserved_version_is_left_to_lnk504(tmp_path):
    assert lnk601(tmp_path, """\
        apiVersion: policy.linkerd.io/v1beta9
        kind: Server
        metadata: {name: web}
        spec: {port: nope}
        """) == []


def test_inside_a_list_and_suppressed(tmp_path):
    found = lnk601(tmp_path, """\
        apiVersion: v1
        kind: List
        items:
          - apiVersion: policy.linkerd.io/v1beta3
            kind: Server
            metadata: {name: web}
            spec:
              podSelector: {}
              port: 80
              proxyProtocol: grpc
          - apiVersion: policy.linkerd.io/v1beta3
            kind: Server
            metadata: {name: web2}
            spec:
              podSelector: {}
              port: 80
              proxyProtocol: grpc  # linkerd-lint: disable=LNK601 testing the webhook
        """)
    assert places(found) == [(10, 22, "error")]


def test_schema_validation_is_not_paid_for_at_start_up(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    (tmp_path / "srv.yaml").write_text("apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: x}\n"
                                       "spec: {podSelector: {}, port: 80}\n")
    probe = (
        "import sys\nfrom linter.api import lint_paths\n"
        "lint_paths([sys.argv[1]], cwd=sys.argv[2])\n"
        "print('jsonschema' in sys.modules, 'linter.rules._linkerd_schemas' in sys.modules)\n"
    )
    def run(target):
        return subprocess.run([sys.executable, "-c", probe, target, str(tmp_path)], capture_output=True, text=True,
                              check=True).stdout.split()
    assert run("cm.yaml") == ["False", "False"]
    assert run("srv.yaml") == ["True", "True"]


def test_validators_are_compiled_once(tmp_path, monkeypatch):
    from linter import schemacheck

    built = []
    original = schemacheck.validator

    def counting(key, schema, **kw):
        if schemacheck.cached(key) is None:
            built.append(key)
        return original(key, schema, **kw)

    monkeypatch.setattr(schemacheck, "validator", counting)
    monkeypatch.setattr(schemacheck, "_VALIDATORS", {})
    server = "apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: s%d}\nspec: {podSelector: {}, port: 80}\n"
    lnk601(tmp_path, "---\n".join(server % i for i in range(20)))
    assert built == [("linkerd-resource", "policy.linkerd.io", "Server", "v1beta3")]


def test_service_profile_without_routes_only_fails_on_2_10(tmp_path):
    text = """\
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata: {name: web.shop.svc.cluster.local, namespace: shop}
        spec:
          retryBudget: {retryRatio: 0.2, minRetriesPerSecond: 10, ttl: 10s}
        """
    assert lnk601(tmp_path, text) == []
    assert lnk601(tmp_path, text, **{"linkerd-version": "2.10"}) == [
        (4, 1, "error", "Linkerd 2.10's ServiceProfile validator rejects a profile without routes")
    ]
