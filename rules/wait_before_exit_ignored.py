from linter.context import Where
from linter.fixes import delete_entry
from linter.located import YMap
from linter.rule import Example, Fix, Severity, rule

from ._lifecycle import WAIT_BEFORE_EXIT, native_sidecar
from ._proxy import inject_related, pod_anchor


@rule(
    id="LNK404",
    name="wait-before-exit-ignored",
    severity=Severity.INFO,
    severities=(Severity.INFO, Severity.ERROR),
    fixable=True,
    kinds=("PodTemplate",),
    summary="`config.alpha.linkerd.io/proxy-wait-before-exit-seconds` is set while the proxy runs as a native sidecar.",
    why=(
        "The wait-before-exit setting is implemented as a `preStop` sleep on the proxy container. With native "
        "sidecars (on by default from Linkerd 2.20, or switched on by the native-sidecar annotation) the proxy "
        "template leaves the hook out: Kubernetes already stops sidecars only after the application containers, "
        "so from Linkerd 2.20 the annotation is ignored and the delay you expect does not happen (info). In "
        "Linkerd 2.15-2.19 the combination is worse: the proxy template calls `fail` (\"proxy.nativeSidecar and "
        "waitBeforeExitSeconds cannot be used simultaneously\"), the injector returns an error and the API "
        "server rejects the pod (error)."
    ),
    how_to_fix=(
        "Remove the annotation (before Linkerd 2.20 you may instead keep it and switch native sidecars off for "
        "this pod). To give slow clients time to see the endpoint removal, add a `preStop` sleep to the "
        "application container instead: the native sidecar outlives it."
    ),
    references=(
        "linkerd/linkerd2 charts/partials/templates/_proxy.tpl (lifecycle.preStop only when not proxy.nativeSidecar; "
        "2.15-2.19: `fail` when both are set, removed by commit 009a25fa3 in 2.20)",
        "linkerd/linkerd2 controller/webhook/server.go (processReq: a handler error is Allowed: false)",
        "linkerd/linkerd2 charts/linkerd-control-plane/values.yaml (waitBeforeExitSeconds: \"Ignored when nativeSidecar=true\", 2.20)",
        "https://linkerd.io/2-edge/tasks/graceful-shutdown/",
    ),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "  namespace: shop\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "        config.alpha.linkerd.io/proxy-wait-before-exit-seconds: \"20\"  # <- LNK404 @\"20\"\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n",
        config={"linkerd-version": "2.20"},
    ),
    good=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "  namespace: shop\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "        config.alpha.linkerd.io/proxy-wait-before-exit-seconds: \"20\"\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n",
        config={"linkerd-version": "2.18"},
    ),
)
def check(ctx):
    mesh = ctx.mesh
    if mesh is None or not mesh.meshed:
        return
    wait = mesh.get(WAIT_BEFORE_EXIT)
    text = wait.text if wait is not None else None
    # the injector reads it with strconv.ParseUint; 0, invalid or unresolved values change nothing
    if not isinstance(text, str) or not text.isdigit() or int(text) == 0:
        return
    version = ctx.settings.linkerd_version
    on, native = native_sidecar(mesh, version)
    if on is not True:
        return
    if wait.source in ("config", "helm") and (native is None or native.source in ("config", "helm")):
        return  # a conflict in the control plane's own values, not this pod's
    how = "by default in this Linkerd version" if native is None else f"by {native.field_path[-1]}"
    if native is not None and native.source in ("config", "helm"):
        how = "in the configured proxy defaults"
    rejected = version < (2, 20)
    if rejected:
        msg = (
            f"{WAIT_BEFORE_EXIT}: {text} together with native sidecars ({how}): before Linkerd 2.20 the proxy "
            "template fails on this combination, the injector errors and the API server rejects the pod"
        )
    else:
        msg = f"{WAIT_BEFORE_EXIT}: {text} is ignored: the proxy runs as a native sidecar ({how}), which gets no preStop sleep"
    severity = Severity.ERROR if rejected else Severity.INFO
    related = inject_related(ctx)
    if native is not None and native.source == "namespace":
        related += ctx.related(native, "native sidecars are switched on here")
    if wait.source == "pod" and wait.span is not None:
        fix = _delete(ctx, safe=not rejected)
        ctx.report(Where(wait.span, wait.field_path), msg, related=related, fix=fix, severity=severity)
        return
    related += ctx.related(wait, "wait-before-exit set here")
    where = Where(native.span, native.field_path) if native is not None and native.source == "pod" else pod_anchor(ctx)
    ctx.report(where, msg, related=related, severity=severity)


def _delete(ctx, safe: bool):
    ann = ctx.pod.metadata.get("annotations") if ctx.pod.metadata is not None else None
    if not isinstance(ann, YMap) or len(ann) < 2:
        return None  # the only annotation: removing it would leave `annotations:` empty
    edit = delete_entry(ctx.source, ann, WAIT_BEFORE_EXIT)
    return Fix(f"remove {WAIT_BEFORE_EXIT}", (edit,), safe=safe) if edit else None
