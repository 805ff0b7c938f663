from linter.rule import Example, Severity, rule
from linter.values import format_bytes

from ._common import describe_source
from ._proxy import RESOURCES, anchor_for, annotation, effective_quantity, inject_related


@rule(
    id="LNK203",
    name="proxy-request-exceeds-limit",
    severity=Severity.ERROR,
    kinds=("PodTemplate",),
    summary="An effective proxy resource request is greater than its limit.",
    why=(
        "The injector copies the request and limit into the linkerd-proxy container as written. A container whose "
        "request exceeds its limit is invalid, so the API server rejects the injected pod (\"must be less than or "
        "equal to … limit\") and the workload never gets pods. The two values often come from different places "
        "(a limit on the Namespace, a request on the pod), which makes this easy to miss."
    ),
    how_to_fix="Lower the request or raise the limit so that request <= limit for cpu, memory and ephemeral-storage.",
    references=(
        "linkerd/linkerd2 charts/partials/templates/_resources.tpl (proxy resources rendered from the overrides)",
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    linkerd.io/inject: enabled\n"
        "    config.linkerd.io/proxy-memory-request: 512Mi  # <- LNK203 @512Mi\n"
        "    config.linkerd.io/proxy-memory-limit: 256Mi\n"
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
        "    config.linkerd.io/proxy-memory-request: 128Mi\n"
        "    config.linkerd.io/proxy-memory-limit: 256Mi\n"
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
    for res in RESOURCES:
        req, req_q = effective_quantity(mesh, annotation(res, "request"))
        lim, lim_q = effective_quantity(mesh, annotation(res, "limit"))
        if req_q is None or lim_q is None or req_q <= lim_q:
            continue
        show = format_bytes if res != "cpu" else (lambda q: f"{q.normalize():f}")
        msg = (
            f"proxy {res} request {req.text}{describe_source(req)} is greater than the limit "
            f"{lim.text}{describe_source(lim)} ({show(req_q)} > {show(lim_q)}); the API server rejects the injected pod"
        )
        where_value = req if req.source == "pod" else lim
        ctx.report(anchor_for(ctx, where_value), msg, related=inject_related(ctx) + _rel(ctx, req, lim))


def _rel(ctx, *values):
    out = ()
    for v in values:
        out += ctx.related(v, f"proxy {v.source} value set here")
    return out
