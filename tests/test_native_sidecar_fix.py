"""LNK506's fix: rename a native-sidecar key to the one the message names (value, quoting and comments
kept); safe only where the target already reads the key and nothing else can win instead."""

import textwrap

import pytest

from .lintkit import lint

ALPHA = "config.alpha.linkerd.io/proxy-enable-native-sidecar"
BETA = "config.beta.linkerd.io/proxy-enable-native-sidecar"
GA = "config.linkerd.io/proxy-enable-native-sidecar"


def pod(*lines, namespace="shop"):
    ann = "".join(f"        {line}\n" for line in lines)
    return (
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n"
        f"  namespace: {namespace}\nspec:\n  template:\n    metadata:\n      annotations:\n"
        "        linkerd.io/inject: enabled\n" + ann +
        "    spec:\n      restartPolicy: Never\n      containers:\n        - {name: m, image: m:1}\n"
    )


def namespace(*lines):
    ann = "".join(f"    {line}\n" for line in lines)
    return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n" + ann


def fixes(tmp_path, files, version):
    r = lint(tmp_path, files, "LNK506", config={"linkerd-version": version})
    return [(f.path, f.span.line, f.span.col, None if f.fix is None else (f.fix.safe, f.fix.description,
             [(e.span.line, e.span.col, e.span.end_line, e.span.end_col, e.text) for e in f.fix.edits]))
            for f in r.findings]


def test_a_key_the_target_ignores_is_renamed_unsafely(tmp_path):
    got = fixes(tmp_path, {"job.yaml": pod(f"{GA}: 'true'  # on please")}, "2.18")
    assert got == [("job.yaml", 11, 9, (False, f"rename {GA} to {ALPHA} (the setting starts to apply: native sidecars "
                                        "switch on, which needs Kubernetes 1.29+)", [(11, 9, 11, 54, ALPHA)]))]
    got = fixes(tmp_path, {"job.yaml": pod(f'"{BETA}": "false"')}, "2.18")
    assert got == [("job.yaml", 11, 9, (False, f"rename {BETA} to {ALPHA} (the setting starts to apply)",
                                        [(11, 9, 11, 61, f'"{ALPHA}"')]))]


def test_no_key_to_name_no_fix(tmp_path):
    assert fixes(tmp_path, {"job.yaml": pod(f"{GA}: 'true'")}, "2.14") == [("job.yaml", 11, 9, None)]


@pytest.mark.parametrize("version, new", [("2.19", BETA), ("2.20", GA)])
def test_a_deprecated_key_alone_is_renamed_safely(tmp_path, version, new):
    assert fixes(tmp_path, {"job.yaml": pod(f"{ALPHA}: 'true'")}, version) == [
        ("job.yaml", 11, 9, (True, f"rename {ALPHA} to {new}", [(11, 9, 11, 60, new)]))]


def test_a_key_inherited_from_the_namespace_makes_it_unsafe(tmp_path):
    files = {"ns.yaml": namespace(f"{GA}: 'false'"), "job.yaml": pod(f"{ALPHA}: 'true'")}
    [(path, line, col, (safe, desc, _))] = fixes(tmp_path, files, "2.20")
    assert (path, line, col, safe) == ("job.yaml", 11, 9, False)
    assert desc == f"rename {ALPHA} to {GA} ({GA} also reaches the pod and may win differently after the rename)"


def test_two_keys_in_one_mapping_get_no_fix(tmp_path):
    got = fixes(tmp_path, {"job.yaml": pod(f"{BETA}: 'true'", f"{ALPHA}: 'true'")}, "2.20")
    assert got == [("job.yaml", 11, 9, None), ("job.yaml", 12, 9, None)]


def test_on_a_namespace_it_is_unsafe(tmp_path):
    got = fixes(tmp_path, {"ns.yaml": namespace("linkerd.io/inject: enabled", f"{ALPHA}: 'true'")}, "2.20")
    assert got == [("ns.yaml", 7, 5, (False, f"rename {ALPHA} to {GA} (on a Namespace, a pod's own key of another "
                                     "generation may win differently after the rename)", [(7, 5, 7, 56, GA)]))]
    got = fixes(tmp_path, {"ns.yaml": namespace("linkerd.io/inject: enabled", f"{BETA}: 'true'")}, "2.20")
    assert got == [("ns.yaml", 7, 5, (False, f"rename {BETA} to {GA} (the namespace's pods start to inherit the "
                                     "setting again)", [(7, 5, 7, 55, GA)]))]


def test_fix_writes_exactly_the_new_key(run_cli, tmp_path):
    text = pod(f"{ALPHA}: 'true'  # native, please", "config.linkerd.io/proxy-memory-limit: 64Mi")
    lint(tmp_path, {"job.yaml": text}, "LNK506", config={"linkerd-version": "2.20"})
    proc = run_cli("check", "--fix", "--select", "LNK506", "job.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "job.yaml").read_text() == text.replace(ALPHA, GA)
    # a key the target ignores moves only with --unsafe-fixes
    text = pod(f"{GA}: \"true\"")
    lint(tmp_path, {"job.yaml": text}, "LNK506", config={"linkerd-version": "2.18"})
    assert run_cli("check", "--fix", "--select", "LNK506", "job.yaml").returncode == 1
    assert (tmp_path / "job.yaml").read_text() == text
    run_cli("check", "--fix", "--unsafe-fixes", "--select", "LNK506", "job.yaml")
    assert (tmp_path / "job.yaml").read_text() == textwrap.dedent(text).replace(GA, ALPHA)


def test_an_edge_release_between_lines_may_not_read_the_new_key(tmp_path):
    [(_, _, _, (safe, desc, _))] = fixes(tmp_path, {"job.yaml": pod(f"{ALPHA}: 'true'")}, "edge-26.1.1")
    assert (safe, desc) == (False, f"rename {ALPHA} to {GA} (Linkerd edge-26.1.1 may not read {GA} yet)")
