from linter.rule import Example, Related, Severity, rule

from . import _example_certs as certs
from ._identity import FACTS, anchor_candidates, report
from ._x509 import certificates, chain_to


@rule(
    id="LNK703",
    name="issuer-not-signed-by-anchor",
    severity=Severity.ERROR,
    scope="inventory",
    summary="The identity issuer certificate does not chain to any trust anchor of the bundle in the input.",
    why=(
        "The identity controller verifies its issuer against the trust bundle when it loads it, and refuses an "
        "issuer that does not chain to an anchor (\"failed to verify issuer credentials ... with trust anchors\"): "
        "no proxy gets a workload certificate. Even if it were accepted, proxies verify their peers against the "
        "same bundle, so every mTLS handshake would fail. This happens when the anchor and issuer come from "
        "different `step`/cert-manager runs, or when one was rotated without the other."
    ),
    how_to_fix=(
        "Sign the issuer with the trust anchor in `linkerd-identity-trust-roots` / `identityTrustAnchorsPEM` "
        "(`step certificate create identity.linkerd.cluster.local issuer.crt issuer.key --profile intermediate-ca "
        "--ca ca.crt --ca-key ca.key`), or add the anchor that signed it to the bundle."
    ),
    references=(
        "linkerd/linkerd2 pkg/identity/service.go (loadCredentials: creds.Crt.Verify(trustAnchors, ...))",
        "linkerd/linkerd2 pkg/issuercerts/issuercerts.go (VerifyAndBuildCreds)",
        "linkerd/linkerd2 pkg/healthcheck/healthcheck.go (\"issuer cert is issued by the trust anchor\")",
        "https://linkerd.io/2/tasks/generate-certificates/",
    ),
    bad=Example(
        "# values.yaml of the linkerd-control-plane chart\n"
        "identityTrustAnchorsPEM: |\n" + certs.block(certs.ANCHOR, 2) +
        "identity:\n"
        "  issuer:\n"
        "    tls:\n"
        "      crtPEM: |  # <- LNK703 @|\n" + certs.block(certs.OTHER_ISSUER, 8),
        config={"now": "2025-06-01"},
    ),
    good=Example(
        "# values.yaml of the linkerd-control-plane chart\n"
        "identityTrustAnchorsPEM: |\n" + certs.block(certs.ANCHOR, 2) +
        "identity:\n"
        "  issuer:\n"
        "    tls:\n"
        "      crtPEM: |\n" + certs.block(certs.ISSUER, 8),
        config={"now": "2025-06-01"},
    ),
)
def check(ctx):
    facts = ctx.inventory.facts.get(FACTS)
    if facts is None:
        return
    for issuer in facts.materials:
        if issuer.role != "issuer" or not ctx.inventory.reports(issuer.path):
            continue
        chain = certificates(facts, issuer)
        bundles = anchor_candidates(facts, issuer)
        anchors = [c for m in bundles for c in certificates(facts, m)]
        if not chain or not anchors:
            continue  # nothing to compare: the other half is not in the input (or does not parse)
        if chain_to(chain[0], chain[1:], anchors) is not None:
            continue
        names = ", ".join(sorted({a.name for a in anchors}))
        origins = "; ".join(m.origin for m in bundles)
        related = tuple(Related(m.path, m.where.span, "trust anchors here") for m in bundles if m.path != issuer.path
                        or m.where.span != issuer.where.span)
        report(
            ctx,
            issuer,
            f"issuer certificate {chain[0].name} in {issuer.origin} is not signed by any trust anchor of {origins} "
            f"({names}); the identity controller refuses it and no proxy gets a workload certificate",
            related=related,
        )
