from linter.fixes import replace_scalar
from linter.located import YMap
from linter.rule import Example, Fix, Severity, rule
from linter.versions import fmt, linkerd_target

from ._k8s_api_check import where
from ._linkerd_crds import CRDS, dropped_in, first_release, first_serving, served_versions, status
from ._linkerd_releases import OLDEST_LINE

_SMI = ("split.smi-spec.io", "TrafficSplit")
_SMI_DROPPED = dropped_in(CRDS, *_SMI)  # the first release whose CRDs serve no TrafficSplit
_AUTHZ_POLICY_SINCE = first_release(CRDS, "policy.linkerd.io", "AuthorizationPolicy")
# The spec fields each Server version's CRD schema knows (charts/linkerd-crds/templates/policy/server.yaml,
# compared at every tag 2.12-2.20 and HEAD).  Between versions the schemas differ only in these additions
# (externalWorkloadSelector as an alternative to podSelector; accessPolicy with default `deny`, which
# grants nothing: policy-controller/k8s/index/src/defaults.rs default_authzs) and in v1alpha1's
# podSelector, which takes exactly one of matchLabels/matchExpressions.  ServerAuthorization v1alpha1
# and v1beta1 have the same schema.
_SERVER_FIELDS = {
    "v1alpha1": {"podSelector", "port", "proxyProtocol"},
    "v1beta1": {"podSelector", "port", "proxyProtocol"},
    "v1beta2": {"podSelector", "port", "proxyProtocol", "externalWorkloadSelector"},
    "v1beta3": {"podSelector", "port", "proxyProtocol", "externalWorkloadSelector", "accessPolicy"},
}


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
    how_to_fix=(
        "Use an apiVersion the target Linkerd serves (the message lists them), or set the Linkerd version you really "
        "run. For a deprecated version `--fix` writes the newest one served: safe where the object reads the same "
        "under both schemas (the newer Server versions only add fields whose absence keeps the old behaviour: "
        "`accessPolicy` defaults to `deny`, which grants nothing beyond the authorizations; ServerAuthorization's "
        "versions are identical), unsafe where the object carries a field only the newer version knows "
        "(`accessPolicy`, `externalWorkloadSelector`: the API server drops it today and would apply it after "
        "the change) or a v1alpha1 podSelector that v1alpha1 itself rejects."
    ),
    references=(
        "linkerd/linkerd2 charts/linkerd-crds/templates/policy/*.yaml, workload/*.yaml, serviceprofile.yaml at each release tag (served, deprecated)",
        "linkerd/linkerd2 charts/linkerd2/templates/*-crd.yaml (2.10, 2.11); multicluster/charts/linkerd-multicluster/templates/link-crd.yaml",
        "https://linkerd.io/2-edge/reference/authorization-policy/",
        "https://github.com/linkerd/linkerd-smi",
    ),
    bad=Example(
        "apiVersion: policy.linkerd.io/v1beta1  # <- LNK504 @policy\n"
        "kind: Server\n"
        "metadata:\n"
        "  name: web-http\n"
        "  namespace: shop\n"
        "spec:\n"
        "  podSelector:\n"
        "    matchLabels: {app: web}\n"
        "  port: http\n",
        config={"linkerd-version": "2.18"},
    ),
    good=Example(
        "apiVersion: policy.linkerd.io/v1beta3\n"
        "kind: Server\n"
        "metadata:\n"
        "  name: web-http\n"
        "  namespace: shop\n"
        "spec:\n"
        "  podSelector:\n"
        "    matchLabels: {app: web}\n"
        "  port: http\n",
        config={"linkerd-version": "2.18"},
    ),
    fixable=True,
)
def check(ctx):
    res = ctx.resource
    group, _, version = res.api_version.rpartition("/")
    key = (group, res.kind)
    if key not in CRDS or not version:
        return
    lv = linkerd_target(ctx.settings)
    lk = f"Linkerd {fmt(lv.line)}" if lv.exact else f"Linkerd {lv.text}"
    if not lv.covered:  # no CRD data this old (as LNK505/LNK506): one notice for the run, no judgment
        ctx.report(where(ctx), f"{lk} is older than {fmt(OLDEST_LINE)}, the oldest release linkerd-lint has version "
                   "data for: Linkerd resource versions are not checked against it", severity=Severity.INFO, once=True)
        return
    if key == _SMI and lv.line >= _SMI_DROPPED:
        ctx.report(
            where(ctx),
            f"TrafficSplit ({res.api_version}) is not part of {lk}: Linkerd's core dropped SMI in {fmt(_SMI_DROPPED)}; it "
            "needs the linkerd-smi extension (or use an HTTPRoute)",
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
        lines = {lv.line, lv.upto}
        usable = [v for v in served if all(status(CRDS, group, res.kind, v, line) == "served" for line in lines)]
        target = usable[-1] if usable else latest
        ctx.report(
            where(ctx),
            f"{res.api_version} {res.kind} is deprecated in {lk}'s CRDs; use {group}/{target}",
            severity=Severity.WARNING,
            fix=_upgrade(ctx, group, version, target) if usable else None,
        )
    elif key == (group, "ServerAuthorization") and version == "v1beta1" and lv.line >= _AUTHZ_POLICY_SINCE:
        ctx.report(
            where(ctx),
            "ServerAuthorization is superseded by AuthorizationPolicy (with MeshTLSAuthentication/NetworkAuthentication), which can also target HTTPRoutes",
            severity=Severity.INFO,
        )


def _upgrade(ctx, group: str, old: str, new: str):
    """Rewrite apiVersion to ``new``: safe when the object means the same under both schemas."""
    data = ctx.resource.data
    span = data.value_span("apiVersion")
    if span is None:
        return None
    why = _changes_meaning(ctx.resource.kind, data.get("spec"), old, new)
    desc = f"use {group}/{new}" + (f" ({why})" if why else "")
    return Fix(desc, (replace_scalar(ctx.source, span, f"{group}/{new}"),), safe=not why)


def _changes_meaning(kind: str, spec, old: str, new: str) -> str:
    """Why the object would read differently under ``new`` than under ``old`` ('' when it would not)."""
    if kind != "Server" or old not in _SERVER_FIELDS or new not in _SERVER_FIELDS or not isinstance(spec, YMap):
        return ""
    added = sorted(k for k in spec if isinstance(k, str) and k in _SERVER_FIELDS[new] - _SERVER_FIELDS[old])
    if added:
        return f"{', '.join(added)} takes effect: {old} drops it"
    selector = spec.get("podSelector")
    if old == "v1alpha1" and isinstance(selector, YMap) and ("matchLabels" in selector) == ("matchExpressions" in selector):
        return "v1alpha1 rejects this podSelector; the new version accepts it"
    return ""
