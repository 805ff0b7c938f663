"""Identity and certificate rules (LNK701-LNK706) on real certificates generated here with cryptography."""

import datetime as dt
import functools
import os
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from linter.api import lint_paths
from linter.rule import Severity

from .lintkit import b64

NOW = "2030-06-01"


def utc(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)


@functools.lru_cache(maxsize=None)
def key(kind="ec256", n=0):
    """Keys are cached: RSA generation is slow.  ``n`` tells same-kind keys apart."""
    if kind == "ec256":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "ec384":
        return ec.generate_private_key(ec.SECP384R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=int(kind[3:]))


def cert(cn, k, *, signer=None, nb="2030-01-01", na="2040-01-01", ca=True, algo=None):
    """A certificate for key ``k``, self-signed or signed by ``signer`` = (certificate, key)."""
    issuer_name = signer[0].subject if signer else x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
        .issuer_name(issuer_name)
        .public_key(k.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(utc(nb))
        .not_valid_after(utc(na))
    )
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    return builder.sign(signer[1] if signer else k, algo or hashes.SHA256())


def pem(c):
    return c.public_bytes(serialization.Encoding.PEM).decode()


def key_pem(k):
    return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                           serialization.NoEncryption()).decode()


def block(text, indent):
    return "".join(" " * indent + line + "\n" for line in text.splitlines())


@pytest.fixture(scope="module")
def pki():
    """A root and an issuer it signed, valid on NOW for long enough."""
    root = cert("root.linkerd.cluster.local", key("ec256", 1))
    issuer = cert("identity.linkerd.cluster.local", key("ec256", 2), signer=(root, key("ec256", 1)),
                  na="2031-06-01")
    return {"root": root, "issuer": issuer}


def trust_roots(*certs, namespace="linkerd"):
    return (
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: linkerd-identity-trust-roots\n"
        f"  namespace: {namespace}\n"
        "data:\n"
        "  ca-bundle.crt: |\n" + "".join(block(pem(c), 4) for c in certs)
    )  # the value starts at line 7, column 18


def issuer_secret(*chain, namespace="linkerd", with_key=True):
    text = (
        "apiVersion: v1\n"
        "kind: Secret\n"
        "metadata:\n"
        "  name: linkerd-identity-issuer\n"
        f"  namespace: {namespace}\n"
        "data:\n"
        f"  crt.pem: {b64(''.join(pem(c) for c in chain))}\n"
    )  # crt.pem's value is at line 7, column 12
    if with_key:
        text += f"  key.pem: {b64(key_pem(key('ec256', 2)))}\n"
    return text


def run(tmp_path, files, *, now=NOW, select=("LNK7",), overrides=None):
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    (tmp_path / ".git").mkdir(exist_ok=True)
    over = dict(overrides or {})
    if now is not None:
        over["now"] = now
    result = lint_paths(["."], cwd=str(tmp_path), overrides=over, select=list(select))
    assert not result.internal_errors, result.internal_errors
    return result


def found(result, rule=None):
    return sorted((f.rule_id, f.path, f.span.line, f.span.col) for f in result.findings
                  if rule is None or f.rule_id == rule)


# -- LNK701 / LNK702: validity --------------------------------------------------------------


def test_expired_anchor_in_configmap(tmp_path):
    old = cert("root.linkerd.cluster.local", key("ec256", 3), nb="2020-01-01", na="2021-01-01")
    result = run(tmp_path, {"roots.yaml": trust_roots(old)})
    assert found(result) == [("LNK701", "roots.yaml", 7, 18)]
    f = result.findings[0]
    assert f.severity == Severity.ERROR
    assert "CN=root.linkerd.cluster.local" in f.message and "expired on 2021-01-01 00:00 UTC" in f.message
    assert f.resource == "ConfigMap/linkerd/linkerd-identity-trust-roots"


def test_issuer_not_yet_valid_is_outside_its_validity(tmp_path, pki):
    future = cert("identity.linkerd.cluster.local", key("ec256", 2), signer=(pki["root"], key("ec256", 1)),
                  nb="2030-07-01", na="2031-07-01")
    result = run(tmp_path, {"issuer.yaml": issuer_secret(future), "roots.yaml": trust_roots(pki["root"])})
    assert found(result) == [("LNK701", "issuer.yaml", 7, 12)]
    assert "not valid before 2030-07-01" in result.findings[0].message


def test_expiring_within_the_warning_period_and_threshold(tmp_path, pki):
    soon = cert("identity.linkerd.cluster.local", key("ec256", 2), signer=(pki["root"], key("ec256", 1)),
                na="2030-07-01")
    files = {"issuer.yaml": issuer_secret(soon), "roots.yaml": trust_roots(pki["root"])}
    result = run(tmp_path, files)
    assert found(result) == [("LNK702", "issuer.yaml", 7, 12)]
    assert result.findings[0].severity == Severity.WARNING
    assert "in 30 days" in result.findings[0].message
    # cert-expiry-warning-days moves the threshold (30 days left: quiet at 29, warned at 31).
    assert found(run(tmp_path, files, overrides={"cert-expiry-warning-days": 29})) == []
    assert found(run(tmp_path, files, overrides={"cert-expiry-warning-days": 31})) == [("LNK702", "issuer.yaml", 7, 12)]


def test_now_fixes_the_clock(tmp_path, pki):
    files = {"roots.yaml": trust_roots(pki["root"])}  # valid 2030-01-01 .. 2040-01-01
    assert found(run(tmp_path, files, now="2030-06-01")) == []
    assert found(run(tmp_path, files, now="2039-12-01")) == [("LNK702", "roots.yaml", 7, 18)]
    assert found(run(tmp_path, files, now="2040-01-01T00:00:01Z")) == [("LNK701", "roots.yaml", 7, 18)]
    assert found(run(tmp_path, files, now="2030-01-01T01:00:00+02:00")) == [("LNK701", "roots.yaml", 7, 18)]


def test_now_on_the_command_line(run_cli, tmp_path, pki):
    (tmp_path / "roots.yaml").write_text(trust_roots(pki["root"]))
    (tmp_path / ".git").mkdir()
    ok = run_cli("check", "--select", "LNK7", "--now", "2030-06-01", "roots.yaml")
    assert ok.returncode == 0, ok.stdout
    late = run_cli("check", "-q", "--select", "LNK7", "--now", "2040-02-01", "roots.yaml")
    assert late.returncode == 1
    assert late.stdout.startswith("roots.yaml:7:18: LNK701 [error] trust anchor CN=root.linkerd.cluster.local")
    bad = run_cli("check", "--now", "next tuesday", "roots.yaml")
    assert bad.returncode == 2 and "now: 'next tuesday' is not an ISO date" in bad.stderr
    (tmp_path / ".linkerd-lint.yaml").write_text("now: 2040-02-01\n")  # an unquoted YAML date works too
    assert run_cli("check", "--select", "LNK7", "roots.yaml").returncode == 1


def test_each_certificate_of_a_bundle_is_judged(tmp_path, pki):
    old = cert("old-root", key("ec256", 3), nb="2020-01-01", na="2021-01-01")
    result = run(tmp_path, {"roots.yaml": trust_roots(pki["root"], old)})
    assert found(result) == [("LNK701", "roots.yaml", 7, 18)]
    assert "CN=old-root (certificate 2 of 2)" in result.findings[0].message


def test_anchors_inlined_in_a_manually_injected_proxy(tmp_path):
    old = cert("root.linkerd.cluster.local", key("ec256", 3), nb="2020-01-01", na="2021-01-01")
    deploy = (
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata: {name: web, namespace: shop}\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx\n"
        "        - name: linkerd-proxy\n"
        "          image: cr.l5d.io/linkerd/proxy:stable-2.14.10\n"
        "          env:\n"
        "            - name: LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS\n"
        "              value: |\n" + block(pem(old), 16)
    )
    result = run(tmp_path, {"web.yaml": deploy})
    assert found(result) == [("LNK701", "web.yaml", 14, 22)]
    assert result.findings[0].message.startswith(
        "trust anchor CN=root.linkerd.cluster.local in Deployment shop/web container linkerd-proxy env "
        "LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS expired on 2021-01-01 00:00 UTC")
    assert result.findings[0].field_path == ("spec", "template", "spec", "containers", 1, "env", 0, "value")


# -- LNK703: chain ----------------------------------------------------------------------------


def test_issuer_signed_by_another_root(tmp_path, pki):
    other_root = cert("root.linkerd.cluster.local", key("ec256", 4))
    stranger = cert("identity.linkerd.cluster.local", key("ec256", 2), signer=(other_root, key("ec256", 4)),
                    na="2031-06-01")
    result = run(tmp_path, {"issuer.yaml": issuer_secret(stranger), "roots.yaml": trust_roots(pki["root"])})
    assert found(result) == [("LNK703", "issuer.yaml", 7, 12)]
    f = result.findings[0]
    assert "not signed by any trust anchor of ConfigMap linkerd/linkerd-identity-trust-roots" in f.message
    assert [(r.path, r.span.line) for r in f.related] == [("roots.yaml", 7)]
    # Same names, different key: the signature, not the name, decides.
    assert found(run(tmp_path, {"issuer.yaml": issuer_secret(pki["issuer"])})) == []


def test_issuer_chains_through_a_bundle_and_an_intermediate(tmp_path, pki):
    other_root = cert("other-root", key("ec256", 4))
    mid = cert("intermediate", key("ec256", 5), signer=(pki["root"], key("ec256", 1)))
    issuer = cert("identity.linkerd.cluster.local", key("ec256", 2), signer=(mid, key("ec256", 5)), na="2031-06-01")
    files = {"issuer.yaml": issuer_secret(issuer, mid), "roots.yaml": trust_roots(other_root, pki["root"])}
    assert found(run(tmp_path, files)) == []
    files["issuer.yaml"] = issuer_secret(issuer)  # without its intermediate it does not chain
    assert found(run(tmp_path, files)) == [("LNK703", "issuer.yaml", 7, 12)]


def test_chain_is_judged_only_within_one_control_plane(tmp_path, pki):
    other_root = cert("other-root", key("ec256", 4))
    files = {"issuer.yaml": issuer_secret(pki["issuer"]), "roots.yaml": trust_roots(other_root, namespace="elsewhere")}
    assert found(run(tmp_path, files)) == []
    assert found(run(tmp_path, {"issuer.yaml": issuer_secret(pki["issuer"])})) == []  # no anchors in the input


def test_helm_values_pair_their_own_anchors_and_issuer(tmp_path, pki):
    other_root = cert("root.linkerd.cluster.local", key("ec256", 4))
    values = (
        "identityTrustAnchorsPEM: |\n" + block(pem(other_root), 2) +
        "identity:\n"
        "  issuer:\n"
        "    tls:\n"
        "      crtPEM: |\n" + block(pem(pki["issuer"]), 8)
    )
    line = values.splitlines().index("      crtPEM: |") + 1
    # The ConfigMap in the same namespace would accept the issuer, but the chart renders both from these values.
    result = run(tmp_path, {"values.yaml": values, "roots.yaml": trust_roots(pki["root"])})
    assert found(result) == [("LNK703", "values.yaml", line, 15)]
    assert "Helm values identityTrustAnchorsPEM" in result.findings[0].message


def test_helm_release_values(tmp_path, pki):
    hr = (
        "apiVersion: helm.toolkit.fluxcd.io/v2\n"
        "kind: HelmRelease\n"
        "metadata: {name: linkerd, namespace: flux-system}\n"
        "spec:\n"
        "  targetNamespace: linkerd\n"
        "  chart:\n"
        "    spec: {chart: linkerd-control-plane, sourceRef: {kind: HelmRepository, name: linkerd}}\n"
        "  values:\n"
        "    identityTrustAnchorsPEM: |\n" + block(pem(pki["root"]), 6) +
        "    identity:\n"
        "      issuer:\n"
        "        scheme: kubernetes.io/tls\n"
    )
    line = hr.splitlines().index("    identityTrustAnchorsPEM: |") + 1
    scheme_line = hr.splitlines().index("        scheme: kubernetes.io/tls") + 1
    result = run(tmp_path, {"hr.yaml": hr}, now="2040-02-01")
    assert found(result) == [("LNK701", "hr.yaml", line, 30)]
    assert result.findings[0].resource == "HelmRelease/flux-system/linkerd"
    assert "HelmRelease flux-system/linkerd identityTrustAnchorsPEM" in result.findings[0].message
    # The scheme says kubernetes.io/tls: a Secret in the release's namespace written for linkerd.io/tls is wrong.
    result = run(tmp_path, {"hr.yaml": hr, "issuer.yaml": issuer_secret(pki["issuer"])}, select=("LNK705",))
    assert found(result) == [("LNK705", "issuer.yaml", 7, 3)]  # crt.pem: the other scheme's key
    assert [(r.path, r.span.line) for r in result.findings[0].related] == [("hr.yaml", scheme_line)]


# -- LNK704: algorithms ---------------------------------------------------------------------


def test_issuer_on_the_wrong_curve(tmp_path, pki):
    p384 = cert("identity.linkerd.cluster.local", key("ec384"), signer=(pki["root"], key("ec256", 1)), na="2031-06-01")
    result = run(tmp_path, {"issuer.yaml": issuer_secret(p384), "roots.yaml": trust_roots(pki["root"])})
    assert found(result) == [("LNK704", "issuer.yaml", 7, 12)]
    assert "its key is ECDSA P-384; the issuer must use ECDSA P-256" in result.findings[0].message


def test_rsa_issuer_and_issuer_that_is_not_a_ca(tmp_path, pki):
    rsa_issuer = cert("identity.linkerd.cluster.local", key("rsa2048"), signer=(pki["root"], key("ec256", 1)),
                      na="2031-06-01")
    result = run(tmp_path, {"issuer.yaml": issuer_secret(rsa_issuer), "roots.yaml": trust_roots(pki["root"])})
    assert found(result) == [("LNK704", "issuer.yaml", 7, 12)]
    assert "its key is RSA 2048" in result.findings[0].message
    leaf = cert("identity.linkerd.cluster.local", key("ec256", 2), signer=(pki["root"], key("ec256", 1)),
                na="2031-06-01", ca=False)
    result = run(tmp_path, {"issuer.yaml": issuer_secret(leaf), "roots.yaml": trust_roots(pki["root"])})
    assert found(result) == [("LNK704", "issuer.yaml", 7, 12)]
    assert "it is not a CA" in result.findings[0].message
    no_bc = cert("identity.linkerd.cluster.local", key("ec256", 2), signer=(pki["root"], key("ec256", 1)),
                 na="2031-06-01", ca=None)
    assert found(run(tmp_path, {"issuer.yaml": issuer_secret(no_bc)})) == [("LNK704", "issuer.yaml", 7, 12)]


def test_issuer_signed_with_sha384(tmp_path, pki):
    sha384 = cert("identity.linkerd.cluster.local", key("ec256", 2), signer=(pki["root"], key("ec256", 1)),
                  na="2031-06-01", algo=hashes.SHA384())
    result = run(tmp_path, {"issuer.yaml": issuer_secret(sha384)})
    assert found(result) == [("LNK704", "issuer.yaml", 7, 12)]
    assert "signed with ECDSA-SHA384" in result.findings[0].message


def test_anchor_algorithms(tmp_path):
    rsa2048 = cert("rsa-root", key("rsa2048"))
    rsa3072 = cert("rsa-3072-root", key("rsa3072"))
    p384 = cert("p384-root", key("ec384"))
    result = run(tmp_path, {"roots.yaml": trust_roots(rsa2048, rsa3072, p384)})
    assert found(result) == [("LNK704", "roots.yaml", 7, 18)] * 2
    messages = sorted(f.message for f in result.findings)
    assert "CN=p384-root (certificate 3 of 3) in ConfigMap linkerd/linkerd-identity-trust-roots ca-bundle.crt: " \
           "its key is ECDSA P-384" in messages[0]
    assert "CN=rsa-3072-root (certificate 2 of 3) in ConfigMap" in messages[1] and "its key is RSA 3072" in messages[1]


def test_rsa_anchor_may_sign_the_issuer(tmp_path):
    root = cert("rsa-root", key("rsa2048"))
    issuer = cert("identity.linkerd.cluster.local", key("ec256", 2), signer=(root, key("rsa2048")), na="2031-06-01")
    assert found(run(tmp_path, {"issuer.yaml": issuer_secret(issuer), "roots.yaml": trust_roots(root)})) == []


def test_issuer_outliving_its_anchor_is_a_warning(tmp_path):
    root = cert("root.linkerd.cluster.local", key("ec256", 1), na="2031-01-01")
    issuer = cert("identity.linkerd.cluster.local", key("ec256", 2), signer=(root, key("ec256", 1)), na="2032-01-01")
    result = run(tmp_path, {"issuer.yaml": issuer_secret(issuer), "roots.yaml": trust_roots(root)})
    assert found(result) == [("LNK704", "issuer.yaml", 7, 12)]
    f = result.findings[0]
    assert f.severity == Severity.WARNING
    assert "valid until 2032-01-01 00:00 UTC, after its trust anchor CN=root.linkerd.cluster.local expires" in f.message
    assert [(r.path, r.span.line) for r in f.related] == [("roots.yaml", 7)]


# -- LNK705: Secret keys ----------------------------------------------------------------------


def secret(body, namespace="linkerd"):
    return ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: linkerd-identity-issuer\n"
            f"  namespace: {namespace}\n" + body)


def test_secret_keys_against_scheme(tmp_path):
    files = {"s.yaml": secret("type: kubernetes.io/tls\ndata:\n  tls.crt: eA==\n  tls.key: eA==\n")}
    result = run(tmp_path, files, select=("LNK705",))
    assert found(result) == [("LNK705", "s.yaml", 7, 1)]
    assert "lacks ca.crt" in result.findings[0].message and "linkerd check" in result.findings[0].message
    # tls.* keys without a type and without a scheme in the input: wrong under the default linkerd.io/tls,
    # and kubernetes.io/tls, the only scheme they fit, wants ca.crt too (was: no finding).
    files = {"s.yaml": secret("data:\n  tls.crt: eA==\n  tls.key: eA==\n")}
    result = run(tmp_path, files, select=("LNK705",))
    assert found(result) == [("LNK705", "s.yaml", 6, 1)]
    assert result.findings[0].message == (
        "issuer Secret linkerd/linkerd-identity-issuer lacks ca.crt, which scheme 'kubernetes.io/tls' (from the keys "
        "it holds, tls.crt, tls.key: the only scheme they fit; under the default 'linkerd.io/tls' they are the wrong "
        "keys) requires: `linkerd check` and `linkerd install/upgrade --identity-external-issuer` read the trust "
        "anchors from it and fail"
    )
    files = {"s.yaml": secret("data:\n  tls.crt: eA==\n  tls.key: eA==\n  ca.crt: eA==\n")}
    assert found(run(tmp_path, files, select=("LNK705",))) == []  # all three: kubernetes.io/tls, set elsewhere
    # crt.pem without key.pem: the linkerd.io/tls keys, one missing.
    files = {"s.yaml": secret("stringData:\n  crt.pem: x\n")}
    result = run(tmp_path, files, select=("LNK705",))
    assert found(result) == [("LNK705", "s.yaml", 6, 1)]
    assert "lacks key.pem" in result.findings[0].message


def test_secret_keys_against_scheme_from_helm_values(tmp_path):
    values = "identity:\n  issuer:\n    scheme: linkerd.io/tls\n"
    files = {"values.yaml": values,
             "s.yaml": secret("type: kubernetes.io/tls\ndata:\n  tls.crt: eA==\n  tls.key: eA==\n  ca.crt: eA==\n")}
    result = run(tmp_path, files, select=("LNK705",))
    # Pointed at the first key of the other scheme, with the Helm scheme as related location.
    assert found(result) == [("LNK705", "s.yaml", 8, 3)]
    f = result.findings[0]
    assert "lacks crt.pem, key.pem" in f.message and "rename them or set identity.issuer.scheme" in f.message
    assert [(r.path, r.span.line, r.span.col) for r in f.related] == [("values.yaml", 3, 13)]


def test_unknown_scheme(tmp_path):
    result = run(tmp_path, {"values.yaml": "identity:\n  issuer:\n    scheme: kubernetes.io/TLS\n"}, select=("LNK705",))
    assert found(result) == [("LNK705", "values.yaml", 3, 13)]


def test_values_file_must_be_the_control_planes(tmp_path, pki):
    # A values file of some other chart with a `proxy` section and a certificate is not read.
    other = "proxy:\n  caBundle: |\n" + block(pem(cert("x", key("ec256", 3), nb="2020-01-01", na="2021-01-01")), 4)
    other += "identityTrustAnchorsPEMx: 1\n"
    assert found(run(tmp_path, {"values.yaml": other})) == []


# -- LNK706: cert-manager --------------------------------------------------------------------


def certificate(name, namespace, spec):
    return ("apiVersion: cert-manager.io/v1\nkind: Certificate\n"
            f"metadata:\n  name: {name}\n  namespace: {namespace}\nspec:\n" + spec)


ISSUER_SPEC = (
    "  secretName: linkerd-identity-issuer\n"
    "  issuerRef: {name: linkerd-trust-anchor, kind: Issuer}\n"
    "  isCA: true\n"
    "  duration: 48h\n"
    "  renewBefore: 25h0m0s\n"
    "  privateKey: {algorithm: ECDSA}\n"
)


def test_cert_manager_issuer_certificate(tmp_path):
    assert found(run(tmp_path, {"c.yaml": certificate("issuer", "linkerd", ISSUER_SPEC)})) == []
    spec = ISSUER_SPEC.replace("isCA: true", "isCA: false").replace("{algorithm: ECDSA}", "{algorithm: ECDSA, size: 384}")
    spec = spec.replace("25h0m0s", "2880m")  # 48h
    result = run(tmp_path, {"c.yaml": certificate("issuer", "linkerd", spec)})
    assert found(result) == [("LNK706", "c.yaml", 9, 9), ("LNK706", "c.yaml", 11, 16), ("LNK706", "c.yaml", 12, 40)]
    # No privateKey at all: cert-manager's default is RSA 2048.  No duration: 90 days.
    spec = ISSUER_SPEC.replace("  privateKey: {algorithm: ECDSA}\n", "").replace("  duration: 48h\n", "")
    result = run(tmp_path, {"c.yaml": certificate("issuer", "linkerd", spec.replace("25h0m0s", "2160h"))})
    assert found(result) == [("LNK706", "c.yaml", 6, 1), ("LNK706", "c.yaml", 10, 16)]
    assert any("RSA 2048" in f.message for f in result.findings)
    assert any("(the default)" in f.message for f in result.findings)


def test_cert_manager_issuer_in_the_wrong_namespace(tmp_path):
    result = run(tmp_path, {"c.yaml": certificate("issuer", "cert-manager", ISSUER_SPEC)})
    assert found(result) == [("LNK706", "c.yaml", 5, 14)]
    # A control plane elsewhere: a HelmRelease's target, a labelled Namespace, or the setting.
    ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: cert-manager\n  labels: {linkerd.io/is-control-plane: \"true\"}\n"
    assert found(run(tmp_path, {"c.yaml": certificate("issuer", "cert-manager", ISSUER_SPEC), "ns.yaml": ns})) == []
    assert found(run(tmp_path, {"c.yaml": certificate("issuer", "cert-manager", ISSUER_SPEC)},
                     overrides={"control-plane-namespace": "cert-manager"})) == []


def test_cert_manager_gitops_variables_stay_quiet(tmp_path):
    spec = ISSUER_SPEC.replace("{algorithm: ECDSA}", "{algorithm: \"${KEY_ALGO}\"}").replace("48h", "${DURATION}")
    assert found(run(tmp_path, {"c.yaml": certificate("issuer", "linkerd", spec)})) == []


ANCHOR_CHAIN = (
    "apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: linkerd-trust-anchor, namespace: linkerd}\n"
    "spec:\n  ca: {secretName: linkerd-trust-anchor}\n---\n"
    "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: linkerd-trust-anchor, namespace: linkerd}\n"
    "spec:\n  secretName: linkerd-trust-anchor\n  isCA: true\n  issuerRef: {name: selfsigned, kind: ClusterIssuer}\n"
    "  privateKey:\n    algorithm: ECDSA\n    rotationPolicy: Always\n"
)  # rotationPolicy's value: line 16, column 21


def bundle(*sources):
    items = "".join(f"    - secret: {{name: {s}, key: tls.crt}}\n" for s in sources)
    return ("apiVersion: trust.cert-manager.io/v1alpha1\nkind: Bundle\nmetadata: {name: linkerd-identity-trust-roots}\n"
            "spec:\n  sources:\n" + items + "  target:\n    configMap: {key: ca-bundle.crt}\n")


def test_trust_anchor_rotation_policy(tmp_path):
    files = {"c.yaml": certificate("issuer", "linkerd", ISSUER_SPEC), "anchor.yaml": ANCHOR_CHAIN}
    result = run(tmp_path, files)
    assert found(result) == [("LNK706", "anchor.yaml", 16, 21)]
    assert result.findings[0].severity == Severity.WARNING  # was info: no bundle in the input to stage it
    assert result.findings[0].message == (
        "trust-anchor Certificate linkerd-trust-anchor has rotationPolicy: Always: each renewal generates a new "
        "anchor key, which proxies only trust after a restart, and no trust-manager Bundle that keeps the previous "
        "anchor until then is in the input (give it with --context if it lives elsewhere)"
    )
    files["bundle.yaml"] = bundle("linkerd-trust-anchor")
    result = run(tmp_path, files)
    assert found(result) == [("LNK706", "anchor.yaml", 16, 21)]
    assert result.findings[0].severity == Severity.WARNING  # a bundle without the previous anchor
    assert result.findings[0].related[0].path == "bundle.yaml"
    files["bundle.yaml"] = bundle("linkerd-trust-anchor", "linkerd-previous-anchor")
    assert found(run(tmp_path, files)) == []  # staged as Linkerd's guide does
    files["anchor.yaml"] = ANCHOR_CHAIN.replace("Always", "Never")
    files.pop("bundle.yaml")
    assert found(run(tmp_path, files)) == []


def cert_manager_release(version):
    return ("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: cert-manager, namespace: "
            f"cert-manager}}\nspec:\n  chart:\n    spec: {{chart: cert-manager, version: '{version}'}}\n")


def test_trust_anchor_without_rotation_policy_gets_the_cert_manager_1_18_default(tmp_path):
    """cert-manager 1.18 made Always the default: an unset policy rotates the anchor's key too."""
    unset = ANCHOR_CHAIN.replace("    rotationPolicy: Always\n", "")
    files = {"c.yaml": certificate("issuer", "linkerd", ISSUER_SPEC), "anchor.yaml": unset}
    result = run(tmp_path, files)
    assert found(result) == [("LNK706", "anchor.yaml", 14, 3)]  # the privateKey key
    assert result.findings[0].severity == Severity.WARNING
    assert result.findings[0].message.startswith(
        "trust-anchor Certificate linkerd-trust-anchor sets no privateKey.rotationPolicy, and since cert-manager 1.18 "
        "it defaults to Always: each renewal generates a new anchor key"
    )
    assert result.findings[0].message.endswith("; or set rotationPolicy: Never and rotate the anchor by hand")
    # No privateKey at all: on the spec key.
    files["anchor.yaml"] = unset.replace("  privateKey:\n    algorithm: ECDSA\n", "")
    assert found(run(tmp_path, files)) == [("LNK706", "anchor.yaml", 10, 1)]
    files["anchor.yaml"] = unset
    # The Bundle with a single source names the default too; with the previous anchor, all is staged.
    files["bundle.yaml"] = bundle("linkerd-trust-anchor")
    result = run(tmp_path, files)
    assert found(result) == [("LNK706", "anchor.yaml", 14, 3)]
    assert "since cert-manager 1.18 it defaults to Always, and the linkerd-identity-trust-roots Bundle has no other " \
           "source" in result.findings[0].message
    files["bundle.yaml"] = bundle("linkerd-trust-anchor", "linkerd-previous-anchor")
    assert found(run(tmp_path, files)) == []
    del files["bundle.yaml"]


@pytest.mark.parametrize("version,fires", [("v1.17.2", False), ("1.16.0", False), ("v1.18.0", True),
                                           ("1.19.1", True), (">=1.17.0", True), ("1.x", True)])
def test_a_pinned_older_cert_manager_keeps_never_as_the_default(tmp_path, version, fires):
    unset = ANCHOR_CHAIN.replace("    rotationPolicy: Always\n", "")
    files = {"c.yaml": certificate("issuer", "linkerd", ISSUER_SPEC), "anchor.yaml": unset,
             "cm.yaml": cert_manager_release(version)}
    assert found(run(tmp_path, files)) == ([("LNK706", "anchor.yaml", 14, 3)] if fires else [])
    # An explicit Always is judged whatever the release.
    files["anchor.yaml"] = ANCHOR_CHAIN
    assert found(run(tmp_path, files)) == [("LNK706", "anchor.yaml", 16, 21)]


# -- robustness and secrecy ---------------------------------------------------------------


def test_bad_material_never_raises(tmp_path):
    junk = (
        secret("data:\n  crt.pem: '!!not base64!!'\n  key.pem: [1, 2]\n  ca.crt: {a: b}\n") + "---\n" +
        trust_roots().replace("  ca-bundle.crt: |\n", "  ca-bundle.crt: |\n    -----BEGIN CERTIFICATE-----\n"
                              "    ...your anchor here...\n    -----END CERTIFICATE-----\n") + "---\n" +
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: linkerd-identity-trust-roots}\ndata: [1]\n---\n"
        "identityTrustAnchorsPEM: 42\nidentity: {issuer: [x]}\nproxy: {resources: {memory: {limit: [1]}}}\n"
    )
    result = run(tmp_path, {"junk.yaml": junk}, select=("LNK7", "LNK2"))
    assert found(result, "LNK701") == found(result, "LNK703") == found(result, "LNK704") == []


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab", "junit"])
def test_no_key_material_in_any_output(run_cli, tmp_path, pki, fmt):
    old_root = cert("root.linkerd.cluster.local", key("ec256", 3), nb="2020-01-01", na="2021-01-01")
    issuer = cert("identity.linkerd.cluster.local", key("ec256", 2), signer=(old_root, key("ec256", 3)),
                  nb="2020-01-01", na="2021-01-01")
    key_text = key_pem(key("ec256", 2))
    text = (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: linkerd-identity-issuer, namespace: linkerd}\n"
        "stringData:\n  crt.pem: |\n" + block(pem(issuer), 4) + "  key.pem: |\n" + block(key_text, 4) +
        "---\n" + trust_roots(old_root) + "---\n" + issuer_secret(pki["issuer"], namespace="other")
    )
    (tmp_path / "identity.yaml").write_text(text)
    (tmp_path / ".git").mkdir()
    proc = run_cli("check", "--select", "LNK7", "--now", NOW, "-f", fmt, "identity.yaml")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout + proc.stderr
    assert "LNK701" in out
    reported = out
    if fmt == "sarif":  # the rule descriptors carry the rules' documented examples (sample certificates)
        import json

        doc = json.loads(proc.stdout)
        reported = json.dumps(doc["runs"][0]["results"])
    assert "BEGIN" not in reported and "PRIVATE" not in out
    secrets = [key_text, pem(issuer), pem(old_root), b64(key_pem(key("ec256", 2)))]
    for material in secrets:
        body = [line for line in material.splitlines() if "-----" not in line]
        chunks = [line[i:i + 16] for line in body for i in range(0, len(line) - 16, 16)]
        assert not any(chunk in reported for chunk in chunks), "certificate or key text leaked into the report"


def test_files_without_certificates_do_not_import_cryptography(tmp_path):
    (tmp_path / "web.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations: {linkerd.io/inject: enabled}\n"
        "spec:\n  containers: [{name: web, image: nginx}]\n"
    )
    (tmp_path / "values.yaml").write_text("proxyInit: {runAsRoot: false}\nproxy: {resources: {memory: {limit: 1Gi}}}\n")
    code = (
        "import sys\n"
        "from linter.api import lint_paths\n"
        "r = lint_paths(['.'], cwd=sys.argv[1])\n"
        "assert not r.internal_errors, r.internal_errors\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'cryptography'))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_context_files_lend_anchors_but_are_not_judged(tmp_path, pki):
    other_root = cert("root.linkerd.cluster.local", key("ec256", 4))
    old = cert("old-root", key("ec256", 3), nb="2020-01-01", na="2021-01-01")
    files = {"issuer.yaml": issuer_secret(pki["issuer"]), "cluster/roots.yaml": trust_roots(other_root, old)}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / ".git").mkdir()
    result = lint_paths(["issuer.yaml"], cwd=str(tmp_path), overrides={"now": NOW}, select=["LNK7"],
                        context=["cluster"])
    # The expired anchor in the context file is not reported; the issuer is judged against it.
    assert found(result) == [("LNK703", "issuer.yaml", 7, 12)]
    code = (
        "import sys\n"
        "from linter.api import lint_paths\n"
        "r = lint_paths(['web.yaml'], cwd=sys.argv[1], context=['cluster'], overrides={'now': '2030-06-01'})\n"
        "print(len(r.findings), 'cryptography' in sys.modules)\n"
    )
    (tmp_path / "web.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.stdout.split() == ["0", "False"], proc.stderr


# -- LNK704: a value meant for certificates that holds none -------------------------------------------
# Linkerd: controller/cmd/identity/main.go (DecodePEMCertPool of the trust roots, svc.Initialize),
# pkg/tls/codec.go (DecodePEMCertificates stops at the first block that is not a CERTIFICATE),
# linkerd2-proxy meshtls rustls creds.rs (certs(): keys skipped, "no trust roots in PEM file").

STARTUP_ISSUER = ('the identity controller cannot read the issuer certificate ("failed to read CA from disk") and '
                  "does not start, so no proxy gets a certificate")
STARTUP_ANCHORS = ('the identity controller cannot load the trust anchors ("Failed to read trust anchors") and does '
                   "not start, so no proxy gets a certificate")


def ec_key_pem(k):
    """The `EC PRIVATE KEY` form (openssl ecparam -genkey, step's default is PKCS#8 `PRIVATE KEY`)."""
    return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                           serialization.NoEncryption()).decode()


def messages(result, rule="LNK704"):
    return [(f.span.line, f.span.col, str(f.severity), f.message) for f in result.findings if f.rule_id == rule]


def test_private_key_in_the_issuer_secrets_certificate(tmp_path):
    swapped = issuer_secret(with_key=False).replace("crt.pem: \n", f"crt.pem: {b64(key_pem(key('ec256', 2)))}\n")
    swapped += f"  key.pem: {b64(key_pem(key('ec256', 2)))}\n"
    result = run(tmp_path, {"issuer.yaml": swapped})
    assert messages(result) == [
        (7, 12, "error", "Secret linkerd/linkerd-identity-issuer crt.pem holds a private key where the issuer "
                         f"certificate belongs: {STARTUP_ISSUER}; put the PEM certificate here and the key in key.pem"),
    ]
    assert found(result) == [("LNK704", "issuer.yaml", 7, 12)]  # nothing else (LNK705: the keys fit the scheme)


def test_private_key_in_tls_crt_of_an_external_issuer(tmp_path, pki):
    text = (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: linkerd-identity-issuer, namespace: linkerd}\n"
        "type: kubernetes.io/tls\nstringData:\n"
        "  tls.crt: |\n" + block(ec_key_pem(key("ec256", 2)), 4) +
        "  tls.key: |\n" + block(ec_key_pem(key("ec256", 2)), 4) +
        "  ca.crt: |\n" + block(pem(pki["root"]), 4)
    )
    result = run(tmp_path, {"issuer.yaml": text})
    assert messages(result) == [
        (6, 12, "error", "Secret linkerd/linkerd-identity-issuer tls.crt holds a private key where the issuer "
                         f"certificate belongs: {STARTUP_ISSUER}; put the PEM certificate here and the key in tls.key"),
    ]


def test_private_key_in_the_trust_roots(tmp_path):
    text = trust_roots() + block(key_pem(key("rsa2048")), 4)
    result = run(tmp_path, {"roots.yaml": text})
    assert messages(result) == [
        (7, 18, "error", "ConfigMap linkerd/linkerd-identity-trust-roots ca-bundle.crt holds a private key where the "
                         f"trust anchor certificates belong: {STARTUP_ANCHORS}; put the PEM certificate here"),
    ]


def test_private_keys_in_helm_values(tmp_path):
    values = (
        "identityTrustAnchorsPEM: |\n" + block(ec_key_pem(key("ec256", 1)), 2) +
        "identity:\n"
        "  issuer:\n"
        "    tls:\n"
        "      crtPEM: |\n" + block(key_pem(key("ec256", 2)), 8) +
        "      keyPEM: |\n" + block(key_pem(key("ec256", 2)), 8)
    )
    line = values.splitlines().index("      crtPEM: |") + 1
    result = run(tmp_path, {"values.yaml": values})
    assert messages(result) == [
        (1, 26, "error", "Helm values identityTrustAnchorsPEM holds a private key where the trust anchor certificates "
                         "belong: the chart renders it into the linkerd-identity-trust-roots ConfigMap, and "
                         f"{STARTUP_ANCHORS}; put the PEM certificate here"),
        (line, 15, "error", "Helm values identity.issuer.tls.crtPEM holds a private key where the issuer certificate "
                            f"belongs: the chart renders it into the issuer Secret's crt.pem, and {STARTUP_ISSUER}; put "
                            "the PEM certificate here and the key in identity.issuer.tls.keyPEM"),
    ]
    # Under identity.externalCA the chart renders no trust-roots ConfigMap from these anchors: not judged.
    external = values.replace("identity:\n", "identity:\n  externalCA: true\n")
    result = run(tmp_path, {"values.yaml": external})
    assert [m[0] for m in messages(result)] == [line + 1]


def test_not_pem_at_all(tmp_path):
    # /tmp/reaudit list2.yaml: `crt.pem: Y3J0` is base64 of "crt".
    text = issuer_secret(with_key=False).replace("crt.pem: \n", "crt.pem: Y3J0\n") + \
        f"  key.pem: {b64(key_pem(key('ec256', 2)))}\n"
    result = run(tmp_path, {"issuer.yaml": text})
    assert messages(result) == [
        (7, 12, "error", "Secret linkerd/linkerd-identity-issuer crt.pem holds no PEM certificate: "
                         f"{STARTUP_ISSUER}; put the PEM certificate here"),
    ]


def test_base64_where_pem_belongs(tmp_path, pki):
    roots = trust_roots().replace("ca-bundle.crt: |\n", f"ca-bundle.crt: {b64(pem(pki['root']))}\n")
    twice = issuer_secret(with_key=False).replace("crt.pem: \n", f"crt.pem: {b64(b64(pem(pki['issuer'])))}\n")
    result = run(tmp_path, {"roots.yaml": roots, "issuer.yaml": twice + f"  key.pem: {b64(key_pem(key('ec256', 2)))}\n"})
    assert [(f.path, f.span.line, f.span.col, f.message) for f in result.findings] == [
        ("issuer.yaml", 7, 12, "Secret linkerd/linkerd-identity-issuer crt.pem holds base64-encoded PEM, not PEM: "
                               f"{STARTUP_ISSUER}; it is encoded twice: base64-encode the PEM text once"),
        ("roots.yaml", 7, 18, "ConfigMap linkerd/linkerd-identity-trust-roots ca-bundle.crt holds base64-encoded PEM, "
                              f"not PEM: {STARTUP_ANCHORS}; write the PEM text itself"),
    ]


def test_a_key_before_the_certificates_hides_them_from_go_but_not_from_the_proxy(tmp_path, pki):
    bundle = key_pem(key("ec256", 1)) + pem(pki["root"])
    deploy = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n"
        "    - name: linkerd-proxy\n      image: cr.l5d.io/linkerd/proxy:edge-25.4.4\n      env:\n"
        "        - name: LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS\n          value: |\n" + block(bundle, 12)
    )
    roots = trust_roots() + block(bundle, 4)
    result = run(tmp_path, {"roots.yaml": roots, "pod.yaml": deploy})
    # The proxy's rustls_pemfile skips the key and loads the anchor; the identity controller stops at the key.
    assert [(f.path, f.span.line, f.message) for f in result.findings] == [
        ("roots.yaml", 7, "ConfigMap linkerd/linkerd-identity-trust-roots ca-bundle.crt holds a private key where the "
                          f"trust anchor certificates belong: {STARTUP_ANCHORS}; Linkerd stops reading at the first "
                          "block that is not a certificate, so the certificates after it are never read; put the PEM "
                          "certificate here"),
    ]


def test_private_key_inlined_as_a_proxys_anchors(tmp_path):
    deploy = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n"
        "    - name: linkerd-proxy\n      image: cr.l5d.io/linkerd/proxy:edge-25.4.4\n      env:\n"
        "        - name: LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS\n          value: |\n" +
        block(key_pem(key("ec256", 1)), 12)
    )
    result = run(tmp_path, {"pod.yaml": deploy})
    assert messages(result) == [
        (10, 18, "error", "Pod shop/web container linkerd-proxy env LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS holds a "
                          "private key where the trust anchor certificates belong: the proxy cannot load its trust "
                          'anchors ("no trust roots in PEM file") and does not start; put the PEM certificate here'),
    ]


def test_certificate_request_where_the_issuer_belongs(tmp_path):
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "identity.linkerd.cluster.local")]))
           .sign(key("ec256", 2), hashes.SHA256()))
    text = issuer_secret(with_key=False).replace(
        "crt.pem: \n", f"crt.pem: {b64(csr.public_bytes(serialization.Encoding.PEM).decode())}\n")
    result = run(tmp_path, {"issuer.yaml": text + f"  key.pem: {b64(key_pem(key('ec256', 2)))}\n"})
    assert messages(result) == [
        (7, 12, "error", "Secret linkerd/linkerd-identity-issuer crt.pem holds a CERTIFICATE REQUEST block where the "
                         f"issuer certificate belongs, not a certificate: {STARTUP_ISSUER}; put the PEM certificate here"),
    ]


@pytest.mark.parametrize("value", [
    "ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]",  # SOPS
    "<path:secret/data/linkerd#ca.crt>",  # argocd-vault-plugin
    "'{{ .Values.trustAnchors }}'",
    "vault:secret/data/linkerd#ca",  # Bank-Vaults
    "|\n    -----BEGIN CERTIFICATE-----\n    ...your anchor here...\n    -----END CERTIFICATE-----",
    "|\n    -----BEGIN CERTIFICATE-----\n    MIIBczCCARmgAwIBAgIRA",  # cut short
])
def test_values_substituted_later_or_placeholders_are_not_judged(tmp_path, value):
    roots = trust_roots().replace("ca-bundle.crt: |\n", f"ca-bundle.crt: {value}\n")
    result = run(tmp_path, {"roots.yaml": roots})
    assert messages(result) == []


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_a_misplaced_key_is_never_printed(run_cli, tmp_path, fmt):
    key_text = ec_key_pem(key("ec256", 2))
    text = (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: linkerd-identity-issuer, namespace: linkerd}\n"
        "stringData:\n  crt.pem: |\n" + block(key_text, 4) + "  key.pem: |\n" + block(key_text, 4)
    )
    (tmp_path / "issuer.yaml").write_text(text)
    (tmp_path / ".git").mkdir()
    proc = run_cli("check", "--select", "LNK704", "-f", fmt, "issuer.yaml")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout + proc.stderr
    assert "holds a private key where the issuer certificate belongs" in out
    body = [line for line in key_text.splitlines() if "-----" not in line]
    assert not any(line[i:i + 16] in out for line in body for i in range(0, len(line) - 16, 8))
    assert "PRIVATE KEY-----" not in out


def test_private_key_in_ca_crt_breaks_linkerd_check(tmp_path, pki):
    text = (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: linkerd-identity-issuer, namespace: linkerd}\n"
        "type: kubernetes.io/tls\ndata:\n"
        f"  tls.crt: {b64(pem(pki['issuer']))}\n"
        f"  tls.key: {b64(key_pem(key('ec256', 2)))}\n"
        f"  ca.crt: {b64(ec_key_pem(key('ec256', 1)))}\n"
    )
    result = run(tmp_path, {"issuer.yaml": text})
    assert messages(result) == [
        (8, 11, "error", "Secret linkerd/linkerd-identity-issuer ca.crt holds a private key where the trust anchor "
                         "certificates belong: `linkerd check` and `linkerd upgrade` read the trust anchors from it and "
                         "find none; put the PEM certificate here"),
    ]
