from linter.context import key_of
from linter.located import YMap
from linter.rule import Example, Severity, rule

from . import _pods
from ._coverage import KEEP, POD_TEMPLATE, Coverage, kinds
from .server_selects_nothing import describe

EXPORTED = "mirror.linkerd.io/exported"
_EVIDENCE = tuple(k for k in KEEP if k not in ("HelmRelease", "Kustomization", "Application"))





@rule(
    id="LNK610",
    name="service-selects-nothing",
    severity=Severity.WARNING,
    scope="inventory",
    kinds=kinds("Service", POD_TEMPLATE),
    summary="A Service selects no pod of its namespace while pods of another namespace match: a namespace mix-up.",
    why=(
        "A Service's selector only ever selects pods of the Service's own namespace. When the pods it was written "
        "for live in another namespace, the Service has no endpoints: meshed clients get no endpoints from "
        "Linkerd's destination controller and their requests fail (or wait for the discovery timeout). For a "
        "Service exported to other clusters with the `mirror.linkerd.io/exported` label it is worse: the mirrored "
        "Service in every linked cluster is empty too, and the failure shows up far from its cause.\n\n"
        "linkerd-lint reports this only when both namespaces are written in the manifests, the Service's "
        "namespace has other objects in the input, and a pod template in another namespace matches the selector."
    ),
    how_to_fix="Put the Service in the namespace of its pods (or the workload in the Service's namespace).",
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service",
        "linkerd/linkerd2 controller/api/destination/watcher/endpoints_watcher.go (endpoints come from the "
        "Service's EndpointSlices)",
        "https://linkerd.io/2-edge/features/multicluster/",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: web\n"
        "  namespace: shop\n"
        "  labels:\n"
        "    mirror.linkerd.io/exported: \"true\"\n"
        "spec:\n"
        "  selector:  # <- LNK610\n"
        "    app: web\n"
        "  ports: [{port: 80, targetPort: 8080}]\n"
        "---\n"
        "apiVersion: v1\n"
        "kind: ServiceAccount\n"
        "metadata:\n"
        "  name: web\n"
        "  namespace: shop\n",
        files=(
            (
                "deploy/web.yaml",
                "apiVersion: apps/v1\n"
                "kind: Deployment\n"
                "metadata:\n"
                "  name: web\n"
                "  namespace: shop-staging\n"
                "spec:\n"
                "  selector:\n"
                "    matchLabels: {app: web}\n"
                "  template:\n"
                "    metadata:\n"
                "      labels: {app: web}\n"
                "    spec:\n"
                "      containers: [{name: web, image: nginx:1.27}]\n",
            ),
        ),
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: web\n"
        "  namespace: shop\n"
        "spec:\n"
        "  selector:\n"
        "    app: web\n"
        "  ports: [{port: 80, targetPort: 8080}]\n"
        "---\n"
        "apiVersion: v1\n"
        "kind: ServiceAccount\n"
        "metadata:\n"
        "  name: web\n"
        "  namespace: shop\n",
        files=(
            (
                "deploy/web.yaml",
                "apiVersion: apps/v1\n"
                "kind: Deployment\n"
                "metadata:\n"
                "  name: web\n"
                "  namespace: shop\n"
                "spec:\n"
                "  selector:\n"
                "    matchLabels: {app: web}\n"
                "  template:\n"
                "    metadata:\n"
                "      labels: {app: web}\n"
                "    spec:\n"
                "      containers: [{name: web, image: nginx:1.27}]\n",
            ),
        ),
    ),
)
def check(ctx):
    cov = Coverage.of(ctx.inventory)
    for svc in ctx.inventory.resources:
        if svc.kind != "Service" or svc.api_version != "v1" or not svc.namespace_written or not ctx.inventory.reports(svc):
            continue
        spec = svc.data.get("spec")
        selector = spec.get("selector") if isinstance(spec, YMap) else None
        if not isinstance(selector, YMap) or not selector or spec.get("type") == "ExternalName":
            continue
        if not cov.covers(svc.namespace, _EVIDENCE, exclude=svc):
            continue
        candidates = _pods.index_of(cov).candidates(selector)
        # Templates that do not write a namespace may well be applied into the Service's.
        own = [t for t in candidates if t.namespace == svc.namespace or not t.namespace_written]
        if any(_pods.selects_map(selector, t, ctx.inventory) is not False for t in own):
            continue
        elsewhere = [
            t for t in candidates
            if t.namespace_written and t.namespace != svc.namespace
            and _pods.selects_map(selector, t, ctx.inventory) is True
        ]
        if not elsewhere:
            continue
        spaces = sorted({t.namespace for t in elsewhere})
        exported = str(svc.labels.get(EXPORTED, "")).lower() in ("true", "remote-discovery")
        consequence = (
            "it has no endpoints, and the copies mirrored to linked clusters (it is exported with "
            f"{EXPORTED}) are empty too"
            if exported
            else "it has no endpoints and requests to it fail"
        )
        ctx.report_on(
            svc,
            key_of(spec, "selector"),
            f"Service {svc.name} in namespace {svc.namespace} selects no pod template of its namespace, but pod "
            f"templates of namespace {', '.join(spaces)} match its selector ({describe(elsewhere)}): {consequence}",
        )
