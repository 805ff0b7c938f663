"""LNK105 on annotation keys that hold Flux variables: the key a default makes is judged; a key
whose variable has no default is filled in at deploy time and is not judged."""

from tests.lintkit import at, lint

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: shop
  annotations:
    linkerd.io/inject: enabled
    config.linkerd.io/${LIMIT_KEY}: "1"
    config.linkerd.io/proxy-${RES:=cpu}-limit: "1"
    config.linkerd.io/proxy-${RES:-memory}-request: 64Mi
    config.linkerd.io/proxy-${RES:=memory}-limt: 128Mi
    ${PREFIX:=config.linkerd.io}/proxy-log-levle: warn
spec:
  containers: [{name: a, image: b}]
"""


def test_keys_with_flux_variables_are_judged_by_their_defaults(tmp_path):
    result = lint(tmp_path, {"p.yaml": POD}, "LNK105")
    assert [(f.span.line, f.span.col) for f in result.findings] == [
        at(POD, "config.linkerd.io/proxy-${RES:=memory}-limt"),
        at(POD, "${PREFIX"),
    ]
    assert [f.message for f in result.findings] == [
        "config.linkerd.io/proxy-${RES:=memory}-limt (with its Flux default: config.linkerd.io/proxy-memory-limt) "
        "is not an annotation Linkerd reads; did you mean config.linkerd.io/proxy-memory-limit?",
        "${PREFIX:=config.linkerd.io}/proxy-log-levle (with its Flux default: config.linkerd.io/proxy-log-levle) "
        "is not an annotation Linkerd reads; did you mean config.linkerd.io/proxy-log-level?",
    ]
    assert all(f.fix is None for f in result.findings)  # a rename would drop the variable


def test_a_plain_misspelt_key_keeps_its_rename(tmp_path):
    text = POD.replace("${RES:=memory}-limt", "memory-limt")
    result = lint(tmp_path, {"p.yaml": text}, "LNK105")
    found = [f for f in result.findings if f.span.line == at(text, "proxy-memory-limt")[0]]
    assert found and found[0].fix is not None
    assert found[0].message == "config.linkerd.io/proxy-memory-limt is not an annotation Linkerd reads; did you mean config.linkerd.io/proxy-memory-limit?"
