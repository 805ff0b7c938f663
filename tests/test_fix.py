"""--fix, --unsafe-fixes and --diff: what changes, what must not, and that a second run changes nothing."""

from __future__ import annotations

import os
import re
import stat
import textwrap
from collections import Counter

import pytest
import yaml

from linter.api import lint_paths, load_registry
from linter.source import parse_text

from .examples import CONFIG_NAME

FIXABLE = [r for r in load_registry().rules.values() if r.fixable]
# Fixable rules whose bad example does not meet the standard yet, and why.  strict: once the
# example is fixed this test passes unexpectedly and fails, so the entry must go.
KNOWN_GAPS: dict = {}  # rule id -> why its bad example cannot be fixed completely (none today)
CASES = [
    pytest.param(r, id=r.id, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[r.id])] if r.id in KNOWN_GAPS else [])
    for r in FIXABLE
]
_COMMENT = re.compile(r"(?:^|\s)(#.*?)\s*$")


def comments(text: str) -> Counter:
    """Comment texts, found line by line (independent of the fixer's own ruamel-based count)."""
    return Counter(m.group(1) for line in text.splitlines() if (m := _COMMENT.search(line)))


def write_example(example, directory) -> dict:
    files = {"example.yaml": example.yaml, **dict(example.files)}
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    if example.config:
        (directory / CONFIG_NAME).write_text(yaml.safe_dump(example.config, sort_keys=False))
    (directory / ".git").mkdir()  # stop configuration discovery here
    return files


def read_all(directory, names) -> dict:
    return {name: (directory / name).read_text() for name in names}


def test_there_are_fixable_rules():
    assert {"LNK101", "LNK102", "LNK103", "LNK104", "LNK202"} <= {r.id for r in FIXABLE}


@pytest.mark.parametrize("rule", CASES)
def test_fixing_the_bad_example(rule, run_cli, tmp_path):
    """The bad example, fixed, passes the rule, keeps every comment, and a second fix changes nothing."""
    files = write_example(rule.bad, tmp_path)
    before = read_all(tmp_path, files)
    fixable = [f for f in lint_paths(["."], cwd=str(tmp_path), select=[rule.id]).findings if f.rule_id == rule.id and f.fix]
    assert fixable, f"{rule.id} is fixable but its bad example carries no fix"

    proc = run_cli("check", "--fix", "--unsafe-fixes", "--select", rule.id, ".")
    assert proc.returncode in (0, 1) and "not applied" not in proc.stderr, proc.stderr
    after = read_all(tmp_path, files)
    assert after != before
    assert [f for f in lint_paths(["."], cwd=str(tmp_path), select=[rule.id]).findings if f.rule_id == rule.id] == []
    for name in files:
        assert comments(after[name]) == comments(before[name]), name
        assert len(parse_text(name, after[name]).documents) == len(parse_text(name, before[name]).documents)
        assert not parse_text(name, after[name]).problems

    again = run_cli("check", "--fix", "--unsafe-fixes", "--select", rule.id, ".")
    assert again.returncode == 0, again.stdout + again.stderr
    assert read_all(tmp_path, files) == after
    diff = run_cli("check", "--diff", "--unsafe-fixes", ".")
    assert diff.returncode == 0 and diff.stdout == "", diff.stdout


def write(tmp_path, name, text, newline="\n"):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(textwrap.dedent(text).replace("\n", newline).encode("utf-8"))
    return path


DEPLOYMENT = """\
    # web frontend
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      annotations:
        linkerd.io/inject: enabled  # mesh it
        config.linkerd.io/proxy-memory-limit: '256Mi'
      # labels below are for the Service
      labels:
        app: web
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata:
          labels:
            app: web
          # the pod's annotations go here
        spec:
          containers:
            - {name: web, image: "nginx:1.27"}
    """

DEPLOYMENT_FIXED = """\
    # web frontend
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      # labels below are for the Service
      labels:
        app: web
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata:
          labels:
            app: web
          annotations:
            linkerd.io/inject: enabled  # mesh it
            config.linkerd.io/proxy-memory-limit: '256Mi'
          # the pod's annotations go here
        spec:
          containers:
            - {name: web, image: "nginx:1.27"}
    """


def test_moves_keep_everything_else_byte_for_byte(run_cli, tmp_path):
    """Two LNK102 moves into one pod template: the first makes `annotations:`, the second (next pass) joins it.
    The next key after a nested block is not touched (PyYAML ends a block at the next key's line)."""
    path = write(tmp_path, "web.yaml", DEPLOYMENT)
    proc = run_cli("check", "--fix", "--select", "LNK102", "web.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert path.read_text() == textwrap.dedent(DEPLOYMENT_FIXED)
    assert "All clear: 1 file checked, no findings (2 findings fixed)." in proc.stdout


def test_crlf_line_endings_and_bom_are_kept(run_cli, tmp_path):
    path = write(tmp_path, "web.yaml", DEPLOYMENT, newline="\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    proc = run_cli("check", "--fix", "--select", "LNK102", "web.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:] == textwrap.dedent(DEPLOYMENT_FIXED).replace("\n", "\r\n").encode()


NAMESPACE = """\
    apiVersion: v1
    kind: Namespace
    metadata:
      name: shop
      labels:
        linkerd.io/inject: enabled    # moved by LNK103
      annotations:
        config.linkerd.io/proxy-uid: 2102
        note: "keep # me"
        config.linkerd.io/skip-outbound-ports: null"""


def test_overlapping_fixes_and_unsafe_ones(run_cli, tmp_path):
    """LNK103 moves a label into annotations right where nothing else edits; LNK104 quotes a number
    (safe) and a null (unsafe: only with --unsafe-fixes).  The file has no final line break."""
    path = write(tmp_path, "ns.yaml", NAMESPACE)
    proc = run_cli("check", "--fix", "--select", "LNK103,LNK104", "ns.yaml")
    assert proc.returncode == 1
    expected = textwrap.dedent(NAMESPACE).replace("  labels:\n    linkerd.io/inject: enabled    # moved by LNK103\n", "")
    expected = expected.replace("proxy-uid: 2102", 'proxy-uid: "2102"')
    expected += "\n    linkerd.io/inject: enabled    # moved by LNK103"
    assert path.read_text() == expected
    assert "ns.yaml:8:44: LNK104" in proc.stdout
    assert "1 fixable with --fix --unsafe-fixes" in proc.stdout

    proc = run_cli("check", "--fix", "--unsafe-fixes", "--select", "LNK103,LNK104", "ns.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert path.read_text() == expected.replace("skip-outbound-ports: null", 'skip-outbound-ports: ""')


def test_move_then_quote_the_same_entry(run_cli, tmp_path):
    """LNK102 (move) and LNK104 (quote) edit the same line: the move goes first, the quote in the next pass."""
    write(tmp_path, "job.yaml", """\
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: once
          annotations:
            config.linkerd.io/proxy-uid: 2102
        spec:
          template:
            metadata:
              annotations:
                linkerd.io/inject: enabled
            spec:
              restartPolicy: Never
              containers: [{name: once, image: busybox}]
        """)
    proc = run_cli("check", "--fix", "--select", "LNK102,LNK104", "job.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (tmp_path / "job.yaml").read_text()
    assert "    metadata:\n      annotations:\n        linkerd.io/inject: enabled\n        config.linkerd.io/proxy-uid: \"2102\"\n    spec:" in text
    assert text.count("proxy-uid") == 1


def test_permissions_symlinks_and_no_leftovers(run_cli, tmp_path):
    real = write(tmp_path, "real/ns.yaml", 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  annotations:\n    linkerd.io/inject: "yes"\n')
    os.chmod(real, 0o640)
    link = tmp_path / "ns.yaml"
    link.symlink_to(real)
    proc = run_cli("check", "--fix", "--select", "LNK101", "ns.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert link.is_symlink()
    assert real.read_text().endswith('linkerd.io/inject: "enabled"\n')
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640
    assert sorted(os.listdir(tmp_path / "real")) == ["ns.yaml"]


def test_diff_prints_and_changes_nothing(run_cli, tmp_path):
    path = write(tmp_path, "ns.yaml", 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  annotations:\n    linkerd.io/inject: "yes"\n')
    before = path.read_bytes()
    proc = run_cli("check", "--diff", "ns.yaml")
    assert proc.returncode == 1
    assert proc.stdout == (
        "--- a/ns.yaml\n+++ b/ns.yaml\n@@ -3,4 +3,4 @@\n metadata:\n   name: a\n   annotations:\n"
        '-    linkerd.io/inject: "yes"\n+    linkerd.io/inject: "enabled"\n'
    )
    assert "would fix 1 finding in 1 file" in proc.stderr
    assert path.read_bytes() == before


def test_stdin_fix_writes_the_document_to_stdout(run_cli, tmp_path):
    doc = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  annotations:\n    linkerd.io/inject: Enabled  # typo\n'
    proc = run_cli("check", "--fix", "--stdin-filename", "ns.yaml", "-", stdin=doc)
    assert proc.returncode == 0
    assert proc.stdout == doc.replace("Enabled", "enabled")
    assert "no findings (1 finding fixed)" in proc.stderr
    assert not (tmp_path / "ns.yaml").exists()
    # nothing to fix: the document comes back as it was
    proc = run_cli("check", "--fix", "-", stdin=proc.stdout)
    assert proc.returncode == 0 and proc.stdout == doc.replace("Enabled", "enabled")


def test_helm_template_output_fixed_through_stdin(run_cli):
    rendered = (
        "---\n# Source: shop/templates/namespace.yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"
        "  annotations:\n    linkerd.io/inject: \"true\"\n"
        "---\n# Source: shop/templates/web.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
    )
    proc = run_cli("check", "--fix", "-f", "json", "-", stdin=rendered)
    assert proc.stdout == rendered.replace('"true"', '"enabled"')
    assert '"fixed": 1' in proc.stderr


def test_fix_reports_remaining_findings_and_exit_code(run_cli, tmp_path):
    write(tmp_path, "ns.yaml", 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  annotations:\n    linkerd.io/inject: "maybe"\n')
    proc = run_cli("check", "--fix", "--select", "LNK101", "ns.yaml")
    assert proc.returncode == 1  # no fix for an unclear value: still an error
    assert "ns.yaml:6:24: LNK101" in proc.stdout


def test_file_with_syntax_error_elsewhere_is_left_alone(run_cli, tmp_path):
    """A fix is verified with a round-trip reader; a file it cannot read is not edited."""
    text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  annotations:\n    linkerd.io/inject: "yes"\n---\nkey: [unclosed\n'
    path = write(tmp_path, "ns.yaml", text)
    proc = run_cli("check", "--fix", "--select", "LNK101", "ns.yaml")
    assert path.read_text() == text
    assert "fix for LNK101 at ns.yaml:6:24 not applied: the file does not load with a round-trip YAML reader" in proc.stderr
    assert proc.returncode == 1


# -- the fixer's own machinery, with made-up findings ----------------------------------------

def _finding(path, span, edits, safe=True, rule="LNK999"):
    from linter.rule import Finding, Fix, Severity

    return Finding(rule, Severity.ERROR, "m", path, span, fix=Fix("fix", tuple(edits), safe=safe))


def _fake_run(texts: dict, make_findings):
    """A stand-in for the engine: parses the current text of each file and asks for findings."""
    from linter.engine import RunResult

    def run(contents):
        sources, findings = {}, []
        for path, text in texts.items():
            data = contents.get(path)
            src = parse_text(path, data.decode() if data is not None else text)
            sources[path] = src
            findings += make_findings(src)
        return RunResult(findings, len(texts), sources)

    return run, (lambda path: texts[path].encode())


def test_choose_skips_overlaps_and_two_insertions_at_one_point():
    from linter.fix import choose
    from linter.located import Span
    from linter.rule import Edit

    src = parse_text("a.yaml", "a: 1\nb: 2\nc: 3\n")
    at = Span(2, 1, 2, 1)
    f1 = _finding("a.yaml", Span(1, 1, 1, 1), [Edit(Span(1, 4, 1, 5), "9")])
    f2 = _finding("a.yaml", Span(1, 2, 1, 2), [Edit(Span(1, 1, 2, 1), "")])  # overlaps f1
    f3 = _finding("a.yaml", Span(2, 1, 2, 1), [Edit(at, "x: 0\n")])
    f4 = _finding("a.yaml", Span(2, 2, 2, 2), [Edit(at, "y: 0\n")])  # same point as f3
    f5 = _finding("a.yaml", Span(3, 1, 3, 1), [Edit(Span(3, 4, 3, 5), "8")])
    assert choose([f5, f4, f3, f2, f1], src) == [f1, f3, f5]


def test_a_fix_that_drops_a_comment_is_refused_and_the_others_applied():
    from linter.fix import fix_run
    from linter.located import Span
    from linter.rule import Edit

    text = "a: 1  # one\nb: 2\n"

    def findings(src):
        out = []
        if "a: 1" in src.text:  # rewrites the whole line: the comment goes
            out.append(_finding("a.yaml", Span(1, 1, 1, 1), [Edit(Span(1, 1, 2, 1), "a: 10\n")]))
        if "b: 2\n" in src.text:
            out.append(_finding("a.yaml", Span(2, 4, 2, 5), [Edit(Span(2, 4, 2, 5), "20")]))
        return out

    run, raw_of = _fake_run({"a.yaml": text}, findings)
    outcome = fix_run(run, raw_of)
    assert outcome.files["a.yaml"].text == "a: 1  # one\nb: 20\n"
    [(f, why)] = outcome.rejected
    assert f.span.line == 1 and why == "it would drop the comment '# one'"


def test_fixes_that_undo_each_other_stop():
    from linter.fix import fix_run
    from linter.located import Span
    from linter.rule import Edit

    def findings(src):  # 1 -> 2 -> 1 -> ...
        new = "2" if "a: 1" in src.text else "1"
        return [_finding("a.yaml", Span(1, 4, 1, 5), [Edit(Span(1, 4, 1, 5), new)])]

    run, raw_of = _fake_run({"a.yaml": "a: 1\n"}, findings)
    outcome = fix_run(run, raw_of)
    assert outcome.files["a.yaml"].text == "a: 2\n"
    assert len(outcome.files["a.yaml"].fixed) == 1


def test_unsafe_fixes_only_when_asked():
    from linter.fix import fix_run
    from linter.located import Span
    from linter.rule import Edit

    def findings(src):
        return [_finding("a.yaml", Span(1, 4, 1, 5), [Edit(Span(1, 4, 1, 5), "2")], safe=False)] if "a: 1" in src.text else []

    run, raw_of = _fake_run({"a.yaml": "a: 1\n"}, findings)
    assert fix_run(run, raw_of).files == {}
    assert fix_run(run, raw_of, unsafe=True).files["a.yaml"].text == "a: 2\n"


def test_a_fix_that_never_settles_stops_after_max_passes():
    from linter.fix import MAX_PASSES, fix_run
    from linter.located import Span
    from linter.rule import Edit

    def findings(src):  # appends a digit forever
        end = len(src.text.splitlines()[0]) + 1
        return [_finding("a.yaml", Span(1, end, 1, end), [Edit(Span(1, end, 1, end), "0")])]

    run, raw_of = _fake_run({"a.yaml": "a: 1\n"}, findings)
    outcome = fix_run(run, raw_of)
    assert outcome.unsettled == ["a.yaml"]
    assert outcome.passes == MAX_PASSES + 1  # one fix to start with: one pass more than the minimum
    assert outcome.files["a.yaml"].text == "a: 1" + "0" * outcome.passes + "\n"


def test_fixes_stay_out_of_entries_whose_key_is_duplicated(run_cli, tmp_path):
    """Found by the fuzz target: removing one copy of a duplicated key revealed the next, so the
    fix was offered again pass after pass and a second --fix changed the file again.  Findings in
    such entries carry no fix (nor count as fixable) until the duplicate is gone."""
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: settings", "  annotations:"]
    lines += ["    linkerd.io/inject: enabled"] * 12
    lines += ["    config.linkerd.io/proxy-cpu-limit: ${CPU:=1}", "    empty:", "    empty:", "data:", "  kept: x"]
    text = "\n".join(lines) + "\n"
    path = tmp_path / "cm.yaml"
    path.write_text(text)
    (tmp_path / ".git").mkdir()
    r = run_cli("check", "--select", "LNK111,LNK104", "cm.yaml")
    assert "cm.yaml:17:5: LNK111" in r.stdout and "cm.yaml:20:11: LNK104" in r.stdout  # the last copies: the ones read
    assert "fixable" not in r.stdout
    r = run_cli("check", "--fix", "--unsafe-fixes", "--select", "LNK111,LNK104", "cm.yaml")
    assert "still changing" not in r.stderr and "not applied" not in r.stderr
    assert path.read_text() == text
    sarif = run_cli("check", "-f", "sarif", "--select", "LNK111,LNK104", "cm.yaml")
    assert '"fixes"' not in sarif.stdout
    # Once the duplicates are gone, the fixes are offered again.
    path.write_text(text.replace("    linkerd.io/inject: enabled\n" * 12, "    linkerd.io/inject: enabled\n")
                    .replace("    empty:\n    empty:\n", "    empty:\n"))
    r = run_cli("check", "--select", "LNK111,LNK104", "cm.yaml")
    assert "fixable" in r.stdout


def test_fixes_outside_the_duplicated_entries_still_apply(run_cli, tmp_path):
    path = tmp_path / "cm.yaml"
    path.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  annotations:\n"
        "    a: x\n    a: y\n    empty:\n"
    )
    (tmp_path / ".git").mkdir()
    r = run_cli("check", "--fix", "--unsafe-fixes", "--select", "LNK104", "cm.yaml")
    assert "not applied" not in r.stderr
    assert path.read_text().endswith('    a: x\n    a: y\n    empty: ""\n')


def test_many_fixes_that_insert_at_one_point_all_settle_in_one_run(run_cli, tmp_path):
    """Found by the fuzz target: each label moved into the new annotations block inserts at the
    same point, so they take a pass each, and fourteen did not fit in ten passes (a second
    --fix changed the file again)."""
    labels = "".join(f"    config.linkerd.io/proxy-cpu-limit-{i}: x\n" for i in range(13))
    text = ("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n"
            "    linkerd.io/inject: enabled\n" + labels + "    team: web\n")
    path = tmp_path / "ns.yaml"
    path.write_text(text)
    (tmp_path / ".git").mkdir()
    first = run_cli("check", "--fix", "--select", "LNK103", "ns.yaml")
    assert "still changing" not in first.stderr, first.stderr
    fixed = path.read_text()
    assert "  labels:\n    team: web\n" in fixed and fixed.count("config.linkerd.io/proxy-cpu-limit-") == 13
    assert "  annotations:\n    linkerd.io/inject: enabled\n" in fixed
    second = run_cli("check", "--fix", "--select", "LNK103", "ns.yaml")
    assert path.read_text() == fixed and "LNK103" not in second.stdout


def test_a_comment_above_a_moved_entry_moves_with_it(run_cli, tmp_path):
    """The whole-line comments directly above a moved annotation describe it: they go with it (LNK102,
    and the `annotations:` block that goes with its last key takes the comment above it too).  A comment
    after a blank line, or at another indentation, stays where it is."""
    write(tmp_path, "web.yaml", """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          annotations:
            # memory for the proxy
            # (measured under load)
            config.linkerd.io/proxy-memory-limit: 256Mi   # trailing
            # owned by team a
            team: a
            # about the cpu

            config.linkerd.io/proxy-cpu-limit: "1"
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata:
              labels: {app: web}
              annotations:
                linkerd.io/inject: enabled
            spec:
              containers: [{name: web, image: "nginx:1"}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
          # proxy settings
          annotations:
            # memory
            config.linkerd.io/proxy-memory-limit: 128Mi
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers: [{name: api, image: "nginx:1"}]
        """)
    proc = run_cli("check", "--fix", "--select", "LNK102", "web.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "web.yaml").read_text() == textwrap.dedent("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          annotations:
            # owned by team a
            team: a
            # about the cpu

        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata:
              labels: {app: web}
              annotations:
                linkerd.io/inject: enabled
                # memory for the proxy
                # (measured under load)
                config.linkerd.io/proxy-memory-limit: 256Mi   # trailing
                config.linkerd.io/proxy-cpu-limit: "1"
            spec:
              containers: [{name: web, image: "nginx:1"}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata:
              labels: {app: api}
              annotations:
                # proxy settings
                # memory
                config.linkerd.io/proxy-memory-limit: 128Mi
            spec:
              containers: [{name: api, image: "nginx:1"}]
        """)
    assert run_cli("check", "--diff", "--select", "LNK102", "web.yaml").stdout == ""


def test_diff_reports_describe_the_files_on_disk(run_cli, tmp_path):
    """--diff writes nothing, so the reports written beside the diff (and a baseline) describe the
    file as it is, not as the fixes would make it."""
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n"
        "    # memory for the proxy\n    config.linkerd.io/proxy-memory-limit: 256Mi\nspec:\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n    metadata:\n      labels: {app: web}\n"
        "      annotations:\n        linkerd.io/inject: \"true\"\n    spec:\n      containers: [{name: web, image: nginx:1.27}]\n"
    )
    (tmp_path / ".git").mkdir()
    (tmp_path / "d.yaml").write_text(text)
    on_disk = run_cli("check", "-q", "--select", "LNK101,LNK102", "d.yaml").stdout
    assert on_disk.splitlines() == [
        "d.yaml:7:5: LNK102 [error] config.linkerd.io/proxy-memory-limit on the Deployment's own metadata is never seen "
        "by the proxy injector; put it on the pod template's annotations",
        "d.yaml:14:28: LNK101 [error] linkerd.io/inject is 'true': not one of enabled, ingress, disabled, so this pod "
        "is not injected; did you mean enabled?",
    ]
    proc = run_cli("check", "-q", "--diff", "--select", "LNK101,LNK102", "-f", "text", "-o", "report.txt", "d.yaml")
    assert proc.returncode == 1 and proc.stdout.startswith("--- a/d.yaml")
    assert (tmp_path / "report.txt").read_text() == on_disk
    assert (tmp_path / "d.yaml").read_text() == text
