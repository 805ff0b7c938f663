"""Run-wide facts from the Linkerd control plane in the input: identity material and Helm proxy defaults.

Both are read in the engine's context pass, so every rule already knows them when
it judges a pod, whatever the order of the files.

Helm proxy defaults
-------------------
``proxy.resources.{cpu,memory,ephemeral-storage}.{request,limit}`` of the
linkerd-control-plane values (a values file or a Flux HelmRelease's ``spec.values``)
are what the injector gives every proxy that does not override them with a
``config.linkerd.io/proxy-*`` annotation (charts/partials/templates/_resources.tpl
renders them; pkg/inject/inject.go applies the annotation overrides on top).  They
become the baseline of every pod's effective configuration with source ``helm``.

Precedence: Helm values in the input win over ``proxy-defaults`` in .linkerd-lint.yaml,
key by key.  The configuration key exists to tell linkerd-lint what the cluster's Helm
values are when they are *not* in the input; when they are, the input is what gets
deployed and the configuration is a hand-kept copy that can only be as good or staler.
When several control-plane values in the run set the same key, the first one read
wins (targets before --context files, in path order).  A HelmRelease's ``valuesFrom``
(ConfigMaps and Secrets the linter cannot read) makes the keys nothing else sets
unknown rather than unset.
"""

from __future__ import annotations

from linter.located import YMap, YSeq
from linter.mesh import Value
from linter.rule import collector

from . import _helm_values as helm
from . import _identity as identity
from ._proxy import RESOURCES, annotation

HELM_DEFAULTS = {
    f"proxy.resources.{res}.{kind}": annotation(res, kind) for res in RESOURCES for kind in ("request", "limit")
}
_CLAIMED = "helm.proxy-defaults"  # facts key: annotation keys already set from Helm in this run


def _proxy_defaults(values, path: str, inv) -> None:
    claimed = inv.facts.setdefault(_CLAIMED, set())
    for dotted, key in HELM_DEFAULTS.items():
        hit = helm.lookup(values, dotted)
        if hit is None or key in claimed:
            continue
        container, k = hit
        raw = container[k]
        # The chart's default is "" (unset); other types are LNK611's business, not a baseline.
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)) or str(raw).strip() == "":
            continue
        claimed.add(key)
        inv.proxy_defaults[key] = Value(
            raw if isinstance(raw, str) else str(raw), "helm", path, container.value_span(k), container.path + (k,)
        )


def _defaults_from_document(path, doc, inv) -> None:
    if helm.is_control_plane_values(doc.data):
        _proxy_defaults(doc.data, path, inv)


def _values_from(resource, inv) -> None:
    """Keys a HelmRelease's ``spec.valuesFrom`` may set: known to be set, value unknown.

    Flux merges ConfigMaps/Secrets the linter cannot read under ``spec.values``; when one
    of them may carry ``proxy.resources`` (no ``targetPath``, or one under it), the keys
    nothing else sets get a value whose text is None, which rules treat like an
    unresolved variable: they stay quiet instead of calling the limit missing.
    """
    spec = resource.data.get("spec")
    sources = spec.get("valuesFrom") if isinstance(spec, YMap) else None
    if not isinstance(sources, YSeq):
        return
    for src in sources:
        target = src.get("targetPath") if isinstance(src, YMap) else None
        if isinstance(src, YMap) and (not isinstance(target, str) or target.split(".")[0] == "proxy"):
            break
    else:
        return
    for key in HELM_DEFAULTS.values():
        if key not in inv.proxy_defaults:
            inv.proxy_defaults[key] = Value(None, "helm", resource.file, spec.key_span("valuesFrom"),
                                            spec.path + ("valuesFrom",))


@collector(name="helm-proxy-defaults", trigger=helm.TRIGGER, documents=_defaults_from_document)
def helm_proxy_defaults(resource, inv):
    values = helm.helm_release_values(resource)
    if values is not None:
        _proxy_defaults(values, resource.file, inv)
    if helm.is_helm_release(resource) and (values is not None or helm.chart_name(resource) in helm.CHARTS):
        _values_from(resource, inv)


@collector(name="identity-material", trigger=identity.TRIGGER, documents=identity.collect_document)
def identity_material(resource, inv):
    identity.collect_resource(resource, inv)
