from linter.rule import Example, Severity, rule

# Kept here (not imported from the schema module) so that loading the rule pack stays cheap.
_KINDS = ("AuthorizationPolicy", "EgressNetwork", "ExternalWorkload", "HTTPLocalRateLimitPolicy", "HTTPRoute", "Link",
          "MeshTLSAuthentication", "NetworkAuthentication", "Server", "ServerAuthorization", "ServiceProfile")


@rule(
    id="LNK601",
    name="linkerd-resource-schema",
    severity=Severity.ERROR,
    severities=(Severity.WARNING, Severity.ERROR),
    kinds=_KINDS,
    summary="A Linkerd custom resource does not match its schema or breaks a rule Linkerd's admission webhook enforces.",
    why=(
        "Linkerd's policy and routing resources fail quietly. A field of the wrong type or a value outside its enum "
        "is refused by the API server; the rules the CRD schema leaves to code (Server `proxyProtocol` spellings, "
        "AuthorizationPolicy reference kinds, identity syntax, CIDR exceptions, route timeouts, ServiceProfile "
        "matches) are refused by Linkerd's validating webhooks - or, where the webhook is skipped (a namespace "
        "labelled `config.linkerd.io/admission-webhooks: disabled`, or the webhook down with its default "
        "`failurePolicy: Ignore`), the object is admitted and the policy controller cannot use it. A misspelt "
        "field is dropped by the API server, so the setting silently does nothing (reported as a warning). The "
        "schemas cover every served version of Server, ServerAuthorization, AuthorizationPolicy, "
        "MeshTLSAuthentication, NetworkAuthentication, HTTPRoute (policy.linkerd.io), ServiceProfile, "
        "ExternalWorkload, EgressNetwork, HTTPLocalRateLimitPolicy and Link; an apiVersion no release serves is "
        "LNK504's business."
    ),
    how_to_fix=(
        "Fix the field the finding points at. References to Linkerd kinds need their group "
        "(`group: policy.linkerd.io`): Linkerd reads a missing group as the core API group. Write a Server's port "
        "as a number (unquoted) or as the name of a container port."
    ),
    references=(
        "linkerd/linkerd2 charts/linkerd-crds/templates/policy/*.yaml, serviceprofile.yaml, workload/external-workload.yaml "
        "(openAPIV3Schema of each served version)",
        "linkerd/linkerd2 multicluster/charts/linkerd-multicluster/templates/link-crd.yaml",
        "linkerd/linkerd2 policy-controller/runtime/src/admission.rs (Validate impls: AuthorizationPolicySpec, "
        "MeshTLSAuthenticationSpec, ServerSpec, NetworkAuthenticationSpec, EgressNetworkSpec, ServerAuthorizationSpec, "
        "HttpRouteSpec, RateLimitPolicySpec)",
        "linkerd/linkerd2 policy-controller/runtime/src/admission.rs at version-2.18 (validate_policy_target: Server, "
        "policy.linkerd.io HTTPRoute, GRPCRoute, Namespace) and commit cdff9e2f6 (#13962, first in edge-25.5.1 and "
        "version-2.19), which lets a gateway.networking.k8s.io HTTPRoute be the target",
        "linkerd/linkerd2 policy-controller/runtime/src/validation.rs (validate_identity)",
        "linkerd/linkerd2 policy-controller/k8s/api/src/policy.rs (targets_kind), policy/server.rs (ProxyProtocol, Port)",
        "linkerd/linkerd2 policy-controller/k8s/index/src/routes/http.rs (path_match, req_redirect)",
        "linkerd/linkerd2 pkg/profiles/profiles.go (Validate) and controller/gen/apis/serviceprofile/v1alpha2/types.go",
        "https://linkerd.io/2-edge/reference/authorization-policy/",
    ),
    bad=Example(
        "apiVersion: policy.linkerd.io/v1beta3\n"
        "kind: Server\n"
        "metadata:\n"
        "  name: web-http\n"
        "  namespace: shop\n"
        "spec:\n"
        "  podSelector:\n"
        "    matchLabels:\n"
        "      app: web\n"
        "  port: \"8080\"  # <- LNK601 @\"8080\"\n"
        "  proxyProtocol: http/2  # <- LNK601 @http/2\n"
        "---\n"
        "apiVersion: policy.linkerd.io/v1alpha1\n"
        "kind: AuthorizationPolicy\n"
        "metadata:\n"
        "  name: web-http\n"
        "  namespace: shop\n"
        "spec:\n"
        "  targetRef:\n"
        "    kind: Server  # <- LNK601 @Server\n"
        "    name: web-http\n"
        "  requiredAuthenticationRefs:\n"
        "    - kind: ServiceAccount\n"
        "      name: frontend\n"
        "      namspace: shop  # <- LNK601 @namspace\n"
    ),
    good=Example(
        "apiVersion: policy.linkerd.io/v1beta3\n"
        "kind: Server\n"
        "metadata:\n"
        "  name: web-http\n"
        "  namespace: shop\n"
        "spec:\n"
        "  podSelector:\n"
        "    matchLabels:\n"
        "      app: web\n"
        "  port: 8080\n"
        "  proxyProtocol: HTTP/2\n"
        "---\n"
        "apiVersion: policy.linkerd.io/v1alpha1\n"
        "kind: AuthorizationPolicy\n"
        "metadata:\n"
        "  name: web-http\n"
        "  namespace: shop\n"
        "spec:\n"
        "  targetRef:\n"
        "    group: policy.linkerd.io\n"
        "    kind: Server\n"
        "    name: web-http\n"
        "  requiredAuthenticationRefs:\n"
        "    - kind: ServiceAccount\n"
        "      name: frontend\n"
        "      namespace: shop\n"
    ),
)
def check(ctx):
    from linter import schemacheck
    from linter.located import YMap

    from . import _linkerd_admission as admission
    from . import _linkerd_schemas as schemas

    res = ctx.resource
    group, _, version = res.api_version.rpartition("/")
    if not schemas.covers(group, res.kind):
        return
    key = ("linkerd-resource", group, res.kind, version)
    validator = schemacheck.cached(key)
    if validator is None:
        schema = schemas.schema_for(group, res.kind, version)
        if schema is None:
            return  # a version no release serves: LNK504
        validator = schemacheck.validator(key, schema)
    variables: dict = {}
    instance = schemacheck.plain(res.data, (), variables, drop_nulls=True)
    reported = set()
    for p in schemacheck.problems(validator, instance, variables):
        if p.on == "value":
            reported.add(p.path)
        severity = Severity.WARNING if p.unknown_field and not p.rejected else None
        message = p.message
        if p.unknown_field:
            elsewhere = schemas.versions_with(group, res.kind, p.path)
            if elsewhere:
                message += f"; `{p.path[-1]}` is a field of {group}/{' and '.join(elsewhere)}, not {version}"
        ctx.report(schemacheck.locate(res.data, p.path, p.on, res.anchor), message, severity=severity)
    spec = res.data.get("spec")
    if not isinstance(spec, YMap) or res.kind not in admission.CHECKS:
        return
    from linter.versions import linkerd_target

    for path, on, message in admission.CHECKS[res.kind](spec, version, linkerd_target(ctx.settings)):
        if any(path[: len(r)] == r for r in reported if r):
            continue  # the schema already explained what is wrong there
        ctx.report(schemacheck.locate(res.data, path, on, res.anchor), message)
