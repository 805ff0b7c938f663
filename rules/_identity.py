"""Linkerd's identity material as the input holds it: trust anchors, issuer certificates, schemes.

Where Linkerd reads it (linkerd/linkerd2):

* trust bundle: ConfigMap ``linkerd-identity-trust-roots``, key ``ca-bundle.crt``, mounted by
  the identity controller and the proxy injector, which inlines it into every injected proxy
  as ``LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS`` (controller/cmd/identity/main.go,
  controller/proxy-injector/webhook.go, charts/partials/templates/_proxy.tpl); the chart
  renders the ConfigMap from ``identityTrustAnchorsPEM`` unless ``identity.externalCA``
  (charts/linkerd-control-plane/templates/identity.yaml);
* issuer: Secret ``linkerd-identity-issuer``; scheme ``linkerd.io/tls`` reads ``crt.pem`` and
  ``key.pem``, any other scheme ``tls.crt`` and ``tls.key``, and ``linkerd check``/``linkerd
  upgrade`` read the anchors from ``ca.crt`` (pkg/k8s/labels.go, pkg/issuercerts/issuercerts.go
  FetchIssuerData/FetchExternalIssuerData); the chart renders the Secret from
  ``identity.issuer.tls.crtPEM``/``keyPEM`` when the scheme is ``linkerd.io/tls``.

The collector here only records strings and positions; certificates are parsed (with
``cryptography``) by the rules, and only when some material was found.  Private keys are
never read.
"""

from __future__ import annotations

from linter.context import Where, value_of
from linter.located import YMap, YSeq, get_in
from linter.record import Record
from linter.values import resolve_vars

from . import _helm_values as helm

TRUST_ROOTS = "linkerd-identity-trust-roots"
TRUST_ROOTS_KEY = "ca-bundle.crt"
ISSUER_SECRET = "linkerd-identity-issuer"
SCHEME_LINKERD = "linkerd.io/tls"
SCHEME_K8S = "kubernetes.io/tls"
SCHEME_KEYS = {
    SCHEME_LINKERD: ("crt.pem", "key.pem"),
    SCHEME_K8S: ("tls.crt", "tls.key", "ca.crt"),
}
ENV_ANCHORS = "LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS"
PROXY_CONTAINER = "linkerd-proxy"
CONTROL_PLANE_LABEL = "linkerd.io/is-control-plane"
FACTS = "identity"

TRIGGER = (
    TRUST_ROOTS + "|" + ISSUER_SECRET + "|" + ENV_ANCHORS + "|" + CONTROL_PLANE_LABEL + "|" + helm.TRIGGER
)


class Material(Record, eq=False):
    """One value in the input that holds certificates (PEM text, decoded when it was base64)."""

    __slots__ = ("role", "origin", "path", "where", "resource", "text", "namespace", "doc", "runtime", "inlined",
                 "field")

    def __init__(self, role: str, origin: str, path: str, where: Where, resource: object | None, text: str,
                 namespace: str, doc: tuple, runtime: bool = True, inlined: bool = False, field: str = ""):
        self.role = role  # anchors | issuer
        self.origin = origin  # for messages: 'ConfigMap linkerd/linkerd-identity-trust-roots ca-bundle.crt'
        self.path = path  # display path of the file
        self.where = where
        self.resource = resource  # the object to report on; None for a values file
        self.text = text
        self.namespace = namespace  # the control plane it belongs to (the pod's, for inlined anchors)
        self.doc = doc  # (path, document index): material of one values document belongs together
        self.runtime = runtime  # anchors Linkerd actually loads (False: Helm anchors with externalCA)
        self.inlined = inlined  # anchors inlined into a proxy container
        self.field = field  # the key it is under: ca-bundle.crt, crt.pem, crtPEM, the env name, ...


class Scheme(Record, eq=False):
    __slots__ = ("value", "namespace", "path", "where", "resource")

    def __init__(self, value: str, namespace: str, path: str, where: Where, resource: object | None):
        self.value = value
        self.namespace = namespace
        self.path = path
        self.where = where
        self.resource = resource


class IdentityFacts(Record):
    __slots__ = ("materials", "schemes", "secrets", "control_planes", "parsed")

    def __init__(self, materials: list | None = None, schemes: list | None = None, secrets: list | None = None,
                 control_planes: set | None = None, parsed: dict | None = None):
        self.materials = [] if materials is None else materials
        self.schemes = [] if schemes is None else schemes
        self.secrets = [] if secrets is None else secrets  # the issuer Secrets (Resources)
        self.control_planes = set() if control_planes is None else control_planes  # namespaces with a control plane
        self.parsed = {} if parsed is None else parsed  # id(material) -> parsed certificates (rules' cache)

    def scheme_for(self, namespace: str):
        """The scheme the Helm values in the input give that control plane: Scheme, or None when
        unknown or contradictory."""
        found = [s for s in self.schemes if s.namespace == namespace]
        if not found or len({s.value for s in found}) > 1:
            return None
        return found[0]


def facts(inv) -> IdentityFacts:
    hit = inv.facts.get(FACTS)
    if hit is None:
        hit = inv.facts[FACTS] = IdentityFacts()
        hit.control_planes.add(inv.settings.control_plane_namespace)
    return hit


# -- collection --------------------------------------------------------------------


def _text(value) -> str | None:
    if not isinstance(value, str):
        return None
    text = resolve_vars(value)
    return text if isinstance(text, str) and text.strip() else None


def _b64(value) -> str | None:
    if not isinstance(value, str):
        return None
    import base64
    import binascii

    try:
        raw = base64.b64decode("".join(value.split()), validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None  # not base64 or not text: the API server or another rule says so


def secret_entries(res) -> dict:
    """key -> (container YMap, text) of a Secret, stringData winning over data as the API server merges them."""
    out: dict = {}
    data = res.data.get("data")
    if isinstance(data, YMap):
        for k, v in data.items():
            out[k] = (data, _b64(v))
    sdata = res.data.get("stringData")
    if isinstance(sdata, YMap):
        for k, v in sdata.items():
            out[k] = (sdata, _text(v))
    return out


def collect_resource(res, inv) -> None:
    f = facts(inv)
    # An identity object that names no namespace is applied into the control plane's
    # (kustomize or Flux sets it); the injected pods' namespace is only used for messages.
    ns = res.namespace if res.namespace_written else inv.settings.control_plane_namespace
    where_doc = (res.file, res.doc_index)
    if res.kind == "ConfigMap" and res.api_version == "v1" and res.name == TRUST_ROOTS:
        data = res.data.get("data")
        if isinstance(data, YMap):
            text = _text(data.get(TRUST_ROOTS_KEY))
            if text:
                f.materials.append(
                    Material("anchors", f"ConfigMap {ns}/{TRUST_ROOTS} {TRUST_ROOTS_KEY}", res.file,
                             value_of(data, TRUST_ROOTS_KEY), res, text, ns, where_doc, field=TRUST_ROOTS_KEY)
                )
        f.control_planes.add(ns)
    elif res.kind == "Secret" and res.api_version == "v1" and res.name == ISSUER_SECRET:
        f.secrets.append(res)
        for key, (container, text) in secret_entries(res).items():
            if not text or key not in ("crt.pem", "tls.crt", "ca.crt"):
                continue
            role = "anchors" if key == "ca.crt" else "issuer"
            origin = f"Secret {ns}/{ISSUER_SECRET} {key}"
            # ca.crt is what `linkerd check` takes as the anchors; the runtime bundle is the ConfigMap.
            f.materials.append(
                Material(role, origin, res.file, value_of(container, key), res, text, ns, where_doc, runtime=False,
                         field=key)
            )
    elif res.kind == "Namespace" and res.labels.get(CONTROL_PLANE_LABEL) == "true":
        f.control_planes.add(res.name)
    elif helm.is_helm_release(res):
        values = helm.helm_release_values(res)
        if values is not None:
            rns = helm.release_namespace(res, inv.settings.control_plane_namespace)
            collect_values(values, res.file, res, rns, where_doc, f, f"HelmRelease {res.namespace}/{res.name}")
    pod = res.pod_template
    if pod is not None:
        for container in pod.containers() + pod.containers(init=True):  # native sidecars are init containers
            if container.get("name") != PROXY_CONTAINER:
                continue
            env = container.get("env")
            if not isinstance(env, YSeq):
                continue
            for item in env:
                if isinstance(item, YMap) and item.get("name") == ENV_ANCHORS:
                    text = _text(item.get("value"))
                    if text:
                        f.materials.append(
                            Material("anchors", f"{res.kind} {res.namespace}/{res.name} container linkerd-proxy env {ENV_ANCHORS}",
                                     res.file, value_of(item, "value"), res, text, res.namespace or "", where_doc,
                                     inlined=True, field=ENV_ANCHORS)
                        )


def collect_document(path: str, doc, inv) -> None:
    """A values file of the control-plane chart (a document that is not a Kubernetes object)."""
    if not helm.is_control_plane_values(doc.data):
        return
    f = facts(inv)
    collect_values(doc.data, path, None, inv.settings.control_plane_namespace, (path, doc.index), f, "Helm values")


def collect_values(values: YMap, path, resource, namespace: str, doc_key: tuple, f: IdentityFacts, label: str) -> None:
    f.control_planes.add(namespace)
    external = get_in(values, "identity", "externalCA") is True
    text = _text(values.get("identityTrustAnchorsPEM"))
    if text:
        f.materials.append(
            Material("anchors", f"{label} identityTrustAnchorsPEM", path, value_of(values, "identityTrustAnchorsPEM"),
                     resource, text, namespace, doc_key, runtime=not external, field="identityTrustAnchorsPEM")
        )
    tls = get_in(values, "identity", "issuer", "tls")
    if isinstance(tls, YMap):
        text = _text(tls.get("crtPEM"))
        if text:
            f.materials.append(
                Material("issuer", f"{label} identity.issuer.tls.crtPEM", path, value_of(tls, "crtPEM"), resource,
                         text, namespace, doc_key, field="crtPEM")
            )
    issuer = get_in(values, "identity", "issuer")
    if isinstance(issuer, YMap) and isinstance(issuer.get("scheme"), str):
        value = resolve_vars(issuer["scheme"])
        if value is not None:
            f.schemes.append(Scheme(value, namespace, path, value_of(issuer, "scheme"), resource))


# -- reporting -----------------------------------------------------------------------


def report(ctx, material, message: str, severity=None, related=()) -> None:
    if material.resource is not None:
        ctx.report_on(material.resource, material.where, message, severity=severity, related=related)
    else:
        ctx.report_at(material.path, material.where, message, severity=severity, related=related)


def namespace_of(res, settings) -> str:
    return res.namespace if res.namespace_written else settings.control_plane_namespace


def anchor_candidates(f: IdentityFacts, issuer: Material) -> list:
    """The anchor bundles an issuer must chain to, most authoritative first found:

    1. anchors in the same values document (the chart renders both from one release);
    2. the bundles Linkerd loads at runtime in the issuer's namespace (the trust-roots
       ConfigMap; Helm ``identityTrustAnchorsPEM`` unless ``identity.externalCA``);
    3. ``ca.crt`` of the issuer Secret, which ``linkerd check`` uses for external issuers.
    """
    anchors = [m for m in f.materials if m.role == "anchors" and not m.inlined]
    same_doc = [m for m in anchors if m.doc == issuer.doc and m.resource is issuer.resource and m.runtime]
    if same_doc:
        return same_doc
    runtime = [m for m in anchors if m.namespace == issuer.namespace and m.runtime]
    if runtime:
        return runtime
    return [m for m in anchors if m.doc == issuer.doc and m.resource is issuer.resource]
