from linter.context import value_of
from linter.lazyre import pattern
from linter.rule import Example, Severity, rule

from ._coverage import Coverage, kinds

_DNS_LABEL = pattern(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
EXPORTED = "mirror.linkerd.io/exported"
DEFAULT_DOMAIN = "cluster.local"  # linter.config.Settings.cluster_domain


def parse(name: str, domain: str):
    """(service, namespace, problem): the Service a ServiceProfile name designates, as the destination
    controller reads it (controller/api/destination/server.go, parseK8sServiceName and profileID)."""
    labels = name.split(".")
    suffix = ["svc"] + domain.split(".")
    if len(labels) == 2 + len(suffix) and labels[2:] == suffix:
        return labels[0], labels[1], None
    if "svc" in labels:
        i = labels.index("svc")
        if i == 2 and len(labels) > 3 and all(_DNS_LABEL.match(p) for p in labels):
            other = ".".join(labels[3:])
            return labels[0], labels[1], f"is for cluster domain {other!r}, not {domain!r}"
    return None, None, "is not <service>.<namespace>.svc." + domain


@rule(
    id="LNK608",
    name="service-profile-name",
    severity=Severity.ERROR,
    severities=(Severity.WARNING, Severity.ERROR),
    scope="inventory",
    kinds=kinds("ServiceProfile", "Service", "Link"),
    summary="A ServiceProfile is not named `<service>.<namespace>.svc.<cluster-domain>`, or names a Service that does not exist.",
    why=(
        "The destination controller looks a ServiceProfile up by the fully qualified name of the Service a request "
        "goes to, `<service>.<namespace>.svc.<cluster-domain>`, in the Service's namespace or the client's. A "
        "profile with any other name, or one naming a Service that does not exist, is never found: its routes, "
        "retries, timeouts and per-route metrics silently do nothing, and nothing in Linkerd reports it (the "
        "webhook checks only that the name is a DNS subdomain).\n\n"
        "A malformed name is an error. The cluster domain is `cluster.local` unless configuration "
        "`cluster-domain` says otherwise. A name for another domain is an error when `cluster-domain` is "
        "configured to a domain other than `cluster.local` (the domain is then known), and a warning while it "
        "is the default: a cluster may use another domain, and linkerd-lint cannot tell which.\n\n"
        "A missing Service is a warning, not an error as the other findings: it is an inference from what the "
        "input holds, not a certainty. It is reported only when the input holds other Services of that "
        "namespace, or a workload (pod template or Service) of it in the profile's directory tree "
        "(configuration `assume-complete: true`: always), since the Service may be defined in files not given "
        "to linkerd-lint."
    ),
    how_to_fix=(
        "Name the profile after the Service's FQDN, e.g. `web.shop.svc.cluster.local` for Service `web` in "
        "namespace `shop` (`linkerd profile --template web -n shop` prints a skeleton)."
    ),
    references=(
        "linkerd/linkerd2 controller/api/destination/server.go (profileID, parseK8sServiceName)",
        "linkerd/linkerd2 pkg/profiles/profiles.go (Validate: only IsDNS1123Subdomain on the name)",
        "https://linkerd.io/2-edge/tasks/setting-up-service-profiles/",
    ),
    bad=Example(
        "apiVersion: linkerd.io/v1alpha2\n"
        "kind: ServiceProfile\n"
        "metadata:\n"
        "  name: web.shop  # <- LNK608 @web.shop\n"
        "  namespace: shop\n"
        "spec:\n"
        "  routes: []\n"
        "---\n"
        "apiVersion: linkerd.io/v1alpha2\n"
        "kind: ServiceProfile\n"
        "metadata:\n"
        "  name: webapp.shop.svc.cluster.local  # <- LNK608 @webapp\n"
        "  namespace: shop\n"
        "spec:\n"
        "  routes: []\n",
        files=(
            (
                "deploy/svc.yaml",
                "apiVersion: v1\n"
                "kind: Service\n"
                "metadata:\n"
                "  name: web\n"
                "  namespace: shop\n"
                "spec:\n"
                "  selector: {app: web}\n"
                "  ports: [{port: 80}]\n",
            ),
        ),
    ),
    good=Example(
        "apiVersion: linkerd.io/v1alpha2\n"
        "kind: ServiceProfile\n"
        "metadata:\n"
        "  name: web.shop.svc.cluster.local\n"
        "  namespace: shop\n"
        "spec:\n"
        "  routes: []\n"
        "---\n"
        "apiVersion: linkerd.io/v1alpha2\n"
        "kind: ServiceProfile\n"
        "metadata:\n"
        "  name: books.library.svc.cluster.local\n"
        "  namespace: shop\n"
        "spec:\n"
        "  routes: []\n",
        files=(
            (
                "deploy/svc.yaml",
                "apiVersion: v1\n"
                "kind: Service\n"
                "metadata:\n"
                "  name: web\n"
                "  namespace: shop\n"
                "spec:\n"
                "  selector: {app: web}\n"
                "  ports: [{port: 80}]\n",
            ),
        ),
    ),
)
def check(ctx):
    cov = Coverage.of(ctx.inventory)
    domain = ctx.settings.cluster_domain
    links = _link_clusters(ctx.inventory.resources)
    for sp in ctx.inventory.resources:
        if sp.kind != "ServiceProfile" or sp.group != "linkerd.io" or sp.metadata is None or not ctx.inventory.reports(sp):
            continue
        name = sp.metadata.get("name")
        if not isinstance(name, str) or not name or "${" in name:
            continue
        where = value_of(sp.metadata, "name")
        svc, ns, problem = parse(name, domain)
        if problem and svc is None:
            ctx.report_on(
                sp, where,
                f"ServiceProfile name {name!r} {problem}: the destination controller never looks it up, so its "
                "routes, retries and timeouts do nothing",
            )
            continue
        if problem:
            # Certain only when the user told us the cluster's domain (any other than the default).
            known = domain != DEFAULT_DOMAIN
            hint = "" if known else " (set `cluster-domain` in .linkerd-lint.yaml if your cluster uses it)"
            ctx.report_on(
                sp, where,
                f"ServiceProfile name {name!r} {problem}: with that cluster domain the destination controller "
                f"never looks it up{hint}",
                severity=Severity.ERROR if known else Severity.WARNING,
            )
            continue
        _check_service(ctx, cov, sp, where, svc, ns, links)


def _check_service(ctx, cov, sp, where, svc, ns, links) -> None:
    if not cov.covers(ns, "Service", group="", near=sp):
        return
    services = cov.objects(ns, "Service", "")
    if any(s.name == svc for s in cov.candidates(ns, "Service", "")):
        return
    if svc.endswith("-federated") or any(svc.endswith("-" + c) for c in links):
        return  # created by the multicluster service mirror, never in the input
    exported = {s.name for s in cov.all_objects("Service", "")
                if str(s.labels.get(EXPORTED, "")).lower() in ("true", "remote-discovery")}
    if any(svc.startswith(e + "-") for e in exported):
        return  # a mirror of an exported Service (<svc>-<cluster>)
    names = sorted(s.name for s in services)
    shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    here = f"Services of {ns} here: {shown}" if names else f"no Service of {ns} is in the input"
    ctx.report_on(
        sp, where,
        f"ServiceProfile {sp.name} is for Service {svc!r} in namespace {ns}, which is not in the input ({here}); "
        "a profile for a Service that does not exist is never used",
        severity=Severity.WARNING,
    )


def _link_clusters(resources) -> set:
    out = set()
    for r in resources:
        if r.kind == "Link" and r.group == "multicluster.linkerd.io":
            spec = r.data.get("spec")
            name = spec.get("targetClusterName") if isinstance(spec, dict) else None
            if isinstance(name, str) and name:
                out.add(name)
    return out
