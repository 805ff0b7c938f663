from linter.clock import now
from linter.rule import Example, Severity, rule

from . import _example_certs as certs
from ._identity import FACTS, report
from ._x509 import each_certificate, when


@rule(
    id="LNK702",
    name="certificate-expiring",
    severity=Severity.WARNING,
    scope="inventory",
    summary="A Linkerd trust anchor or issuer certificate expires within `cert-expiry-warning-days` (default 60).",
    why=(
        "Linkerd does not rotate its trust anchor or (without cert-manager) its issuer. When either expires, "
        "proxies stop getting or accepting certificates and meshed traffic fails cluster-wide. Rotating without "
        "downtime takes time: a new anchor must be bundled next to the old one and every workload restarted "
        "before the old one goes. `linkerd check` warns at 60 days (\"trust anchors are valid for at least 60 days\", "
        "\"issuer cert is valid for at least 60 days\"); this rule warns at the same point, in the pull request."
    ),
    how_to_fix=(
        "Rotate the certificate now (https://linkerd.io/2/tasks/manually-rotating-control-plane-tls-credentials/) "
        "or let cert-manager manage the issuer. Tune the threshold with `cert-expiry-warning-days` in "
        ".linkerd-lint.yaml; `--now` checks against another date."
    ),
    references=(
        "linkerd/linkerd2 pkg/issuercerts/issuercerts.go (CheckExpiringSoon, expirationWarningThresholdInDays = 60)",
        "linkerd/linkerd2 pkg/healthcheck/healthcheck.go (\"... are valid for at least 60 days\")",
        "https://linkerd.io/2/tasks/manually-rotating-control-plane-tls-credentials/",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: linkerd-identity-trust-roots\n"
        "  namespace: linkerd\n"
        "data:\n"
        "  ca-bundle.crt: |  # <- LNK702 @|\n" + certs.block(certs.EXPIRING_ANCHOR, 4),
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
    days = ctx.settings.cert_expiry_warning_days
    import datetime  # a certificate was found: yaml has imported it anyway

    horizon = moment + datetime.timedelta(days=days)
    for material, cert, what in each_certificate(facts, ctx.inventory):
        if cert.not_before <= moment <= cert.not_after and horizon > cert.not_after:
            left = cert.not_after - moment
            report(
                ctx,
                material,
                f"{what} {cert.label} in {material.origin} expires on {when(cert.not_after)} "
                f"({_left(left)}, within the {days}-day warning period); rotate it before it expires",
            )


def _left(delta) -> str:
    if delta.days >= 1:
        return f"in {delta.days} day{'s' if delta.days != 1 else ''}"
    hours = int(delta.total_seconds() // 3600)
    return f"in {hours} hour{'s' if hours != 1 else ''}" if hours else "in less than an hour"
