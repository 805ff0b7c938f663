from linter.context import Where, key_of
from linter.rule import Example, Related, Severity, rule

from ._identity import FACTS, ISSUER_SECRET, SCHEME_K8S, SCHEME_KEYS, SCHEME_LINKERD, namespace_of, report, secret_entries

_CONSEQUENCE = {
    "crt.pem": "the identity controller reads the issuer certificate from it and cannot start",
    "key.pem": "the identity controller reads the issuer key from it and cannot start",
    "tls.crt": "the identity controller reads the issuer certificate from it and cannot start",
    "tls.key": "the identity controller reads the issuer key from it and cannot start",
    "ca.crt": "`linkerd check` and `linkerd install/upgrade --identity-external-issuer` read the trust anchors from it and fail",
}


@rule(
    id="LNK705",
    name="issuer-secret-keys",
    severity=Severity.ERROR,
    scope="inventory",
    summary="The `linkerd-identity-issuer` Secret's keys do not match the issuer scheme.",
    why=(
        "The identity controller mounts the Secret and reads fixed file names chosen by `identity.issuer.scheme`: "
        "`crt.pem` and `key.pem` for the default `linkerd.io/tls`, `tls.crt` and `tls.key` for `kubernetes.io/tls` "
        "(an external issuer such as cert-manager), whose `ca.crt` `linkerd check` and the CLI read as the trust "
        "anchors. A Secret written for the other scheme, or missing a key, leaves the identity controller without "
        "credentials: no proxy gets a certificate.\n\n"
        "The scheme is taken from the Helm values in the input, else from the Secret's `type`, else from its keys: "
        "`crt.pem`/`key.pem` fit only `linkerd.io/tls`, `tls.crt`/`tls.key` only `kubernetes.io/tls` (so an "
        "untyped Secret with just those two lacks `ca.crt`, and is wrong under either scheme)."
    ),
    how_to_fix=(
        "Name the keys for the scheme in use, or set `identity.issuer.scheme` (Helm) / `--identity-external-issuer` "
        "(CLI) to the scheme the Secret is written for. A cert-manager Certificate writes a `kubernetes.io/tls` "
        "Secret with all three keys."
    ),
    references=(
        "linkerd/linkerd2 pkg/k8s/labels.go (IdentityIssuerSchemeLinkerd, IdentityIssuerCrtName, IdentityIssuerKeyName, "
        "IdentityIssuerTrustAnchorsNameExternal)",
        "linkerd/linkerd2 controller/cmd/identity/main.go (issuerPathCrt/issuerPathKey by scheme)",
        "linkerd/linkerd2 pkg/issuercerts/issuercerts.go (FetchIssuerData, FetchExternalIssuerData: ca.crt "
        "\"trust anchors\" key missing)",
        "linkerd/linkerd2 charts/linkerd-control-plane/templates/identity.yaml",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Secret\n"
        "metadata:\n"
        "  name: linkerd-identity-issuer\n"
        "  namespace: linkerd\n"
        "type: kubernetes.io/tls\n"
        "data:  # <- LNK705 @data\n"
        "  tls.crt: Y2VydGlmaWNhdGU=\n"
        "  tls.key: a2V5\n"
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Secret\n"
        "metadata:\n"
        "  name: linkerd-identity-issuer\n"
        "  namespace: linkerd\n"
        "type: kubernetes.io/tls\n"
        "data:\n"
        "  tls.crt: Y2VydGlmaWNhdGU=\n"
        "  tls.key: a2V5\n"
        "  ca.crt: YW5jaG9ycw==\n"
    ),
)
def check(ctx):
    facts = ctx.inventory.facts.get(FACTS)
    if facts is None:
        return
    for scheme in facts.schemes:
        if scheme.value not in SCHEME_KEYS and ctx.inventory.reports(scheme.path):
            report(ctx, scheme, f"identity.issuer.scheme {scheme.value!r} is neither {SCHEME_LINKERD!r} nor "
                                f"{SCHEME_K8S!r}; the chart then renders no issuer Secret and the identity controller "
                                "expects tls.crt/tls.key")
    for secret in facts.secrets:
        if ctx.inventory.reports(secret):
            _check_secret(ctx, facts, secret)


def _check_secret(ctx, facts, secret) -> None:
    entries = secret_entries(secret)
    keys = set(entries)
    scheme = facts.scheme_for(namespace_of(secret, ctx.settings))
    related = ()
    if scheme is not None:
        name, why = scheme.value, "identity.issuer.scheme in the Helm values"
        related = (Related(scheme.path, scheme.where.span, "scheme set here"),)
    elif secret.data.get("type") == SCHEME_K8S:
        name, why = SCHEME_K8S, "the Secret's type"
    elif keys & {"crt.pem", "key.pem"}:
        name, why = SCHEME_LINKERD, "the keys it holds"
    elif keys & {"tls.crt", "tls.key"}:
        # No scheme in the input: under the default linkerd.io/tls these are the wrong keys anyway, so
        # kubernetes.io/tls (perhaps set elsewhere) is the only scheme they may be meant for.
        name = SCHEME_K8S
        why = (f"the keys it holds, {', '.join(sorted(keys & {'tls.crt', 'tls.key'}))}: the only scheme they fit; "
               f"under the default {SCHEME_LINKERD!r} they are the wrong keys")
    else:
        return
    expected = SCHEME_KEYS.get(name)
    if expected is None:
        return  # an unknown scheme: reported on the scheme itself
    missing = [k for k in expected if k not in keys]
    if not missing:
        return
    other = SCHEME_K8S if name == SCHEME_LINKERD else SCHEME_LINKERD
    foreign = [k for k in SCHEME_KEYS[other] if k in keys and k not in expected]
    hint = ""
    if foreign:
        hint = f"; it holds {', '.join(foreign)}, the {other} keys: rename them or set identity.issuer.scheme to {other!r}"
    consequence = _CONSEQUENCE[missing[0]]
    message = (f"issuer Secret {secret.namespace}/{ISSUER_SECRET} lacks {', '.join(missing)}, which scheme {name!r} "
               f"(from {why}) requires: {consequence}{hint}")
    ctx.report_on(secret, _where(secret, entries, foreign), message, related=related)


def _where(secret, entries, foreign) -> Where:
    """The key of a wrong-scheme entry when there is one, else the `data`/`stringData` key, else `kind`."""
    if foreign:
        container, _ = entries[foreign[0]]
        return key_of(container, foreign[0])
    for block in ("data", "stringData"):
        if block in secret.data:
            return key_of(secret.data, block)
    return Where(secret.anchor, ("kind",))
