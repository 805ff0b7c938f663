from linter.context import key_of, value_of
from linter.lazyre import pattern
from linter.located import YMap, YSeq, get_in
from linter.rule import Example, Related, Severity, rule
from linter.values import resolve_vars

from ._identity import ISSUER_SECRET, TRUST_ROOTS, facts

CM_GROUP = "cert-manager.io"
TRUST_GROUP = "trust.cert-manager.io"
DEFAULT_DURATION_H = 2160  # cert-manager's default Certificate duration: 90 days

_GO_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
_GO_PART = pattern(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_SEMVER = pattern(r"^v?(\d+)\.(\d+)\.\d+$")


def go_duration(text) -> float | None:
    """Seconds in a Go duration (48h, 25h0m0s, 1h30m, 90m); None when it is not one."""
    if not isinstance(text, str):
        return None
    s = text.strip()
    if s == "0":
        return 0.0
    pos, total = 0, 0.0
    for m in _GO_PART.finditer(s):
        if m.start() != pos:
            return None
        total += float(m.group(1)) * _GO_UNITS[m.group(2)]
        pos = m.end()
    return total if pos == len(s) and pos > 0 else None


@rule(
    id="LNK706",
    name="cert-manager-identity",
    severity=Severity.WARNING,
    scope="inventory",
    kinds=("Certificate", "Issuer", "ClusterIssuer", "Bundle", "HelmRelease"),
    summary=(
        "A cert-manager Certificate for Linkerd's identity issuer is not an ECDSA P-256 CA, renews no earlier than "
        "it expires, or lives outside the control plane's namespace; or the trust anchor's key rotates by itself."
    ),
    why=(
        "cert-manager writes the issuer into the `linkerd-identity-issuer` Secret that the identity controller "
        "mounts. Without `isCA: true` the certificate cannot sign workload certificates and Linkerd refuses it; "
        "without `privateKey.algorithm: ECDSA` cert-manager generates RSA 2048, which Linkerd does not support as an "
        "issuer (`linkerd check` fails fatally); "
        "a `renewBefore` not shorter than `duration` is rejected by cert-manager's webhook; and in any namespace "
        "but the control plane's, cert-manager renews a Secret Linkerd never reads while the copy Linkerd uses "
        "expires. For the trust anchor, `rotationPolicy: Always` gives each renewal a new key: unless the trust "
        "bundle keeps the previous anchor until every proxy is restarted, the mesh splits between old and new "
        "anchors. Since cert-manager 1.18, `Always` is also the default: a trust-anchor Certificate that sets no "
        "`rotationPolicy` is treated as `Always` (unless a Flux HelmRelease in the input pins cert-manager to an "
        "older release, whose default was `Never`). Every cert-manager release still supported defaults to `Always`, "
        "and setting the policy explicitly is right on any release, so this is a warning, not a notice. A "
        "trust-manager Bundle in the input that reads the anchor and has a second source (the previous anchor) "
        "stages the rotation as Linkerd's guide does and silences the finding; a Bundle elsewhere can be given "
        "with `--context`."
    ),
    how_to_fix=(
        "For the issuer Certificate: `isCA: true`, `privateKey: {algorithm: ECDSA, size: 256}`, `renewBefore` "
        "shorter than `duration` (e.g. 48h/25h), in the control plane's namespace (with a ClusterIssuer if the CA "
        "lives elsewhere). For the anchor: stage rotation with a trust-manager Bundle that also sources the previous "
        "anchor, as Linkerd's cert-manager guide does, and restart the control plane and workloads before dropping it; "
        "or set `privateKey.rotationPolicy: Never` and rotate the anchor by hand."
    ),
    references=(
        "https://linkerd.io/2/tasks/automatically-rotating-control-plane-tls-credentials/",
        "linkerd/linkerd2 pkg/issuercerts/issuercerts.go (CheckIssuerCertAlgoRequirements; VerifyAndBuildCreds: "
        "\"issuer cert is not a CA\")",
        "cert-manager/cert-manager internal/apis/certmanager/validation/certificate.go (ValidateDuration)",
        "https://cert-manager.io/docs/reference/api-docs/#cert-manager.io/v1.CertificatePrivateKey",
        "https://github.com/cert-manager/cert-manager/releases/tag/v1.18.0 (new default for "
        "Certificate.Spec.PrivateKey.RotationPolicy: Always, breaking change)",
        "https://www.buoyant.io/blog/careful-with-cert-manager-1-18 (the trust anchor under the new default)",
    ),
    bad=Example(
        "apiVersion: cert-manager.io/v1\n"
        "kind: Certificate\n"
        "metadata:\n"
        "  name: linkerd-identity-issuer\n"
        "  namespace: cert-manager  # <- LNK706 @cert-manager\n"
        "spec:\n"
        "  secretName: linkerd-identity-issuer\n"
        "  issuerRef: {name: linkerd-trust-anchor, kind: ClusterIssuer}\n"
        "  commonName: identity.linkerd.cluster.local\n"
        "  isCA: false  # <- LNK706 @false\n"
        "  duration: 24h\n"
        "  renewBefore: 48h  # <- LNK706 @48h\n"
        "  privateKey:\n"
        "    algorithm: RSA  # <- LNK706 @RSA\n"
    ),
    good=Example(
        "apiVersion: cert-manager.io/v1\n"
        "kind: Certificate\n"
        "metadata:\n"
        "  name: linkerd-identity-issuer\n"
        "  namespace: linkerd\n"
        "spec:\n"
        "  secretName: linkerd-identity-issuer\n"
        "  issuerRef: {name: linkerd-trust-anchor, kind: ClusterIssuer}\n"
        "  commonName: identity.linkerd.cluster.local\n"
        "  isCA: true\n"
        "  duration: 48h\n"
        "  renewBefore: 25h\n"
        "  privateKey:\n"
        "    algorithm: ECDSA\n"
        "    rotationPolicy: Always\n"
    ),
)
def check(ctx):
    inv = ctx.inventory
    certs = [r for r in inv.resources if r.kind == "Certificate" and r.group == CM_GROUP and isinstance(r.data.get("spec"), YMap)]
    if not certs:
        return
    control_planes = facts(inv).control_planes
    issuer_certs = [c for c in certs if c.data["spec"].get("secretName") == ISSUER_SECRET]
    for cert in issuer_certs:
        if inv.reports(cert):
            _check_issuer(ctx, cert, control_planes)
    bundles = [r for r in inv.resources if r.kind == "Bundle" and r.group == TRUST_GROUP and _targets_trust_roots(r)]
    cert_manager = _cert_manager_version(inv.resources)
    for cert in _anchor_certificates(inv, certs, issuer_certs, bundles):
        if inv.reports(cert):
            _check_anchor(ctx, cert, bundles, cert_manager)


def _check_issuer(ctx, cert, control_planes) -> None:
    spec = cert.data["spec"]
    meta = cert.metadata
    if cert.namespace_written and cert.namespace not in control_planes and meta is not None:
        ctx.report_on(cert, value_of(meta, "namespace"),
                      f"Certificate {cert.name} writes the {ISSUER_SECRET} Secret into namespace {cert.namespace!r}, "
                      f"but Linkerd reads it from the control plane's ({', '.join(sorted(control_planes))}); cert-manager renews a "
                      "Secret Linkerd never reads (set control-plane-namespace if the control plane lives here)")
    is_ca = spec.get("isCA")
    is_ca = resolve_vars(is_ca) if isinstance(is_ca, str) else is_ca
    if "isCA" not in spec:
        ctx.report_on(cert, key_of(cert.data, "spec"),
                      f"Certificate {cert.name} for the Linkerd identity issuer does not set isCA: true; the issued "
                      "certificate cannot sign workload certificates and Linkerd refuses it")
    elif is_ca is not None and is_ca is not True and str(is_ca).lower() != "true":
        ctx.report_on(cert, value_of(spec, "isCA"),
                      f"Certificate {cert.name} for the Linkerd identity issuer has isCA: {spec['isCA']}; the issued "
                      "certificate cannot sign workload certificates and Linkerd refuses it")
    _check_key(ctx, cert, spec)
    _check_renewal(ctx, cert, spec)


def _check_key(ctx, cert, spec) -> None:
    legacy = spec.get("keyAlgorithm")  # cert-manager.io/v1alpha2..v1beta1
    pk = spec.get("privateKey")
    if isinstance(legacy, str) and not isinstance(get_in(pk, "algorithm"), str):
        algo_box, algo_key, size_box, size_key = spec, "keyAlgorithm", spec, "keySize"
    elif isinstance(pk, YMap):
        algo_box, algo_key, size_box, size_key = pk, "algorithm", pk, "size"
    else:
        ctx.report_on(cert, key_of(cert.data, "spec"),
                      f"Certificate {cert.name} for the Linkerd identity issuer sets no privateKey: cert-manager "
                      "generates RSA 2048, and Linkerd's issuer must be ECDSA P-256 (privateKey: {algorithm: ECDSA})")
        return
    algo = algo_box.get(algo_key)
    algo = resolve_vars(algo) if isinstance(algo, str) else algo
    if algo is None and algo_key in algo_box:
        return  # an unresolved GitOps variable
    if algo_key not in algo_box:
        ctx.report_on(cert, key_of(cert.data, "spec") if algo_box is spec else key_of(spec, "privateKey"),
                      f"Certificate {cert.name} for the Linkerd identity issuer sets no key algorithm: cert-manager "
                      "generates RSA 2048, and Linkerd's issuer must be ECDSA P-256 (algorithm: ECDSA)")
        return
    if str(algo).upper() != "ECDSA":
        ctx.report_on(cert, value_of(algo_box, algo_key),
                      f"Certificate {cert.name} for the Linkerd identity issuer uses a {algo} key; Linkerd supports "
                      "only ECDSA P-256 issuers (algorithm: ECDSA)")
        return
    size = size_box.get(size_key)
    size = resolve_vars(size) if isinstance(size, str) else size
    if size is not None and str(size) != "256":
        ctx.report_on(cert, value_of(size_box, size_key),
                      f"Certificate {cert.name} for the Linkerd identity issuer asks for an ECDSA key of size {size}; "
                      "Linkerd's issuer must use P-256 (size: 256, the default)")


def _check_renewal(ctx, cert, spec) -> None:
    if "renewBefore" not in spec:
        return
    renew = go_duration(resolve_vars(spec["renewBefore"]))
    duration_text = resolve_vars(spec["duration"]) if "duration" in spec else f"{DEFAULT_DURATION_H}h"
    duration = go_duration(duration_text)
    if renew is None or duration is None or renew < duration:
        return
    ctx.report_on(cert, value_of(spec, "renewBefore"),
                  f"Certificate {cert.name}: renewBefore {spec['renewBefore']} is not shorter than the duration "
                  f"{duration_text}{'' if 'duration' in spec else ' (the default)'}; cert-manager's webhook rejects "
                  "the Certificate and the issuer is never renewed")


def _targets_trust_roots(bundle) -> bool:
    return bundle.name == TRUST_ROOTS


def _anchor_certificates(inv, certs, issuer_certs, bundles) -> list:
    """Certificates that produce the trust anchor: the CA of the issuer Certificates' (Cluster)Issuer,
    and the tls.crt sources of the trust-manager Bundle that writes linkerd-identity-trust-roots."""
    issuers = [r for r in inv.resources if r.kind in ("Issuer", "ClusterIssuer") and r.group == CM_GROUP]
    wanted = set()  # (namespace or None, secret name)
    for cert in issuer_certs:
        ref = cert.data["spec"].get("issuerRef")
        if not isinstance(ref, YMap) or ref.get("group", CM_GROUP) != CM_GROUP:
            continue
        kind = ref.get("kind") or "Issuer"
        for iss in issuers:
            if iss.kind != kind or iss.name != ref.get("name"):
                continue
            if kind == "Issuer" and iss.namespace != cert.namespace:
                continue
            secret = get_in(iss.data, "spec", "ca", "secretName")
            if isinstance(secret, str):
                wanted.add((iss.namespace if kind == "Issuer" else None, secret))
    for bundle in bundles:
        for src in _bundle_sources(bundle):
            secret = get_in(src, "secret")
            if isinstance(secret, YMap) and secret.get("key") == "tls.crt" and isinstance(secret.get("name"), str):
                wanted.add((None, secret["name"]))
    out = []
    for cert in certs:
        name = cert.data["spec"].get("secretName")
        if name == ISSUER_SECRET:
            continue
        if (cert.namespace, name) in wanted or (None, name) in wanted:
            out.append(cert)
    return out


def _bundle_sources(bundle) -> list:
    sources = get_in(bundle.data, "spec", "sources")
    return list(sources) if isinstance(sources, YSeq) else []


def _sources_secret(bundle, secret_name) -> bool:
    return any(get_in(src, "secret", "name") == secret_name for src in _bundle_sources(bundle))


def _rotation_policy(pk, cert_manager):
    """(policy, defaulted): the anchor's key rotation policy; None when it cannot be told."""
    if isinstance(pk, YMap) and "rotationPolicy" in pk:
        value = resolve_vars(pk.get("rotationPolicy"))
        return (value, False) if isinstance(value, str) else (None, False)
    if cert_manager is not None and cert_manager < (1, 18):
        return "Never", True
    return "Always", True  # cert-manager 1.18 made Always the default


def _cert_manager_version(resources):
    """The cert-manager release a Flux HelmRelease in the input pins (oldest of several), else None."""
    found = []
    for r in resources:
        if r.kind != "HelmRelease" or r.group != "helm.toolkit.fluxcd.io":
            continue
        chart = get_in(r.data, "spec", "chart", "spec")
        if not isinstance(chart, YMap) or chart.get("chart") != "cert-manager":
            continue
        m = _SEMVER.match(str(resolve_vars(chart.get("version")) or ""))
        if m is None:
            return None  # a range or no version: whichever release the chart repository has
        found.append((int(m.group(1)), int(m.group(2))))
    return min(found) if found else None


def _check_anchor(ctx, cert, bundles, cert_manager) -> None:
    spec = cert.data["spec"]
    pk = spec.get("privateKey")
    policy, defaulted = _rotation_policy(pk, cert_manager)
    if policy != "Always":
        return
    # Only a Bundle that reads this anchor's Secret tells how its rotation is staged.
    mine = [b for b in bundles if _sources_secret(b, spec.get("secretName"))]
    if any(len(_bundle_sources(b)) >= 2 for b in mine):
        return  # the bundle keeps a second (previous) anchor: rotation is staged as Linkerd's guide does
    if defaulted:
        where = key_of(spec, "privateKey") if isinstance(pk, YMap) else key_of(cert.data, "spec")
        what = (f"trust-anchor Certificate {cert.name} sets no privateKey.rotationPolicy, and since cert-manager 1.18 "
                "it defaults to Always")
        fix = "; or set rotationPolicy: Never and rotate the anchor by hand"
    else:
        where = value_of(pk, "rotationPolicy")
        what = f"trust-anchor Certificate {cert.name} has rotationPolicy: Always"
        fix = ""
    if mine:
        b = mine[0]
        related = (Related(b.file, b.anchor, "the trust bundle has a single source"),)
        ctx.report_on(cert, where,
                      f"{what}, and the {TRUST_ROOTS} Bundle has no other source: each renewal puts a new anchor key "
                      "in place of the old one, and proxies still holding the old anchor stop verifying their peers; "
                      f"keep the previous anchor in the bundle until the control plane and every workload are "
                      f"restarted{fix}",
                      related=related)
        return
    ctx.report_on(cert, where,
                  f"{what}: each renewal generates a new anchor key, which proxies only trust after a restart, and no "
                  "trust-manager Bundle that keeps the previous anchor until then is in the input (give it with "
                  f"--context if it lives elsewhere){fix}")
