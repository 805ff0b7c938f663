from linter.context import value_of
from linter.rule import Example, Related, Severity, rule

from ._ports import (
    APP_PROTOCOL_SINCE,
    OPAQUE,
    is_headless,
    is_tcp,
    meshed_backends,
    service_opaque,
    service_opaque_value,
    service_ports,
    services_and_pods,
    target_container_port,
)

_NS = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    linkerd.io/inject: enabled\n"
_DEPLOY = (
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata:\n"
    "  name: orders\n"
    "  namespace: shop\n"
    "spec:\n"
    "  selector:\n"
    "    matchLabels: {app: orders}\n"
    "  template:\n"
    "    metadata:\n"
    "      labels: {app: orders}\n"
    "      annotations:\n"
    "        config.linkerd.io/opaque-ports: \"7000\"\n"
    "    spec:\n"
    "      containers:\n"
    "        - name: orders\n"
    "          image: example/orders:1.0\n"
    "          ports:\n"
    "            - containerPort: 7000\n"
)


@rule(
    id="LNK304",
    name="opaque-ports-mismatch",
    severity=Severity.WARNING,
    scope="inventory",
    kinds=("Service", "PodTemplate"),
    summary="A Service and the meshed pods it selects disagree on which ports are opaque.",
    why=(
        "Opaque ports are decided in two places. Meshed clients that go through a Service ask about the Service: "
        "its `config.linkerd.io/opaque-ports` in Service-port terms, or from 2.18 the port's `appProtocol` "
        "(`linkerd.io/opaque`; anything but `http` and `kubernetes.io/h2c` is opaque). The pods' proxies decide "
        "from the pods' own annotation, in container-port terms. When the two disagree, traffic is opaque on one "
        "path and protocol-detected on the other: a server-speaks-first protocol stalls, or HTTP features vanish. "
        "(A port made opaque on the Service by `appProtocol` alone is fine: that is the documented way for "
        "Service traffic.) "
        "This is the offline version of `linkerd check --proxy`'s \"opaque ports are properly annotated\"."
    ),
    how_to_fix=(
        "Mark the port on both sides: the Service's port number on the Service (or `appProtocol: linkerd.io/opaque`), "
        "the target container port on the pod template (or its Namespace)."
    ),
    references=(
        "linkerd/linkerd2 pkg/healthcheck/healthcheck.go (checkMisconfiguredOpaquePortAnnotations)",
        "linkerd/linkerd2 policy-controller/core/src/outbound.rs (AppProtocol::from_str)",
        "https://linkerd.io/2-edge/features/protocol-detection/ (the annotation must be set on the Service and the workload)",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: orders\n"
        "  namespace: shop\n"
        "spec:\n"
        "  selector: {app: orders}\n"
        "  ports:\n"
        "    - port: 80  # <- LNK304 @80\n"
        "      targetPort: 7000\n",
        files=(("namespace.yaml", _NS), ("deployment.yaml", _DEPLOY)),
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: orders\n"
        "  namespace: shop\n"
        "  annotations:\n"
        "    config.linkerd.io/opaque-ports: \"80\"\n"
        "spec:\n"
        "  selector: {app: orders}\n"
        "  ports:\n"
        "    - port: 80\n"
        "      targetPort: 7000\n",
        files=(("namespace.yaml", _NS), ("deployment.yaml", _DEPLOY)),
    ),
)
def check(ctx):
    inv, settings = ctx.inventory, ctx.settings
    services, pods = services_and_pods(inv)
    app_protocol = settings.linkerd_version >= APP_PROTOCOL_SINCE
    for svc in services:
        if not inv.reports(svc):
            continue  # its findings would not be shown (context files, the editor's other files)
        if is_headless(svc):
            continue  # clients reach the pods directly; linkerd check skips them too
        backends = meshed_backends(svc, pods, inv, settings)
        if not backends:
            continue
        ports = [sp for sp in service_ports(svc) if sp.port is not None and is_tcp(sp.protocol)]
        svc_opaque = service_opaque(svc, ports, settings, inv)
        svc_value = service_opaque_value(svc, inv)
        for sp in ports:
            on_service = svc_opaque.get(sp.port)
            if on_service is None:
                continue
            by_app = app_protocol and sp.app_protocol is not None
            for pod, opaque, pod_value in backends:
                target = target_container_port(sp, pod)
                if target is None:
                    continue
                on_pod = target in opaque
                pod_explicit = pod_value is not None and pod_value.source in ("pod", "namespace")
                if on_pod == on_service or not (svc_value is not None or by_app or pod_explicit):
                    continue
                if on_service and by_app:
                    # appProtocol on the Service is Linkerd's recommended way for Service traffic
                    # (2.18 docs); linkerd check does not ask the pods to repeat it either.
                    continue
                _report(ctx, svc, sp, target, on_service, by_app, svc_value, pod, pod_value)
                break  # one finding per Service port


def _report(ctx, svc, sp, target, on_service, by_app, svc_value, pod, pod_value):
    owner = pod.owner
    workload = f"{owner.kind} {owner.name}"
    arrow = f"port {sp.port}" + (f" (targetPort {target})" if target != sp.port else "")
    if by_app:
        svc_how = f"appProtocol {sp.app_protocol}"
    elif svc_value is not None:
        svc_how = "its opaque-ports annotation" if svc_value[1] == "service" else "the Namespace's opaque-ports"
    else:
        svc_how = "the default opaque ports"
    pod_how = "the default opaque ports" if pod_value is None or pod_value.source not in ("pod", "namespace") else (
        "their opaque-ports annotation" if pod_value.source == "pod" else "their Namespace's opaque-ports"
    )
    if on_service:
        message = (
            f"Service {svc.name} {arrow} is opaque ({svc_how}) but {workload}'s pods do not treat {target} as opaque "
            f"({pod_how}): unmeshed clients and direct pod connections are protocol-detected; add {target} to the "
            f"pods' {OPAQUE}"
        )
    else:
        message = (
            f"{workload}'s pods treat port {target} as opaque ({pod_how}) but Service {svc.name} {arrow} is not "
            f"({svc_how}): meshed clients going through the Service still run protocol detection; add {sp.port} to "
            f"the Service's {OPAQUE}" + (" or set appProtocol: linkerd.io/opaque" if ctx.settings.linkerd_version >= APP_PROTOCOL_SINCE else "")
        )
    if by_app:
        where = value_of(sp.entry, "appProtocol")
    elif svc_value is not None and svc_value[1] == "service":
        where = value_of(svc_value[2], OPAQUE)
    else:
        where = sp.where()
    related = ()
    if pod_value is not None and pod_value.span is not None and pod_value.source in ("pod", "namespace"):
        related = (Related(pod_value.file, pod_value.span, f"opaque ports of {workload}'s pods set here"),)
    elif owner.file:
        related = (Related(owner.file, owner.anchor, f"{workload} selected by the Service"),)
    ctx.report_on(svc, where, message, related=related)
