"""Version gates have one home: rules read when a key or value arrived from the annotation catalogue
and VALUE_GATES (rules/_linkerd_annotations.py), not from a copy of the number."""

from linter.rules import _cp_values, _linkerd_annotations, _native, job_never_completes

from .lintkit import lint, messages

JOB = (
    "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: work\nspec:\n  template:\n    metadata:\n"
    "      annotations:\n        linkerd.io/inject: enabled\n    spec:\n      restartPolicy: Never\n"
    "      containers:\n        - {name: main, image: example/job:1}\n"
)


def test_job_never_completes_says_why_from_the_catalogue(tmp_path):
    for version, why in (("2.14", "Linkerd 2.14 has no native sidecars"),
                         ("2.15", "native sidecars are off by default in Linkerd 2.15")):
        r = lint(tmp_path, {"job.yaml": JOB}, "LNK401", config={"linkerd-version": version})
        [msg] = messages(r, "LNK401")
        assert why in msg, (version, msg)


def test_native_reason_follows_the_catalogue(monkeypatch):
    """Were native sidecars one release older in the data, the rule would say so: no (2, 15) of its own."""
    assert job_never_completes._native_reason((2, 14), None) == "Linkerd 2.14 has no native sidecars"
    alpha = _linkerd_annotations.CATALOGUE[_native.ALPHA]
    monkeypatch.setitem(_linkerd_annotations.CATALOGUE, _native.ALPHA, alpha.replace(since=(2, 14)))
    assert job_never_completes._native_reason((2, 14), None) == "native sidecars are off by default in Linkerd 2.14"


def test_helm_default_inbound_policy_audit_gate_is_the_annotation_value_gate():
    since = _linkerd_annotations.VALUES_SINCE[("config.linkerd.io/default-inbound-policy", "audit")]
    rows = _cp_values.ENUMS["proxy.defaultInboundPolicy"]
    [first] = [row[0] for row in rows if "audit" in row[1]]
    assert first is since  # read from VALUES_SINCE, not an equal copy
    before = (since[0], since[1] - 1)
    assert "audit" not in _cp_values.allowed("proxy.defaultInboundPolicy", before)[0]
    assert "audit" in _cp_values.allowed("proxy.defaultInboundPolicy", since)[0]
