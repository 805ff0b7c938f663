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
