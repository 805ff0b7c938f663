from linter.clock import now
from linter.rule import Example, Severity, rule

from . import _example_certs as certs
from ._identity import FACTS, report
from ._x509 import each_certificate, when


@rule(
    id="LNK701",
    name="certificate-expired",
    severity=Severity.ERROR,
    scope="inventory",
    summary="A Linkerd trust anchor or identity issuer certificate is outside its validity period.",
    why=(
        "Linkerd's mTLS rests on two certificates that Linkerd never renews by itself: the trust anchor, which every "
        "proxy uses to verify its peers, and the issuer, with which the identity controller signs each proxy's "
        "24-hour workload certificate. An expired (or not yet valid) issuer is refused by the identity controller, "
        "so proxies stop getting certificates; an expired anchor makes every chain fail to verify. Either way meshed "
        "traffic fails across the cluster once the current workload certificates run out. `linkerd check` reports "
        "the same as \"trust anchors are within their validity period\" / \"issuer cert is within its validity period\"."
    ),
    how_to_fix=(
        "Generate new credentials and replace them (for an expired anchor, both the anchor and the issuer), then "
        "restart the control plane and the meshed workloads; better, let cert-manager rotate the issuer. "
        "The finding shows the certificate's name and dates, never its content."
    ),
    references=(
        "linkerd/linkerd2 pkg/issuercerts/issuercerts.go (CheckCertValidityPeriod)",
        "linkerd/linkerd2 pkg/healthcheck/healthcheck.go (LinkerdIdentity checks)",
        "https://linkerd.io/2/tasks/replacing_expired_certificates/",
        "https://linkerd.io/2/tasks/automatically-rotating-control-plane-tls-credentials/",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: linkerd-identity-trust-roots\n"
        "  namespace: linkerd\n"
        "data:\n"
        "  ca-bundle.crt: |  # <- LNK701 @|\n" + certs.block(certs.EXPIRED_ANCHOR, 4),
        config={"now": "2025-06-01"},
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: linkerd-identity-trust-roots\n"
        "  namespace: linkerd\n"
        "data:\n"
        "  ca-bundle.crt: |\n" + certs.block(certs.ANCHOR, 4),
        config={"now": "2025-06-01"},
    ),
)
def check(ctx):
    facts = ctx.inventory.facts.get(FACTS)
    if facts is None or not facts.materials:
        return
    moment = now(ctx.settings)
    for material, cert, what in each_certificate(facts, ctx.inventory):
        if moment < cert.not_before:
            report(ctx, material, f"{what} {cert.label} in {material.origin} is not valid before "
                                  f"{when(cert.not_before)}; Linkerd refuses it until then")
        elif moment > cert.not_after:
            report(ctx, material, f"{what} {cert.label} in {material.origin} expired on {when(cert.not_after)}; "
                                  f"{_consequence(what)}")


def _consequence(what: str) -> str:
    if what.startswith("trust anchor"):
        return "certificates that chain to it no longer verify, so meshed mTLS connections fail"
    return "the identity controller refuses it and proxies stop receiving workload certificates"
