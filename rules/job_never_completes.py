from linter.context import value_of
from linter.fixes import insert_annotation, replace_scalar
from linter.lazyre import pattern
from linter.located import YMap, YSeq, get_in
from linter.rule import Example, Fix, Severity, rule
from linter.values import resolve_vars
from linter.versions import fmt

from ._lifecycle import admin_port, admin_shutdown, native_keys, native_sidecar
from ._native import KUBERNETES_MIN
from ._proxy import inject_related, pod_anchor

# `linkerd-await --shutdown` (or -S), spelled as separate arguments or inside a shell string.
_AWAIT = pattern(r"linkerd-await")
_SHUTDOWN_FLAG = pattern(r"(?:^|[\s'\"])(?:--shutdown|-S)(?=$|[\s'\"=])")
_LONG_FLAG = pattern(r"(?:^|[\s'\"])--shutdown(?=$|[\s'\"=])")
# A request to the proxy admin server's /shutdown: `<host>:<port>/shutdown`, the port literal or a variable.
_SHUTDOWN_URL = pattern(r":(\d+|\$\(?\{?[A-Za-z_][A-Za-z0-9_]*\}?\)?)/shutdown\b")
# The proxy serves /shutdown to POST only (405 otherwise). The HTTP clients whose method we can
# tell, found as a command word in the shell command that holds the URL.
_SEPARATOR = pattern(r"&&|\|\||[;|\n]")
_CLIENT = pattern(r"(?:^|[\s'\"/(`])(curl|wget|https?|xhs?)(?=$|[\s'\"])")
_CURL_METHOD = pattern(r"(?:^|\s)(?:-[A-Za-z]*X\s*|--request(?:\s+|=))['\"]?([^\s'\"]*)")
_CURL_BODY = pattern(r"(?:^|\s)(?:-[A-Za-z]*[dF]|--data|--json|--form)")
_CURL_GET = pattern(r"(?:^|\s)(?:-[A-Za-z]*G|--get)(?=$|\s)")
_WGET_POST = pattern(r"(?:^|\s)--(?:post-data|post-file|body-data|body-file)\b")
_WGET_METHOD = pattern(r"(?:^|\s)--method(?:\s+|=)['\"]?([^\s'\"]*)")


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
        "enabled` (or the Helm value `proxy.enableShutdownEndpoint`). The proxy shuts down only on a POST: a "
        "plain `curl http://localhost:4191/shutdown` is a GET and gets 405 Method Not Allowed, so curl, wget and "
        "HTTPie calls must show the POST (`-X POST`, `-d`, `--post-data`, `http POST …`); other clients are "
        "trusted. linkerd-lint judges the container commands it can see: a script from a mounted volume counts "
        "as unknown and is not reported."
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
        "linkerd/linkerd2 pkg/inject/inject.go@version-2.18 L256-261, L367 (applyAnnotationOverrides: proxy-admin-shutdown; native-sidecar key)",
        "linkerd/linkerd2 charts/linkerd-control-plane/values.yaml@version-2.18 L158, L258 (proxy.enableShutdownEndpoint: false; proxy.nativeSidecar: false; true from version-2.20 L255)",
        "linkerd/linkerd2-proxy linkerd/app/admin/src/server.rs@release/v2.294.0 L272-281 (the proxy of Linkerd 2.18: /shutdown on POST only, else 405)",
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
    attempt, get = _shutdown_attempt(ctx.pod, admin_port(mesh))
    if attempt is _UNKNOWN:
        return
    res = ctx.resource
    what = "its jobs never complete" if res.kind == "CronJob" else "it never completes"
    why_native = _native_reason(version, native_value)
    related = inject_related(ctx)
    if native_value is not None and native_value.source != "pod":
        related += ctx.related(native_value, "native sidecars are switched off here")
    if get is not None:
        where, how = get
        enabled, shutdown_value = admin_shutdown(mesh, version)
        also = ""
        if enabled is False:
            also = " (and add config.linkerd.io/proxy-admin-shutdown: enabled: since Linkerd 2.16 /shutdown is off by default)"
            if shutdown_value is not None:
                related = inject_related(ctx, shutdown_value)
        ctx.report(
            where,
            f"meshed {res.kind} {res.name} calls the proxy's /shutdown with {how}, but the proxy's admin server "
            f"shuts down only on a POST and answers anything else with 405 Method Not Allowed; the proxy keeps running "
            f"and {what}: send a POST (curl -X POST, wget --post-data=''){also}",
            related=related,
        )
        return
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
    if not native_keys(version):  # no key to switch them on: the catalogue says from which release
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
    """(where, get): where a container asks the proxy to shut down (None: nowhere; _UNKNOWN: it may, unseen);
    get is (where, how) of a request to /shutdown that is certainly not a POST, when that is all there is."""
    unknown, get = False, None
    for c in pod.containers():
        items = _texts(c)
        joined = " ".join(t for t, _ in items)
        if _AWAIT.search(joined) and _SHUTDOWN_FLAG.search(joined):
            return next(w for t, w in items if _AWAIT.search(t) or _SHUTDOWN_FLAG.search(t)), None
        if "command" not in c and any(_LONG_FLAG.search(t) for t, _ in items):
            # args only: the image's entrypoint may well be linkerd-await
            return next(w for t, w in items if _LONG_FLAG.search(t)), None
        offset = 0
        for text, where in items:
            for m in _SHUTDOWN_URL.finditer(text):
                if m.group(1).isdigit() and port is not None and int(m.group(1)) != port:
                    continue
                how = _not_post(joined, offset + m.start())
                if how is None:
                    return where, None  # a POST, or a client whose method we cannot tell: trust it
                get = get or (where, how)
            offset += len(text) + 1
        if _runs_mounted_script(c, items):
            unknown = True
    if unknown:
        return _UNKNOWN, None
    return None, get


def _not_post(command: str, at: int):
    """How the request to the URL at ``at`` is sent when it is certainly not a POST; None otherwise.

    Only the shell command holding the URL is read (between ``;``, ``&&``, ``||``, ``|``, newlines),
    and only curl, wget and HTTPie/xh are judged; anything else (a script, python) is trusted.
    """
    start = max((m.end() for m in _SEPARATOR.finditer(command, 0, at)), default=0)
    end = next((m.start() for m in _SEPARATOR.finditer(command, at)), len(command))
    clients = list(_CLIENT.finditer(command, start, at))
    if not clients:
        return None
    client = clients[-1]
    name = client.group(1)
    args = command[client.end():end]
    if name == "curl":
        method = _CURL_METHOD.search(args)
        if method is not None:
            verb = method.group(1)
            return None if verb == "POST" or not verb or "$" in verb else f"curl -X {verb}"
        if _CURL_BODY.search(args) and not _CURL_GET.search(args):
            return None
        return "curl without -X POST (a GET)"
    if name == "wget":
        method = _WGET_METHOD.search(args)
        if method is not None:
            verb = method.group(1)
            return None if verb.upper() == "POST" or not verb or "$" in verb else f"wget --method={verb}"
        return None if _WGET_POST.search(args) else "wget without --post-data (a GET)"
    # HTTPie and xh: `http [options] [METHOD] URL [items]`; without a METHOD, data items make it a POST
    url_at = at - client.end()
    before = args[:url_at].split()
    before = before[:-1] if before and not args[:url_at].endswith((" ", "\t")) else before
    verb = before[-1] if before and before[-1].isalpha() else None
    if verb is not None:
        return None if verb.upper() == "POST" else f"{name} {verb}"
    tail = args[url_at:].split()[1:]
    if any("=" in t.replace("==", "") or t.startswith("@") for t in tail):
        return None
    return f"{name} without a method or data (a GET)"


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
    if not keys or (k8s is not None and k8s < KUBERNETES_MIN):
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
    return Fix(f"enable native sidecars ({key}: \"true\"; needs Kubernetes {fmt(KUBERNETES_MIN)}+)", (edit,), safe=False)

