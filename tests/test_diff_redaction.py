"""--diff never prints key material: context lines of a Secret's data and of PEM private keys are redacted."""

import textwrap

from linter.fix import _secret_lines

KEY_LINES = ["MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+yHp2sxPsAAUxdPJ", "tHwn73vlpBvFjHqA7QjnoRf8G3uhRANCAATv"]

SECRET = textwrap.dedent("""\
    apiVersion: v1
    kind: Secret
    type: kubernetes.io/tls
    stringData:
      tls.key: |
        -----BEGIN PRIVATE KEY-----
        {0}
        {1}
        -----END PRIVATE KEY-----
    metadata:
      labels: {{version: 2}}
      name: linkerd-identity-issuer
      namespace: linkerd
    """).format(*KEY_LINES)


def test_diff_context_hides_the_key(run_cli, tmp_path):
    (tmp_path / "issuer.yaml").write_text(SECRET)
    (tmp_path / ".git").mkdir()
    proc = run_cli("check", "--diff", "--select", "LNK104", ".")
    assert proc.returncode == 1
    assert '+  labels: {version: "2"}' in proc.stdout  # the fix is shown
    assert " <redacted>" in proc.stdout  # the context above it is not
    for secret in (*KEY_LINES, "PRIVATE KEY"):
        assert secret not in proc.stdout
    assert (tmp_path / "issuer.yaml").read_text() == SECRET  # --diff writes nothing


def test_which_lines_are_secret():
    lines = textwrap.dedent("""\
        apiVersion: v1
        kind: ConfigMap
        data:
          ca.crt: not a secret
        ---
        apiVersion: v1
        kind: Secret
        data:
          key.pem: c2VjcmV0
        metadata:
          name: x
        ---
        kind: ConfigMap
        data:
          leaked.pem: |
            -----BEGIN EC PRIVATE KEY-----
            abc
            -----END EC PRIVATE KEY-----
          other: fine
        """).splitlines(keepends=True)
    assert sorted(_secret_lines(lines)) == [8, 9, 16, 17, 18]


# -- every layout a Secret or a key can be written in ------------------------------------------

import base64  # noqa: E402
import json  # noqa: E402

import pytest  # noqa: E402

from linter.fix import Encoding, FileFix, unified_diff  # noqa: E402

from .lintkit import b64, leaked  # noqa: E402

# A Secret value that does not look like key material: only knowing it is a Secret's data hides it.
PASSWORD = base64.b64encode(b"correct horse battery staple").decode()


@pytest.fixture(scope="module")
def ec_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    k = ec.generate_private_key(ec.SECP256R1())
    return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                           serialization.NoEncryption()).decode()


def assert_no_key(out: str, key_pem: str = "") -> None:
    assert leaked(out, *([key_pem] if key_pem else [])) == [], "key text leaked"
    assert PASSWORD not in out


def diff_of(run_cli, tmp_path, name: str, text: str) -> str:
    (tmp_path / name).write_text(text)
    (tmp_path / ".git").mkdir(exist_ok=True)
    proc = run_cli("check", "--diff", "--select", "LNK104", name)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (tmp_path / name).read_text() == text
    return proc.stdout


def test_a_secret_inside_a_list(run_cli, tmp_path, ec_key):
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: v1\n  kind: Secret\n  metadata: {name: linkerd-identity-issuer, namespace: linkerd}\n"
        f"  data:\n    tls.key: {b64(ec_key)}\n    password: {PASSWORD}\n"
        "- apiVersion: v1\n  metadata: {name: cm, namespace: linkerd, labels: {flag: true}}\n  kind: ConfigMap\n"
    )
    out = diff_of(run_cli, tmp_path, "list.yaml", text)
    assert out == (
        "--- a/list.yaml\n+++ b/list.yaml\n@@ -8,5 +8,5 @@\n"
        " <redacted>\n <redacted>\n"
        " - apiVersion: v1\n"
        "-  metadata: {name: cm, namespace: linkerd, labels: {flag: true}}\n"
        '+  metadata: {name: cm, namespace: linkerd, labels: {flag: "true"}}\n'
        "   kind: ConfigMap\n"
    )
    assert_no_key(out, ec_key)


def test_a_one_line_flow_secret_hides_the_whole_line(run_cli, tmp_path):
    text = ("{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: linkerd, labels: {x: yes}}, "
            f"data: {{password: {PASSWORD}}}}}\n")
    out = diff_of(run_cli, tmp_path, "flow.yaml", text)
    assert out == "--- a/flow.yaml\n+++ b/flow.yaml\n@@ -1 +1 @@\n-<redacted>\n+<redacted>\n"


def test_quoted_keys(run_cli, tmp_path):
    text = (
        '"apiVersion": v1\n"kind": "Secret"\n"metadata": {name: s, namespace: linkerd, labels: {x: yes}}\n'
        f'"data":\n  "password": {PASSWORD}\n"type": Opaque\n'
    )
    out = diff_of(run_cli, tmp_path, "quoted.yaml", text)
    assert out == (
        "--- a/quoted.yaml\n+++ b/quoted.yaml\n@@ -1,6 +1,6 @@\n"
        ' "apiVersion": v1\n "kind": "Secret"\n'
        '-"metadata": {name: s, namespace: linkerd, labels: {x: yes}}\n'
        '+"metadata": {name: s, namespace: linkerd, labels: {x: "yes"}}\n'
        ' <redacted>\n <redacted>\n "type": Opaque\n'
    )


def test_a_json_manifest(run_cli, tmp_path, ec_key):
    text = (
        '{\n  "apiVersion": "v1",\n  "kind": "Secret",\n'
        f'  "data": {{"password": "{PASSWORD}",\n           "key.pem": "{b64(ec_key)}"}},\n'
        '  "metadata": {"labels": {"x": true}, "name": "s"}\n}\n'
    )
    out = diff_of(run_cli, tmp_path, "secret.json", text)
    assert out == (
        "--- a/secret.json\n+++ b/secret.json\n@@ -3,5 +3,5 @@\n"
        '   "kind": "Secret",\n <redacted>\n <redacted>\n'
        '-  "metadata": {"labels": {"x": true}, "name": "s"}\n'
        '+  "metadata": {"labels": {"x": "true"}, "name": "s"}\n'
        " }\n"
    )
    assert_no_key(out, ec_key)


def _helm_release(key):
    return (
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
        "metadata: {name: linkerd-control-plane, namespace: linkerd, labels: {x: yes}}\n"
        f"spec:\n  values:\n    identity: {{issuer: {{tls: {{keyPEM: {json.dumps(key)}}}}}}}\n"
    ), (
        "@@ -1,6 +1,6 @@\n apiVersion: helm.toolkit.fluxcd.io/v2\n kind: HelmRelease\n"
        "-metadata: {name: linkerd-control-plane, namespace: linkerd, labels: {x: yes}}\n"
        '+metadata: {name: linkerd-control-plane, namespace: linkerd, labels: {x: "yes"}}\n'
        " spec:\n   values:\n <redacted>\n"
    )


def _pem_block(key):
    block = "".join("    " + line + "\n" for line in key.splitlines())
    n = 4 + len(key.splitlines())  # the PEM's last line
    return (
        f"apiVersion: v1\nkind: ConfigMap\ndata:\n  key: |\n{block}metadata: {{name: a, labels: {{x: yes}}}}\n"
    ), (
        f"@@ -{n - 2},4 +{n - 2},4 @@\n <redacted>\n <redacted>\n <redacted>\n"
        '-metadata: {name: a, labels: {x: yes}}\n+metadata: {name: a, labels: {x: "yes"}}\n'
    )


def _wrapped_base64(key):
    encoded = b64(key)
    lines = [encoded[i:i + 64] for i in range(0, len(encoded), 64)]
    block = "".join("    " + line + "\n" for line in lines)
    n = 4 + len(lines)
    return (
        f"apiVersion: v1\nkind: ConfigMap\ndata:\n  key.b64: |\n{block}metadata: {{name: b, labels: {{x: yes}}}}\n"
    ), (
        f"@@ -{n - 2},4 +{n - 2},4 @@\n <redacted>\n <redacted>\n <redacted>\n"
        '-metadata: {name: b, labels: {x: yes}}\n+metadata: {name: b, labels: {x: "yes"}}\n'
    )


@pytest.mark.parametrize("layout", [_helm_release, _pem_block, _wrapped_base64])
def test_a_key_outside_any_secret_is_recognised_by_what_it_is(run_cli, tmp_path, ec_key, layout):
    """A HelmRelease's keyPEM on one line (\\n escapes), a PEM block in a ConfigMap, a key's base64
    wrapped over lines: the lines before the fix (the key's last lines) show as <redacted>."""
    text, hunk = layout(ec_key)
    out = diff_of(run_cli, tmp_path, "key.yaml", text)
    assert out == "--- a/key.yaml\n+++ b/key.yaml\n" + hunk
    assert_no_key(out, ec_key)


def test_both_sides_are_judged_by_their_own_lines():
    """A line removed from the original and one added by the fix are each judged in their own text."""
    before = f"apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\ndata:\n  old: {PASSWORD}\n"
    after = f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  new: {PASSWORD[::-1]}\n"
    ff = FileFix("s.yaml", None, before, Encoding(), after)
    assert unified_diff(ff) == (
        "--- a/s.yaml\n+++ b/s.yaml\n@@ -1,5 +1,6 @@\n apiVersion: v1\n kind: Secret\n"
        "-metadata: {name: s}\n+metadata:\n+  name: s\n <redacted>\n-<redacted>\n+<redacted>\n"
    )


def test_text_that_does_not_parse_falls_back_to_line_rules():
    lines = textwrap.dedent(f"""\
        apiVersion: v1
        "kind": "Secret"
        metadata: {{name: [}}
        "data":
          password: {PASSWORD}
        type: Opaque
        ---
        apiVersion: v1
        kind: ConfigMap
        data:
          shown: yes
        """).splitlines(keepends=True)
    assert sorted(_secret_lines(lines)) == [4, 5]
