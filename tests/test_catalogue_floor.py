"""The annotation catalogue's floor: a key already in the oldest release the data covers (2.10) is
"at least since" then, not "new in" it. Checked against linkerd/linkerd2 stable-2.9.0 pkg/k8s/labels.go,
which already defines linkerd.io/inject (ProxyInjectAnnotation) and the proxy's config keys."""

from linter.annotations import CATALOGUE, INJECT, inheritable
from linter.rules._linkerd_releases import OLDEST_LINE

from .lintkit import at, lint, places

NS = (
    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n"
    "    linkerd.io/inject: enabled\n    config.linkerd.io/proxy-memory-limit: 256Mi\n"
)
POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n  annotations:\n"
    "    linkerd.io/inject: enabled\n    config.linkerd.io/proxy-cpu-limit: '1'\n"
    "    config.linkerd.io/proxy-memory-limit: 256Mi\n"
    "spec:\n  containers:\n    - {name: web, image: nginx}\n"
)


def test_linkerd_210_reads_inject_and_the_proxy_keys(tmp_path):
    r = lint(tmp_path, {"ns.yaml": NS, "pod.yaml": POD}, "LNK5", config={"linkerd-version": "2.10"})
    assert places(r) == []


def test_control_a_key_from_a_later_release_is_reported_on_2_10(tmp_path):
    pod = POD.replace("256Mi\n", "256Mi\n    config.linkerd.io/proxy-await: enabled\n")
    r = lint(tmp_path, {"ns.yaml": NS, "pod.yaml": pod}, "LNK5", config={"linkerd-version": "2.10"})
    assert places(r) == [("pod.yaml", *at(pod, "config.linkerd.io/proxy-await"))]


def test_keys_at_the_floor_are_no_gate():
    assert OLDEST_LINE == (2, 10)
    for key in (INJECT, "config.linkerd.io/proxy-memory-limit", "config.linkerd.io/proxy-log-level"):
        assert CATALOGUE[key].since == OLDEST_LINE
        assert CATALOGUE[key].read_in((2, 9)) and CATALOGUE[key].read_in((2, 10)), key
    # keys that really arrived later stay gated
    assert not CATALOGUE["config.linkerd.io/proxy-await"].read_in((2, 10))
    assert not CATALOGUE["config.linkerd.io/proxy-await"].read_in((2, 9))
    assert CATALOGUE["linkerd.io/trust-root-sha256"].since == (2, 13)  # ProxyTrustRootSHA: first at stable-2.13.0
    # removals still count
    assert not CATALOGUE["config.linkerd.io/disable-identity"].read_in((2, 12))


def test_inheritance_at_the_floor_is_no_gate():
    assert "config.linkerd.io/proxy-memory-limit" in inheritable((2, 9))
    assert inheritable((2, 9)) == inheritable((2, 10))


def test_a_namespace_limit_counts_on_a_release_older_than_the_data(tmp_path):
    """Linkerd 2.9 merged the Namespace's annotations under the pod's too (stable-2.9.0 pkg/inject/inject.go
    applyAnnotationOverrides): the limit set on the Namespace is not missing."""
    pod = POD.replace("    config.linkerd.io/proxy-memory-limit: 256Mi\n", "")
    r = lint(tmp_path, {"ns.yaml": NS, "pod.yaml": pod}, "LNK201", config={"linkerd-version": "2.9"})
    assert places(r) == []
    bare = NS.replace("    config.linkerd.io/proxy-memory-limit: 256Mi\n", "")
    r = lint(tmp_path, {"ns.yaml": bare, "pod.yaml": pod}, "LNK201", config={"linkerd-version": "2.9"})
    assert [(p, line) for p, line, _ in places(r)] == [("pod.yaml", 7)]


def test_inheritance_in_210_follows_its_merge():
    """stable-2.10.0 applyAnnotationOverrides read every key it knows from the Namespace under the pod's;
    the lists (AppendNamespaceAnnotations) came in 2.11 and left some keys out."""
    in_210, in_211 = inheritable((2, 10)), inheritable((2, 11))
    for key in ("config.linkerd.io/proxy-log-format", "config.alpha.linkerd.io/proxy-wait-before-exit-seconds"):
        assert key in in_210 and key in in_211, key
    for key in ("config.linkerd.io/debug-image", "config.linkerd.io/enable-gateway"):
        assert key in in_210 and key not in in_211, key
    # read from the pod's own annotations at every tag: a Namespace value never adds the debug sidecar
    assert "config.linkerd.io/enable-debug-sidecar" not in in_210 | in_211 | inheritable((2, 20))
    assert "config.linkerd.io/close-wait-timeout" not in in_210
