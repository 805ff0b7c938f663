"""Kubernetes API versions that stopped being served, release by release.

Written from the Kubernetes "Deprecated API Migration Guide"
(kubernetes/website content/en/docs/reference/using-api/deprecation-guide.md,
https://kubernetes.io/docs/reference/using-api/deprecation-guide/), one row per
apiVersion and kinds.  Columns: ``removed`` is the first release that no longer serves
it; ``replacement`` the apiVersion to use; ``since`` the release from which the
replacement is served (the guide's "available since").  An API counts as deprecated
from ``deprecated`` on: the release kubernetes/api's generated lifecycle gives
(``<group>/<version>/zz_generated.prerelease-lifecycle.go`` ``APILifecycleDeprecated`` at
tag v0.36.0, which also agrees with ``removed``); for the two groups it does not hold
(apiextensions, apiregistration) and apps/v1beta1 ReplicaSet, the release that made the
replacement available.  ``same_schema`` marks rows where the guide lists "No notable
changes", so changing the apiVersion alone migrates the object.
"""

from __future__ import annotations

from collections import namedtuple

# api_version: str, kinds: tuple, removed: tuple, replacement: str | None, since: tuple | None,
# deprecated: tuple, same_schema: bool, source: str.  (Not typing.NamedTuple: importing typing
# costs ~4 ms of every run.)
Api = namedtuple(
    "Api", ("api_version", "kinds", "removed", "replacement", "since", "deprecated", "same_schema", "source"),
    module=__name__,
)


_GUIDE = "deprecation guide"
_LIFE = "; deprecated per kubernetes/api zz_generated.prerelease-lifecycle.go"

REMOVED_APIS = (
    # v1.32
    Api("flowcontrol.apiserver.k8s.io/v1beta3", ("FlowSchema", "PriorityLevelConfiguration"), (1, 32),
        "flowcontrol.apiserver.k8s.io/v1", (1, 29), (1, 29), False, _GUIDE + " #flowcontrol-resources-v132"),
    # v1.29
    Api("flowcontrol.apiserver.k8s.io/v1beta2", ("FlowSchema", "PriorityLevelConfiguration"), (1, 29),
        "flowcontrol.apiserver.k8s.io/v1", (1, 29), (1, 26), False,
        _GUIDE + " #flowcontrol-resources-v129 (v1beta3 served since 1.26)"),
    # v1.27
    Api("storage.k8s.io/v1beta1", ("CSIStorageCapacity",), (1, 27), "storage.k8s.io/v1", (1, 24), (1, 24), True,
        _GUIDE + " #csistoragecapacity-v127"),
    # v1.26
    Api("flowcontrol.apiserver.k8s.io/v1beta1", ("FlowSchema", "PriorityLevelConfiguration"), (1, 26),
        "flowcontrol.apiserver.k8s.io/v1beta2", (1, 23), (1, 23), True, _GUIDE + " #flowcontrol-resources-v126"),
    Api("autoscaling/v2beta2", ("HorizontalPodAutoscaler",), (1, 26), "autoscaling/v2", (1, 23), (1, 23), False,
        _GUIDE + " #horizontalpodautoscaler-v126"),
    # v1.25
    Api("batch/v1beta1", ("CronJob",), (1, 25), "batch/v1", (1, 21), (1, 21), True, _GUIDE + " #cronjob-v125"),
    Api("discovery.k8s.io/v1beta1", ("EndpointSlice",), (1, 25), "discovery.k8s.io/v1", (1, 21), (1, 21), False,
        _GUIDE + " #endpointslice-v125"),
    Api("events.k8s.io/v1beta1", ("Event",), (1, 25), "events.k8s.io/v1", (1, 19), (1, 22), False,
        _GUIDE + " #event-v125" + _LIFE),
    Api("autoscaling/v2beta1", ("HorizontalPodAutoscaler",), (1, 25), "autoscaling/v2", (1, 23), (1, 22), False,
        _GUIDE + " #horizontalpodautoscaler-v125" + _LIFE),
    Api("policy/v1beta1", ("PodDisruptionBudget",), (1, 25), "policy/v1", (1, 21), (1, 21), False,
        _GUIDE + " #poddisruptionbudget-v125 (an empty selector selects every pod in policy/v1)"),
    Api("policy/v1beta1", ("PodSecurityPolicy",), (1, 25), None, None, (1, 21), False,
        _GUIDE + " #psp-v125; deprecated in 1.21 (kubernetes.io/blog/2021/04/06/podsecuritypolicy-deprecation-past-present-and-future)"),
    Api("node.k8s.io/v1beta1", ("RuntimeClass",), (1, 25), "node.k8s.io/v1", (1, 20), (1, 22), True,
        _GUIDE + " #runtimeclass-v125" + _LIFE),
    # v1.22
    Api("admissionregistration.k8s.io/v1beta1", ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"),
        (1, 22), "admissionregistration.k8s.io/v1", (1, 16), (1, 16), False, _GUIDE + " #webhook-resources-v122"),
    Api("apiextensions.k8s.io/v1beta1", ("CustomResourceDefinition",), (1, 22), "apiextensions.k8s.io/v1", (1, 16),
        (1, 16), False, _GUIDE + " #customresourcedefinition-v122"),
    Api("apiregistration.k8s.io/v1beta1", ("APIService",), (1, 22), "apiregistration.k8s.io/v1", (1, 10), (1, 10),
        True, _GUIDE + " #apiservice-v122"),
    Api("authentication.k8s.io/v1beta1", ("TokenReview",), (1, 22), "authentication.k8s.io/v1", (1, 6), (1, 19),
        True, _GUIDE + " #tokenreview-v122" + _LIFE),
    Api("authorization.k8s.io/v1beta1",
        ("LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview", "SelfSubjectRulesReview"),
        (1, 22), "authorization.k8s.io/v1", (1, 6), (1, 19), False, _GUIDE + " #subjectaccessreview-resources-v122" + _LIFE),
    Api("certificates.k8s.io/v1beta1", ("CertificateSigningRequest",), (1, 22), "certificates.k8s.io/v1", (1, 19),
        (1, 19), False, _GUIDE + " #certificatesigningrequest-v122"),
    Api("coordination.k8s.io/v1beta1", ("Lease",), (1, 22), "coordination.k8s.io/v1", (1, 14), (1, 19), True,
        _GUIDE + " #lease-v122" + _LIFE),
    Api("extensions/v1beta1", ("Ingress",), (1, 22), "networking.k8s.io/v1", (1, 19), (1, 14), False,
        _GUIDE + " #ingress-v122" + _LIFE + " (1.14, in favour of networking.k8s.io/v1beta1)"),
    Api("networking.k8s.io/v1beta1", ("Ingress",), (1, 22), "networking.k8s.io/v1", (1, 19), (1, 19), False,
        _GUIDE + " #ingress-v122"),
    Api("networking.k8s.io/v1beta1", ("IngressClass",), (1, 22), "networking.k8s.io/v1", (1, 19), (1, 19), True,
        _GUIDE + " #ingressclass-v122"),
    Api("rbac.authorization.k8s.io/v1beta1", ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"), (1, 22),
        "rbac.authorization.k8s.io/v1", (1, 8), (1, 17), True, _GUIDE + " #rbac-resources-v122" + _LIFE),
    Api("scheduling.k8s.io/v1beta1", ("PriorityClass",), (1, 22), "scheduling.k8s.io/v1", (1, 14), (1, 14), True,
        _GUIDE + " #priorityclass-v122"),
    Api("storage.k8s.io/v1beta1", ("CSIDriver", "StorageClass", "VolumeAttachment"), (1, 22),
        "storage.k8s.io/v1", (1, 19), (1, 19), True, _GUIDE + " #storage-resources-v122" + _LIFE),
    Api("storage.k8s.io/v1beta1", ("CSINode",), (1, 22), "storage.k8s.io/v1", (1, 17), (1, 17), True,
        _GUIDE + " #storage-resources-v122 (CSINode in storage.k8s.io/v1 since 1.17)" + _LIFE),
    # v1.16
    Api("extensions/v1beta1", ("NetworkPolicy",), (1, 16), "networking.k8s.io/v1", (1, 8), (1, 9), True,
        _GUIDE + " #networkpolicy-v116" + _LIFE),
    Api("extensions/v1beta1", ("PodSecurityPolicy",), (1, 16), "policy/v1beta1", (1, 10), (1, 11), True,
        "kubernetes.io/blog/2019/07/18/api-deprecations-in-1-16" + _LIFE + " (extensions/v1beta1 @ v0.26.0)"),
    Api("extensions/v1beta1", ("DaemonSet",), (1, 16), "apps/v1", (1, 9), (1, 8), False, _GUIDE + " #daemonset-v116" + _LIFE),
    Api("apps/v1beta2", ("DaemonSet",), (1, 16), "apps/v1", (1, 9), (1, 9), False, _GUIDE + " #daemonset-v116" + _LIFE),
    Api("extensions/v1beta1", ("Deployment",), (1, 16), "apps/v1", (1, 9), (1, 8), False, _GUIDE + " #deployment-v116" + _LIFE),
    Api("apps/v1beta1", ("Deployment",), (1, 16), "apps/v1", (1, 9), (1, 8), False, _GUIDE + " #deployment-v116" + _LIFE),
    Api("apps/v1beta2", ("Deployment",), (1, 16), "apps/v1", (1, 9), (1, 9), False, _GUIDE + " #deployment-v116" + _LIFE),
    Api("apps/v1beta1", ("StatefulSet",), (1, 16), "apps/v1", (1, 9), (1, 8), False, _GUIDE + " #statefulset-v116" + _LIFE),
    Api("apps/v1beta2", ("StatefulSet",), (1, 16), "apps/v1", (1, 9), (1, 9), False, _GUIDE + " #statefulset-v116" + _LIFE),
    Api("extensions/v1beta1", ("ReplicaSet",), (1, 16), "apps/v1", (1, 9), (1, 8), False, _GUIDE + " #replicaset-v116" + _LIFE),
    Api("apps/v1beta1", ("ReplicaSet",), (1, 16), "apps/v1", (1, 9), (1, 9), False, _GUIDE + " #replicaset-v116"),
    Api("apps/v1beta2", ("ReplicaSet",), (1, 16), "apps/v1", (1, 9), (1, 9), False, _GUIDE + " #replicaset-v116"),
)

_INDEX = {(a.api_version, k): a for a in REMOVED_APIS for k in a.kinds}


def lookup(api_version: str, kind: str) -> Api | None:
    # `kind: List` items and Lists of a kind (CronJobList) are served and removed with the kind
    return _INDEX.get((api_version, kind)) or (
        _INDEX.get((api_version, kind[:-4])) if kind.endswith("List") else None
    )


def successor(api: Api, kind: str, version: tuple):
    """What replaces ``api`` for ``kind`` on Kubernetes ``version``: (apiVersion or None, rename, gone).

    The replacement chain is followed past replacements that ``version`` no longer serves
    either (flowcontrol v1beta1 -> v1beta2, itself removed in 1.29 -> v1).  ``rename`` is True
    when every step changes the apiVersion alone (the guide lists no notable changes), so that
    rewriting apiVersion is a full migration; ``gone`` lists the removed replacements passed.
    """
    gone, rename, target = [], api.same_schema, api.replacement
    while target is not None and len(gone) < len(REMOVED_APIS):
        row = lookup(target, kind)
        if row is None or version < row.removed:
            break
        gone.append(row)
        rename = rename and row.same_schema
        target = row.replacement
    return target, rename and target is not None, gone


def served_from(api: Api, gone: list):
    """The first release that serves the replacement ``successor`` found (the last step's ``since``)."""
    return (gone[-1] if gone else api).since
