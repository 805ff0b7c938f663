from linter.context import value_of
from linter.fixes import insert_annotation, replace_scalar
from linter.lazyre import pattern
from linter.located import YMap, YSeq, get_in
from linter.rule import Example, Fix, Severity, rule
from linter.values import resolve_vars
from linter.versions import fmt

from ._lifecycle import admin_port, admin_shutdown, native_keys, native_sidecar
from ._proxy import inject_related, pod_anchor

# `linkerd-await --shutdown` (or -S), spelled as separate arguments or inside a shell string.
_AWAIT = pattern(r"linkerd-await")
_SHUTDOWN_FLAG = pattern(r"(?:^|[\s'\"])(?:--shutdown|-S)(?=$|[\s'\"=])")
_LONG_FLAG = pattern(r"(?:^|[\s'\"])--shutdown(?=$|[\s'\"=])")
# A request to the proxy admin server's /shutdown: `<host>:<port>/shutdown`, the port literal or a variable.
_SHUTDOWN_URL = pattern(r":(\d+|\$\(?\{?[A-Za-z_][A-Za-z0-9_]*\}?\)?)/shutdown\b")


@rule(
    id="LNK401",
    name="job-never-completes",
    severity=Severity.WARNING,
    fixable=True,
    kinds=("Job", "CronJob"),
    summary="A meshed Job's proxy keeps running after the job is done, so the Job never completes.",
    why=(
        "Without native sidecars the linkerd-proxy is an ordinary container that runs until it is sent SIGTERM. "
        "A Job's pod completes only when all its containers have exited, so a meshed Job (and every job a "
        "CronJob starts) stays Running for ever, and a CronJob with `concurrencyPolicy: Forbid` stops scheduling. "
        "Native sidecars (the proxy as an init container with `restartPolicy: Always`) fix this: they are off by "
        "default before Linkerd 2.20 and switched on with `config.alpha.linkerd.io/proxy-enable-native-sidecar` "
        "(2.15-2.18) or `config.beta.linkerd.io/proxy-enable-native-sidecar` (2.19). Otherwise the job must shut "
        "the proxy down itself: `linkerd-await --shutdown -- <cmd>` or a POST to `localhost:4191/shutdown`, and "
        "since Linkerd 2.16 that admin endpoint is served only with `config.linkerd.io/proxy-admin-shutdown: "
        "enabled` (or the Helm value `proxy.enableShutdownEndpoint`). linkerd-lint judges the container "
        "commands it can see: a script from a mounted volume counts as unknown and is not reported."
    ),
    how_to_fix=(
        "On Kubernetes 1.29+ enable native sidecars on the pod template with the key your Linkerd reads "
        "(2.15-2.18: `config.alpha.linkerd.io/proxy-enable-native-sidecar: \"true\"`; 2.19: the "
        "`config.beta.linkerd.io/…` key; 2.20+: on by default). Otherwise wrap the command in "
        "`linkerd-await --shutdown --` and add `config.linkerd.io/proxy-admin-shutdown: enabled`, or do not mesh "
        "the Job (`linkerd.io/inject: disabled`). If the image's entrypoint already runs linkerd-await, "
        "suppress the finding. Tell linkerd-lint about cluster-wide Helm values with `proxy-defaults` "
        "(e.g. `proxy-admin-shutdown: enabled`, `proxy-enable-native-sidecar: \"true\"`)."
    ),
    references=(
        "linkerd/linkerd2 pkg/inject/inject.go (ApplyAnnotationOverrides: native-sidecar keys per release; proxy-admin-shutdown)",
        "linkerd/linkerd2 charts/linkerd-control-plane/values.yaml (proxy.nativeSidecar: false until 2.19, true in 2.20; proxy.enableShutdownEndpoint: false)",
        "linkerd/linkerd2 commit 35fb2d6d1 (2.16: /shutdown disabled by default; used by linkerd-await --shutdown)",
        "https://linkerd.io/2-edge/tasks/graceful-shutdown/",
        "https://github.com/linkerd/linkerd-await",
    ),
    bad=Example(
        "apiVersion: batch/v1\n"
        "kind: Job\n"
        "metadata:\n"
        "  name: migrate\n"
        "  namespace: shop\n"
        "spec:\n"
        "  template:\n"
        "    metadata:\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled  # <- LNK401 @enabled\n"
        "    spec:\n"
        "      restartPolicy: Never\n"
        "      containers:\n"
        "        - name: migrate\n"
        "          image: ghcr.io/example/migrate:1.4\n"
        "          command: [\"/app/migrate\", \"--up\"]\n"
    ),
    good=Example(
        "apiVersion: batch/v1\n"
        "kind: Job\n"
        "metadata:\n"
        "  name: migrate\n"
        "  namespace: shop\n"
        "spec:\n"
        "  template:\n"
        "    metadata:\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "        config.linkerd.io/proxy-admin-shutdown: enabled\n"
        "    spec:\n"
        "      restartPolicy: Never\n"
        "      containers:\n"
        "        - name: migrate\n"
        "          image: ghcr.io/example/migrate:1.4\n"
        "          command: [\"/linkerd-await\", \"--shutdown\", \"--\", \"/app/migrate\", \"--up\"]\n"
    ),
)
def check(ctx):
    mesh = ctx.mesh
    if mesh is None or not mesh.meshed:
        return
    version = ctx.settings.linkerd_version
    native, native_value = native_sidecar(mesh, version)
    if native is not False:
        return  # on, or hidden by a GitOps variable
    attempt = _shutdown_attempt(ctx.pod, admin_port(mesh))
    if attempt is _UNKNOWN:
        return
    res = ctx.resource
    what = "its jobs never complete" if res.kind == "CronJob" else "it never completes"
    why_native = _native_reason(version, native_value)
    related = inject_related(ctx)
    if native_value is not None and native_value.source != "pod":
        related += ctx.related(native_value, "native sidecars are switched off here")
    if attempt is None:
        ctx.report(
            pod_anchor(ctx),
            f"meshed {res.kind} {res.name}: the linkerd-proxy container keeps running after the job's containers "
            f"exit, so {what}; {why_native}, and no container shuts the proxy down "
            "(linkerd-await --shutdown, or a POST to the proxy's /shutdown)",
            related=related,
            fix=_native_fix(ctx, native_value),
        )
        return
    enabled, shutdown_value = admin_shutdown(mesh, version)
    if enabled is not False:
        return
    related = inject_related(ctx, shutdown_value) if shutdown_value is not None else related
    setting = f"it is {shutdown_value.text!r} here" if shutdown_value is not None else "it is not set"
    ctx.report(
        attempt,
        f"meshed {res.kind} {res.name} asks the proxy to shut down, but the proxy does not serve /shutdown: since "
        f"Linkerd 2.16 that needs config.linkerd.io/proxy-admin-shutdown: enabled and {setting}; the proxy keeps "
        f"running and {what}",
        related=related,
    )


_UNKNOWN = object()


def _native_reason(version, value) -> str:
    if version < (2, 15):
        return f"Linkerd {fmt(version)} has no native sidecars"
    if value is None:
        return f"native sidecars are off by default in Linkerd {fmt(version)}"
    if value.source in ("config", "helm"):
        return "native sidecars are off in the configured proxy defaults"
    key = value.field_path[-1] if value.field_path else "the native-sidecar annotation"
    return f"native sidecars are off ({key}: {value.text!r})"


def _texts(container) -> list:
    """(text, Where) of every command and args item, GitOps defaults resolved."""
    out = []
    for field in ("command", "args"):
        seq = container.get(field)
        if isinstance(seq, YSeq):
            for i, item in enumerate(seq):
                text = resolve_vars(item) if isinstance(item, str) else None
                if isinstance(item, str) and text is None:
                    text = item  # judge the literal text around the variable
                if isinstance(text, str):
                    out.append((text, value_of(seq, i)))
    return out


def _shutdown_attempt(pod, port):
    """Where a container asks the proxy to shut down; None if nowhere; _UNKNOWN if it may, unseen."""
    unknown = False
    for c in pod.containers():
        items = _texts(c)
        joined = " ".join(t for t, _ in items)
        if _AWAIT.search(joined) and _SHUTDOWN_FLAG.search(joined):
            return next(w for t, w in items if _AWAIT.search(t) or _SHUTDOWN_FLAG.search(t))
        if "command" not in c and any(_LONG_FLAG.search(t) for t, _ in items):
            # args only: the image's entrypoint may well be linkerd-await
            return next(w for t, w in items if _LONG_FLAG.search(t))
        for text, where in items:
            for m in _SHUTDOWN_URL.finditer(text):
                if not m.group(1).isdigit() or port is None or int(m.group(1)) == port:
                    return where
        if _runs_mounted_script(c, items):
            unknown = True
    return _UNKNOWN if unknown else None


def _runs_mounted_script(container, items) -> bool:
    """Does the container run something from a mounted volume (a script we cannot read)?"""
    mounts = container.get("volumeMounts")
    if not isinstance(mounts, YSeq):
        return False
    paths = [m.get("mountPath") for m in mounts if isinstance(m, YMap) and isinstance(m.get("mountPath"), str)]
    paths = [p.rstrip("/") for p in paths if p.strip("/")]
    return any(p + "/" in text or text == p for text, _ in items for p in paths)


def _native_fix(ctx, value):
    """Switch native sidecars on for the target version (behaviour-changing: needs Kubernetes 1.29+)."""
    version = ctx.settings.linkerd_version
    keys = native_keys(version)
    k8s = ctx.settings.kubernetes_version
    if not keys or (k8s is not None and k8s < (1, 29)):
        return None
    if value is not None and value.source == "pod" and value.span is not None:
        key = value.field_path[-1]
        edit = replace_scalar(ctx.source, value.span, "true")
    else:
        key = keys[0]
        tmpl = get_in(ctx.resource.data, *ctx.pod.path)
        edit = insert_annotation(ctx.source, tmpl, key, '"true"') if isinstance(tmpl, YMap) else None
    if edit is None:
        return None
    return Fix(f"enable native sidecars ({key}: \"true\"; needs Kubernetes 1.29+)", (edit,), safe=False)

