from linter.context import key_of, value_of
from linter.located import YMap, YSeq
from linter.rule import Example, Severity, rule
from linter.values import UNKNOWN, substituted

from . import _pods, _selectors
from ._coverage import POD_TEMPLATE, Coverage, kinds
from ._policy_refs import POLICY, text

# Ports the proxy injector adds to the linkerd-proxy container of every meshed pod
# (charts/partials/templates/_proxy.tpl: containerPort inbound / admin).
PROXY_PORT_NAMES = ("linkerd-proxy", "linkerd-admin")


def describe(resources, limit=3) -> str:
    names = [f"{r.kind}/{r.name}" for r in resources[:limit]]
    more = len(resources) - limit
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def declares_port(pod, name: str, mesh) -> bool | None:
    """Does the pod template declare a TCP container port ``name``?  None: cannot tell.

    As the policy controller reads pods (policy-controller/k8s/index/src/inbound/workload.rs,
    pod_tcp_ports_by_name): containers and init containers, named ports whose protocol is
    absent or TCP (any case) and whose number is 1-65535.
    """
    unknown = False
    for container in pod.containers() + pod.containers(init=True):
        ports = container.get("ports")
        if not isinstance(ports, YSeq):
            continue
        for port in ports:
            if not isinstance(port, YMap):
                continue
            pname = text(port.get("name"))
            if pname is None:
                unknown = unknown or "name" in port
                continue
            proto = port.get("protocol")
            if proto is not None and (not isinstance(proto, str) or proto.upper() != "TCP"):
                continue
            if pname == name:
                number = substituted(port.get("containerPort"))
                if number is UNKNOWN:
                    unknown = True
                elif isinstance(number, int) and not isinstance(number, bool) and 0 < number < 65536:
                    return True
    if name in PROXY_PORT_NAMES and (mesh is None or mesh.injected is not False):
        return True  # added by the injector (or mesh membership unknown)
    return None if unknown else False


@rule(
    id="LNK603",
    name="server-selects-nothing",
    severity=Severity.WARNING,
    scope="inventory",
    kinds=kinds("Server", POD_TEMPLATE),
    summary="A Server's podSelector matches no pod template of its namespace, or its named port is on none of them.",
    why=(
        "A Server applies only to the pods its `podSelector` selects in its own namespace, and only to the port "
        "its `port` names: a number, or the name of a TCP container port of those pods (the injector adds "
        "`linkerd-proxy` and `linkerd-admin` to meshed pods). A selector that matches nothing, or a port name no "
        "selected container declares, makes the Server apply to no port at all: the traffic you meant to describe "
        "falls back to the default inbound policy and protocol detection, and the AuthorizationPolicies that "
        "target the Server authorize nothing. Linkerd reports no error. A quoted number (`port: \"8080\"`) is read "
        "as a port *name*, and no container port can be named with digits only.\n\n"
        "linkerd-lint judges only namespaces whose pod templates are in the input (configuration "
        "`assume-complete: true` judges every namespace)."
    ),
    how_to_fix=(
        "Make the podSelector's labels match the pod template's labels (`spec.template.metadata.labels`) in the "
        "Server's namespace, and name a port that a container of those pods declares under `ports[].name` "
        "(or use the port number)."
    ),
    references=(
        "linkerd/linkerd2 policy-controller/k8s/index/src/inbound/index.rs (reindex_servers, select_ports)",
        "linkerd/linkerd2 policy-controller/k8s/index/src/inbound/workload.rs (pod_tcp_ports_by_name, named_tcp_port)",
        "linkerd/linkerd2 policy-controller/k8s/api/src/labels.rs (Selector::matches)",
        "linkerd/linkerd2 policy-controller/k8s/api/src/policy/server.rs (Port: untagged number or name)",
        "https://linkerd.io/2-edge/reference/authorization-policy/#server",
    ),
    bad=Example(
        "apiVersion: policy.linkerd.io/v1beta3\n"
        "kind: Server\n"
        "metadata:\n"
        "  name: web-http\n"
        "  namespace: shop\n"
        "spec:\n"
        "  podSelector:  # <- LNK603\n"
        "    matchLabels: {app: webapp}\n"
        "  port: http\n"
        "---\n"
        "apiVersion: policy.linkerd.io/v1beta3\n"
        "kind: Server\n"
        "metadata:\n"
        "  name: web-metrics\n"
        "  namespace: shop\n"
        "spec:\n"
        "  podSelector:\n"
        "    matchLabels: {app: web}\n"
        "  port: metrics  # <- LNK603 @metrics\n",
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
                "      containers:\n"
                "        - name: web\n"
                "          image: nginx:1.27\n"
                "          ports:\n"
                "            - name: http\n"
                "              containerPort: 8080\n",
            ),
        ),
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
        "  port: http\n"
        "---\n"
        "apiVersion: policy.linkerd.io/v1beta3\n"
        "kind: Server\n"
        "metadata:\n"
        "  name: web-admin\n"
        "  namespace: shop\n"
        "spec:\n"
        "  podSelector:\n"
        "    matchLabels: {app: web}\n"
        "  port: linkerd-admin\n"
        "---\n"
        "apiVersion: policy.linkerd.io/v1beta3\n"
        "kind: Server\n"
        "metadata:\n"
        "  name: api-http\n"
        "  namespace: api\n"
        "spec:\n"
        "  podSelector:\n"
        "    matchLabels: {app: api}\n"
        "  port: http\n",
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
                "      annotations: {linkerd.io/inject: enabled}\n"
                "    spec:\n"
                "      containers:\n"
                "        - name: web\n"
                "          image: nginx:1.27\n"
                "          ports:\n"
                "            - name: http\n"
                "              containerPort: 8080\n",
            ),
        ),
    ),
)
def check(ctx):
    cov = Coverage.of(ctx.inventory)
    for srv in ctx.inventory.resources:
        if srv.kind != "Server" or srv.group != POLICY or not ctx.inventory.reports(srv):
            continue
        spec = srv.data.get("spec")
        if isinstance(spec, YMap):
            _check_server(ctx, cov, srv, spec)


def _check_server(ctx, cov, srv, spec) -> None:
    port = spec.get("port")
    if isinstance(port, str) and "${" not in port and port.isdigit():
        ctx.report_on(
            srv,
            value_of(spec, "port"),
            f'Server {srv.name}: port "{port}" is a string, which Linkerd reads as a container port name, and no '
            f"port can be named with digits only; the Server applies to no port (write {port} without quotes)",
        )
        return
    selector = spec.get("podSelector")
    ns = cov.ns_of(srv)
    if not isinstance(selector, YMap) or not cov.covers(ns, POD_TEMPLATE):
        return
    if not _pods.well_formed(selector) or _selectors.matches(selector, {}) is None:
        return  # malformed (LNK601's finding) or a GitOps variable without default
    templates = cov.pod_templates(ns)
    # Templates the label index rules out cannot match (their result is False); try the rest.
    here = {id(t) for t in cov.candidates(ns, POD_TEMPLATE)}
    maybe = [t for t in _pods.index_of(cov).candidates(selector.get("matchLabels")) if id(t) in here]
    results = [(t, _pods.selects(selector, t, ctx.inventory)) for t in maybe]
    if all(r is False for _, r in results):
        if templates:
            msg = (
                f"Server {srv.name}: podSelector matches none of the {len(templates)} pod template(s) of namespace "
                f"{ns} in the input ({describe(templates)})"
            )
        else:
            msg = (
                f"Server {srv.name}: podSelector matches nothing: the input holds no pod template of namespace "
                f"{ns} (assume-complete is on)"
            )
        ctx.report_on(srv, key_of(spec, "podSelector"), msg)
        return
    name = substituted(port)
    if not isinstance(name, str) or any(r is None for _, r in results):
        return
    selected = [t for t, r in results if r]
    answers = [declares_port(t.pod_template, name, ctx.inventory.mesh(t.pod_template)) for t in selected]
    if any(a is not False for a in answers):
        return
    ctx.report_on(
        srv,
        value_of(spec, "port"),
        f"Server {srv.name}: no container of the pods it selects ({describe(selected)}) declares a TCP port named "
        f"{name!r}; the Server applies to no port",
    )
