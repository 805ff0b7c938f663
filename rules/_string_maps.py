"""The string maps of built-in Kubernetes objects beyond metadata (map[string]string in k8s.io/api):
a YAML boolean, number or null there is not a string either, and the API server rejects the object.

Only fields whose Go type is certain, on kinds of the built-in API groups (a custom resource of the same
kind name is another schema): k8s.io/api core/v1 (ServiceSpec.Selector, ReplicationControllerSpec.Selector,
PodSpec.NodeSelector, PodAffinityTerm.LabelSelector/NamespaceSelector, TopologySpreadConstraint.LabelSelector,
PersistentVolumeClaim ObjectMeta), apps/v1 and batch/v1 (spec.selector: metav1.LabelSelector; StatefulSet
volumeClaimTemplates), networking/v1 NetworkPolicy (podSelector, NetworkPolicyPeer), policy/v1
PodDisruptionBudgetSpec.Selector; metav1.LabelSelector.MatchLabels is map[string]string and
LabelSelectorRequirement.Values (like core/v1 NodeSelectorRequirement.Values) is []string.
"""

from __future__ import annotations

from linter.located import YMap, YSeq, get_in

_WORKLOAD_GROUPS = {"Deployment": ("apps", "extensions"), "StatefulSet": ("apps",), "DaemonSet": ("apps", "extensions"),
                    "ReplicaSet": ("apps", "extensions"), "Job": ("batch",)}
_AFFINITY_TERMS = ("requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution")


def _map(value):
    return value if isinstance(value, YMap) else None


def _items(value):
    return [item for item in value if isinstance(item, YMap)] if isinstance(value, YSeq) else []


def _match_labels(selector):
    return _map(get_in(selector, "matchLabels"))


def _expression_values(selector) -> list:
    """The ``values`` lists of a selector's ``matchExpressions`` ([]string in LabelSelectorRequirement
    and NodeSelectorRequirement)."""
    out = []
    for expression in _items(get_in(selector, "matchExpressions")):
        values = expression.get("values")
        if isinstance(values, YSeq):
            out.append((values, "matchExpressions values"))
    return out


def _selector(selector) -> list:
    """A metav1.LabelSelector's string containers: its matchLabels map and its expressions' values."""
    return [(_match_labels(selector), "matchLabels"), *_expression_values(selector)]


def string_maps(resource):
    """(container, what) for every string map (YMap) and string list (YSeq: matchExpressions values) of
    ``resource`` outside its metadata maps; ``what`` names the field as messages do: label, annotation,
    selector, matchLabels, matchExpressions values, nodeSelector."""
    out = []
    data, kind, group = resource.data, resource.kind, resource.group
    spec = _map(data.get("spec"))
    if spec is None:
        return out
    if kind in ("Service", "ReplicationController") and resource.api_version == "v1":
        out.append((_map(spec.get("selector")), "selector"))
    if group in _WORKLOAD_GROUPS.get(kind, ()):
        out += _selector(spec.get("selector"))
    if kind == "CronJob" and group == "batch":
        out += _selector(get_in(spec, "jobTemplate", "spec", "selector"))
    if kind == "StatefulSet" and group == "apps":
        for claim in _items(spec.get("volumeClaimTemplates")):
            meta = _map(claim.get("metadata"))
            if meta is not None:
                out += [(_map(meta.get("labels")), "label"), (_map(meta.get("annotations")), "annotation")]
    if kind == "NetworkPolicy" and group in ("networking.k8s.io", "extensions"):
        out += _selector(spec.get("podSelector"))
        for direction, peers in (("ingress", "from"), ("egress", "to")):
            for rule in _items(spec.get(direction)):
                for peer in _items(rule.get(peers)):
                    out += _selector(peer.get("podSelector")) + _selector(peer.get("namespaceSelector"))
    if kind == "PodDisruptionBudget" and group == "policy":
        out += _selector(spec.get("selector"))
    pod = resource.pod_template
    if pod is not None and pod.spec is not None and (group in _WORKLOAD_GROUPS.get(kind, ()) or _pod_kind(kind, group)):
        out += _pod_spec(pod.spec)
    return [(m, what) for m, what in out if m is not None]


def _pod_kind(kind: str, group: str) -> bool:
    return (kind in ("Pod", "ReplicationController", "PodTemplate") and group == "") or (kind == "CronJob" and group == "batch")


def _pod_spec(spec: YMap) -> list:
    out = [(_map(spec.get("nodeSelector")), "nodeSelector")]
    for kind in ("podAffinity", "podAntiAffinity"):
        affinity = _map(get_in(spec, "affinity", kind))
        if affinity is None:
            continue
        for field in _AFFINITY_TERMS:
            for term in _items(affinity.get(field)):
                if field.startswith("preferred"):  # WeightedPodAffinityTerm: the term is one level down
                    term = _map(term.get("podAffinityTerm"))
                if term is not None:
                    out += _selector(term.get("labelSelector")) + _selector(term.get("namespaceSelector"))
    for constraint in _items(spec.get("topologySpreadConstraints")):
        out += _selector(constraint.get("labelSelector"))
    required = get_in(spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution")
    for term in _items(get_in(required, "nodeSelectorTerms")):
        out += _expression_values(term)
    for preferred in _items(get_in(spec, "affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution")):
        out += _expression_values(preferred.get("preference"))
    return out
