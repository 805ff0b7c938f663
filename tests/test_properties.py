"""Property tests (hypothesis): whatever the input, the linter does not raise, every position it
reports lies inside the file, and --fix is idempotent and changes nothing but what it fixes.

Inputs: random Kubernetes-like manifests (workloads, Services, Namespaces, NetworkPolicies,
Linkerd resources, with Linkerd annotations holding valid, invalid and GitOps-variable values),
the rules' own bad examples mixed together with noise, and random YAML-ish text.
"""

from __future__ import annotations

import os
import re

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from linter import config as config_mod
from linter import fix as fix_mod
from linter.annotations import CATALOGUE as ANNOTATIONS
from linter.api import load_registry, load_settings, selection
from linter.engine import Engine
from linter.source import LINE_BREAK, parse_bytes
from linter.triggers import Triggers

REGISTRY = load_registry()
RULES = list(REGISTRY.rules.values())
SETTINGS = load_settings("/", overrides={"linkerd-version": "2.18", "kubernetes-version": "1.29"})
CHOSEN = selection(REGISTRY, SETTINGS, ["ALL"])
EXAMPLES = [r.bad.yaml for r in RULES if not r.bad.files] + [r.good.yaml for r in RULES if not r.good.files]

# LINKERD_LINT_PROPERTY_SCALE=50 runs fifty times as many examples (a long local search).
SCALE = int(os.environ.get("LINKERD_LINT_PROPERTY_SCALE", "1"))
PROPS = settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def lint(text: str, name: str = "m.yaml", keep_sources: bool = True):
    engine = Engine(SETTINGS, REGISTRY, CHOSEN, keep_sources=keep_sources)
    return engine.run([], stdin=(name, text.encode("utf-8", "surrogatepass")))


def fix(text: str, unsafe: bool):
    engine = Engine(SETTINGS, REGISTRY, CHOSEN, keep_sources=True)
    run, raw_of = fix_mod.runner(engine, [], [], ("m.yaml", text.encode()))
    outcome = fix_mod.fix_run(run, raw_of, unsafe=unsafe)
    ff = outcome.files.get("m.yaml")
    return (ff.text if ff else text), outcome


# -- positions -------------------------------------------------------------------------------


def inside(text: str, span) -> bool:
    """1-based, end exclusive; the position just past the last line break counts as inside."""
    lines = LINE_BREAK.split(text)

    def ok(line, col):
        if 1 <= line <= len(lines):
            return 1 <= col <= len(lines[line - 1]) + 1
        return False

    return ok(span.line, span.col) and ok(span.end_line, span.end_col) and (span.line, span.col) <= (span.end_line, span.end_col)


def assert_sound(text: str, result) -> None:
    assert result.internal_errors == []
    for f in result.findings:
        assert f.path == "m.yaml"
        assert inside(text, f.span), (f.rule_id, f.span, f.message)
        for rel in f.related:
            assert rel.path != "m.yaml" or inside(text, rel.span), (f.rule_id, rel)
        if f.fix is not None:
            for edit in f.fix.edits:
                assert inside(text, edit.span), (f.rule_id, edit)


# -- random manifests ------------------------------------------------------------------------

NAMES = st.sampled_from(["web", "api", "db", "queue", "a", "x-1"])
NAMESPACES = st.sampled_from(["shop", "default", "linkerd", "kube-system", "team-1", "${NS}"])
VALUES = st.one_of(
    st.sampled_from(["enabled", "disabled", "ingress", "true", "yes", "", "128Mi", "128MB", "100m", "1.5", "-1",
                     "4143", "25,443", "8080-8090", "5432, 6379", "http", "10s", "${VAR}", "${VAR:=enabled}",
                     "${VAR:-64Mi}", "cr.l5d.io/linkerd/proxy:edge-24.1.1", "0.0.0.0/0", "a,,b"]),
    st.integers(-5, 70000),
    st.booleans(),
    st.none(),
    st.text(max_size=12),
)
ANNOTATION_KEYS = st.one_of(st.sampled_from(sorted(ANNOTATIONS)), st.sampled_from(["linkerd.io/inject", "team", "ignore.linkerd-lint.io/LNK201"]))


@st.composite
def metadata(draw, namespaced=True):
    meta = {"name": draw(NAMES)}
    if namespaced and draw(st.booleans()):
        meta["namespace"] = draw(NAMESPACES)
    if draw(st.booleans()):
        meta["labels"] = draw(st.dictionaries(st.sampled_from(["app", "tier", "linkerd.io/control-plane-ns"]), NAMES, max_size=3))
    if draw(st.booleans()):
        meta["annotations"] = draw(st.dictionaries(ANNOTATION_KEYS, VALUES, max_size=4))
    return meta


@st.composite
def container(draw):
    c = {"name": draw(st.sampled_from(["app", "linkerd-proxy", "side"])), "image": draw(st.sampled_from(["app:1", "cr.l5d.io/linkerd/proxy:stable-2.14.10", "nats:2"]))}
    if draw(st.booleans()):
        c["ports"] = draw(st.lists(st.fixed_dictionaries(
            {"containerPort": st.one_of(st.integers(-1, 70000), st.sampled_from(["8080", "${PORT}"]))},
            optional={"name": st.sampled_from(["http", "grpc", "admin-http"]), "protocol": st.sampled_from(["TCP", "UDP", "tcp"])},
        ), max_size=3))
    if draw(st.booleans()):
        c["resources"] = {"limits": {"memory": draw(VALUES)}}
    return c


@st.composite
def pod_spec(draw):
    spec = {"containers": draw(st.lists(container(), min_size=0, max_size=2))}
    if draw(st.booleans()):
        spec["initContainers"] = draw(st.lists(container(), max_size=1))
    for key, values in (("hostNetwork", st.booleans()), ("serviceAccountName", NAMES), ("restartPolicy", st.sampled_from(["Never", "Always"]))):
        if draw(st.booleans()):
            spec[key] = draw(values)
    return spec


@st.composite
def manifest(draw):
    kind = draw(st.sampled_from(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "Service",
                                 "Namespace", "NetworkPolicy", "Server", "AuthorizationPolicy", "ConfigMap", "List"]))
    api = {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "Job": "batch/v1",
           "CronJob": draw(st.sampled_from(["batch/v1", "batch/v1beta1"])), "NetworkPolicy": "networking.k8s.io/v1",
           "Server": "policy.linkerd.io/v1beta3", "AuthorizationPolicy": "policy.linkerd.io/v1alpha1"}.get(kind, "v1")
    doc = {"apiVersion": api, "kind": kind, "metadata": draw(metadata(namespaced=kind != "Namespace"))}
    template = {"metadata": draw(metadata(namespaced=False)), "spec": draw(pod_spec())}
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
        doc["spec"] = {"selector": {"matchLabels": {"app": draw(NAMES)}}, "template": template}
    elif kind == "CronJob":
        doc["spec"] = {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": template}}}
    elif kind == "Pod":
        doc["spec"] = template["spec"]
    elif kind == "Service":
        doc["spec"] = {"selector": {"app": draw(NAMES)}, "ports": [{"port": draw(st.integers(1, 9000)), "targetPort": draw(st.one_of(st.integers(1, 9000), NAMES))}]}
    elif kind == "NetworkPolicy":
        doc["spec"] = {"podSelector": {"matchLabels": {"app": draw(NAMES)}}, "policyTypes": ["Ingress"],
                       "ingress": [{"ports": [{"port": draw(st.one_of(st.integers(1, 9000), NAMES))}]}]}
    elif kind == "Server":
        doc["spec"] = {"podSelector": {"matchLabels": {"app": draw(NAMES)}}, "port": draw(st.one_of(st.integers(1, 9000), NAMES))}
    elif kind == "AuthorizationPolicy":
        doc["spec"] = {"targetRef": {"group": "policy.linkerd.io", "kind": "Server", "name": draw(NAMES)},
                       "requiredAuthenticationRefs": [{"kind": "ServiceAccount", "name": draw(NAMES)}]}
    elif kind == "List":
        doc = {"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": draw(metadata()), "spec": draw(pod_spec())}]}
    return doc


@st.composite
def manifest_file(draw):
    docs = draw(st.lists(manifest(), min_size=1, max_size=5))
    flow = draw(st.booleans())
    parts = [yaml.safe_dump(d, default_flow_style=flow if draw(st.booleans()) else False, sort_keys=draw(st.booleans())) for d in docs]
    if draw(st.booleans()):
        parts = [f"# comment {i}\n" + p for i, p in enumerate(parts)]
    text = "---\n".join(parts)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


@PROPS
@given(manifest_file())
def test_random_manifests_never_raise_and_positions_are_inside(text):
    assert_sound(text, lint(text))


# -- the rules' own examples, mixed ----------------------------------------------------------


FIXABLE_BAD = [r.bad.yaml for r in RULES if r.fixable and not r.bad.files and not r.bad.config]


@st.composite
def mixed_examples(draw, fixable=False):
    picks = draw(st.lists(st.sampled_from(EXAMPLES), min_size=0 if fixable else 1, max_size=4))
    if fixable:
        picks.insert(draw(st.integers(0, len(picks))), draw(st.sampled_from(FIXABLE_BAD)))
    sep = draw(st.sampled_from(["---\n", "---\n# between\n", "\n---\n"]))
    text = sep.join(p if p.endswith("\n") else p + "\n" for p in picks)
    return text


@PROPS
@given(mixed_examples())
def test_examples_mixed_together_never_raise(text):
    assert_sound(text, lint(text))


def _flat(value, path=(), out=None) -> dict:
    out = {} if out is None else out
    if isinstance(value, dict) and value:
        for k, v in value.items():
            _flat(v, path + (k,), out)
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            _flat(v, path + (i,), out)
    else:
        out[path] = value
    return out


def _documents(text):
    try:
        return list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return None


@PROPS
@given(mixed_examples(fixable=True), st.booleans())
def test_fix_is_idempotent_and_changes_only_what_it_fixes(text, unsafe):
    fixed, outcome = fix(text, unsafe)
    again, second = fix(fixed, unsafe)
    assert again == fixed and second.fixed == 0, "a second --fix changed the text"
    applied = [f for ff in outcome.files.values() for f in ff.fixed]
    event(f"fixes applied: {'some' if applied else 'none'}")
    before, after = _documents(text), _documents(fixed)
    assume(before is not None)
    assert after is not None and len(after) == len(before)
    for index, (old, new) in enumerate(zip(before, after)):
        here = [f for f in applied if f.doc_index == index]
        a, b = _flat(old), _flat(new)
        changed = {p for p in set(a) | set(b) if a.get(p, object()) != b.get(p, object())}
        for p in changed:
            # a fixed value, the value it replaced, or a key a fix moved (an annotation to the
            # pod template, a label to the annotations): the change belongs to an applied fix
            assert any(_related(p, tuple(f.field_path)) for f in here), (p, [f.rule_id for f in here])


def _related(path: tuple, fixed: tuple) -> bool:
    if not fixed:
        return True  # a fix of the document as a whole (apiVersion migrations)
    n = min(len(path), len(fixed))
    return path[:n] == fixed[:n] or path[-1] == fixed[-1] or (len(fixed) > 1 and fixed[-2] in path)


# -- random YAML -----------------------------------------------------------------------------

TOKENS = st.sampled_from([
    "a", "b", "key", "apiVersion: v1", "kind: Pod", "metadata:", "  name: x", "  annotations:", "    linkerd.io/inject: true",
    ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "&a ", "*a", "<<: ", "!!python/object:os.system ", "!!binary ",
    "'", '"', "#", "|", ">", "?", "%YAML 1.1", "---", "...", "\n", "\n  ", "\t", "\r", "\r\n", "\u0085", "\u2028",
    "\ufeff", "é", "\x00", "{{ .Values.x }}", "${VAR}", "0x1F", "1_000", "~", "null", "yes", ".inf", "2001-12-14",
])


@settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, max_size=60).map("".join))
def test_random_yaml_never_raises(text):
    raw = text.encode("utf-8")
    src = parse_bytes("m.yaml", raw)
    for p in src.problems:
        if src.text:
            assert inside(src.text, p.span), p
    result = lint(text)
    assert result.internal_errors == []
    decoded = src.text if src.text else text
    for f in result.findings:
        if src.text or not f.rule_id == "LNK001":
            assert inside(decoded, f.span) or (f.span.line, f.span.col) == (1, 1), (f.rule_id, f.span, f.message)


@settings(max_examples=100 * SCALE, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(raw):
    src = parse_bytes("m.yaml", raw)
    assert src.problems or src.documents is not None
    engine = Engine(SETTINGS, REGISTRY, CHOSEN)
    assert engine.run([], stdin=("m.yaml", raw)).internal_errors == []


# -- helpers with a reference implementation -------------------------------------------------

PATTERNS = [
    r"""["']?kind["']?\s*:\s*["']?Namespace\b""",
    r"linkerd2?-cni|cniEnabled",
    r"(?:linkerd|buoyantio)/[a-z-]+:",
    r"scheme\s*:\s*[\"']?(?i:[a-z0-9.-]+/tls)",
    r"chart\s*:\s*[\"']?linkerd2\b",
]
PIECES = st.sampled_from(["kind: Namespace", "kind:Namespace", "'kind': \"Namespace\"", "kind: Namespaces", "linkerd-cni",
                          "linkerd2-cni", "cniEnabled", "linkerd/proxy:", "buoyantio/x:", "scheme: kubernetes.io/TLS",
                          "scheme: x/tls", "chart: linkerd2", "chart: 'linkerd2'", "chart: linkerd2x", "kind", ":", " ",
                          "\n", "Namespace", "linkerd", "-", "x"])


@settings(max_examples=300 * SCALE, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join), st.integers(0, 20))
def test_trigger_prefilter_agrees_with_the_expression(text, searches):
    t = Triggers(PATTERNS)
    t._searches = searches  # before and after the prefilter is switched on
    raw = text.encode()
    assert bool(t.search(raw)) == bool(re.search(t.pattern, raw))


def test_trigger_literals_are_derived_or_refused():
    assert Triggers(PATTERNS).literals is not None
    assert Triggers([r"(?i)kind: namespace"]).literals is None  # case-insensitive: no literal to look for
    assert Triggers([r"[a-z]+: x"]).literals is None  # nothing literal and long enough


CONFIG_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 100), st.floats(allow_nan=False, width=16),
                          st.sampled_from(["", "x", "info", "error", "2.18", "LNK101"]),
                          st.lists(st.sampled_from(["", "LNK101", 3]), max_size=2),
                          st.dictionaries(st.sampled_from(["LNK101", "a/*", "x"]), st.sampled_from(["info", "bad", 1]), max_size=2))


@settings(max_examples=300 * SCALE, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(config_mod.SCHEMA["properties"]) + ["unknown"]), CONFIG_VALUES, max_size=4))
def test_quick_config_check_never_passes_what_jsonschema_rejects(data):
    import jsonschema

    if config_mod._surely_valid(config_mod.SCHEMA, data):
        assert list(jsonschema.Draft202012Validator(config_mod.SCHEMA).iter_errors(data)) == []


@pytest.mark.parametrize("text", [
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    linkerd.io/inject: \"true\"\n",
    "a: &x [*x]\n",
    "\ufeffapiVersion: v1\r\nkind: Namespace\r\nmetadata: {name: n, annotations: {linkerd.io/inject: yes}}\r\n",
])
def test_known_tricky_inputs_are_sound(text):
    assert_sound(text, lint(text))


def test_every_fixable_example_together_fixes_idempotently():
    """The deterministic companion of the property: all fixable rules' bad examples in one file."""
    fixable = [r.bad.yaml for r in RULES if r.fixable and not r.bad.files and not r.bad.config]
    text = "---\n".join(fixable)
    fixed, outcome = fix(text, unsafe=True)
    assert outcome.fixed >= len(fixable) and not outcome.unsettled and not outcome.rejected
    again, second = fix(fixed, unsafe=True)
    assert again == fixed and second.fixed == 0


# -- what the fuzzer found (tests/fuzz/fuzz_lint.py) ----------------------------------------


def test_fuzz_null_label_in_a_flow_mapping_is_fixed_once():
    """`labels: {web}` is the key web with a null value: quoting it must add `: ""`, not a second
    word to the key (the fix loop then grew `{web "" "" ...}` for ten passes)."""
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {web, b: 1, c: }\n  annotations:\n    x:\n"
    fixed, outcome = fix(text, unsafe=True)
    assert "  labels: {web: \"\", b: \"1\", c:  \"\"}\n" in fixed and "    x: \"\"\n" in fixed
    assert not outcome.unsettled
    assert fix(fixed, unsafe=True)[0] == fixed


def test_fuzz_certificate_with_an_unknown_curve_is_judged_not_crashed():
    """A certificate whose key names a curve cryptography does not know raised
    UnsupportedAlgorithm out of the identity rules (four internal errors)."""
    import base64

    example = REGISTRY.rules["LNK703"].bad.yaml
    pems = re.findall(r"-----BEGIN CERTIFICATE-----\n(.*?)-----END CERTIFICATE-----", example, re.S)
    assert pems
    prime256v1 = bytes.fromhex("06082a8648ce3d030107")
    mangled = example
    for body in pems:
        der = base64.b64decode("".join(line.strip() for line in body.splitlines()))
        assert prime256v1 in der
        bad = base64.b64encode(der.replace(prime256v1, prime256v1[:-1] + b"\x17")).decode()
        indent = re.search(r"\n( *)", body).group(1) if "\n" in body.strip("\n") else ""
        lines = [bad[i:i + 64] for i in range(0, len(bad), 64)]
        first_indent = re.match(r" *", body).group(0)
        mangled = mangled.replace(body, first_indent + ("\n" + indent).join(lines) + "\n" + indent)
    result = lint(mangled)
    assert result.internal_errors == []
    assert any(f.rule_id == "LNK704" and "id-ecPublicKey" in f.message for f in result.findings)


def test_fuzz_certificate_with_an_invalid_version_is_skipped_not_crashed():
    """A certificate whose version field says 22 (X.509 knows v1-v3) raised InvalidVersion out
    of LNK701, LNK702 and LNK704.  Like Go's parser, the block is unreadable: no finding."""
    import base64

    example = REGISTRY.rules["LNK701"].bad.yaml
    pems = re.findall(r"-----BEGIN CERTIFICATE-----\n(.*?)-----END CERTIFICATE-----", example, re.S)
    assert len(pems) == 1
    body = pems[0]
    der = base64.b64decode("".join(line.strip() for line in body.splitlines()))
    v3 = bytes.fromhex("a003020102")  # tbsCertificate's [0] EXPLICIT INTEGER 2 (v3)
    assert der.count(v3) == 1
    bad = base64.b64encode(der.replace(v3, bytes.fromhex("a003020116"))).decode()
    indent = re.match(r" *", body).group(0)
    mangled = example.replace(body, "".join(indent + bad[i:i + 64] + "\n" for i in range(0, len(bad), 64)))
    assert lint(example).findings and any(f.rule_id == "LNK701" for f in lint(example).findings)
    result = lint(mangled)
    assert result.internal_errors == []
    assert not any(f.rule_id.startswith("LNK70") for f in result.findings)


@pytest.mark.parametrize("text", ["a: 1", "a:\n  - x", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n   rts:\n    - port: 06*"])
def test_fuzz_spans_end_inside_a_file_without_a_final_line_break(text):
    """libyaml ends open collections on the line after the last when the file has no final line
    break; positions built on them pointed past the file."""
    from linter.located import YMap

    src = parse_bytes("m.yaml", text.encode())
    doc = src.documents[-1]
    assert inside(text, doc.span) and inside(text, doc.data.span)
    for ks, vs in doc.data.spans.values() if isinstance(doc.data, YMap) else ():
        assert inside(text, ks) and inside(text, vs)
    assert_sound(text, lint(text))
