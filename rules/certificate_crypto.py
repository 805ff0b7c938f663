from linter.rule import Example, Related, Severity, rule

from . import _example_certs as certs
from ._identity import FACTS, anchor_candidates, report
from ._x509 import anchor_problems, certificates, chain_to, issuer_problems, when


@rule(
    id="LNK704",
    name="certificate-crypto",
    severity=Severity.ERROR,
    severities=(Severity.WARNING, Severity.ERROR),
    scope="inventory",
    summary=(
        "The issuer is not an ECDSA P-256 CA, a trust anchor is not ECDSA P-256 or RSA 2048/4096, "
        "or (warning) the issuer outlives the anchor that signed it."
    ),
    why=(
        "Linkerd supports narrow key types. The issuer signs every workload certificate and must be an ECDSA "
        "P-256 CA signed with ECDSA-SHA256 or SHA256-RSA; trust anchors may be ECDSA P-256 or RSA 2048/4096 "
        "(SHA256-RSA). Anything else fails `linkerd check` (\"... using supported crypto algorithm\", fatal) and is "
        "refused by `linkerd install/upgrade`; proxies have rejected chains on other curves (P-521: UnknownIssuer, "
        "linkerd/linkerd2#3777); and the identity controller refuses an issuer that is not a CA, so no proxy gets "
        "a certificate. An issuer valid longer than its anchor stops verifying when the anchor expires, earlier "
        "than its own date suggests."
    ),
    how_to_fix=(
        "Regenerate the issuer as an intermediate CA with a P-256 key (`step certificate create ... --profile "
        "intermediate-ca`, the step default curve; with cert-manager `isCA: true` and `privateKey: {algorithm: "
        "ECDSA, size: 256}`), and give the anchor a longer life than any issuer it signs."
    ),
    references=(
        "linkerd/linkerd2 pkg/issuercerts/issuercerts.go (CheckIssuerCertAlgoRequirements, "
        "CheckTrustAnchorAlgoRequirements, checkECDSACertRequirements, checkRSACertRequirements)",
        "linkerd/linkerd2 pkg/identity/service.go (loadCredentials: \"it must be an intermediate-CA\")",
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
