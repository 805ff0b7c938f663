from linter.rule import Example, Related, Severity, rule
from linter.values import resolve_vars

from ._common import describe_source
from ._ports import (
    APP_PROTOCOL_SINCE,
    OPAQUE,
    container_ports,
    default_opaque,
    injector_containers,
    is_tcp,
    pod_opaque,
    pod_skip_inbound,
    service_listed_ports,
    service_opaque_value,
    service_ports,
)
from ._proxy import anchor_for, inject_related


@rule(
    id="LNK303",
    name="opaque-ports-drop-defaults",
    severity=Severity.WARNING,
    kinds=("PodTemplate", "Service"),
    summary="An explicit `opaque-ports` replaces the default list and no longer covers a default port the pod or Service exposes.",
    why=(
        "Linkerd treats 25, 587, 3306, 4444, 5432, 6379, 9300 and 11211 as opaque by default (2.11+), because "
        "SMTP, MySQL, PostgreSQL, Redis and friends do not survive protocol detection well. Setting "
        "`config.linkerd.io/opaque-ports` replaces that list instead of extending it: write `8080` and MySQL on "
        "3306 is suddenly protocol-detected again, and its connections stall for the detection timeout."
    ),
    how_to_fix="Keep the default ports the workload uses in the list, e.g. `opaque-ports: \"3306,8080\"`.",
    references=(
        "linkerd/linkerd2 charts/linkerd-control-plane/values.yaml@version-2.18 L246 (proxy.opaquePorts)",
        "linkerd/linkerd2 pkg/inject/inject.go@version-2.18 L495-505 (applyAnnotationOverrides: the annotation replaces proxy.opaquePorts)",
        "linkerd/linkerd2 pkg/inject/inject.go@version-2.18 L759-776 (CreateOpaquePortsPatch: a Service inherits its Namespace's list at creation)",
        "https://linkerd.io/2-edge/features/protocol-detection/ (the values replace, not augment, the default list)",
    ),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: StatefulSet\n"
        "metadata:\n"
        "  name: db\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: db}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: db}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "        config.linkerd.io/opaque-ports: \"9104\"  # <- LNK303 @\"9104\"\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: mysql\n"
        "          image: mysql:8.4\n"
        "          ports:\n"
        "            - containerPort: 3306\n"
        "            - containerPort: 9104\n"
    ),
    good=Example(
        "apiVersion: apps/v1\n"
        "kind: StatefulSet\n"
        "metadata:\n"
        "  name: db\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: db}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: db}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "        config.linkerd.io/opaque-ports: \"${OPAQUE_PORTS:=3306,9104}\"\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: mysql\n"
        "          image: mysql:8.4\n"
        "          ports:\n"
        "            - containerPort: 3306\n"
        "            - containerPort: 9104\n"
    ),
)
def check(ctx):
    if ctx.resource.kind == "Service":
        if ctx.resource.group == "":
            _service(ctx)
        return
    mesh = ctx.mesh
    if mesh is None or not mesh.meshed:
        return
    value = mesh.get(OPAQUE)
    if value is None or value.source not in ("pod", "namespace"):
        return  # the defaults (or the cluster's configured list) apply
    opaque, _ = pod_opaque(ctx.pod, mesh, ctx.settings)
    skipped = pod_skip_inbound(mesh, ctx.settings)
    if opaque is None or skipped is None:
        return
    defaults = default_opaque(ctx.settings)
    exposed = sorted(
        {p.number for p in container_ports(ctx.pod, injector_containers(ctx.pod, ctx.settings)) if is_tcp(p.protocol)}
        & defaults
    )
    dropped = [p for p in exposed if p not in opaque and p not in skipped]
    if not dropped:
        return
    ports = ", ".join(map(str, dropped))
    ctx.report(
        anchor_for(ctx, value),
        f"{OPAQUE} is {value.text!r}{describe_source(value)}, which replaces the default opaque ports; the pod "
        f"exposes {ports}, opaque by default and now protocol-detected: add {'it' if len(dropped) == 1 else 'them'} to the list",
        related=inject_related(ctx, value),
    )


def _service(ctx):
    svc = ctx.resource
    found = service_opaque_value(svc, ctx.inventory)
    if found is None:
        return
    raw, source, container, key = found
    text = resolve_vars(raw) if isinstance(raw, str) else None
    if text is None:
        return
    listed = service_listed_ports(text, service_ports(svc), ctx.settings)
    if listed is None:
        return  # an invalid list is LNK302's or LNK305's
    defaults = default_opaque(ctx.settings)
    app_protocol = ctx.settings.linkerd_version >= APP_PROTOCOL_SINCE
    dropped = []
    for sp in service_ports(svc):
        if sp.port is None or not is_tcp(sp.protocol) or (app_protocol and sp.app_protocol is not None):
            continue  # from 2.18 a port's appProtocol decides, not the annotation
        by_default = sp.port in defaults or (isinstance(sp.target, int) and sp.target in defaults)
        if by_default and sp.port not in listed:
            dropped.append(sp)
    if not dropped:
        return
    numbers = sorted({sp.port for sp in dropped})
    ports, many = ", ".join(map(str, numbers)), len(numbers) > 1
    if source == "service":
        where = ctx.value(container, key)
        related = ()
        origin = ""
    else:
        where = dropped[0].where()  # the Service itself says nothing: point at the port that loses opaqueness
        ns = ctx.inventory.namespace_of(svc)
        related = (_related(ns, container, key),)
        origin = f" (from Namespace {ns.name}, copied onto the Service when it is created)"
    ctx.report(
        where,
        f"{OPAQUE} is {text!r}{origin}, which replaces the default opaque ports; Service port{'s' if many else ''} "
        f"{ports}, opaque by default, {'are' if many else 'is'} now protocol-detected by meshed clients: add "
        f"{'them' if many else 'it'} to the list",
        related=tuple(r for r in related if r is not None),
    )


def _related(ns, container, key):
    span = container.value_span(key) if hasattr(container, "value_span") else None
    return Related(ns.file, span, "opaque ports set on the Namespace here") if span is not None else None
