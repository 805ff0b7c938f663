from linter.rule import Example, Severity, rule
from linter.versions import fmt

from ._k8s_api_check import api_row, fix, judged_version, use_instead, where


@rule(
    id="LNK502",
    name="kubernetes-api-removed",
    severity=Severity.ERROR,
    fixable=True,
    summary="An apiVersion/kind that the target Kubernetes version no longer serves.",
    why=(
        "Kubernetes stops serving deprecated API versions (PodSecurityPolicy and `batch/v1beta1` CronJob in 1.25, "
        "`autoscaling/v2beta2` in 1.26, `flowcontrol.apiserver.k8s.io/v1beta3` in 1.32, …): `kubectl apply` and "
        "GitOps controllers then fail with \"no matches for kind\", and nothing of the object reaches the cluster. "
        "When the Kubernetes version is not known, the object is judged against the oldest Kubernetes the target "
        "Linkerd installs on (1.23 for 2.18): an API removed by then exists on no cluster this mesh runs on."
    ),
    how_to_fix=(
        "Use the replacement apiVersion the message names (see the Kubernetes deprecation guide for field changes); "
        "PodSecurityPolicy has none: use Pod Security Admission. The fix rewrites apiVersion where the guide lists "
        "no notable changes."
    ),
    references=(
        "https://kubernetes.io/docs/reference/using-api/deprecation-guide/",
        "kubernetes/website content/en/docs/reference/using-api/deprecation-guide.md",
        "linkerd/linkerd2 pkg/k8s/api.go (minAPIVersion): the oldest Kubernetes each Linkerd installs on",
    ),
    bad=Example(
        "apiVersion: batch/v1beta1  # <- LNK502 @batch\n"
        "kind: CronJob\n"
        "metadata:\n"
        "  name: report\n"
        "spec:\n"
        "  schedule: '0 * * * *'\n"
        "  jobTemplate:\n"
        "    spec:\n"
        "      template:\n"
        "        spec:\n"
        "          restartPolicy: OnFailure\n"
        "          containers:\n"
        "            - name: report\n"
        "              image: busybox:1.36\n",
        config={"kubernetes-version": "1.30"},
    ),
    good=Example(
        "apiVersion: batch/v1\n"
        "kind: CronJob\n"
        "metadata:\n"
        "  name: report\n"
        "spec:\n"
        "  schedule: '0 * * * *'\n"
        "  jobTemplate:\n"
        "    spec:\n"
        "      template:\n"
        "        spec:\n"
        "          restartPolicy: OnFailure\n"
        "          containers:\n"
        "            - name: report\n"
        "              image: busybox:1.36\n",
        config={"kubernetes-version": "1.30"},
    ),
)
def check(ctx):
    api = api_row(ctx)
    if api is None:
        return
    version, shown, note = judged_version(ctx)
    if version is None or version < api.removed:
        return
    res = ctx.resource
    use, target = use_instead(ctx, api, version)
    ctx.report(
        where(ctx),
        f"{res.api_version} {res.kind} is not served by Kubernetes {shown} (removed in {fmt(api.removed)}); {use}{note}",
        fix=fix(ctx, target),
    )
