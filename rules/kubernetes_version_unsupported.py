import re

from linter.located import Span
from linter.rule import Example, Severity, rule
from linter.versions import fmt

from ._k8s_matrix import row_for


@rule(
    id="LNK501",
    name="kubernetes-version-unsupported",
    severity=Severity.ERROR,
    severities=(Severity.WARNING, Severity.ERROR),
    scope="inventory",
    summary="The target Kubernetes version is outside the target Linkerd version's support matrix.",
    why=(
        "Each Linkerd release is built and tested against a window of Kubernetes versions. Below the version its "
        "installer checks for (`linkerd check --pre`, the chart's `kubeVersion`), Linkerd refuses to install "
        "(error). Outside the supported window it may install but uses or misses APIs in ways nobody tested "
        "(warning): upgrade the cluster or pick a Linkerd release that supports it."
    ),
    how_to_fix=(
        "Target a Kubernetes version inside the window (for Linkerd 2.18: 1.28-1.32), or a Linkerd version that "
        "supports your cluster. Set the versions with --kubernetes-version/--linkerd-version or in .linkerd-lint.yaml."
    ),
    references=(
        "linkerd/linkerd2 pkg/k8s/api.go (minAPIVersion) at each release tag",
        "https://linkerd.io/2-edge/reference/k8s-versions/",
    ),
    bad=Example(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n# <- LNK501 @config:1:1\n",
        config={"kubernetes-version": "1.22", "linkerd-version": "2.18"},
    ),
    good=Example(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
        config={"kubernetes-version": "1.30", "linkerd-version": "2.18"},
    ),
)
def check(ctx):
    s = ctx.settings
    if s.kubernetes_version is None:
        return
    row = row_for(s.linkerd_version)
    if row is None:
        return  # a release we have no data for: say nothing rather than guess
    k8s = s.kubernetes_version
    low, high = row.supported
    lk = f"Linkerd {fmt(s.linkerd_version)}"
    if k8s < row.refuses_below:
        sev = Severity.ERROR
        msg = (
            f"Kubernetes {s.kubernetes_version_text} is older than {fmt(row.refuses_below)}, the oldest {lk} "
            f"installs on (its preflight check refuses it); supported: {fmt(low)}-{fmt(high)}"
        )
    elif k8s < low or k8s > high:
        sev = Severity.WARNING
        msg = f"Kubernetes {s.kubernetes_version_text} is outside {lk}'s supported range {fmt(low)}-{fmt(high)}"
    else:
        return
    path, span = _where(ctx)
    ctx.report_at(path, span, msg, severity=sev)


def _where(ctx):
    """The config line that set the version, or the command line."""
    s = ctx.settings
    if s.kubernetes_version_source == s.config_path and s.config_path:
        m = re.search(r"^\s*kubernetes-version\s*[:=]", s.config_text, re.M)
        if m:
            line = s.config_text.count("\n", 0, m.start()) + 1
            col = len(m.group(0)) - len(m.group(0).lstrip()) + 1
            import os

            rel = os.path.relpath(s.config_path)
            return (s.config_path if rel.startswith("..") else rel.replace(os.sep, "/")), Span(line, col, line, col + 18)
    return "(command line)", Span(1, 1, 1, 1)
