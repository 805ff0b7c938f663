from linter.rule import Example, Severity, rule
from linter.versions import fmt

from ._k8s_api_check import api_row, fix, judged_version, use_instead, where


@rule(
    id="LNK503",
    name="kubernetes-api-deprecated",
    severity=Severity.INFO,
    fixable=True,
    summary="An apiVersion/kind that the target Kubernetes version still serves but has deprecated.",
    why=(
        "A deprecated API version keeps working until the release that removes it; the next cluster upgrade then "
        "breaks every manifest still using it. Migrating while both versions are served costs nothing."
    ),
    how_to_fix="Use the replacement apiVersion the message names before upgrading the cluster to the release that removes the old one.",
    references=(
        "https://kubernetes.io/docs/reference/using-api/deprecation-guide/",
        "https://kubernetes.io/docs/reference/using-api/deprecation-policy/",
    ),
    bad=Example(
        "apiVersion: batch/v1beta1  # <- LNK503 @batch\n"
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
        config={"kubernetes-version": "1.24"},
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
        config={"kubernetes-version": "1.24"},
    ),
)
def check(ctx):
    api = api_row(ctx)
    if api is None:
        return
    version, shown, note = judged_version(ctx)
    if version is None or not (api.deprecated <= version < api.removed):
        return
    res = ctx.resource
    use, target = use_instead(ctx, api, version)
    use = f"; {use}" if api.replacement else ""
    ctx.report(
        where(ctx),
        f"{res.api_version} {res.kind} is deprecated in Kubernetes {shown} and removed in {fmt(api.removed)}{use}{note}",
        fix=fix(ctx, target),
    )
