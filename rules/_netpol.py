"""Kubernetes NetworkPolicy semantics for the Linkerd network rules (LNK801, LNK802).

Semantics (kubernetes.io/docs/concepts/services-networking/network-policies/ and the API
defaulting in pkg/apis/networking/v1/defaults.go):

* a policy selects pods of its own namespace by ``spec.podSelector`` (``{}``: all);
* without ``policyTypes`` it always restricts Ingress, and Egress only when it has egress
  rules; with ``policyTypes`` it restricts exactly the listed directions;
* a pod restricted in a direction accepts what *any* policy selecting it allows there
  (policies are additive); a rule without ``from``/``to`` allows every peer, a rule
  without ``ports`` every port; a port entry without ``port`` every port of its protocol
  (TCP by default), with ``endPort`` a range; a named port names a port of the pod at
  the receiving end.

Everything is judged three ways (see ``_selectors``): when the manifests do not show
enough, the answer is None and the rules stay quiet.
"""

from __future__ import annotations

from linter.located import YMap, YSeq
from linter.record import Record
from linter.values import resolve_vars

from ._selectors import CONTROLLER_LABELS, all_of, any_of, matches
from ._selectors import _text as _label_text

API_VERSIONS = ("networking.k8s.io/v1", "extensions/v1beta1")


class Policy(Record):
    __slots__ = ("res", "spec", "_types", "_selected", "_slots", "_pods", "_verdicts")

    def __init__(self, res: object, spec: YMap, _types: tuple | None = None, _selected: dict | None = None,
                 _slots: dict | None = None, _pods: list | None = None, _verdicts: bytearray | None = None):
        self.res = res
        self.spec = spec
        self._types = _types
        self._selected = {} if _selected is None else _selected  # id(labels) -> verdict, for labels not in the index
        # The index's pod labels of this namespace (shared by its policies) and one byte per pod:
        # 0 not judged yet, else _CODE of the verdict.  A dict entry per (policy, pod) pair took
        # 55 MB on 10,000 files; this takes one byte.
        self._slots = _slots  # id(labels) -> position in _pods
        self._pods = _pods
        self._verdicts = _verdicts

    @property
    def namespace(self):
        return self.res.namespace

    def types(self):
        """(ingress, egress) restricted: True/False, None when policyTypes cannot be read."""
        if self._types is None:
            self._types = self._read_types()
        return self._types

    def _read_types(self):
        pt = self.spec.get("policyTypes")
        if pt is None or (isinstance(pt, list) and not pt):
            return True, bool(self.rules("egress"))
        if not isinstance(pt, list):
            return None, None
        kinds = [resolve_vars(t) for t in pt]
        if None in kinds:
            return None, None
        return "Ingress" in kinds, "Egress" in kinds

    def rules(self, direction: str) -> list:
        rules = self.spec.get(direction)
        return [r for r in rules if isinstance(r, dict)] if isinstance(rules, list) else []

    def restricts(self, direction: str):
        ingress, egress = self.types()
        return ingress if direction == "ingress" else egress

    def selects(self, labels: dict):
        if self._slots is not None:
            i = self._slots.get(id(labels))
            if i is not None and self._pods[i] is labels:
                code = self._verdicts[i]
                if not code:
                    sel = self.spec.get("podSelector", {})
                    code = _CODE[matches(sel if sel is not None else {}, labels)]
                    self._verdicts[i] = code
                return _VERDICT[code]
        key = id(labels)
        hit = self._selected.get(key)
        if hit is None or hit[0] is not labels:
            sel = self.spec.get("podSelector", {})
            hit = (labels, matches(sel if sel is not None else {}, labels))
            self._selected[key] = hit
        return hit[1]


_CODE = {True: 1, False: 2, None: 3}
_VERDICT = (None, True, False, None)


def policies(resources) -> list:
    out = []
    for res in resources:
        if res.kind == "NetworkPolicy" and res.api_version in API_VERSIONS:
            spec = res.data.get("spec")
            if isinstance(spec, YMap):
                out.append(Policy(res, spec))
    return out


def pod_labels(pod, mesh, settings) -> dict:
    """The labels a pod from this template carries, including the ones the injector adds."""
    labels = dict(pod.labels)
    if mesh is not None and mesh.meshed:
        res = pod.owner
        labels.setdefault("linkerd.io/control-plane-ns", settings.control_plane_namespace)
        labels.setdefault("linkerd.io/workload-ns", res.namespace or "")
        labels.setdefault(f"linkerd.io/proxy-{res.kind.lower()}", res.name)
    return labels


def _port_number(value):
    """An int port, a str name, or None (unknown)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = resolve_vars(value)
        if text is None:
            return None
        return int(text) if text.isdigit() else text
    return None


def port_entries(rule):
    """The TCP port entries of a rule as (low, high, name, entry); None when the rule allows every port."""
    ports = rule.get("ports")
    if not isinstance(ports, list) or not ports:
        return None
    out = []
    for entry in ports:
        if not isinstance(entry, dict):
            out.append((None, None, None, entry))
            continue
        proto = resolve_vars(entry.get("protocol", "TCP"))
        if proto != "TCP":
            if proto is None:
                out.append((None, None, None, entry))
            continue
        if "port" not in entry or entry.get("port") is None:
            out.append((1, 65535, None, entry))
            continue
        port = _port_number(entry.get("port"))
        if isinstance(port, int):
            end = _port_number(entry.get("endPort")) if "endPort" in entry else port
            out.append((port, end if isinstance(end, int) else None, None, entry))
        elif isinstance(port, str):
            out.append((None, None, port, entry))
        else:
            out.append((None, None, None, entry))
    return out


def rule_allows_port(rule, number: int, names=()) -> bool | None:
    """Does the rule allow TCP ``number`` (a pod port also known by ``names``)?"""
    entries = port_entries(rule)
    if entries is None:
        return True
    results = []
    for low, high, name, _ in entries:
        if name is not None:
            results.append(name in names)
        elif low is None or high is None:
            results.append(None)
        else:
            results.append(low <= number <= high)
    return any_of(results)


# -- peers -----------------------------------------------------------------------------------


def namespace_labels(name: str, inventory):
    """(labels, complete) of a Namespace: its name label, plus its labels when it is in the input.

    Never complete: other tools (the Linkerd CLI, Flux's server-side apply merge, admission
    controllers) may add labels the manifest does not show, so an absent label is unknown.
    """
    ns = inventory.namespaces.get(name)
    labels = {"kubernetes.io/metadata.name": name}
    if ns is not None:
        labels.update(ns.labels)
    return labels, False


def peer_matches(peer, policy_ns: str, target_ns: str, target_pod: dict, inventory, pod_complete=False):
    """Does a NetworkPolicyPeer cover a pod with labels ``target_pod`` in namespace ``target_ns``?"""
    if not isinstance(peer, dict):
        return None
    if "ipBlock" in peer:
        return _ip_block_all(peer.get("ipBlock"))
    ns_sel = peer.get("namespaceSelector")
    pod_sel = peer.get("podSelector")
    results = []
    if ns_sel is not None:
        labels, complete = namespace_labels(target_ns, inventory)
        results.append(matches(ns_sel, labels, complete=complete))
    elif "namespaceSelector" not in peer and "podSelector" not in peer:
        return None  # an empty peer is invalid
    else:
        results.append(policy_ns == target_ns)
    if pod_sel is not None:
        results.append(matches(pod_sel, target_pod, complete=pod_complete))
    return all_of(results)


def _ip_block_all(block):
    """An ipBlock covers every address only as 0.0.0.0/0 or ::/0 without exceptions; others are unknown."""
    if not isinstance(block, dict):
        return None
    cidr = resolve_vars(block.get("cidr"))
    try:
        import ipaddress  # only for policies with ipBlock peers

        net = ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        return None
    if net.prefixlen == 0 and not block.get("except"):
        return True
    return None  # pod addresses are not in the manifests


def rule_allows_peer(rule, direction: str, **kw):
    peers = rule.get("to" if direction == "egress" else "from")
    if peers is None or (isinstance(peers, list) and not peers):
        return True
    if not isinstance(peers, list):
        return None
    return any_of(peer_matches(p, **kw) for p in peers)


def governing(policies_in_ns, labels, direction):
    """Policies that restrict ``direction`` for a pod: [(policy, selected)] with selected True or None."""
    out = []
    for p in policies_in_ns:
        restricts = p.restricts(direction)
        selected = p.selects(labels)
        if selected is False or restricts is False:
            continue
        if restricts is None:
            selected = None
        out.append((p, selected))
    return out


def union_allows(governing_policies, direction: str, test) -> bool | None:
    """OR of ``test(rule)`` over the rules of every governing policy; unsure selections count as unknown."""
    results = []
    for p, selected in governing_policies:
        for rule in p.rules(direction):
            r = test(rule)
            results.append(None if (r is True and selected is not True) else r)
    return any_of(results)


def report_anchor(policy, direction: str):
    """Where to point at a policy's restriction: its policyTypes item, else its rules key, else podSelector."""
    from linter.context import Where, key_of, value_of

    spec = policy.spec
    pt = spec.get("policyTypes")
    wanted = "Ingress" if direction == "ingress" else "Egress"
    if isinstance(pt, YSeq):
        for i, t in enumerate(pt):
            if t == wanted:
                return value_of(pt, i)
    for key in (direction, "podSelector"):
        if key in spec:
            return key_of(spec, key)
    return Where(policy.res.anchor, ("kind",))


# Other policy engines that can allow what a NetworkPolicy denies: with them in play the
# Kubernetes policies alone do not decide.  AdminNetworkPolicy `Allow` rules win over
# NetworkPolicies; Calico and Cilium policies are evaluated alongside them.
CLUSTER_WIDE_ENGINES = ("CiliumClusterwideNetworkPolicy", "GlobalNetworkPolicy", "AdminNetworkPolicy")
NAMESPACED_ENGINES = ("CiliumNetworkPolicy",)
KINDS = ("NetworkPolicy", "PodTemplate") + CLUSTER_WIDE_ENGINES + NAMESPACED_ENGINES


def index(inventory):
    """(policies by namespace, meshed pod templates by namespace as (resource, labels, mesh)).

    Namespaces where another policy engine may allow traffic (Calico, Cilium, admin
    network policies) are left out: the NetworkPolicies there do not have the last word.
    Built once per run (the inventory pass sees the final inventory) and shared by the rules.
    """
    cached = inventory.facts.get(_INDEX)
    if cached is not None and cached[0] is inventory.resources and cached[1] == len(inventory.resources):
        return cached[2]
    result = _build_index(inventory)
    inventory.facts[_INDEX] = (inventory.resources, len(inventory.resources), result)
    return result


_INDEX = "_netpol.index"


def _build_index(inventory):
    by_ns: dict = {}
    other: set = set()
    for res in inventory.resources:
        if res.kind in CLUSTER_WIDE_ENGINES:
            return {}, {}
        if res.kind in NAMESPACED_ENGINES or (res.kind == "NetworkPolicy" and res.api_version not in API_VERSIONS):
            other.add(res.namespace)
    for p in policies(inventory.resources):
        if p.namespace not in other:
            by_ns.setdefault(p.namespace, []).append(p)
    pods: dict = {}
    if not by_ns:
        return by_ns, pods
    for res in inventory.resources:
        pod = res.pod_template
        if pod is None or res.namespace not in by_ns:
            continue
        mesh = inventory.mesh(pod)
        if mesh.meshed:
            pods.setdefault(res.namespace, []).append((res, pod_labels(pod, mesh, inventory.settings), mesh))
    for ns, items in pods.items():
        labels = [item[1] for item in items]
        slots = {id(lab): i for i, lab in enumerate(labels)}
        by_label = None
        for p in by_ns[ns]:
            p._slots, p._pods = slots, labels
            first = _first_label(p.spec.get("podSelector", {}))
            if first is None:
                p._verdicts = bytearray(len(labels))
                continue
            # Only pods carrying the selector's first label (or a value that cannot be read)
            # may be selected: every other one is judged False at once (10,000 files: the
            # selector of each of 82 policies was tried on 200 pods per namespace).
            if by_label is None:
                by_label = _by_label(labels)
            p._verdicts = bytearray(b"\x02") * len(labels)
            for i in by_label.get(first, []) + by_label.get((first[0], None), []):
                p._verdicts[i] = 0
    return by_ns, pods


def _first_label(selector):
    """(key, value) of the first matchLabels entry when a pod lacking it is surely not selected."""
    if not isinstance(selector, dict):
        return None
    ml, exprs = selector.get("matchLabels"), selector.get("matchExpressions")
    if not isinstance(ml, dict) or not ml or (exprs is not None and not isinstance(exprs, list)):
        return None  # matches() answers None (or all) for these: let it decide
    key, want = next(iter(ml.items()))
    want = _label_text(want)
    if want is None or key in CONTROLLER_LABELS:
        return None
    return key, want


def _by_label(labels: list) -> dict:
    """(key, value text) -> positions of the pods whose labels hold it (text None: unreadable)."""
    out: dict = {}
    for i, lab in enumerate(labels):
        for k, v in lab.items():
            out.setdefault((k, _label_text(v)), []).append(i)
    return out


def workloads(items, limit=3) -> str:
    names = [f"{res.kind} {res.name}" for res in items[:limit]]
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(names) + more


def related_pods(items, message: str, limit=3) -> tuple:
    from linter.rule import Related

    out = []
    for res in items[:limit]:
        out.append(Related(res.file, res.pod_template.anchor, message))
    return tuple(out)
