from linter.annotations import CATALOGUE, INJECT
from linter.context import key_of
from linter.fixes import rename_key
from linter.rule import Example, Fix, Severity, rule
from linter.values import resolve_vars
from linter.versions import fmt, judged_target

from . import _native as n
from ._common import mapping


def _key_for(line) -> str | None:
    """The native-sidecar key a Linkerd release line reads best (the catalogue says from when)."""
    return next((key for key in n.KEYS if CATALOGUE[key].since <= line), None)


@rule(
    id="LNK506",
    name="native-sidecar-setting",
    severity=Severity.WARNING,
    kinds=("PodTemplate", "Namespace"),
    summary="A native-sidecar annotation the target Linkerd does not read (or has deprecated), or native sidecars on Kubernetes older than 1.29.",
    why=(
        "The switch that runs the proxy as a native sidecar (an init container with `restartPolicy: Always`) moved "
        "twice: `config.alpha.linkerd.io/proxy-enable-native-sidecar` (2.15-2.18), `config.beta.linkerd.io/…` (2.19), "
        "`config.linkerd.io/…` (2.20, where it is also on by default). A key the target release does not read leaves "
        "the proxy a regular container (Jobs never finish, startup races remain); the alpha key is deprecated from 2.19 "
        "and the beta key from 2.20, when a Namespace's beta key is no longer inherited. Native sidecars need "
        "Kubernetes 1.29 (the SidecarContainers feature on by default); Linkerd does not check the cluster version."
    ),
    how_to_fix=(
        "Use the key of your Linkerd release (the message names it); on Kubernetes older than 1.29 leave native sidecars "
        "off. `--fix` renames the key to the one the message names, keeping its value: safe for a deprecated key the "
        "target still honours when no other native-sidecar key reaches the pod; unsafe where the setting starts to "
        "apply (a key the target ignores, a Namespace key no longer inherited) or where another key may win instead."
    ),
    fixable=True,
    references=(
        "linkerd/linkerd2 pkg/k8s/labels.go and pkg/inject/inject.go (ProxyEnableNativeSidecarAnnotation*, precedence) at version-2.15 … version-2.20",
        "linkerd/linkerd2 charts/partials/templates/_proxy.tpl (restartPolicy: Always); commit 009a25fa3 (requires Kubernetes v1.29 or later)",
        "https://linkerd.io/2-edge/tasks/graceful-shutdown/",
        "https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/",
    ),
    bad=Example(
        "apiVersion: batch/v1\n"
        "kind: Job\n"
        "metadata:\n"
        "  name: migrate\n"
        "spec:\n"
        "  template:\n"
        "    metadata:\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "        config.linkerd.io/proxy-enable-native-sidecar: 'true'  # <- LNK506\n"
        "    spec:\n"
        "      restartPolicy: Never\n"
        "      containers:\n"
        "        - name: migrate\n"
        "          image: migrate:1.0\n",
        config={"linkerd-version": "2.18"},
    ),
    good=Example(
        "apiVersion: batch/v1\n"
        "kind: Job\n"
        "metadata:\n"
        "  name: migrate\n"
        "spec:\n"
        "  template:\n"
        "    metadata:\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "        config.alpha.linkerd.io/proxy-enable-native-sidecar: 'true'\n"
        "    spec:\n"
        "      restartPolicy: Never\n"
        "      containers:\n"
        "        - name: migrate\n"
        "          image: migrate:1.0\n",
        config={"linkerd-version": "2.18", "kubernetes-version": "1.30"},
    ),
)
def check(ctx):
    res = ctx.resource
    is_ns = res.kind == "Namespace"
    meta = res.metadata if is_ns else (ctx.pod.metadata if ctx.pod is not None else None)
    ann = mapping(meta, "annotations") if meta is not None else None
    if ann is None or not any(k in ann for k in n.KEYS):
        return
    lv = judged_target(ctx.settings)
    if not lv.covered:
        return  # older than the version data: not judged (LNK505 says so)
    lk = lv.name
    best = _key_for(lv.upto)
    deciding = None
    for key in n.KEYS:
        if key not in ann:
            continue
        since = CATALOGUE[key].since
        if since > lv.upto:
            use = f"; use {best}" if best else f"; native sidecars arrived in Linkerd {fmt(CATALOGUE[n.ALPHA].since)}"
            ctx.report(key_of(ann, key), f"{key} is read from Linkerd {fmt(since)} on; {lk} ignores it{use}",
                       fix=_rename(ctx, lv, ann, key, best, _starts(ann, key)))
            continue
        dep = n.DEPRECATED_FROM.get(key)
        # a key the injector once inherited from a Namespace and no longer does (the beta key from 2.20)
        dropped = CATALOGUE[key].inherit is not None and CATALOGUE[key].inherit[1] is not None
        dropped = is_ns and dropped and lv.line >= CATALOGUE[key].inherit[1]
        if dep is not None and lv.line >= dep:
            if dropped:
                msg = f"{key} on a Namespace is no longer inherited by pods from Linkerd {fmt(CATALOGUE[key].inherit[1])}; use {n.GA}"
                fix = _rename(ctx, lv, ann, key, n.GA, "the namespace's pods start to inherit the setting again")
            else:
                msg = f"{key} is deprecated from Linkerd {fmt(dep)} (still honoured); use {best}"
                fix = _rename(ctx, lv, ann, key, best, _same_reading(ctx, key))
            ctx.report(key_of(ann, key), msg, fix=fix)
            if dropped:
                continue
        if deciding is None:
            deciding = key
    if deciding is not None:
        _kubernetes(ctx, ann, deciding, is_ns)


def _starts(ann, key) -> str:
    """Why renaming a key the target ignores is unsafe: what it then reads starts to apply."""
    raw = ann.get(key)
    if n.parse_bool(resolve_vars(raw) if isinstance(raw, str) else None) is False:
        return "the setting starts to apply"
    return "the setting starts to apply: native sidecars switch on, which needs Kubernetes 1.29+"


def _same_reading(ctx, key) -> str:
    """'' when the injector reads the renamed key as it reads ``key`` today, else why it may not.

    Both keys are read, with the same meaning; what can change is which key wins: the new one
    outranks the others (GA > beta > alpha), so another native-sidecar key that reaches the pod
    (inherited from its Namespace) may win today and lose after.  On a Namespace, the pods' own
    keys are out of sight."""
    if ctx.resource.kind == "Namespace" or ctx.mesh is None:
        return "on a Namespace, a pod's own key of another generation may win differently after the rename"
    for other in n.KEYS:
        value = ctx.mesh.get(other)
        if other != key and value is not None and value.source not in ("config", "helm"):
            return f"{other} also reaches the pod and may win differently after the rename"
    return ""


def _rename(ctx, lv, ann, key, new, unsafe_why: str):
    """Rename the key to the one the message names: only when nothing else in the mapping is a native-sidecar key
    (the result would repeat one, or leave two that compete)."""
    if new is None or any(k in ann for k in n.KEYS if k != key):
        return None
    if not unsafe_why and CATALOGUE[new].since > lv.line:  # an edge release cut between two lines
        unsafe_why = f"{lv.name} may not read {new} yet"
    edit = rename_key(ctx.source, ann, key, new)
    if edit is None:
        return None
    return Fix(f"rename {key} to {new}" + (f" ({unsafe_why})" if unsafe_why else ""), (edit,), safe=not unsafe_why)


def _kubernetes(ctx, ann, key, is_ns):
    k8s = ctx.settings.kubernetes_version
    if k8s is None or k8s >= n.KUBERNETES_MIN:
        return
    raw = ann.get(key)
    if n.parse_bool(resolve_vars(raw) if isinstance(raw, str) else None) is not True:
        return
    if is_ns:
        if resolve_vars(ann.get(INJECT)) not in ("enabled", "ingress"):
            return
    elif ctx.mesh is None or not ctx.mesh.meshed:
        return
    ctx.report(
        key_of(ann, key),
        f"native sidecars need Kubernetes {fmt(n.KUBERNETES_MIN)} or newer; the target is Kubernetes "
        f"{ctx.settings.kubernetes_version_text}, whose API server drops restartPolicy: Always from the proxy's init "
        "container: the proxy then runs as an ordinary init container that never exits, and the pod never starts",
    )
