"""--jobs: worker processes give the same findings, in the same order, as one process; and what
the engine keeps for the inventory pass (pruned, packed: linter/retain.py) changes nothing.

The corpus is every rule's bad and good example (with their extra files) plus generated
multi-document manifests, linted with every rule under a few target versions: a rule that
reads a field the pruning drops, or that writes run-wide facts from a worker, fails here.
"""

import os
import pickle
import random
import subprocess
import sys

import pytest

from linter import parallel, retain
from linter.api import lint_paths, load_registry
from linter.located import Span, YMap, YSeq
from linter.source import parse_text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
import gen_corpus  # noqa: E402

RULES = list(load_registry().rules.values())


@pytest.fixture(autouse=True)
def _lenient(monkeypatch):
    """Tests below iterate kept maps to compare them; the ones that want strict mode say so."""
    monkeypatch.setattr(retain, "STRICT", False)
SETTINGS = [
    {},
    {"linkerd-version": "2.14", "kubernetes-version": "1.25"},
    {"linkerd-version": "2.20", "kubernetes-version": "1.33"},
]


# Cross-resource cases whose findings depend on each field the pruning keeps.
_POD = """\
apiVersion: apps/v1
kind: {kind}
metadata:
  name: {name}
  namespace: contract
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
{spec}"""
_SVC = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: contract\nspec:\n  selector: {{app: {name}}}\n  ports:\n    - port: {port}\n"
CONTRACT = {
    "ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: contract\n  annotations:\n    linkerd.io/inject: enabled\n",
    # hostNetwork: the injector skips the pod, so a server-speaks-first port is no concern (LNK306)
    "host.yaml": _POD.format(kind="Deployment", name="host", spec="      hostNetwork: true\n      containers:\n"
                             "        - name: nats\n          image: nats:2\n          ports: [{containerPort: 4222}]\n")
    + "---\n" + _SVC.format(name="host", port=4222),
    # a proxy already there (by image): not injected again
    "sidecar.yaml": _POD.format(kind="StatefulSet", name="sidecar", spec="      containers:\n"
                                "        - name: nats\n          image: nats:2\n          ports: [{containerPort: 4222}]\n"
                                "        - name: mesh\n          image: cr.l5d.io/linkerd/proxy:edge-24.1.1\n")
    + "---\n" + _SVC.format(name="sidecar", port=4222),
    # a native sidecar (init container with restartPolicy: Always) serving a server-speaks-first port
    "native.yaml": _POD.format(kind="Deployment", name="native", spec="      initContainers:\n"
                               "        - name: nats\n          image: nats:2\n          restartPolicy: Always\n"
                               "          ports: [{containerPort: 4222, name: nats}]\n"
                               "      containers:\n        - name: app\n          image: app:1\n"),
    # service accounts that exist because pods run as them (LNK604 stays quiet)
    "accounts.yaml": _POD.format(kind="Deployment", name="api", spec="      serviceAccountName: api-sa\n"
                                 "      containers:\n        - name: api\n          image: api:1\n")
    + "---\n" + _POD.format(kind="DaemonSet", name="old", spec="      serviceAccount: old-sa\n"
                             "      containers:\n        - name: old\n          image: old:1\n")
    + "---\napiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: api, namespace: contract}\n"
    "spec:\n  podSelector: {matchLabels: {app: api}}\n  port: 8080\n"
    + "---\napiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata: {name: api, namespace: contract}\n"
    "spec:\n  targetRef: {group: policy.linkerd.io, kind: Server, name: api}\n  requiredAuthenticationRefs:\n"
    "    - {kind: ServiceAccount, name: api-sa}\n    - {kind: ServiceAccount, name: old-sa}\n    - {kind: ServiceAccount, name: nobody}\n",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    for rule in RULES:
        for which, example in (("bad", rule.bad), ("good", rule.good)):
            d = root / "examples" / rule.id / which
            d.mkdir(parents=True)
            (d / "example.yaml").write_text(example.yaml)
            for name, text in example.files:
                (d / name).parent.mkdir(parents=True, exist_ok=True)
                (d / name).write_text(text)
    rng = random.Random(3)
    gen = root / "generated"
    gen.mkdir()
    for i in range(parallel.MIN_FILES):  # with the examples, well above the threshold for workers
        (gen / f"app-{i:03d}.yaml").write_text(gen_corpus.make_file(rng, i))
    contract = root / "contract"
    contract.mkdir()
    for name, text in CONTRACT.items():
        (contract / name).write_text(text)
    (root / ".git").mkdir()  # no configuration discovery above the corpus
    return root


_OBJECT_PASS = parallel.object_pass


def _lint(root, jobs, overrides, monkeypatch, keep_whole=False):
    used = []

    def recording(*args):
        used.append(_OBJECT_PASS(*args))
        return used[-1]

    monkeypatch.setattr(parallel, "object_pass", recording)
    monkeypatch.setattr(retain, "ENABLED", not keep_whole)
    monkeypatch.setattr(retain, "STRICT", True)  # a read of a pruned field is an internal error
    result = lint_paths(["."], cwd=str(root), overrides=overrides, select=["ALL"], jobs=jobs)
    return result, used


@pytest.mark.parametrize("overrides", SETTINGS, ids=["default", "2.14", "2.20"])
def test_every_rule_same_output_with_workers_and_without_pruning(corpus, overrides, monkeypatch):
    one, used_one = _lint(corpus, 1, overrides, monkeypatch)
    two, used_two = _lint(corpus, 2, overrides, monkeypatch)
    whole, _ = _lint(corpus, 1, overrides, monkeypatch, keep_whole=True)
    assert used_one == [False] and used_two == [True], "the two-process run must really use workers"
    assert one.internal_errors == [] and two.internal_errors == [] and whole.internal_errors == []
    fired = {f.rule_id for f in one.findings}
    assert len(fired) > len(RULES) // 2, f"corpus too narrow: only {sorted(fired)} fired"
    # Content and order, every field (positions, related locations, fixes, resources).
    assert two.findings == one.findings
    assert whole.findings == one.findings
    assert [(r.file, r.identity) for r in two.inventory.resources] == [(r.file, r.identity) for r in one.inventory.resources]
    assert sorted(two.inventory.suppressions) == sorted(one.inventory.suppressions)


def test_cli_json_report_identical_with_one_and_two_processes(corpus):
    def run(*extra, env=None):
        proc = subprocess.run(
            [sys.executable, "-m", "linter", "check", "-f", "json", "--select", "ALL", *extra, "."],
            cwd=corpus, capture_output=True, text=True, env={**os.environ, **(env or {})},
        )
        assert proc.returncode == 1, proc.stderr  # the bad examples fail the run
        assert proc.stderr == ""
        return proc.stdout

    single = run("--jobs", "1")
    assert run("--jobs", "2") == single
    assert run("--jobs", "1", env={"LINKERD_LINT_KEEP_WHOLE": "1"}) == single
    assert run() == single  # default: every core


def test_small_runs_and_fix_runs_use_one_process(tmp_path):
    class E:
        jobs, keep_sources = 4, False

    assert parallel.workers_for(E, parallel.MIN_FILES - 1) == 0
    assert parallel.workers_for(E, 10_000) == (4 if parallel._can_fork() else 0)
    E.keep_sources = True  # --fix, --diff, the language server: they keep parsed files
    assert parallel.workers_for(E, 10_000) == 0
    E.keep_sources, E.jobs = False, 1
    assert parallel.workers_for(E, 10_000) == 0


def test_the_default_jobs_asks_for_the_cores_only_when_a_run_could_use_them(monkeypatch):
    class E:
        jobs, keep_sources = None, False  # check without --jobs

    asked = []
    monkeypatch.setattr(parallel, "cpu_count", lambda: asked.append(1) or 3)
    assert parallel.workers_for(E, parallel.MIN_FILES - 1) == 0 and asked == []  # one file: no cgroup reads
    assert parallel.workers_for(E, 10_000) == (3 if parallel._can_fork() else 0)


def test_chunks_cover_every_file_once_in_order_and_shrink_at_the_end():
    for total in (48, 49, 100, 1000, 10_001):
        for processes in (2, 3, 8):
            chunks = parallel._Chunks(total, processes)
            while chunks.left:
                chunks.take()
            cut = chunks.cut
            assert cut[0][0] == 0 and cut[-1][1] == total
            assert all(a[1] == b[0] for a, b in zip(cut, cut[1:]))
            sizes = [hi - lo for lo, hi in cut]
            assert all(parallel.MIN_CHUNK <= n <= parallel.MAX_CHUNK for n in sizes[:-1])
            assert sizes == sorted(sizes, reverse=True) or len(sizes) == 1 or sizes[-1] < parallel.MIN_CHUNK


def _die(lo, hi):
    os._exit(3)  # as if killed by the OOM killer


@pytest.mark.skipif(not parallel._can_fork(), reason="workers need fork")
def test_a_dying_worker_is_an_internal_error_not_a_hang(tmp_path, monkeypatch):
    for i in range(parallel.MIN_FILES + 20):
        (tmp_path / f"f{i:03d}.yaml").write_text(gen_corpus.make_file(random.Random(i), i))
    (tmp_path / ".git").mkdir()
    monkeypatch.setattr(parallel, "_work", _die)
    result = lint_paths(["."], cwd=str(tmp_path), jobs=2)
    assert len(result.internal_errors) == 1
    assert "worker process died" in result.internal_errors[0] and "were not checked" in result.internal_errors[0]


# -- the compact form of kept objects ------------------------------------------------------

DOC = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  template:
    metadata:
      annotations:
        linkerd.io/inject: enabled
    spec:
      hostNetwork: false
      serviceAccountName: web
      volumes: [{name: data, emptyDir: {}}]
      containers:
        - name: web
          image: web:1
          env: [{name: A, value: b}]
          ports:
            - {name: http, containerPort: 8080}
          resources: {limits: {memory: 1Gi}}
"""


def _resource(text=DOC):
    from linter.model import resources_of

    doc = parse_text("x.yaml", text).documents[0]
    return resources_of("x.yaml", 0, doc.data, "default")[0]


def _walk(a, b):
    """Same values, spans and paths everywhere in ``b`` as in ``a`` (``b`` may lack keys)."""
    if isinstance(b, YMap):
        assert isinstance(a, YMap) and a.path == b.path and a.span == b.span
        for k in b:
            assert a.key_span(k) == b.key_span(k) and a.value_span(k) == b.value_span(k)
            assert a.spans[k] == b.spans[k]
            _walk(a[k], b[k])
    elif isinstance(b, YSeq):
        assert isinstance(a, YSeq) and a.path == b.path and a.span == b.span and len(a) == len(b)
        assert list(a.spans) == list(b.spans)
        for i, v in enumerate(b):
            assert a.item_span(i) == b.item_span(i)
            _walk(a[i], v)
    else:
        assert a == b


def test_pod_template_objects_are_pruned_to_the_contract():
    res = _resource()
    kept = retain.compact(res)
    assert kept is not res and isinstance(kept.data, retain.KeptMap)
    assert list(kept.data) == ["apiVersion", "kind", "metadata", "spec"]
    assert list(kept.data["spec"]) == ["template"]  # replicas dropped: no inventory rule reads it
    pod = kept.pod_template
    assert list(pod.spec) == ["hostNetwork", "serviceAccountName", "containers"]
    assert list(pod.containers()[0]) == ["name", "image", "ports"]
    assert pod.anchor == res.pod_template.anchor and kept.anchor == res.anchor
    _walk(res.data, kept.data)
    assert Span(1, 1, 1, 1) != kept.data.span  # a real position, packed and unpacked


def test_other_kinds_are_kept_whole_and_pickle_compactly():
    res = _resource("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports:\n    - port: 80\n")
    kept = retain.compact(res)
    _walk(res.data, kept.data)
    _walk(kept.data, res.data)  # nothing dropped
    back = pickle.loads(pickle.dumps(kept.data))
    assert type(back) is retain.KeptMap
    _walk(res.data, back)
    assert back.key_span("nope") is None and back.value_span("nope") is None
    ports = back["spec"]["ports"]
    assert type(ports) is retain.KeptSeq and ports.item_span(5) is None and ports.item_span(-1) is None


def test_aliases_stay_shared_and_hand_built_maps_are_kept_as_they_are():
    res = _resource("apiVersion: v1\nkind: Service\nmetadata:\n  labels: &l {a: b}\n  annotations: *l\n")
    kept = retain.compact(res)
    assert kept.data["metadata"]["labels"] is kept.data["metadata"]["annotations"]
    bare = YMap(("x",))
    bare["k"] = "v"
    assert retain._Packer().map(bare, None) is bare


def test_strict_mode_refuses_reads_of_pruned_fields(monkeypatch):
    monkeypatch.setattr(retain, "STRICT", True)
    kept = retain.compact(_resource())
    spec = kept.pod_template.spec
    assert spec.get("serviceAccountName") == "web" and "hostNetwork" in spec
    with pytest.raises(retain.PrunedFieldRead, match=r"spec.template.spec.volumes is not kept"):
        spec.get("volumes")
    with pytest.raises(retain.PrunedFieldRead):
        "replicas" in kept.data["spec"]  # noqa: B015
    with pytest.raises(retain.PrunedFieldRead, match="iterated"):
        list(kept.pod_template.containers()[0].items())
    back = pickle.loads(pickle.dumps(kept.data))  # strict across worker processes too
    with pytest.raises(retain.PrunedFieldRead):
        back["spec"]["replicas"]
    assert dict.get(kept.data, "kind") == "Deployment" and kept.data.key_span("kind") == _resource().data.key_span("kind")


def test_keep_whole_switch(monkeypatch):
    monkeypatch.setattr(retain, "ENABLED", False)
    res = _resource()
    assert retain.compact(res) is res


def _cgroup(tmp_path, own: str, files: dict):
    tmp_path.mkdir(parents=True)
    (tmp_path / "self-cgroup").write_text(own)
    for rel, text in files.items():
        p = tmp_path / "fs" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return str(tmp_path / "fs"), str(tmp_path / "self-cgroup")


def test_a_container_cpu_quota_caps_the_default_jobs(tmp_path):
    from linter.parallel import cgroup_cpu_quota

    # cgroup v2, the container's own cgroup mounted at the root
    root, own = _cgroup(tmp_path / "a", "0::/\n", {"cpu.max": "150000 100000\n"})
    assert cgroup_cpu_quota(root, own) == 1.5
    # cgroup v2, a nested path; no limit
    root, own = _cgroup(tmp_path / "b", "0::/ci/job-7\n", {"ci/job-7/cpu.max": "max 100000\n"})
    assert cgroup_cpu_quota(root, own) is None
    # cgroup v1, cpu and cpuacct mounted together
    root, own = _cgroup(tmp_path / "c", "4:memory:/x\n3:cpu,cpuacct:/docker/abc\n",
                        {"cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "200000\n",
                         "cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n"})
    assert cgroup_cpu_quota(root, own) == 2.0
    # cgroup v1 without a quota (-1), and no cgroup files at all
    root, own = _cgroup(tmp_path / "d", "3:cpu:/\n", {"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"})
    assert cgroup_cpu_quota(root, own) is None
    assert cgroup_cpu_quota(str(tmp_path / "none"), str(tmp_path / "none" / "cgroup")) is None


def test_cpu_count_takes_the_smaller_of_cpu_set_and_quota(monkeypatch):
    from linter import parallel

    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: set(range(64)))
    monkeypatch.setattr(parallel, "cgroup_cpu_quota", lambda: 1.5)
    assert parallel.cpu_count() == 2
    monkeypatch.setattr(parallel, "cgroup_cpu_quota", lambda: None)
    assert parallel.cpu_count() == 64
    monkeypatch.setattr(parallel, "cgroup_cpu_quota", lambda: 0.2)
    assert parallel.cpu_count() == 1
