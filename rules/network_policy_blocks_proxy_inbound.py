from linter.context import key_of
from linter.rule import Example, Severity, rule

from ._coverage import Coverage
from ._lifecycle import admin_port
from ._netpol import KINDS, governing, index, port_entries, related_pods, report_anchor, rule_allows_port, union_allows, workloads

INBOUND_PORT = "config.linkerd.io/inbound-port"
CONTROL_PORT = "config.linkerd.io/control-port"
SKIP_INBOUND = "config.linkerd.io/skip-inbound-ports"

_POLICY = (
    "apiVersion: networking.k8s.io/v1\n"
    "kind: NetworkPolicy\n"
    "metadata:\n"
    "  name: web-ingress\n"
    "  namespace: shop\n"
    "spec:\n"
    "  podSelector:\n"
    "    matchLabels: {app: web}\n"
    "  ingress:\n"
    "    - from:\n"
    "        - podSelector: {}\n"
)
_WORKLOAD = (
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
    "      annotations:\n"
    "        linkerd.io/inject: enabled\n"
    "    spec:\n"
    "      containers:\n"
    "        - name: web\n"
    "          image: nginx:1.27\n"
    "          ports:\n"
    "            - {name: http, containerPort: 8080}\n"
)


@rule(
    id="LNK802",
    name="network-policy-blocks-proxy-inbound",
    severity=Severity.WARNING,
    scope="inventory",
    kinds=KINDS,
    summary="A NetworkPolicy lets traffic reach a meshed pod's application ports but not the proxy's inbound port 4143.",
    why=(
        "Between two meshed pods the client's proxy does not connect to the application port: it connects to the "
        "server proxy's inbound port (4143, or `config.linkerd.io/inbound-port`), which forwards to the "
        "application. An ingress policy that allows only the application ports therefore lets unmeshed clients "
        "in and silently drops every meshed connection. Policies are additive: linkerd-lint reports when no "
        "policy selecting the pod allows the inbound port. The proxy's admin port 4191 is only needed from other "
        "pods (e.g. linkerd-viz's Prometheus): kubelet probes come from the node, which NetworkPolicies always "
        "allow, so it is mentioned but not required."
    ),
    how_to_fix=(
        "Add the proxy's inbound port to the rule's ports: `- port: 4143` (or the port name `linkerd-proxy`), "
        "and `- port: 4191` if Prometheus scrapes the proxies."
    ),
    references=(
        "https://linkerd.io/2-edge/common-errors/network-policy/",
        "linkerd/linkerd2 charts/partials/templates/_proxy.tpl (containerPort 4143 named linkerd-proxy, 4191 linkerd-admin)",
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
    ),
    bad=Example(
        _POLICY + "      ports:  # <- LNK802\n" + "        - port: 8080\n",
        files=(("web.yaml", _WORKLOAD),),
    ),
    good=Example(
        _POLICY + "      ports:\n" + "        - port: 8080\n" + "        - port: 4143\n",
        files=(("web.yaml", _WORKLOAD),),
    ),
)
def check(ctx):
    by_ns, pods = index(ctx.inventory)
    for ns, policies in by_ns.items():
        facts: dict = {}  # id(resource) -> what blocks the pod's proxy, or None
        if policies and Coverage.of(ctx.inventory).partly_unread(policies[0].res):
            continue  # a policy that allows what this one does not may be in the file we could not read
        for policy in policies:
            if policy.restricts("ingress") is not True or not ctx.inventory.reports(policy.res):
                continue  # (a policy read only as context is still counted for the pods it selects)
            blocked, app_ports, where, admin_blocked = [], set(), None, False
            for res, labels, mesh in pods.get(ns, ()):
                if policy.selects(labels) is not True:
                    continue
                if id(res) not in facts:
                    facts[id(res)] = _blocked_pod(policies, labels, mesh, res)
                if facts[id(res)] is None:
                    continue
                verdict = _app_ports(policy, facts[id(res)])
                if verdict is None:
                    continue
                ports, first, admin_missing = verdict
                blocked.append(res)
                app_ports |= ports
                where = where or first
                admin_blocked = admin_blocked or admin_missing
            if not blocked:
                continue
            inbound = _ports(pods[ns], blocked)
            note = " (nor the admin port 4191, so Prometheus cannot scrape the proxies)" if admin_blocked else ""
            ctx.report_on(
                policy.res,
                where or report_anchor(policy, "ingress"),
                f"NetworkPolicy {policy.res.name} lets ingress reach meshed pods ({workloads(blocked)}) on "
                f"{', '.join(sorted(app_ports, key=_order))} but no policy selecting them allows the proxy's inbound "
                f"port {inbound}{note}: meshed clients connect to that port, so their traffic is dropped",
                related=related_pods(blocked, "meshed pod selected by this policy"),
            )


def _order(text):
    head = text.split("-")[0]
    return (0, int(head)) if head.isdigit() else (1, text)


def _int(mesh, key, default):
    v = mesh.get(key)
    if v is None:
        return default
    text = v.text
    if text is None:
        return None
    return int(text) if str(text).isdigit() else default


def _port_set(text) -> set | None:
    out = set()
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        if not lo.isdigit() or (hi and not hi.isdigit()) or int(hi or lo) > 65535:
            return None  # not a port list: LNK302's finding, unknown here
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def _blocked_pod(policies, labels, mesh, res):
    """When no policy lets meshed clients reach the pod's proxy: (proxy's own ports, skipped ports,
    port names, admin port blocked); None when the inbound port is (or may be) allowed."""
    inbound = _int(mesh, INBOUND_PORT, 4143)
    admin = admin_port(mesh)
    control = _int(mesh, CONTROL_PORT, 4190)
    skip_value = mesh.get(SKIP_INBOUND)
    if skip_value is None:
        skip = {4567, 4568}  # the Helm default proxyInit.ignoreInboundPorts (2.11+)
    else:
        skip = _port_set(skip_value.text) if skip_value.text is not None else None
    if None in (inbound, admin, control) or skip is None:
        return None
    gov = governing(policies, labels, "ingress")
    if union_allows(gov, "ingress", lambda r: rule_allows_port(r, inbound, ("linkerd-proxy",))) is not False:
        return None
    admin_missing = union_allows(gov, "ingress", lambda r: rule_allows_port(r, admin, ("linkerd-admin",))) is False
    return {inbound, admin, control}, skip, _container_port_names(res.pod_template), admin_missing


def _app_ports(policy, facts):
    """(application ports this policy opens, where, admin port blocked); None when it opens none."""
    proxy_own, skip, names, admin_missing = facts
    ports, where = set(), None
    for rule in policy.rules("ingress"):
        if _external_only(rule):
            continue  # clients outside the cluster are not meshed: they use the application port
        entries = port_entries(rule) or ()
        for low, high, name, _entry in entries:
            if name is not None:
                number = names.get(name)
                low = high = number
            if low is None or high is None:
                continue
            excluded = sum(1 for p in proxy_own | skip if low <= p <= high)
            if high - low + 1 > excluded:
                ports.add(f"{low}-{high}" if high != low else str(low))
                if where is None:
                    where = key_of(rule, "ports")
    if not ports:
        return None  # only proxy or skipped ports: nothing meshed is expected here
    return ports, where, admin_missing


def _external_only(rule) -> bool:
    peers = rule.get("from")
    return isinstance(peers, list) and bool(peers) and all(isinstance(p, dict) and set(p) == {"ipBlock"} for p in peers)


def _container_port_names(pod) -> dict:
    out = {}
    for c in pod.containers() + pod.containers(init=True):
        ports = c.get("ports")
        for p in ports if isinstance(ports, list) else ():
            if isinstance(p, dict) and isinstance(p.get("name"), str) and isinstance(p.get("containerPort"), int):
                out.setdefault(p["name"], p["containerPort"])
    return out


def _ports(items, blocked) -> str:
    numbers = {str(_int(mesh, INBOUND_PORT, 4143)) for res, _labels, mesh in items if res in blocked}
    return "/".join(sorted(numbers))
