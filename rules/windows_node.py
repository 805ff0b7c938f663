from linter.context import Where, value_of
from linter.located import YMap, YSeq, get_in
from linter.rule import Example, Severity, rule
from linter.values import resolve_vars

from ._proxy import inject_related

OS_LABELS = ("kubernetes.io/os", "beta.kubernetes.io/os")
PROXY_IMAGE = "config.linkerd.io/proxy-image"


@rule(
    id="LNK403",
    name="windows-node",
    severity=Severity.WARNING,
    kinds=("PodTemplate",),
    summary="A meshed pod template is scheduled onto Windows nodes, where Linkerd's proxy and proxy-init cannot run.",
    why=(
        "Linkerd's proxy and proxy-init images are built for Linux only (linux/amd64, linux/arm64, linux/arm/v7), "
        "and traffic capture relies on Linux iptables. A meshed pod pinned to Windows nodes gets Linux sidecars "
        "it cannot start, so it never becomes ready. Linkerd's own control plane is pinned to Linux nodes for the "
        "same reason."
    ),
    how_to_fix=(
        "Do not mesh Windows workloads (`linkerd.io/inject: disabled` on the pod template, or keep them out of "
        "injected Namespaces). A Windows-capable distribution that ships its own proxy image (set with "
        "`config.linkerd.io/proxy-image`) is not reported."
    ),
    references=(
        "linkerd/linkerd2 bin/_docker.sh (SUPPORTED_ARCHS=linux/amd64,linux/arm64,linux/arm/v7)",
        "linkerd/linkerd2 charts/linkerd-control-plane/values.yaml (nodeSelector: kubernetes.io/os: linux)",
        "https://kubernetes.io/docs/concepts/windows/user-guide/",
    ),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: iis\n"
        "  namespace: shop\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: iis}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: iis}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "    spec:\n"
        "      nodeSelector:\n"
        "        kubernetes.io/os: windows  # <- LNK403 @windows\n"
        "      containers:\n"
        "        - name: iis\n"
        "          image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022\n"
    ),
    good=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: iis\n"
        "  namespace: shop\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: iis}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: iis}\n"
        "      annotations:\n"
        "        linkerd.io/inject: disabled\n"
        "    spec:\n"
        "      nodeSelector:\n"
        "        kubernetes.io/os: windows\n"
        "      containers:\n"
        "        - name: iis\n"
        "          image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022\n"
    ),
)
def check(ctx):
    mesh = ctx.mesh
    if mesh is None or not mesh.meshed or ctx.pod.spec is None:
        return
    image = mesh.get(PROXY_IMAGE)
    if image is not None and (image.text is None or "win" in str(image.text).lower()):
        return  # a Windows build of the proxy (or unknown): not ours to judge
    where = _windows_only(ctx.pod.spec)
    if where is None:
        return
    res = ctx.resource
    ctx.report(
        where,
        f"meshed {res.kind} {res.name} runs only on Windows nodes; Linkerd's proxy and proxy-init are Linux-only, "
        "so the pod never starts",
        related=inject_related(ctx),
    )


def _windows_only(spec: YMap):
    """Where the pod is pinned to Windows: its nodeSelector, or a required affinity every term of which says so."""
    sel = spec.get("nodeSelector")
    if isinstance(sel, YMap):
        for key in OS_LABELS:
            if key in sel and resolve_vars(sel[key]) == "windows":
                return value_of(sel, key)
    terms = get_in(spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
    if not isinstance(terms, YSeq) or not terms:
        return None
    first = None
    for term in terms:  # terms are ORed: every one must pin Windows
        hit = _term_windows(term)
        if hit is None:
            return None
        first = first or hit
    return first


def _term_windows(term) -> Where | None:
    exprs = term.get("matchExpressions") if isinstance(term, YMap) else None
    if not isinstance(exprs, YSeq):
        return None
    for expr in exprs:  # expressions are ANDed: one pinning Windows is enough
        if not isinstance(expr, YMap) or expr.get("key") not in OS_LABELS or expr.get("operator") != "In":
            continue
        values = expr.get("values")
        if isinstance(values, YSeq) and values and all(resolve_vars(v) == "windows" for v in values):
            return value_of(values, 0)
    return None
