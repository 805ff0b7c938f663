"""Engine.run(known=...): linting one file against FileFacts of the others gives exactly the
findings of a run that reads the others as context, and of the full run, for that file."""

from __future__ import annotations

import os

from linter.api import load_registry, load_settings, selection
from linter.engine import Engine
from linter.files import discover

FILES = {
    "ns.yaml": (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n"
        "    linkerd.io/inject: enabled\n    config.linkerd.io/proxy-cpu-request: 100m\n"
    ),
    "apps/web.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n"
        "  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n"
        "    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n"
        "          ports: [{containerPort: 8080, name: http}]\n"
    ),
    "apps/svc.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n"
        "  selector: {app: web}\n  ports: [{port: 80, targetPort: http}]\n"
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\nspec:\n"
        "  selector: {app: api}\n  ports: [{port: 80, targetPort: 9090}]\n"
    ),
    "apps/api.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: other\nspec:\n"
        "  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n"
        "      annotations:\n        linkerd.io/inject: \"true\"  # linkerd-lint: disable=LNK999\n"
        "    spec:\n      containers:\n        - name: api\n          image: api:1\n"
    ),
    "broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   bad: [\n",
}


def _write(root):
    for rel, text in FILES.items():
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as fh:
            fh.write(text)


def _key(findings):
    return [(f.path, f.rule_id, f.span, f.message, tuple(f.related)) for f in findings]


def test_known_facts_give_the_findings_of_a_context_run(tmp_path):
    root = str(tmp_path)
    _write(root)
    settings = load_settings(root)
    registry = load_registry(settings)
    chosen = selection(registry, settings)
    files = discover([root], root)
    full = Engine(settings, registry, chosen).run(files)
    assert {f.path for f in full.findings} >= {"apps/api.yaml", "apps/web.yaml", "broken.yaml"}
    # cross-file cases of each kind: a Namespace fact (LNK201), a cross-resource rule over kept objects (LNK610)
    assert {("apps/web.yaml", "LNK201"), ("apps/svc.yaml", "LNK610")} <= {(f.path, f.rule_id) for f in full.findings}
    facts_engine = Engine(settings, registry, chosen)
    facts = {disp: facts_engine.read_facts(real, disp) for real, disp in files}
    # only files holding run-wide facts are parsed for the index
    assert [f.path for f in facts.values() if f.context] == ["ns.yaml"]
    for real, disp in files:
        others = [(r, d) for r, d in files if d != disp]
        with_context = Engine(settings, registry, chosen).run([(real, disp)], others)
        with_known = Engine(settings, registry, chosen).run(
            [(real, disp)], known=[facts[d] for _, d in others]
        )
        assert _key(with_known.findings) == _key(with_context.findings), disp
        assert _key(with_known.findings) == _key([f for f in full.findings if f.path == disp]), disp
        assert with_known.internal_errors == with_context.internal_errors


def test_in_memory_text_with_known_facts(tmp_path):
    """The language server's case: the edited text via stdin, the rest via known facts."""
    root = str(tmp_path)
    _write(root)
    settings = load_settings(root)
    registry = load_registry(settings)
    engine = Engine(settings, registry, selection(registry, settings), keep_sources=True)
    files = discover([root], root)
    known = [engine.read_facts(r, d) for r, d in files if d != "apps/web.yaml"]
    text = FILES["apps/web.yaml"]
    before = engine.run([], stdin=("apps/web.yaml", text.encode()), known=known)
    assert "LNK201" in {f.rule_id for f in before.findings}  # meshed by ns.yaml, no memory limit
    limited = text.replace("      labels: {app: web}\n", "      labels: {app: web}\n      annotations:\n"
                           "        config.linkerd.io/proxy-memory-limit: 256Mi\n")
    after = engine.run([], stdin=("apps/web.yaml", limited.encode()), known=known)
    assert "LNK201" not in {f.rule_id for f in after.findings}
    # facts_of the edited source: the same objects a fresh read would give
    src = after.sources["apps/web.yaml"]
    assert engine.facts_of(src).path == "apps/web.yaml"


def test_internal_errors_are_per_run(tmp_path):
    """A long-lived engine (the language server's) does not pile up internal errors run after run."""
    from linter.rule import Example, Severity, rule

    @rule(id="LNK990", name="always-crashes", severity=Severity.INFO, summary="s", why="w", how_to_fix="h",
          references=("r",), bad=Example("a: 1\n"), good=Example("a: 1\n"), scope="file")
    def crashing(ctx):
        raise RuntimeError("boom")

    settings = load_settings(str(tmp_path))
    registry = load_registry(settings)
    registry.add(crashing)
    engine = Engine(settings, registry, {"LNK990"})
    for _ in range(3):
        result = engine.run([], stdin=("x.yaml", b"a: 1\n"))
        assert result.internal_errors == ["LNK990 failed on x.yaml: RuntimeError: boom"]


def test_helm_values_documents_count_through_known_facts(tmp_path):
    """A control-plane values file (a document that is no Kubernetes object) sets the proxy's
    memory limit for every pod: through known facts exactly as when it is read as context."""
    root = str(tmp_path)
    _write(root)
    with open(os.path.join(root, "values.yaml"), "w") as fh:
        fh.write("proxyInjector: {}\nproxy:\n  resources:\n    memory:\n      limit: 256Mi\n")
    settings = load_settings(root)
    registry = load_registry(settings)
    chosen = selection(registry, settings)
    files = discover([root], root)
    web = [(r, d) for r, d in files if d == "apps/web.yaml"]
    others = [(r, d) for r, d in files if d != "apps/web.yaml"]
    with_context = Engine(settings, registry, chosen).run(web, others)
    engine = Engine(settings, registry, chosen)
    with_known = engine.run(web, known=[engine.read_facts(r, d) for r, d in others])
    assert "LNK201" not in {f.rule_id for f in with_context.findings}  # the values file sets the limit
    assert _key(with_known.findings) == _key(with_context.findings)
