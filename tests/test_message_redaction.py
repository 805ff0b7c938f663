"""Finding messages never carry key material: a private key quoted by any rule (built-in, custom,
LNK602 on a CRD field, LNK611/LNK202 echoing a value) is <redacted> in every report format and in
a written baseline; a Secret's data/stringData values are never quoted by schema messages."""

import json

import pytest
import yaml

from linter.api import lint_paths
from linter.redact import REDACTED, redact
from linter.rule import Edit, Finding, Fix, Related, Severity
from linter.located import Span

from .lintkit import b64, leaked


@pytest.fixture(scope="module")
def keys():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    ec_key = ec.generate_private_key(ec.SECP256R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    none = serialization.NoEncryption()
    return {
        "ec": ec_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, none).decode(),
        "pkcs8": rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, none).decode(),
    }


# -- the sanitiser ------------------------------------------------------------------------


def test_whole_and_cut_short_pem_keys(keys):
    ec_key = keys["ec"]
    assert redact(f"is the string {ec_key!r}, not a quantity") == f"is the string '{REDACTED}', not a quantity"
    # schemacheck.show() cuts a value at 57 characters, keeping its real line breaks
    assert redact(f'`spec.key` "{ec_key[:57]}..." is not valid') == f'`spec.key` "{REDACTED}" is not valid'
    assert redact(f"'{keys['pkcs8'][:200]}'") == f"'{REDACTED}'"
    assert redact('"-----BEGIN ENCRYPTED PRIV..."') == f'"{REDACTED}"'  # the header itself cut short
    two = f"a {ec_key!r} and b {keys['pkcs8']!r} end"
    assert redact(two) == f"a '{REDACTED}' and b '{REDACTED}' end"


def test_base64_of_a_key_whole_cut_short_and_after_a_certificate(keys):
    encoded = b64(keys["ec"])
    assert redact(f'data is "{encoded}": it must') == f'data is "{REDACTED}": it must'
    assert redact(f'data "{encoded[:57]}..." does not match') == f'data "{REDACTED}" does not match'
    cert = "-----BEGIN CERTIFICATE-----\nMIIBYzCCAQmgAwIBAgIUNFtO7mjfOc\n-----END CERTIFICATE-----\n"
    for extra in ("", "x", "xy"):  # the key at each byte alignment of the blob
        assert redact(f"v {b64(extra + cert + keys['ec'])} w") == f"v {REDACTED} w"


def test_public_material_and_plain_text_are_kept(keys):
    cert = "-----BEGIN CERTIFICATE-----\nMIIBYzCCAQmgAwIBAgIUNFtO7mjfOc\n-----END CERTIFICATE-----\n"
    for text in (f"anchor {cert!r}", f'crt "{b64(cert)[:57]}..."', "the issuer's private key (key.pem) is missing",
                 "linkerd/linkerd2/pkg/inject/inject.go and ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"):
        assert redact(text) == text
    plain = "proxy.resources.memory.limit is the string '1 Gi'"
    assert redact(plain) is plain  # the usual case: substring tests only


def test_every_finding_is_sanitised_where_it_is_made(keys):
    """Finding construction (ctx.report, plug-ins, .replace()) is the single place."""
    span = Span(1, 1, 1, 2)
    edit = Edit(span, json.dumps(keys["ec"]))
    f = Finding("X001", Severity.ERROR, f"value {keys['ec']!r}", "a.yaml", span,
                related=(Related("b.yaml", span, f"was {b64(keys['ec'])}"), Related("c.yaml", span, "plain")),
                fix=Fix(f"replace {keys['ec']!r}", (edit,)))
    assert f.message == f"value '{REDACTED}'"
    assert [r.message for r in f.related] == [f"was {REDACTED}", "plain"]
    assert f.fix.description == f"replace '{REDACTED}'"
    assert f.fix.edits == (edit,)  # what --fix writes is the file's own text, untouched
    assert f.replace(message=f"again {keys['pkcs8']!r}").message == f"again '{REDACTED}'"


# -- schema messages never quote a Secret's values -----------------------------------------------

SHORT = {"id": "ORG001", "severity": "warning", "message": "values must be short",
         "match": {"kinds": ["Secret", "ConfigMap"]},
         "schema": {"properties": {"data": {"additionalProperties": {"pattern": "^x", "enum": ["a"]}},
                                   "stringData": {"additionalProperties": {"type": "integer"}}}}}


def test_schema_messages_hide_secret_values_but_not_others(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".linkerd-lint.yaml").write_text(yaml.safe_dump({"custom-rules": [SHORT]}))
    (tmp_path / "s.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: a}\n"
        "data: {password: aHVudGVyMg==}\nstringData: {pin: hunter2}\n"
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\ndata: {colour: blue}\n"
    )
    result = lint_paths(["s.yaml"], cwd=str(tmp_path), select=["ORG001"])
    assert [(f.span.line, f.span.col, f.message) for f in result.findings] == [
        (4, 18, 'values must be short: `data.password` <redacted> does not match the pattern ^x'),
        (4, 18, 'values must be short: `data.password` is <redacted>: it must be "a"'),
        (5, 19, "values must be short: `stringData.pin` is the string <redacted>: it must be an integer"),
        (10, 16, 'values must be short: `data.colour` "blue" does not match the pattern ^x'),
        (10, 16, 'values must be short: `data.colour` is "blue": it must be "a"'),
    ]


# -- every report format and the baseline ----------------------------------------------------


def files(keys) -> dict:
    ec_key, pkcs8 = keys["ec"], keys["pkcs8"]
    pem_block = "".join("    " + line + "\n" for line in ec_key.splitlines())
    return {
        "secret.yaml": (  # custom rule on a Secret: base64 data and a PEM in stringData
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: a}\n"
            f"data:\n  tls.key: {b64(ec_key)}\nstringData:\n  key.pem: |\n{pem_block}"
        ),
        "crd.yaml": (  # LNK602 on a CRD field holding a PEM key
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
            "metadata: {name: keys.example.com}\nspec:\n  group: example.com\n  names: {kind: Key, plural: keys}\n"
            "  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n"
            "    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n"
            "          spec:\n            type: object\n            properties:\n"
            "              key: {type: string, pattern: '^ssh-'}\n"
            "---\napiVersion: example.com/v1\nkind: Key\nmetadata: {name: k, namespace: a}\n"
            f"spec:\n  key: |\n{pem_block}"
        ),
        "release.yaml": (  # LNK611: a key pasted into a quantity field of the chart's values
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
            "metadata: {name: linkerd-control-plane, namespace: linkerd}\n"
            "spec:\n  chart: {spec: {chart: linkerd-control-plane, sourceRef: {kind: HelmRepository, name: l}}}\n"
            f"  values:\n    proxy: {{resources: {{memory: {{limit: {json.dumps(ec_key)}}}}}}}\n"
        ),
        "web.yaml": (  # LNK202: and into a proxy annotation
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: a}\nspec:\n"
            "  selector: {matchLabels: {app: web}}\n  template:\n    metadata:\n      labels: {app: web}\n"
            f"      annotations:\n        linkerd.io/inject: enabled\n"
            f"        config.linkerd.io/proxy-cpu-limit: {json.dumps(pkcs8)}\n"
            "    spec:\n      containers: [{name: web, image: web:1}]\n"
        ),
    }


EXPECTED = [  # (rule, path, line, col): the findings are there, only the key is not
    ("LNK602", "crd.yaml", 25, 8),
    ("LNK611", "release.yaml", 7, 41),
    ("LNK202", "web.yaml", 11, 44),
    ("ORG001", "secret.yaml", 5, 12),
    ("ORG001", "secret.yaml", 5, 12),
    ("ORG001", "secret.yaml", 7, 12),
]
RULE = {"id": "ORG001", "severity": "warning", "message": "issuer values", "match": {"kinds": ["Secret"]},
        "schema": {"properties": {"data": {"additionalProperties": {"maxLength": 10, "pattern": "^x"}},
                                  "stringData": {"additionalProperties": {"type": "integer"}}}}}


@pytest.fixture
def project(tmp_path, keys):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".linkerd-lint.yaml").write_text(yaml.safe_dump({"custom-rules": [RULE]}))
    for name, text in files(keys).items():
        (tmp_path / name).write_text(text)
    return tmp_path


SELECT = ("--select", "ORG001,LNK602,LNK611,LNK202")


def test_the_findings_are_reported(project, run_cli):
    proc = run_cli("check", *SELECT, "-f", "json", ".")
    assert proc.returncode == 1, proc.stderr
    found = sorted((f["rule"], f["path"], f["line"], f["column"]) for f in json.loads(proc.stdout)["findings"])
    assert found == sorted(EXPECTED)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab", "junit"])
def test_no_key_material_in_any_format(project, run_cli, keys, fmt):
    proc = run_cli("check", *SELECT, "-f", fmt, ".")
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout + proc.stderr
    assert "ORG001" in out and "LNK602" in out and "LNK611" in out and "LNK202" in out
    assert leaked(out, keys["ec"], keys["pkcs8"]) == []
    assert REDACTED in out or "&lt;redacted&gt;" in out


def test_no_key_material_in_a_written_baseline(project, run_cli, keys):
    proc = run_cli("check", *SELECT, "--write-baseline", "baseline.json", ".")
    assert proc.returncode == 0, proc.stderr
    text = (project / "baseline.json").read_text()
    rows = json.loads(text)["findings"]
    assert sorted({(r["rule"], r["path"]) for r in rows}) == sorted({(r, p) for r, p, _, _ in EXPECTED})
    assert leaked(text + proc.stdout + proc.stderr, keys["ec"], keys["pkcs8"]) == []
