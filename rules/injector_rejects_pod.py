from linter.fixes import replace_scalar
from linter.rule import Example, Fix, Severity, rule

from ._common import describe_source
from ._cp_values import CLOSE_WAIT_NEEDS_ROOT_SINCE
from ._grammar import go_bool, go_duration
from ._linkerd_annotations import CATALOGUE
from ._proxy import anchor_for, inject_related

LOG_HTTP_HEADERS = "config.linkerd.io/proxy-log-http-headers"
PULL_POLICY = "config.linkerd.io/image-pull-policy"
DEBUG_PULL_POLICY = "config.linkerd.io/debug-image-pull-policy"
DEBUG_SIDECAR = "config.linkerd.io/enable-debug-sidecar"
CLOSE_WAIT = "config.linkerd.io/close-wait-timeout"
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
CNI_FACT = "linkerd-cni"  # evidence of linkerd-cni gathered by LNK402's collector


@rule(
    id="LNK206",
    name="injector-rejects-pod",
    severity=Severity.ERROR,
    fixable=True,
    kinds=("PodTemplate",),
    summary="A proxy setting makes injection fail, so the API server rejects the meshed pod.",
    why=(
        "A few values do not just get ignored. The injector renders the proxy from a Helm template, and the "
        "template fails on `config.linkerd.io/proxy-log-http-headers` other than `off`/`insecure` (2.16+) and on "
        "`config.linkerd.io/close-wait-timeout` while proxy-init does not run as root (2.18+, without the CNI "
        "plugin); a failing webhook answers `Allowed: false`, whatever its failurePolicy. An image pull policy "
        "other than `Always`, `IfNotPresent`, `Never` is copied into the proxy containers, and the API server "
        "refuses the pod as invalid. Either way the ReplicaSet, Job or StatefulSet cannot create pods."
    ),
    how_to_fix=(
        "Use `off` or `insecure` for proxy-log-http-headers; drop close-wait-timeout or install Linkerd with "
        "`proxyInit.runAsRoot=true` (tell linkerd-lint with `proxy-init-run-as-root: true`); spell the pull "
        "policy exactly."
    ),
    references=(
        "linkerd/linkerd2 charts/partials/templates/_proxy.tpl (fail \"logHTTPHeaders must be one of: insecure | off\")",
        "linkerd/linkerd2 charts/partials/templates/_proxy-init.tpl (fail \"proxyInit.runAsRoot must be set to use proxyInit.closeWaitTimeoutSecs\")",
        "linkerd/linkerd2 controller/webhook/server.go (a handler error is returned as Allowed: false)",
        "https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    linkerd.io/inject: enabled\n"
        "    config.linkerd.io/image-pull-policy: always  # <- LNK206 @always\n"
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
        "    config.linkerd.io/proxy-log-http-headers: \"off\"\n"
        "    config.linkerd.io/close-wait-timeout: 2m\n"
        "spec:\n"
        "  containers:\n"
        "    - name: web\n"
        "      image: nginx:1.27\n",
        config={"proxy-init-run-as-root": True},
    ),
)
def check(ctx):
    mesh = ctx.mesh
    if mesh is None or not mesh.meshed:
        return
    version = ctx.settings.linkerd_version
    if version >= CATALOGUE[LOG_HTTP_HEADERS].since:  # the template's check came with the key
        _log_http_headers(ctx, mesh)
    _pull_policy(ctx, mesh, PULL_POLICY, "the proxy and proxy-init containers")
    debug = mesh.get(DEBUG_SIDECAR)
    if debug is not None and debug.text and go_bool(debug.text):
        _pull_policy(ctx, mesh, DEBUG_PULL_POLICY, "the debug container")
    if version >= CLOSE_WAIT_NEEDS_ROOT_SINCE:
        _close_wait(ctx, mesh)


def _report(ctx, value, message, fix_value=None):
    fix = None
    if fix_value is not None and value.source == "pod" and "${" not in str(value.value):
        fix = Fix(f"set the value to {fix_value}", (replace_scalar(ctx.source, value.span, fix_value),))
    ctx.report(anchor_for(ctx, value), message, fix=fix, related=inject_related(ctx, value))


def _log_http_headers(ctx, mesh):
    value = mesh.get(LOG_HTTP_HEADERS)
    if value is None or not isinstance(value.value, str) or value.text is None or value.text in ("off", "insecure", ""):
        return
    _report(
        ctx,
        value,
        f"{LOG_HTTP_HEADERS} is {value.text!r}{describe_source(value)}; the injector's template fails on anything but "
        "off or insecure, so the API server rejects this pod",
    )


def _pull_policy(ctx, mesh, key, what):
    value = mesh.get(key)
    if value is None or not isinstance(value.value, str) or not value.text or value.text in PULL_POLICIES:
        return
    fix = next((p for p in PULL_POLICIES if p.lower() == value.text.strip().lower()), None)
    hint = f" (did you mean {fix}?)" if fix else ""
    _report(
        ctx,
        value,
        f"{key} is {value.text!r}{describe_source(value)}; it becomes the imagePullPolicy of {what}, and the API server "
        f"rejects the pod: only Always, IfNotPresent and Never are valid{hint}",
        fix,
    )


def _close_wait(ctx, mesh):
    value = mesh.get(CLOSE_WAIT)
    if value is None or value.source != "pod" or not isinstance(value.value, str) or not value.text:
        return  # read from the pod's own annotations only
    ns = go_duration(value.text)
    if ns is None or int(ns / 10**9) == 0:
        return  # a bad duration is ignored (LNK205); under a second rounds to 0 and sets nothing
    settings = ctx.settings
    if settings.proxy_init_run_as_root:
        return
    cni = settings.cni if settings.cni is not None else bool(ctx.inventory.facts.get(CNI_FACT))
    if cni:
        return  # with linkerd-cni there is no proxy-init container to render
    _report(
        ctx,
        value,
        f"{CLOSE_WAIT} needs proxy-init to run as root, which it does not by default (proxyInit.runAsRoot=false); "
        "the injector's template fails and the API server rejects this pod",
    )
