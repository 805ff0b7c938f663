from linter.context import value_of
from linter.rule import Example, Severity, rule
from linter.values import resolve_vars
from linter.versions import VersionError, fmt, linkerd_target, parse_linkerd_version

from ._common import mapping
from ._detect import detected

PROXY_VERSION = "config.linkerd.io/proxy-version"


@rule(
    id="LNK507",
    name="proxy-version-skew",
    severity=Severity.WARNING,
    kinds=("PodTemplate", "Namespace"),
    summary="`config.linkerd.io/proxy-version` pins a proxy newer than the control plane, or more than one minor release behind it.",
    why=(
        "Linkerd upgrades the control plane first and the data plane after it: proxies are built to work with a "
        "control plane of their own release or one release ahead, not with an older one (a proxy newer than its "
        "control plane may ask for APIs the control plane does not serve yet), and proxies two or more releases "
        "behind the control plane are outside the tested skew. A pinned proxy version is how a workload gets stuck "
        "on either side of an upgrade. The control plane version is the configured target Linkerd version, or the one "
        "detected from the control plane (its images, linkerd.io/created-by, its Helm chart); with neither, the rule "
        "stays quiet."
    ),
    how_to_fix="Drop the pin so the injector uses the control plane's proxy, or pin a version of the control plane's release (or the one before it while upgrading).",
    references=(
        "https://linkerd.io/2.12/tasks/upgrade/ (Data plane vs control plane version skew)",
        "https://docs.buoyant.io/runbook/upgrading-linkerd/ (proxies work with a control plane one stable version ahead)",
        "linkerd/linkerd2 pkg/k8s/labels.go (ProxyVersionOverrideAnnotation)",
    ),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "        config.linkerd.io/proxy-version: stable-2.14.10  # <- LNK507 @stable\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n",
        config={"linkerd-version": "2.18"},
    ),
    good=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "        config.linkerd.io/proxy-version: edge-24.11.8\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n",
        config={"linkerd-version": "2.18"},
    ),
)
def check(ctx):
    s = ctx.settings
    if not _control_plane_known(ctx):
        return
    res = ctx.resource
    meta = res.metadata if res.kind == "Namespace" else (ctx.pod.metadata if ctx.pod is not None else None)
    ann = mapping(meta, "annotations") if meta is not None else None
    raw = ann.get(PROXY_VERSION) if ann is not None else None
    text = resolve_vars(raw) if isinstance(raw, str) else None
    if not text:
        return
    try:
        pin = parse_linkerd_version(text)
    except VersionError:
        return  # a custom tag: nothing to compare
    cp = linkerd_target(s)
    where = f", {s.linkerd_version_source}" if s.linkerd_version_source.startswith("detected") else ""
    if pin.newer_than(cp) is True:
        ctx.report(
            value_of(ann, PROXY_VERSION),
            f"the pinned proxy {text} is newer than the control plane ({cp.text}{where}): upgrade the control plane first",
        )
    elif pin.upto < (cp.line[0], cp.line[1] - 1):
        ctx.report(
            value_of(ann, PROXY_VERSION),
            f"the pinned proxy {text} (Linkerd {fmt(pin.line)}) is more than one minor release behind the control plane "
            f"({cp.text}{where}): upgrade the data plane or drop the pin",
        )


def _control_plane_known(ctx) -> bool:
    """The target is the control plane's version only when configured, or detected from a
    control-plane source: a version read off a proxy image is the data plane's own."""
    source = ctx.settings.linkerd_version_source or "default"
    if source == "default":
        return False
    if not source.startswith("detected"):
        return True
    found = detected(ctx.inventory) if ctx.inventory is not None else None
    choice = found.linkerd_choice if found is not None else None
    return choice is not None and choice.role == "control-plane"
