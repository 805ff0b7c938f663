"""linter.record: the plain classes that replaced @dataclass on the start-up path keep what
callers relied on — constructor signatures, ==, hash, repr, replace() and pickling (findings
and kept objects travel between --jobs processes)."""

from __future__ import annotations

import inspect
import pickle

import pytest

from linter.config import Settings
from linter.located import Span, YMap
from linter.mesh import MeshConfig, Value
from linter.model import Resource, resources_of
from linter.record import Record
from linter.registry import Registry
from linter.rule import Edit, Example, Finding, Fix, Related, Rule, Severity
from linter.source import SourceFile, parse_text
from linter.suppress import FileSuppressions, scan_comments

SPAN = Span(3, 5, 3, 12)


def finding(**changes) -> Finding:
    fields = dict(rule_id="LNK101", severity=Severity.ERROR, message="m", path="a.yaml", span=SPAN)
    fields.update(changes)
    return Finding(**fields)


def all_records() -> list:
    Registry.load()  # every rule module and helper imported: their classes exist
    import linter.baseline  # noqa: F401 - records off the check path too
    import linter.custom_rules  # noqa: F401

    out, todo = [], list(Record.__subclasses__())
    while todo:
        cls = todo.pop()
        out.append(cls)
        todo.extend(cls.__subclasses__())
    return out


def test_constructors_keep_the_dataclass_signatures():
    f = Finding("LNK101", Severity.ERROR, "m", "a.yaml", SPAN)
    assert (f.field_path, f.resource, f.related, f.fix, f.template_source, f.doc_index) == ((), "", (), None, None, 0)
    assert Fix("d", ()).safe is True and Edit(SPAN, "x").text == "x"
    assert Value("v", "pod").file is None and Value("v", "pod").field_path == ()
    s = Settings()
    assert (s.select, s.linkerd_version, s.fail_on, s.max_file_size) == (["ALL"], (2, 18), "warning", 16 * 1024 * 1024)
    # default containers are fresh per object, as with field(default_factory=...)
    assert Settings().select is not s.select and Example("a").config is not Example("b").config
    assert SourceFile("x").documents is not SourceFile("y").documents


@pytest.mark.parametrize("cls", all_records(), ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_record_takes_its_fields_in_order(cls):
    """replace() and the equality/repr over slots rely on __init__ naming the fields, in slot order."""
    params = [p for p in inspect.signature(cls.__init__).parameters.values() if p.name != "self"]
    assert [p.name for p in params] == list(cls._fields)
    assert cls.__dictoffset__ == 0, "a class without __slots__ gives every instance a __dict__"


def test_no_instance_dict():
    assert not hasattr(finding(), "__dict__")
    with pytest.raises(AttributeError):
        finding().colour = "red"


def test_equality_and_hash_as_dataclasses_had_them():
    # mutable records: == over the fields, not hashable
    assert finding() == finding() and finding() != finding(message="other")
    assert finding() != ("LNK101",)  # another type: NotImplemented, then identity
    with pytest.raises(TypeError):
        hash(finding())
    # frozen records: hashable by value
    assert {Edit(SPAN, "x"), Edit(SPAN, "x"), Related("p", SPAN, "m")} == {Edit(SPAN, "x"), Related("p", SPAN, "m")}
    assert hash(Value("v", "pod", "f", SPAN)) == hash(Value("v", "pod", "f", SPAN))
    # eq=False records: identity
    a = Resource("f", 0, YMap(), "v1", "Pod", "p", "ns", True)
    b = Resource("f", 0, YMap(), "v1", "Pod", "p", "ns", True)
    assert a != b and a == a and len({a, b}) == 2


def test_repr_shows_fields_but_hidden_ones():
    assert repr(Edit(SPAN, "x")) == "Edit(span=Span(line=3, col=5, end_line=3, end_col=12), text='x')"
    src = parse_text("a.yaml", "a: 1\n")
    src.lines  # fills the hidden cache
    assert repr(src).startswith("SourceFile(path='a.yaml', text='a: 1\\n', documents=[Document(index=0, ")
    assert "_lines" not in repr(src) and "_line_starts" in repr(src)
    res = resources_of("a.yaml", 0, parse_text("a.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n").documents[0].data, "default")[0]
    res.pod_template  # noqa: B018 - fills the hidden back-reference
    assert "_pod" not in repr(res) and "kind='Pod'" in repr(res)


def test_replace_goes_through_init():
    s = Settings(select=["LNK1"])
    t = s.replace(linkerd_version=(2, 12), linkerd_version_text="2.12")
    assert (t.linkerd_version, t.linkerd_version_text, t.select) == ((2, 12), "2.12", ["LNK1"])
    assert s.linkerd_version == (2, 18)  # the original is untouched
    with pytest.raises(TypeError, match="no field"):
        s.replace(colour="red")
    # __init__ runs: Inventory derives its proxy defaults from the settings again
    from linter.inventory import Inventory

    inv = Inventory(Settings(proxy_defaults={"config.linkerd.io/proxy-cpu-limit": "1"}))
    assert inv.replace(facts={"x": 1}).proxy_defaults["config.linkerd.io/proxy-cpu-limit"].source == "config"


def test_pickling_round_trips():
    fix = Fix("quote it", (Edit(SPAN, '"x"'),), safe=False)
    f = finding(related=(Related("b.yaml", SPAN, "set here"),), fix=fix, field_path=("spec", 0), doc_index=2)
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(f, protocol))
        assert back == f and back is not f and type(back.fix) is Fix and back.span == SPAN
    sup = scan_comments("a.yaml", "a: 1  # linkerd-lint: disable=LNK101 reason\n")
    back = pickle.loads(pickle.dumps(sup))
    assert isinstance(back, FileSuppressions) and back == sup and back.suppresses("LNK101", 1)
    src = parse_text("a.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")
    res = resources_of("a.yaml", 0, src.documents[0].data, "default")[0]
    res.pod_template  # noqa: B018 - a cycle through the hidden field survives pickling too
    back = pickle.loads(pickle.dumps(res))
    assert (back.kind, back.name, back.namespace, back.pod_template.owner is back) == ("Pod", "p", "default", True)
    cfg = MeshConfig(True, True, "annotation_at_workload", Value("enabled", "pod"), None)
    assert pickle.loads(pickle.dumps(cfg)) == cfg


def test_rules_are_records_and_subclassable():
    from linter.custom_rules import CustomRule

    base = dict(id="ORG1", name="n", severity=Severity.INFO, summary="s", why="w", how_to_fix="h", references=(),
                bad=Example(""), good=Example(""), check=lambda ctx: None)
    r = CustomRule(**base, definition={"docs": "d"}, source="cfg.yaml")
    assert isinstance(r, Rule) and r.scope == "resource" and r.definition == {"docs": "d"} and r.source == "cfg.yaml"
    assert CustomRule._fields[-2:] == ("definition", "source") and CustomRule(**base).definition == {}
