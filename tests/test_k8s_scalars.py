"""Plain scalars are typed as Kubernetes types them: sigs.k8s.io/yaml reads manifests with go-yaml
v2 (resolve.go), which is YAML 1.1 in spirit but not PyYAML's YAML 1.1 in detail."""

import math

import pytest

from linter.source import go_scalar, parse_text
from tests.lintkit import at, lint, messages

B, I, F, N, S = "bool", "int", "float", "null", "str"


@pytest.mark.parametrize(
    "text, kind, value",
    [
        # booleans: go-yaml's resolveMap, y/Y/n/N included (PyYAML: strings)
        ("y", B, True), ("Y", B, True), ("n", B, False), ("N", B, False), ("yes", B, True), ("On", B, True),
        ("OFF", B, False), ("TRUE", B, True), ("tRue", S, "tRue"), ("yES", S, "yES"),
        # null
        ("", N, None), ("~", N, None), ("Null", N, None), ("nULL", S, "nULL"),
        # integers: strconv.ParseInt(s, 0, 64) after dropping underscores
        ("8080", I, 8080), ("-0", I, 0), ("+12", I, 12), ("017", I, 15), ("0o17", I, 15), ("0O17", I, 15),
        ("0x1F", I, 31), ("0b101", I, 5), ("-0b101", I, -5), ("1_000", I, 1000), ("0", I, 0),
        ("18446744073709551615", I, 2**64 - 1),
        # floats: yamlStyleFloat (PyYAML needs a dot and a signed exponent)
        ("1e3", F, 1000.0), ("1E+3", F, 1000.0), ("1.", F, 1.0), (".5", F, 0.5), ("+.5", F, 0.5), ("3.14", F, 3.14),
        ("08", F, 8.0), ("09.5", F, 9.5), ("99999999999999999999", F, 1e20), ("-.inf", F, -math.inf),
        # strings where PyYAML reads something else
        ("12:30", S, "12:30"), ("1:20:30.5", S, "1:20:30.5"), ("2024-01-01", S, "2024-01-01"),
        ("2024-01-01T10:00:00Z", S, "2024-01-01T10:00:00Z"), ("=", S, "="),
        # strings either way
        ("1e", S, "1e"), ("1e999", S, "1e999"), (".5_0", S, ".5_0"), (".Nan", S, ".Nan"), ("0x", S, "0x"),
        ("1.2.3", S, "1.2.3"), ("-0xFFFFFFFFFFFFFFFFFF", S, "-0xFFFFFFFFFFFFFFFFFF"),
        # hex/octal/binary beyond 64 bits: released go-yaml v2 has no big.Int, so strings
        ("0xFFFFFFFFFFFFFFFFFF", S, "0xFFFFFFFFFFFFFFFFFF"), ("0o7777777777777777777777777", S, "0o7777777777777777777777777"),
        ("0b" + "1" * 65, S, "0b" + "1" * 65), ("0x742d35Cc6634C0532925a3b844Bc454e4438f44e", S, "0x742d35Cc6634C0532925a3b844Bc454e4438f44e"),
        ("0.5cores", S, "0.5cores"),
        ("v1", S, "v1"), ("128Mi", S, "128Mi"), ("+", S, "+"), ("<<", S, "<<"),
    ],
)
def test_go_yaml_v2_resolution(text, kind, value):
    tag, got = go_scalar(text)
    assert tag == "tag:yaml.org,2002:" + kind
    assert got == value and type(got) is type(value)


def test_nan():
    tag, got = go_scalar(".NaN")
    assert tag.endswith(":float") and got != got


def test_the_reader_uses_it_and_leaves_quoted_and_block_scalars_strings():
    text = 'a: y\nb: "y"\nc: |\n  1e3\nd: !!str 08\ne: !!int "12"\nf: 12:30\ng: [N, 0o17]\n'
    data = parse_text("x.yaml", text).documents[0].data
    assert dict(data) == {"a": True, "b": "y", "c": "1e3\n", "d": "08", "e": 12, "f": "12:30", "g": [False, 15]}


def test_keys_are_the_json_keys_kubernetes_writes():
    data = parse_text("x.yaml", "y: 1\non: 2\n8080: 3\n1.5: 4\n~: 5\nplain: 6\n").documents[0].data
    assert list(data) == ["true", "8080", "1.5", None, "plain"]
    assert data["true"] == 2  # `y` and `on` are one key once read: the later wins, and LNK002 says so


CONFIGMAP = (
    "apiVersion: v1\n"
    "kind: ConfigMap\n"
    "metadata:\n"
    "  name: c\n"
    "  annotations:\n"
    "    a: y\n"
    "    b: N\n"
    "    c: 1e3\n"
    "    d: 0o17\n"
    "    e: 12:30\n"
    "    f: 2024-01-01\n"
    "    g: 2024-01-01T10:00:00Z\n"
    "    h: 08\n"
    "    i: \"y\"\n"
)


def test_lnk104_fires_where_kubernetes_rejects_and_nowhere_else(tmp_path):
    result = lint(tmp_path, {"c.yaml": CONFIGMAP}, "LNK104")
    assert [(f.span.line, f.span.col) for f in result.findings] == [
        at(CONFIGMAP, "y\n"), at(CONFIGMAP, "N\n"), at(CONFIGMAP, "1e3"), at(CONFIGMAP, "0o17"), at(CONFIGMAP, "08"),
    ]
    assert messages(result)[0] == "annotation a is the YAML boolean y; the API server accepts only strings here: quote it"
    assert messages(result)[2] == "annotation c is the YAML number 1e3; the API server accepts only strings here: quote it"


def test_sexagesimal_is_no_false_positive(tmp_path):
    text = CONFIGMAP.split("    a: y\n")[0] + "    window: 12:30\n    since: 2024-01-01\n"
    assert lint(tmp_path, {"c.yaml": text}, "LNK104").findings == []


def test_y_as_inject_value_is_a_boolean(tmp_path):
    text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    linkerd.io/inject: y\n"
    result = lint(tmp_path, {"ns.yaml": text}, "LNK101")
    assert [(f.span.line, f.span.col) for f in result.findings] == [at(text, "y\n")]
    assert "the API server rejects a non-string annotation" in result.findings[0].message


def test_on_as_a_key_is_the_key_true(tmp_path):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  on: a\n  \"true\": b\n"
    result = lint(tmp_path, {"c.yaml": text}, "LNK002")
    assert [(f.span.line, f.span.col) for f in result.findings] == [at(text, '"true"')]


def test_hex_wider_than_64_bits_is_a_string_value(tmp_path):
    # An Ethereum address or a long commit id as a label value: go-yaml v2 gives up on the
    # integer and keeps the text, so the API server accepts it; a hex number that fits is still one.
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: w\n  labels:\n"
        "    wallet: 0x742d35Cc6634C0532925a3b844Bc454e4438f44e\n"
        "    big: 0o7777777777777777777777777\n"
        "    small: 0x1F\n"
        "  annotations:\n    commit: 0x1234567890abcdef1234\n"
    )
    result = lint(tmp_path, {"c.yaml": text}, "LNK104")
    assert [(f.span.line, f.span.col) for f in result.findings] == [at(text, "0x1F")]
    assert messages(result) == ["label small is the YAML number 0x1F; the API server accepts only strings here: quote it"]
