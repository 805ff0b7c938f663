from linter.rule import Example, Related, Severity, rule

from . import _example_certs as certs
from ._identity import ENV_ANCHORS, FACTS, anchor_candidates, report
from ._x509 import anchor_problems, certificates, chain_to, issuer_problems, no_certificate, when


@rule(
    id="LNK704",
    name="certificate-crypto",
    severity=Severity.ERROR,
    severities=(Severity.WARNING, Severity.ERROR),
    scope="inventory",
    summary=(
        "The issuer is not an ECDSA P-256 CA, a trust anchor is not ECDSA P-256 or RSA 2048/4096, a value meant "
        "for certificates holds none (a private key, base64 text, no PEM at all), or (warning) the issuer "
        "outlives the anchor that signed it."
    ),
    why=(
        "Linkerd supports narrow key types. The issuer signs every workload certificate and must be an ECDSA "
        "P-256 CA signed with ECDSA-SHA256 or SHA256-RSA; trust anchors may be ECDSA P-256 or RSA 2048/4096 "
        "(SHA256-RSA). Anything else fails `linkerd check` (\"... using supported crypto algorithm\", fatal) and is "
        "refused by `linkerd install/upgrade`; proxies have rejected chains on other curves (P-521: UnknownIssuer, "
        "linkerd/linkerd2#3777); and the identity controller refuses an issuer that is not a CA, so no proxy gets "
        "a certificate. An issuer valid longer than its anchor stops verifying when the anchor expires, earlier "
        "than its own date suggests.\n\n"
        "A value that must hold certificates - the trust-roots ConfigMap's `ca-bundle.crt`, the issuer Secret's "
        "`crt.pem`/`tls.crt`/`ca.crt`, Helm `identityTrustAnchorsPEM` and `identity.issuer.tls.crtPEM`, a proxy's "
        "`LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS` - but holds a private key (the two files swapped), base64 text "
        "(encoded once too often) or no PEM at all gives Linkerd no certificate: the identity controller stops "
        "at start-up (\"Failed to read trust anchors\", \"failed to read CA from disk\") and a proxy does not "
        "start (\"no trust roots in PEM file\"). Linkerd's Go code also stops reading at the first PEM block "
        "that is not a certificate, so certificates after a key block are never read. Values that a deploy step "
        "substitutes (`{{ ... }}`, `<path:...>`, `((var))`, `#{var}`) and PEM blocks cut short are not judged."
    ),
    how_to_fix=(
        "Regenerate the issuer as an intermediate CA with a P-256 key (`step certificate create ... --profile "
        "intermediate-ca`, the step default curve; with cert-manager `isCA: true` and `privateKey: {algorithm: "
        "ECDSA, size: 256}`), and give the anchor a longer life than any issuer it signs. Put the certificate "
        "(`-----BEGIN CERTIFICATE-----`) where a certificate belongs, the key only in the key entry (`key.pem`, "
        "`tls.key`, `keyPEM`), and PEM text itself where the value is not base64 (`stringData`, ConfigMaps, Helm "
        "values)."
    ),
    references=(
        "linkerd/linkerd2 pkg/issuercerts/issuercerts.go (CheckIssuerCertAlgoRequirements, "
        "CheckTrustAnchorAlgoRequirements, checkECDSACertRequirements, checkRSACertRequirements)",
        "linkerd/linkerd2 pkg/identity/service.go (loadCredentials: \"it must be an intermediate-CA\", \"failed to "
        "read CA from disk\")",
        "linkerd/linkerd2 controller/cmd/identity/main.go at version-2.18 (DecodePEMCertPool of the trust roots: "
        "\"Failed to read trust anchors\"; svc.Initialize: \"Failed to initialize identity service\")",
        "linkerd/linkerd2 pkg/tls/codec.go (DecodePEMCertificates, decodeCertificatePEM: \"not a PEM certificate\", a "
        "block that is not a CERTIFICATE ends the reading; DecodePEMCertPool: \"no certificates found\") and "
        "pkg/tls/cred.go (ValidateAndCreateCreds, DecodePEMCrt: \"No certificates found\")",
        "linkerd/linkerd2-proxy linkerd/meshtls/rustls/src/creds.rs (watch: \"no trust roots in PEM file\")",
        "linkerd/linkerd2 charts/linkerd-control-plane/templates/identity.yaml (ca-bundle.crt from "
        "identityTrustAnchorsPEM, crt.pem from identity.issuer.tls.crtPEM)",
        "https://github.com/linkerd/linkerd2/issues/3777",
        "https://linkerd.io/2/tasks/generate-certificates/",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Secret\n"
        "metadata:\n"
        "  name: linkerd-identity-issuer\n"
        "  namespace: linkerd\n"
        "stringData:\n"
        "  crt.pem: |  # <- LNK704 @|\n" + certs.block(certs.P384_ISSUER, 4),
        config={"now": "2025-06-01"},
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Secret\n"
        "metadata:\n"
        "  name: linkerd-identity-issuer\n"
        "  namespace: linkerd\n"
        "stringData:\n"
        "  crt.pem: |\n" + certs.block(certs.ISSUER, 4),
        config={"now": "2025-06-01"},
    ),
)
def check(ctx):
    facts = ctx.inventory.facts.get(FACTS)
    if facts is None:
        return
    for material in facts.materials:
        if not ctx.inventory.reports(material.path):
            continue
        if _no_certificate(ctx, material):
            continue
        found = certificates(facts, material)
        if not found:
            continue
        if material.role == "anchors":
            for cert in found:
                for problem in anchor_problems(cert):
                    report(ctx, material, f"trust anchor {cert.label} in {material.origin}: {problem}")
            continue
        issuer = found[0]
        for problem in issuer_problems(issuer):
            report(ctx, material, f"issuer certificate {issuer.name} in {material.origin}: {problem}")
        _outlives(ctx, facts, material, found)


def _outlives(ctx, facts, material, chain) -> None:
    bundles = anchor_candidates(facts, material)
    anchors = [c for m in bundles for c in certificates(facts, m)]
    anchor = chain_to(chain[0], chain[1:], anchors) if anchors else None
    if anchor is None or chain[0].not_after <= anchor.not_after:
        return
    home = next((m for m in bundles if any(c is anchor for c in certificates(facts, m))), None)
    related = (Related(home.path, home.where.span, "the anchor is here"),) if home is not None else ()
    report(
        ctx,
        material,
        f"issuer certificate {chain[0].name} in {material.origin} is valid until {when(chain[0].not_after)}, after "
        f"its trust anchor {anchor.name} expires ({when(anchor.not_after)}); it stops verifying when the anchor does",
        severity=Severity.WARNING,
        related=related,
    )


# What reads each value, and what happens when it finds no certificate there.
_STARTUP = "the identity controller cannot {} and does not start, so no proxy gets a certificate"
_CONSEQUENCE = {
    "ca-bundle.crt": _STARTUP.format('load the trust anchors ("Failed to read trust anchors")'),
    "identityTrustAnchorsPEM": "the chart renders it into the linkerd-identity-trust-roots ConfigMap, and "
                               + _STARTUP.format('load the trust anchors ("Failed to read trust anchors")'),
    "crt.pem": _STARTUP.format('read the issuer certificate ("failed to read CA from disk")'),
    "tls.crt": _STARTUP.format('read the issuer certificate ("failed to read CA from disk")'),
    "crtPEM": "the chart renders it into the issuer Secret's crt.pem, and "
              + _STARTUP.format('read the issuer certificate ("failed to read CA from disk")'),
    "ca.crt": "`linkerd check` and `linkerd upgrade` read the trust anchors from it and find none",
    ENV_ANCHORS: 'the proxy cannot load its trust anchors ("no trust roots in PEM file") and does not start',
}
_KEY_FIELD = {"crt.pem": "key.pem", "tls.crt": "tls.key", "crtPEM": "identity.issuer.tls.keyPEM"}


def _no_certificate(ctx, material) -> bool:
    """Report a value meant for certificates that gives Linkerd none; True when reported (nothing else to judge)."""
    consequence = _CONSEQUENCE.get(material.field)
    if consequence is None or (material.field == "identityTrustAnchorsPEM" and not material.runtime):
        return False  # Helm anchors under identity.externalCA: the ConfigMap comes from elsewhere
    missing = no_certificate(material.text, first_only=not material.inlined)
    if missing is None:
        return False
    belongs = "the trust anchor certificates belong" if material.role == "anchors" else "the issuer certificate belongs"
    if missing.private_key:
        message = f"{material.origin} holds a private key where {belongs}: {consequence}"
        keys = _KEY_FIELD.get(material.field)
        fix = "put the PEM certificate here" + (f" and the key in {keys}" if keys else "")
    elif missing.block:
        message = f"{material.origin} holds a {missing.block} block where {belongs}, not a certificate: {consequence}"
        fix = "put the PEM certificate here"
    elif missing.base64:
        message = f"{material.origin} holds base64-encoded PEM, not PEM: {consequence}"
        fix = "write the PEM text itself"
        if material.field in ("crt.pem", "tls.crt", "ca.crt"):
            plain = material.resource.data.get("stringData")
            if not (isinstance(plain, dict) and material.field in plain):  # from `data`: decoded once already
                fix = "it is encoded twice: base64-encode the PEM text once"
    else:
        message = f"{material.origin} holds no PEM certificate: {consequence}"
        fix = "put the PEM certificate here"
    if missing.hidden:
        fix = ("Linkerd stops reading at the first block that is not a certificate, so the certificates after it are "
               f"never read; {fix}")
    report(ctx, material, f"{message}; {fix}")
    return True
