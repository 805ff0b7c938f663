from linter.annotations import ADMISSION_WEBHOOKS
from linter.located import YMap
from linter.rule import Example, Related, Severity, rule

from ._inject import label_related
from ._injector_selectors import EXCLUDED_NAMESPACES_SINCE, OBJECT_LABELS, OBJECT_SELECTOR_SINCE
from ._proxy import inject_related, pod_anchor


@rule(
    id="LNK109",
    name="never-injected-here",
    severity=Severity.WARNING,
    kinds=("PodTemplate",),
    summary="A pod asks for injection, but Linkerd's proxy injector never runs for it.",
    why=(
        "The proxy injector is an admission webhook, and its selectors keep it away from some pods entirely: "
        "Namespaces labelled `config.linkerd.io/admission-webhooks: disabled`, and from Linkerd 2.12 the Namespaces "
        "`kube-system` and `cert-manager` and pods labelled `linkerd.io/control-plane-component` or "
        "`linkerd.io/cni-resource`. The API server never sends these pods to the injector, so "
        "`linkerd.io/inject: enabled` does nothing and they run without a proxy."
    ),
    how_to_fix=(
        "Move the workload to another namespace, remove the label that excludes it, or drop the injection "
        "request so that the manifest says what happens."
    ),
    references=(
        "linkerd/linkerd2 charts/linkerd-control-plane/values.yaml (proxyInjector.namespaceSelector, objectSelector)",
        "linkerd/linkerd2 charts/linkerd-control-plane/templates/proxy-injector-rbac.yaml (MutatingWebhookConfiguration)",
        "https://linkerd.io/2-edge/features/proxy-injection/",
    ),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: metrics-agent\n"
        "  namespace: kube-system\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: metrics-agent}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: metrics-agent}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled  # <- LNK109 @enabled\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: agent\n"
        "          image: example/agent:1.0\n"
    ),
    good=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: metrics-agent\n"
        "  namespace: monitoring\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: metrics-agent}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: metrics-agent}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: agent\n"
        "          image: example/agent:1.0\n"
    ),
)
def check(ctx):
    mesh = ctx.mesh
    if mesh is None or mesh.requested is not True:
        return
    res, ns = ctx.resource, ctx.namespace
    related = inject_related(ctx)
    version = ctx.settings.linkerd_version
    if mesh.reason == "namespace_excluded_by_webhook":
        if version < EXCLUDED_NAMESPACES_SINCE:
            return  # before 2.12 the webhook's selectors did not exclude them
        why = f"the proxy injector's namespaceSelector excludes Namespace {res.namespace}"
    elif mesh.reason == "admission_webhooks_disabled":
        why = f"Namespace {res.namespace} is labelled {ADMISSION_WEBHOOKS}: disabled, which switches the injector off there"
        related += label_related(ns, ADMISSION_WEBHOOKS, "Linkerd's admission webhooks are switched off here")
    elif mesh.reason == "excluded_by_object_selector":
        if version < OBJECT_SELECTOR_SINCE:
            return
        label = next(k for k in OBJECT_LABELS if k in ctx.pod.labels)
        why = f"the pod is labelled {label}, which the injector's objectSelector excludes"
        related += label_related_pod(ctx, label)
    else:
        return
    ctx.report(
        pod_anchor(ctx),
        f"{res.kind} {res.name} asks for injection but is never injected: {why}; it runs without a proxy",
        related=related,
    )


def label_related_pod(ctx, label):
    labels = ctx.pod.metadata.get("labels") if ctx.pod.metadata is not None else None
    span = labels.key_span(label) if isinstance(labels, YMap) else None
    return (Related(ctx.resource.file, span, "excluded by this label"),) if span is not None else ()
