"""Certificates read with ``cryptography``, imported only when a run found identity material.

What Linkerd accepts, from pkg/issuercerts/issuercerts.go (linkerd/linkerd2):

* issuer (CheckIssuerCertAlgoRequirements): ECDSA public key on P-256, signed with
  ECDSA-SHA256 or SHA256-RSA; it must be a CA (VerifyAndBuildCreds, and
  pkg/identity/service.go loadCredentials);
* trust anchor (CheckTrustAnchorAlgoRequirements): ECDSA P-256 as above, or RSA with a
  2048- or 4096-bit modulus signed with SHA256-RSA;
* validity (CheckCertValidityPeriod, CheckExpiringSoon): not before NotBefore, not after
  NotAfter, and a warning when NotAfter is within 60 days.

Nothing here returns or prints key material or PEM text: only names, dates and algorithms.
"""

from __future__ import annotations

import re

from linter.lazyre import pattern
from linter.record import Record

_PEM = pattern(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.S)

OID_ECDSA_SHA256 = "1.2.840.10045.4.3.2"
OID_SHA256_RSA = "1.2.840.113549.1.1.11"
_SIG_NAMES = {
    OID_ECDSA_SHA256: "ECDSA-SHA256",
    "1.2.840.10045.4.3.3": "ECDSA-SHA384",
    "1.2.840.10045.4.3.4": "ECDSA-SHA512",
    OID_SHA256_RSA: "SHA256-RSA",
    "1.2.840.113549.1.1.5": "SHA1-RSA",
    "1.2.840.113549.1.1.12": "SHA384-RSA",
    "1.2.840.113549.1.1.13": "SHA512-RSA",
    "1.2.840.113549.1.1.10": "RSA-PSS",
    "1.3.101.112": "Ed25519",
}
_CURVES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521", "secp224r1": "P-224"}


class Cert(Record, eq=False):
    __slots__ = ("x509", "index", "count", "name", "not_before", "not_after", "key", "signature", "signature_oid",
                 "is_ca")

    def __init__(self, x509: object, index: int, count: int, name: str, not_before: object, not_after: object,
                 key: tuple, signature: str, signature_oid: str, is_ca: bool):
        self.x509 = x509  # cryptography.x509.Certificate
        self.index = index  # position in its PEM bundle (0-based)
        self.count = count  # certificates in the bundle
        self.name = name  # CN=… (or the whole subject when it has no CN)
        self.not_before = not_before  # aware datetime (UTC)
        self.not_after = not_after
        self.key = key  # ("ECDSA", "P-256") | ("RSA", 2048) | (algorithm name, None)
        self.signature = signature  # ECDSA-SHA256, SHA256-RSA, … or the OID
        self.signature_oid = signature_oid
        self.is_ca = is_ca

    @property
    def label(self) -> str:
        where = f" (certificate {self.index + 1} of {self.count})" if self.count > 1 else ""
        return f"{self.name}{where}"

    @property
    def key_text(self) -> str:
        kind, size = self.key
        return f"{kind} {size}" if size else kind


def parse_bundle(text: str) -> list:
    """The certificates of a PEM bundle, in order; blocks that do not parse are skipped.

    Placeholders (``-----BEGIN CERTIFICATE-----\\n...``) are common in documentation
    repositories, so an unreadable block is not a finding.
    """
    import base64
    import binascii

    from cryptography import x509

    blocks = _PEM.findall(text or "")
    out = []
    for body in blocks:
        try:
            der = base64.b64decode("".join(body.split()), validate=True)
            cert = x509.load_der_x509_certificate(der)
            out.append(_describe(cert))
        except (binascii.Error, ValueError, TypeError, x509.InvalidVersion):
            continue  # (a version field other than v1-v3, found by fuzzing: Go's parser refuses it too)
    for i, c in enumerate(out):
        c.index, c.count = i, len(out)
    return out


# A complete PEM block of any type; its type is group 1.
_BLOCK = pattern(r"-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \1-----", re.S)
# Values that a deploy step decrypts or substitutes, not judged: SOPS ENC[...], Ansible Vault, Bank-Vaults
# vault:..., akv2k8s name@azurekeyvault, Helm and Go templates, argocd-vault-plugin <path:...>, Concourse
# ((var)), token replacement #{x}# / $(x) / __X__ / @x@.
_PLACEHOLDER = pattern(r"ENC\[|^\s*\$ANSIBLE_VAULT|^\s*vault:|@azurekeyvault|\{\{.*?\}\}|<[^<>\n]+>|\(\(.*?\)\)"
                       r"|#\{.*?\}|\$\(.*?\)|__\w+__|@[\w.-]+@", re.S)


class NoCertificate(Record, frozen=True):
    """Why a value meant to hold certificates gives Linkerd none.  ``block`` is the PEM type standing where
    the certificate belongs ('EC PRIVATE KEY', 'CERTIFICATE REQUEST', ...), '' when the value holds no PEM
    at all; ``base64`` tells that the value is base64 of PEM (encoded once too often); ``hidden`` that
    certificates follow the block but are never read."""

    __slots__ = ("block", "base64", "hidden")

    def __init__(self, block: str, base64: bool = False, hidden: bool = False):
        self.block = block
        self.base64 = base64
        self.hidden = hidden

    @property
    def private_key(self) -> bool:
        return self.block.endswith("PRIVATE KEY")


def no_certificate(text: str, first_only: bool):
    """A ``NoCertificate`` when Linkerd finds no certificate in ``text``, else None; None too when unsure.

    ``first_only``: Linkerd's Go code (pkg/tls/codec.go DecodePEMCertificates, used by the identity
    controller and the CLI) stops at the first PEM block that is not a CERTIFICATE; the proxy
    (linkerd2-proxy meshtls rustls creds.rs, ``rustls_pemfile::certs``) skips such blocks and reads the
    certificates after them.  A BEGIN line without its END (a placeholder, a cut paste) and a value a
    deploy step substitutes are left alone, as ``parse_bundle`` leaves an unreadable certificate alone.
    """
    types = _BLOCK.findall(text)
    if not types:
        if "-----BEGIN" in text or _PLACEHOLDER.search(text):
            return None
        return NoCertificate("", base64=_is_base64_pem(text))
    if first_only:
        if types[0] == "CERTIFICATE":
            return None
        return NoCertificate(types[0], hidden="CERTIFICATE" in types)
    if "CERTIFICATE" in types:
        return None
    return NoCertificate(next((t for t in types if t.endswith("PRIVATE KEY")), types[0]))


def _is_base64_pem(text: str) -> bool:
    import base64
    import binascii

    try:
        return b"-----BEGIN" in base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return False


def _describe(cert) -> Cert:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    cns = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    name = f"CN={cns[0].value}" if cns else (cert.subject.rfc4514_string() or "(empty subject)")
    if len(name) > 100:
        name = name[:97] + "..."
    from cryptography.exceptions import UnsupportedAlgorithm

    try:
        pub = cert.public_key()
    except (ValueError, TypeError, NotImplementedError, UnsupportedAlgorithm):  # an unknown curve (found by fuzzing)
        pub = None
    if isinstance(pub, ec.EllipticCurvePublicKey):
        key = ("ECDSA", _CURVES.get(pub.curve.name, pub.curve.name))
    elif isinstance(pub, rsa.RSAPublicKey):
        key = ("RSA", pub.key_size)
    elif isinstance(pub, ed25519.Ed25519PublicKey):
        key = ("Ed25519", None)
    else:
        oid = getattr(cert, "public_key_algorithm_oid", None)
        key = (getattr(oid, "_name", None) or getattr(oid, "dotted_string", None) or "an unsupported algorithm", None)
    oid = cert.signature_algorithm_oid.dotted_string
    try:
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        is_ca = bool(bc.ca)
    except x509.ExtensionNotFound:
        is_ca = False
    except ValueError:  # a malformed extension: Go's parser refuses the certificate too
        is_ca = False
    return Cert(
        x509=cert,
        index=0,
        count=1,
        name=name,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key=key,
        signature=_SIG_NAMES.get(oid, oid),
        signature_oid=oid,
        is_ca=is_ca,
    )


def issued_by(child: Cert, parent: Cert) -> bool:
    """Whether ``parent`` signed ``child`` (names chain and the signature verifies)."""
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

    try:
        child.x509.verify_directly_issued_by(parent.x509)
        return True
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False


def chain_to(cert: Cert, intermediates: list, anchors: list):
    """The anchor ``cert`` chains to (through ``intermediates``, as Go's x509 verifier builds
    chains from the issuer file's extra certificates), or None."""
    current, seen = cert, set()
    for _ in range(len(intermediates) + 1):
        for anchor in anchors:
            if issued_by(current, anchor):
                return anchor
        step = next((i for i in intermediates if id(i) not in seen and issued_by(current, i)), None)
        if step is None:
            return None
        seen.add(id(step))
        current = step
    return None


def issuer_problems(c: Cert) -> list:
    """Why Linkerd refuses ``c`` as the identity issuer (empty: accepted)."""
    out = []
    if c.key != ("ECDSA", "P-256"):
        out.append(f"its key is {c.key_text}; the issuer must use ECDSA P-256, the only issuer key Linkerd supports")
    elif c.signature_oid not in (OID_ECDSA_SHA256, OID_SHA256_RSA):
        out.append(f"it is signed with {c.signature}; Linkerd requires the issuer to be signed with ECDSA-SHA256 "
                   "or SHA256-RSA")
    if not c.is_ca:
        out.append("it is not a CA (basicConstraints CA:TRUE is missing), and the identity controller refuses an "
                   "issuer that cannot sign certificates")
    return out


def anchor_problems(c: Cert) -> list:
    """Why Linkerd refuses ``c`` as a trust anchor (empty: accepted)."""
    kind, size = c.key
    if kind == "ECDSA":
        if size != "P-256":
            return [f"its key is ECDSA {size}; Linkerd supports ECDSA trust anchors on P-256 only"]
        if c.signature_oid not in (OID_ECDSA_SHA256, OID_SHA256_RSA):
            return [f"it is signed with {c.signature}; Linkerd requires an ECDSA trust anchor to be signed with "
                    "ECDSA-SHA256 or SHA256-RSA"]
        return []
    if kind == "RSA":
        if size not in (2048, 4096):
            return [f"its key is RSA {size}; Linkerd supports RSA trust anchors of 2048 or 4096 bits only"]
        if c.signature_oid != OID_SHA256_RSA:
            return [f"it is signed with {c.signature}; Linkerd requires an RSA trust anchor to be signed with SHA256-RSA"]
        return []
    return [f"its key is {c.key_text}; Linkerd supports trust anchors with ECDSA P-256 or RSA 2048/4096 keys only"]


def certificates(facts, material) -> list:
    """Parsed certificates of a Material, cached in the run's identity facts."""
    key = id(material)
    hit = facts.parsed.get(key)
    if hit is None:
        hit = facts.parsed[key] = (material, parse_bundle(material.text))
    return hit[1]


def when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def each_certificate(facts, inv):
    """(material, certificate, what it is) for every certificate of the identity material in reported files."""
    for m in facts.materials:
        if not inv.reports(m.path):
            continue  # read for context only: not parsed unless another finding needs it
        for c in certificates(facts, m):
            if m.role == "anchors":
                what = "trust anchor"  # the origin says where (a ConfigMap, Helm values, a proxy's env)
            elif c.index == 0:
                what = "issuer certificate"
            else:
                what = "certificate of the issuer's chain"
            yield m, c, what
