from linter.rule import Example, Severity, rule
from linter.versions import fmt, linkerd_target

from ._k8s_api_check import where
from ._linkerd_crds import CRDS, first_serving, served_versions, status

_SMI = ("split.smi-spec.io", "TrafficSplit")


@rule(
    id="LNK504",
    name="linkerd-resource-version",
    severity=Severity.ERROR,
    severities=(Severity.INFO, Severity.WARNING, Severity.ERROR),
    summary="A Linkerd custom resource apiVersion that the target Linkerd does not serve, or serves as deprecated.",
    why=(
        "Linkerd's CRDs serve a fixed set of versions per release: an apiVersion from a newer release (Server "
        "`v1beta3` before 2.16, EgressNetwork before 2.17) is rejected by the API server (error); Server `v1alpha1`/"
        "`v1beta1` and ServerAuthorization `v1alpha1` are marked deprecated in the CRDs and will go (warning). "
        "ServerAuthorization `v1beta1` is not deprecated in the CRDs, but the docs point to AuthorizationPolicy "
        "instead (info). SMI TrafficSplit left Linkerd's core in 2.12 and needs the linkerd-smi extension (warning)."
    ),
    how_to_fix="Use an apiVersion the target Linkerd serves (the message lists them), or set the Linkerd version you really run.",
    references=(
        "linkerd/linkerd2 charts/linkerd-crds/templates/policy/*.yaml, workload/*.yaml, serviceprofile.yaml at each release tag (served, deprecated)",
        "linkerd/linkerd2 charts/linkerd2/templates/*-crd.yaml (2.10, 2.11); multicluster/charts/linkerd-multicluster/templates/link-crd.yaml",
        "https://linkerd.io/2-edge/reference/authorization-policy/",
        "https://github.com/linkerd/linkerd-smi",
    ),
    bad=Example(
        "apiVersion: policy.linkerd.io/v1beta3  # <- LNK504 @policy\n"
        "kind: Server\n"
        "metadata:\n"
        "  name: web-http\n"
        "  namespace: shop\n"
        "spec:\n"
        "  podSelector:\n"
        "    matchLabels: {app: web}\n"
        "  port: http\n",
        config={"linkerd-version": "2.15"},
    ),
    good=Example(
        "apiVersion: policy.linkerd.io/v1beta2\n"
        "kind: Server\n"
        "metadata:\n"
        "  name: web-http\n"
        "  namespace: shop\n"
        "spec:\n"
        "  podSelector:\n"
        "    matchLabels: {app: web}\n"
        "  port: http\n",
        config={"linkerd-version": "2.15"},
    ),
)
def check(ctx):
    res = ctx.resource
    group, _, version = res.api_version.rpartition("/")
    key = (group, res.kind)
    if key not in CRDS or not version:
        return
    lv = linkerd_target(ctx.settings)
    lk = f"Linkerd {fmt(lv.line)}" if lv.exact else f"Linkerd {lv.text}"
    if key == _SMI and lv.line >= (2, 12):
        ctx.report(
            where(ctx),
            f"TrafficSplit ({res.api_version}) is not part of {lk}: Linkerd's core dropped SMI in 2.12; it needs the linkerd-smi extension (or use an HTTPRoute)",
            severity=Severity.WARNING,
        )
        return
    states = {status(CRDS, group, res.kind, version, line) for line in {lv.line, lv.upto}}
    served = served_versions(CRDS, group, res.kind, lv.upto)
    latest = served[-1] if served else None
    if states == {"unserved"}:
        since = first_serving(CRDS, group, res.kind, version)
        later = f" ({version} arrives in {fmt(since)})" if since and since > lv.upto else ""
        offer = f"; served: {', '.join(group + '/' + v for v in served)}" if served else f"; {lk} has no {res.kind}"
        ctx.report(where(ctx), f"{res.api_version} {res.kind} is not served by {lk}{later}{offer}")
    elif states == {"deprecated"}:
        ctx.report(
            where(ctx),
            f"{res.api_version} {res.kind} is deprecated in {lk}'s CRDs; use {group}/{latest}",
            severity=Severity.WARNING,
        )
    elif key == (group, "ServerAuthorization") and version == "v1beta1" and lv.line >= (2, 12):
        ctx.report(
            where(ctx),
            "ServerAuthorization is superseded by AuthorizationPolicy (with MeshTLSAuthentication/NetworkAuthentication), which can also target HTTPRoutes",
            severity=Severity.INFO,
        )
