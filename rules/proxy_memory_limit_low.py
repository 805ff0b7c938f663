from linter.rule import Example, Severity, rule
from linter.values import parse_quantity

from ._common import describe_source
from ._proxy import anchor_for, annotation, effective_quantity, inject_related


@rule(
    id="LNK204",
    name="proxy-memory-limit-low",
    severity=Severity.WARNING,
    kinds=("PodTemplate",),
    summary="The effective proxy memory limit is below the configured minimum (default 64Mi).",
    why=(
        "linkerd-proxy needs memory for its connection pools, discovery caches and buffers; that grows with "
        "traffic and the number of endpoints it talks to. A very small limit gets the proxy OOMKilled under load, "
        "and while the proxy restarts the pod's traffic fails."
    ),
    how_to_fix="Raise `config.linkerd.io/proxy-memory-limit` (or lower `proxy-memory-limit-min` in .linkerd-lint.yaml if you measured that less is enough).",
    references=(
        "linkerd/linkerd2 charts/linkerd-control-plane/values.yaml (proxy.resources.memory.limit, empty by default)",
        "linkerd/linkerd2 pkg/inject/inject.go (applyAnnotationOverrides: config.linkerd.io/proxy-memory-limit "
        "becomes the proxy container's memory limit)",
        "https://linkerd.io/2-edge/reference/proxy-configuration/",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    linkerd.io/inject: enabled\n"
        "    config.linkerd.io/proxy-memory-limit: 20Mi  # <- LNK204 @20Mi\n"
        "spec:\n"
        "  containers:\n"
        "    - name: web\n"
        "      image: nginx:1.27\n"
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    linkerd.io/inject: enabled\n"
        "    config.linkerd.io/proxy-memory-limit: 128Mi\n"
        "spec:\n"
        "  containers:\n"
        "    - name: web\n"
        "      image: nginx:1.27\n"
    ),
)
def check(ctx):
    mesh = ctx.mesh
    if mesh is None or not mesh.meshed:
        return
    value, q = effective_quantity(mesh, annotation("memory", "limit"))
    minimum = parse_quantity(ctx.settings.proxy_memory_limit_min)
    if q is None or minimum is None or q >= minimum:
        return
    ctx.report(
        anchor_for(ctx, value),
        f"proxy memory limit {value.text}{describe_source(value)} is below the minimum "
        f"{ctx.settings.proxy_memory_limit_min}; the proxy is likely to be OOMKilled under load",
        related=inject_related(ctx, value),
    )
