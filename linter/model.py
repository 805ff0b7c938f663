"""Kubernetes objects as the linter sees them: identity, position and a pod-template view."""

from __future__ import annotations

from linter.located import Span, YMap, YSeq, get_in
from linter.record import Record

# Kinds whose objects live in a namespace when none is written.  Everything not listed
# here and not in CLUSTER_SCOPED is assumed namespaced too (custom resources mostly are).
CLUSTER_SCOPED = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "StorageClass",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "PriorityClass",
        "RuntimeClass",
        "IngressClass",
        "APIService",
        "PodSecurityPolicy",
        "CSIDriver",
        "CSINode",
        "VolumeAttachment",
        "GatewayClass",
        "CertificateSigningRequest",
        "FlowSchema",
        "PriorityLevelConfiguration",
        "ClusterIssuer",
    }
)

# Where each workload kind keeps its pod template.
POD_TEMPLATE_PATHS = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "Rollout": ("spec", "template"),  # Argo Rollouts
}
WORKLOAD_KINDS = frozenset(POD_TEMPLATE_PATHS) | {"Pod"}


class PodTemplate(Record, eq=False):
    """The pod a workload creates: its metadata and spec as written, and where they are."""

    __slots__ = ("owner", "path", "metadata", "spec")

    def __init__(self, owner: Resource, path: tuple, metadata: YMap | None, spec: YMap | None):
        self.owner = owner
        self.path = path  # path of the template object ((), for a Pod)
        self.metadata = metadata
        self.spec = spec

    @property
    def annotations(self) -> dict:
        a = get_in(self.metadata, "annotations")
        return a if isinstance(a, dict) else {}

    @property
    def labels(self) -> dict:
        lab = get_in(self.metadata, "labels")
        return lab if isinstance(lab, dict) else {}

    def containers(self, *, init: bool = False) -> list:
        items = get_in(self.spec, "initContainers" if init else "containers")
        return [c for c in items if isinstance(c, YMap)] if isinstance(items, YSeq) else []

    @property
    def anchor(self) -> Span:
        """Where to point when the template as a whole is at fault."""
        if self.metadata is not None and self.metadata.span is not None:
            parent = get_in(self.owner.data, *self.path) if self.path else self.owner.data
            if isinstance(parent, YMap) and "metadata" in parent.spans:
                return parent.key_span("metadata")
        return self.owner.anchor


class Resource(Record, eq=False):
    """One Kubernetes object from one YAML document."""

    __slots__ = ("file", "doc_index", "data", "api_version", "kind", "name", "namespace", "namespace_written",
                 "template_source", "item_path", "_pod")
    _hidden = ("_pod",)

    def __init__(
        self,
        file: str,
        doc_index: int,
        data: YMap,
        api_version: str,
        kind: str,
        name: str,
        namespace: str | None,  # None for cluster-scoped kinds
        namespace_written: bool,
        template_source: str | None = None,
        item_path: tuple = (),  # path inside a `kind: List` document
        _pod: object = False,  # the PodTemplate, once asked for (False: not yet)
    ):
        self.file = file
        self.doc_index = doc_index
        self.data = data
        self.api_version = api_version
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.namespace_written = namespace_written
        self.template_source = template_source
        self.item_path = item_path
        self._pod = _pod

    @property
    def metadata(self) -> YMap | None:
        m = self.data.get("metadata")
        return m if isinstance(m, YMap) else None

    @property
    def annotations(self) -> dict:
        a = get_in(self.data, "metadata", "annotations")
        return a if isinstance(a, dict) else {}

    @property
    def labels(self) -> dict:
        lab = get_in(self.data, "metadata", "labels")
        return lab if isinstance(lab, dict) else {}

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0] if "/" in self.api_version else ""

    @property
    def identity(self) -> str:
        """kind/namespace/name: stable across line moves (fingerprints, baselines)."""
        return f"{self.kind}/{self.namespace or ''}/{self.name}"

    @property
    def anchor(self) -> Span:
        """The span of `kind:` — the best place to point at the object as a whole."""
        span = self.data.key_span("kind")
        return span or self.data.span or Span(1, 1, 1, 1)

    @property
    def pod_template(self) -> PodTemplate | None:
        if self._pod is False:
            self._pod = _pod_template(self)
        return self._pod


def _pod_template(res: Resource) -> PodTemplate | None:
    if res.kind == "Pod":
        meta = res.data.get("metadata")
        spec = res.data.get("spec")
        return PodTemplate(res, (), meta if isinstance(meta, YMap) else None, spec if isinstance(spec, YMap) else None)
    tpath = POD_TEMPLATE_PATHS.get(res.kind)
    if tpath is None:
        return None
    if res.kind == "Rollout" and not res.api_version.startswith("argoproj.io/"):
        return None
    tmpl = get_in(res.data, *tpath)
    if not isinstance(tmpl, YMap):
        return None
    meta = tmpl.get("metadata")
    spec = tmpl.get("spec")
    return PodTemplate(res, tpath, meta if isinstance(meta, YMap) else None, spec if isinstance(spec, YMap) else None)


def resources_of(file: str, doc_index: int, data, default_namespace: str, template_source=None) -> list:
    """The Kubernetes objects in one document: itself, or the items of a `kind: List`.

    Documents without apiVersion/kind (Helm values, kustomization fragments, empty
    documents) are not Kubernetes objects and yield nothing.
    """
    if not isinstance(data, YMap):
        return []
    kind, api = data.get("kind"), data.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api, str):
        return []
    if kind.endswith("List") and api == "v1" and isinstance(data.get("items"), YSeq):
        out = []
        for i, item in enumerate(data["items"]):
            for r in resources_of(file, doc_index, item, default_namespace, template_source):
                r.item_path = ("items", i)
                out.append(r)
        return out
    meta = data.get("metadata")
    meta = meta if isinstance(meta, YMap) else {}
    name = meta.get("name")
    name = name if isinstance(name, str) else (meta.get("generateName") or "")
    ns = meta.get("namespace")
    written = isinstance(ns, str) and ns != ""
    if kind in CLUSTER_SCOPED:
        namespace = None
    else:
        namespace = ns if written else default_namespace
    return [
        Resource(
            file=file,
            doc_index=doc_index,
            data=data,
            api_version=api,
            kind=kind,
            name=str(name),
            namespace=namespace,
            namespace_written=written,
            template_source=template_source,
        )
    ]
