from linter.context import value_of
from linter.located import YMap
from linter.rule import Example, Severity, rule

from ._policy_refs import POLICY, targets, text


@rule(
    id="LNK606",
    name="authorization-policy-target",
    severity=Severity.ERROR,
    kinds=("AuthorizationPolicy",),
    summary="An AuthorizationPolicy targets a Namespace other than its own.",
    why=(
        "An AuthorizationPolicy whose `targetRef` is a Namespace applies to every Server of *its own* namespace; it "
        "cannot reach into another one. Linkerd's admission webhook rejects a policy that names another namespace "
        "(\"cannot target another namespace\"), so the apply fails, or, where the webhook is bypassed, the policy "
        "never applies to the namespace you meant."
    ),
    how_to_fix=(
        "Create the AuthorizationPolicy in the namespace it should protect (`metadata.namespace` equal to "
        "`targetRef.name`), or target a Server or route instead."
    ),
    references=(
        "linkerd/linkerd2 policy-controller/runtime/src/admission.rs (Validate<AuthorizationPolicySpec>: "
        "\"cannot target another namespace\")",
        "linkerd/linkerd2 policy-controller/k8s/index/src/inbound/authorization_policy.rs (Target::Namespace)",
        "https://linkerd.io/2-edge/reference/authorization-policy/#authorizationpolicy",
    ),
    bad=Example(
        "apiVersion: policy.linkerd.io/v1alpha1\n"
        "kind: AuthorizationPolicy\n"
        "metadata:\n"
        "  name: allow-viz\n"
        "  namespace: linkerd-viz\n"
        "spec:\n"
        "  targetRef:\n"
        "    kind: Namespace\n"
        "    name: shop  # <- LNK606 @shop\n"
        "  requiredAuthenticationRefs:\n"
        "    - kind: ServiceAccount\n"
        "      name: prometheus\n"
        "      namespace: linkerd-viz\n"
    ),
    good=Example(
        "apiVersion: policy.linkerd.io/v1alpha1\n"
        "kind: AuthorizationPolicy\n"
        "metadata:\n"
        "  name: allow-viz\n"
        "  namespace: shop\n"
        "spec:\n"
        "  targetRef:\n"
        "    kind: Namespace\n"
        "    name: shop\n"
        "  requiredAuthenticationRefs:\n"
        "    - kind: ServiceAccount\n"
        "      name: prometheus\n"
        "      namespace: linkerd-viz\n"
    ),
)
def check(ctx):
    ap = ctx.resource
    if ap.group != POLICY or not ap.namespace_written:
        return  # without a written namespace the policy lands wherever it is applied
    spec = ap.data.get("spec")
    target = spec.get("targetRef") if isinstance(spec, YMap) else None
    if not isinstance(target, YMap) or targets(target, "Namespace") is not True:
        return
    name = text(target.get("name"))
    if name is None or name == ap.namespace:
        return
    ctx.report(
        value_of(target, "name"),
        f"AuthorizationPolicy {ap.name} in namespace {ap.namespace} targets Namespace {name!r}: a policy can only "
        f"target its own namespace, and the admission webhook rejects it (\"cannot target another namespace\")",
    )
