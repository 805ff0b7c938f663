import os
import re

from linter.located import Span
from linter.rule import COMMAND_LINE, Example, Severity, rule
from linter.versions import fmt, linkerd_target

from ._detect import describe_minors, detected
from ._k8s_matrix import refuses_below, supported_window


@rule(
    id="LNK501",
    name="kubernetes-version-unsupported",
    severity=Severity.ERROR,
    severities=(Severity.WARNING, Severity.ERROR),
    scope="inventory",
    summary="A target Kubernetes version (configured, or a cluster or chart in the input) is outside the target Linkerd version's support matrix.",
    why=(
        "Each Linkerd release is built and tested against a window of Kubernetes versions. Below the version its "
        "installer checks for (`linkerd check --pre`, the chart's `kubeVersion`), Linkerd refuses to install "
        "(error). Outside the supported window it may install but uses or misses APIs in ways nobody tested "
        "(warning). Every Kubernetes version the input names is checked where it is written: the configured "
        "target, kind/Cluster API/eksctl/kops/k3d cluster definitions, and a Helm `Chart.yaml` `kubeVersion` range "
        "that admits only clusters Linkerd refuses (error), no supported one, or also ones Linkerd refuses (warning)."
    ),
    how_to_fix=(
        "Target a Kubernetes version inside the window (for Linkerd 2.18: 1.28-1.32), or a Linkerd version that "
        "supports your cluster; narrow a chart's `kubeVersion` to versions Linkerd installs on. Set the targets "
        "with --kubernetes-version/--linkerd-version or in .linkerd-lint.yaml."
    ),
    references=(
        "linkerd/linkerd2 pkg/k8s/api.go (minAPIVersion) at each release tag; charts/linkerd-control-plane/Chart.yaml (kubeVersion)",
        "https://linkerd.io/2-edge/reference/k8s-versions/",
    ),
    bad=Example(
        "apiVersion: kind.x-k8s.io/v1alpha4\n"
        "kind: Cluster\n"
        "nodes:\n"
        "  - role: control-plane\n"
        "    image: kindest/node:v1.22.17  # <- LNK501 @kindest\n",
        config={"linkerd-version": "2.18"},
    ),
    good=Example(
        "apiVersion: kind.x-k8s.io/v1alpha4\n"
        "kind: Cluster\n"
        "nodes:\n"
        "  - role: control-plane\n"
        "    image: kindest/node:v1.30.0\n",
        config={"linkerd-version": "2.18"},
    ),
)
def check(ctx):
    s = ctx.settings
    lv = linkerd_target(s)
    floor, window = refuses_below(lv), supported_window(lv)
    if floor is None or window is None:
        return  # a release we have no data for: say nothing rather than guess
    lk = f"Linkerd {lv.text if lv.channel != 'plain' else fmt(lv.line)}"
    found = detected(ctx.inventory)
    if s.kubernetes_version is not None and not (s.kubernetes_version_source or "").startswith("detected"):
        judged = _judge(s.kubernetes_version, s.kubernetes_version_text, floor, window, lk)
        if judged:
            path, span = _where(s)
            ctx.report_at(path, span, judged[1], severity=judged[0])
    for d in found.kubernetes if found else ():
        if d.role == "cluster":
            judged = _judge(d.version, d.text, floor, window, lk)
        else:
            judged = _judge_range(d, floor, window, lk)
        if judged:
            ctx.report_at(d.path, d.span, f"{judged[1]} ({d.via})", severity=judged[0])


def _judge(k8s, text, floor, window, lk):
    low, high = window
    if k8s < floor:
        return Severity.ERROR, (
            f"Kubernetes {text} is older than {fmt(floor)}, the oldest {lk} installs on (its preflight check "
            f"refuses it); supported: {fmt(low)}-{fmt(high)}"
        )
    if k8s < low or k8s > high:
        return Severity.WARNING, f"Kubernetes {text} is outside {lk}'s supported range {fmt(low)}-{fmt(high)}"
    return None


def _judge_range(d, floor, window, lk):
    low, high = window
    admitted = list(d.admitted)
    if not admitted:
        return Severity.ERROR, f"kubeVersion {d.text!r} admits no Kubernetes version at all"
    if not any(m >= floor for m in admitted):
        return Severity.ERROR, (
            f"kubeVersion {d.text!r} admits only Kubernetes versions {lk} refuses to install on (it needs {fmt(floor)} or newer)"
        )
    if not any(low <= m <= high for m in admitted):
        return Severity.WARNING, f"kubeVersion {d.text!r} admits no Kubernetes version {lk} supports ({fmt(low)}-{fmt(high)})"
    refused = [m for m in admitted if m < floor]
    if refused:
        return Severity.WARNING, (
            f"kubeVersion {d.text!r} admits Kubernetes {describe_minors(refused)}, which {lk} refuses to "
            f"install on; start the range at {fmt(floor)}"
        )
    return None


def _where(s):
    """The config line that set the version, or the command line."""
    if s.kubernetes_version_source == s.config_path and s.config_path:
        m = re.search(r"^\s*kubernetes-version\s*[:=]", s.config_text, re.M)
        if m:
            line = s.config_text.count("\n", 0, m.start()) + 1
            col = len(m.group(0)) - len(m.group(0).lstrip()) + 1
            rel = os.path.relpath(s.config_path)
            return (s.config_path if rel.startswith("..") else rel.replace(os.sep, "/")), Span(line, col, line, col + 18)
    return COMMAND_LINE, Span(1, 1, 1, 1)
