"""LNK105's fix: rename a misspelt Linkerd key to the one known key it is a typo of (unsafe: a guess,
and the setting starts to apply), never onto a key the mapping already holds."""

from .lintkit import lint

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    linkerd.io/inject: enabled
    config.linkerd.io/proxy-memory-limt: 256Mi  # memory cap
    'config.linkerd.io/proxy-cpu-limt': "1"
    linkerd.io.inject: enabled
    config.linkerd.com/proxy-log-level: debug
    config.linkerd.io/proxy-mem-limit: 1Gi
    config.linkerd.io/proxy-log-levl: info
    config.linkerd.io/proxy-log-level: warn
    config.linkerd.io/proxy-cpu-requests: 100m
    config.linkerd.io/proxy-cpu-request: 200m
    config.linkerd.io/skip-outbound-port: "4567"
spec:
  containers:
    - name: web
      image: nginx:1.27
"""


def test_which_findings_carry_a_rename(tmp_path):
    r = lint(tmp_path, {"pod.yaml": POD}, "LNK105")
    got = [(f.span.line, f.span.col, f.fix and (f.fix.safe, f.fix.description,
            [(e.span.line, e.span.col, e.span.end_line, e.span.end_col, e.text) for e in f.fix.edits]))
           for f in r.findings]
    assert got == [
        (7, 5, (False, "rename config.linkerd.io/proxy-memory-limt to config.linkerd.io/proxy-memory-limit",
                [(7, 5, 7, 40, "config.linkerd.io/proxy-memory-limit")])),
        (8, 5, (False, "rename config.linkerd.io/proxy-cpu-limt to config.linkerd.io/proxy-cpu-limit",
                [(8, 5, 8, 39, "'config.linkerd.io/proxy-cpu-limit'")])),
        (9, 5, None),    # linkerd.io/inject is already there
        (10, 5, None),   # so is config.linkerd.io/proxy-log-level
        (11, 5, None),   # mem -> memory is three edits, and proxy-cpu-limit is as near: a guess
        (12, 5, None),   # proxy-log-level is already there
        (14, 5, None),   # proxy-cpu-request is already there
        (16, 5, (False, "rename config.linkerd.io/skip-outbound-port to config.linkerd.io/skip-outbound-ports",
                 [(16, 5, 16, 41, "config.linkerd.io/skip-outbound-ports")])),
    ]


def test_unsafe_fixes_rewrite_only_the_keys(run_cli, tmp_path):
    lint(tmp_path, {"pod.yaml": POD}, "LNK105")
    assert run_cli("check", "--fix", "--select", "LNK105", "pod.yaml").returncode == 1
    assert (tmp_path / "pod.yaml").read_text() == POD  # never applied without --unsafe-fixes
    run_cli("check", "--fix", "--unsafe-fixes", "--select", "LNK105", "pod.yaml")
    assert (tmp_path / "pod.yaml").read_text() == (
        POD.replace("proxy-memory-limt: 256Mi", "proxy-memory-limit: 256Mi")
        .replace("'config.linkerd.io/proxy-cpu-limt'", "'config.linkerd.io/proxy-cpu-limit'")
        .replace("skip-outbound-port:", "skip-outbound-ports:")
    )


def test_keys_linkerd_writes_are_never_the_target(tmp_path):
    text = POD.replace("config.linkerd.io/proxy-memory-limt", "linkerd.io/created-bye")
    r = lint(tmp_path, {"pod.yaml": text}, "LNK105")
    [f] = [f for f in r.findings if f.span.line == 7]
    assert "did you mean linkerd.io/created-by?" in f.message and f.fix is None


def _levenshtein(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def test_the_banded_distance_agrees_with_the_full_table():
    from hypothesis import given
    from hypothesis import strategies as st

    from linter.rules.unknown_linkerd_annotation import _distance

    words = st.text(alphabet="ab-.", max_size=9)

    @given(words, words, st.integers(min_value=0, max_value=3))
    def agree(a, b, limit):
        full = _levenshtein(a, b)
        assert _distance(a, b, limit) == (full if full <= limit else limit + 1)

    agree()
