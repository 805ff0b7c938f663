"""Helpers shared by rules: where metadata lives on the objects rules inspect."""

from __future__ import annotations

from linter.located import YMap

# Kinds whose pod template Linkerd's injector sees (Pod, and what creates pods).
from linter.model import POD_TEMPLATE_PATHS, WORKLOAD_KINDS  # noqa: F401


def metadata_maps(resource):
    """(metadata YMap, role) for the object's own metadata, the CronJob job template's, and the pod template's.

    role is one of: namespace, pod (a Pod's or a pod template's metadata), workload
    (a workload's own metadata), jobtemplate, object (anything else).
    """
    out = []
    meta = resource.data.get("metadata")
    if isinstance(meta, YMap):
        if resource.kind == "Namespace":
            role = "namespace"
        elif resource.kind == "Pod":
            role = "pod"
        elif resource.pod_template is not None:
            role = "workload"
        else:
            role = "object"
        out.append((meta, role))
    if resource.kind == "CronJob":
        jt = resource.data.get("spec", {}).get("jobTemplate") if isinstance(resource.data.get("spec"), dict) else None
        if isinstance(jt, YMap) and isinstance(jt.get("metadata"), YMap):
            out.append((jt["metadata"], "jobtemplate"))
    pod = resource.pod_template
    if pod is not None and resource.kind != "Pod" and pod.metadata is not None:
        out.append((pod.metadata, "pod"))
    return out


def mapping(meta: YMap, name: str):
    value = meta.get(name)
    return value if isinstance(value, YMap) else None


def describe_source(value) -> str:
    if value is None:
        return ""
    if value.source == "namespace":
        return " (inherited from the Namespace)"
    if value.source in ("config", "helm"):
        return f" (from the {'configuration' if value.source == 'config' else 'control plane Helm values'})"
    return ""


# Settings that take traffic out of the proxy's hands or open a workload's inbound policy.
# Moving one to where Linkerd reads it does what the manifest asks, but it switches a
# protection off: such a fix is unsafe (the criterion in linter/fixsafety.py).
_BYPASS = ("/skip-inbound-ports", "/skip-outbound-ports", "/skip-subnets")
_POLICY = "/default-inbound-policy"


def widens_exposure(key: str, value) -> bool:
    """Whether putting ``key: value`` into effect bypasses the proxy or loosens inbound policy."""
    if key.endswith(_BYPASS):
        return True
    return key.endswith(_POLICY) and value != "deny"
