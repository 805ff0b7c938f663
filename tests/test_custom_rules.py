"""Custom rules from the configuration: matching, targets, positions, suppression, listing, config errors."""

import json
import os
import re
import shlex
import textwrap

import pytest

from linter.api import LintError, lint_paths

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "custom-rules.md")


def write(base, files: dict):
    os.makedirs(os.path.join(base, ".git"), exist_ok=True)  # config discovery stops here
    for name, text in files.items():
        path = os.path.join(base, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(textwrap.dedent(text))


def found(result, prefix="ORG"):
    return [(f.rule_id, f.span.line, f.span.col, f.message) for f in result.findings if f.rule_id.startswith(prefix)]


CPU_RULE = """\
    custom-rules:
      - id: ORG001
        severity: warning
        message: meshed workloads in payments must set a proxy CPU limit
        match: {kinds: [Deployment], namespaces: [payments], meshed: true}
        target: pod
        schema:
          properties:
            metadata:
              required: [annotations]
              properties:
                annotations: {required: ["config.linkerd.io/proxy-cpu-limit"]}
    """

NS = """\
    apiVersion: v1
    kind: Namespace
    metadata:
      name: payments
      annotations:
        linkerd.io/inject: enabled
    """


def deployment(name, annotations="", ns="payments", labels="{app: x}"):
    ann = ""
    if annotations:
        ann = "      annotations:\n" + "".join(f"        {line}\n" for line in annotations.splitlines())
    return (
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        f"  name: {name}\n"
        f"  namespace: {ns}\n"
        f"  labels: {labels}\n"
        "spec:\n"
        "  template:\n"
        "    metadata:\n"
        f"      labels: {labels}\n"
        f"{ann}"
        "    spec:\n"
        "      containers:\n"
        "        - name: app\n"
        "          image: example/app:1\n"
    )


# -- the documented examples are real -------------------------------------------------------------

README = os.path.join(ROOT, "README.md")


def _doc_examples(path=DOC):
    text = open(path, encoding="utf-8").read()
    out = []
    for chunk in text.split("<!-- example: ")[1:]:
        name = chunk.split(" -->", 1)[0]
        files = dict(re.findall(r"<!-- file: (\S+) -->\n```\w+\n(.*?)```", chunk, re.S))
        output = re.search(r"<!-- output -->\n```text\n\$ (.*?)\n(.*?)```", chunk, re.S)
        out.append((name, files, output.group(1), output.group(2)))
    return out


DOC_EXAMPLES = _doc_examples()
README_EXAMPLES = _doc_examples(README)


def test_the_docs_and_the_readme_hold_two_examples():
    assert [name for name, *_ in DOC_EXAMPLES] == ["payments-cpu", "prod-identity"]
    assert README_EXAMPLES == DOC_EXAMPLES


@pytest.mark.parametrize("name,files,command,expected", DOC_EXAMPLES, ids=[e[0] for e in DOC_EXAMPLES])
def test_documented_example_prints_what_the_docs_say(name, files, command, expected, tmp_path, run_cli):
    write(str(tmp_path), files)
    argv = shlex.split(command)
    assert argv[0] == "linkerd-lint"
    result = run_cli(*argv[1:], "--no-color", cwd=str(tmp_path))
    assert result.stdout == expected, result.stderr
    assert result.returncode == 1


def test_documented_example_fix_makes_it_pass(tmp_path, run_cli):
    name, files, command, _ = DOC_EXAMPLES[0]
    files = dict(files)
    files["deploy/payments.yaml"] = files["deploy/payments.yaml"].replace(
        "        config.linkerd.io/proxy-memory-limit: 256Mi\n    spec:\n      containers:\n        - name: checkout",
        "        config.linkerd.io/proxy-memory-limit: 256Mi\n        config.linkerd.io/proxy-cpu-limit: \"1\"\n"
        "    spec:\n      containers:\n        - name: checkout",
    )
    write(str(tmp_path), files)
    result = run_cli(*shlex.split(command)[1:], cwd=str(tmp_path))
    assert result.returncode == 0, result.stdout


# -- target: pod ---------------------------------------------------------------------------------------

def test_pod_target_reports_the_missing_annotation_on_the_template(tmp_path):
    write(str(tmp_path), {".linkerd-lint.yaml": CPU_RULE, "ns.yaml": NS,
                          "app.yaml": deployment("api", "config.linkerd.io/proxy-memory-limit: 64Mi")})
    result = lint_paths(["."], cwd=str(tmp_path))
    assert found(result) == [(
        "ORG001", 11, 7,
        "meshed workloads in payments must set a proxy CPU limit: `spec.template.metadata.annotations` is missing "
        "the required field `config.linkerd.io/proxy-cpu-limit`",
    )]
    assert result.findings[0].path == "app.yaml"


def test_pod_target_without_annotations_points_at_template_metadata(tmp_path):
    write(str(tmp_path), {".linkerd-lint.yaml": CPU_RULE, "ns.yaml": NS, "app.yaml": deployment("api")})
    assert [(r, line, col) for r, line, col, _ in found(lint_paths(["."], cwd=str(tmp_path)))] == [("ORG001", 9, 5)]


def test_namespace_annotation_counts_as_effective(tmp_path):
    ns = NS + "    config.linkerd.io/proxy-cpu-limit: \"2\"\n"
    write(str(tmp_path), {".linkerd-lint.yaml": CPU_RULE, "ns.yaml": ns, "app.yaml": deployment("api")})
    assert found(lint_paths(["."], cwd=str(tmp_path))) == []


def test_failing_inherited_value_names_the_namespace_line(tmp_path):
    rule = """\
        custom-rules:
          - id: ORG005
            message: the proxy CPU limit is a whole number of cores
            match: {kinds: [Deployment]}
            target: pod
            schema:
              properties:
                metadata:
                  properties:
                    annotations:
                      properties:
                        config.linkerd.io/proxy-cpu-limit: {pattern: "^[0-9]+$"}
        """
    ns = NS + "    config.linkerd.io/proxy-cpu-limit: 500m\n"
    write(str(tmp_path), {".linkerd-lint.yaml": rule, "ns.yaml": ns, "app.yaml": deployment("api", "a: b")})
    result = lint_paths(["."], cwd=str(tmp_path))
    [f] = [f for f in result.findings if f.rule_id == "ORG005"]
    assert (f.path, f.span.line, f.span.col) == ("app.yaml", 11, 7)
    assert '"500m"' in f.message
    assert [(r.path, r.span.line, r.span.col) for r in f.related] == [("ns.yaml", 7, 40)]


def test_meshed_true_skips_unmeshed_and_unknown(tmp_path):
    files = {
        ".linkerd-lint.yaml": CPU_RULE.replace("namespaces: [payments], ", ""),
        "ns.yaml": NS,
        "a.yaml": deployment("meshed"),
        "b.yaml": deployment("optout", "linkerd.io/inject: disabled"),
        "c.yaml": deployment("unknown", ns="elsewhere"),  # its Namespace is not in the input
    }
    write(str(tmp_path), files)
    assert [(f.path, f.rule_id) for f in lint_paths(["."], cwd=str(tmp_path)).findings if f.rule_id == "ORG001"] == [
        ("a.yaml", "ORG001")
    ]


def test_meshed_false(tmp_path):
    rule = """\
        custom-rules:
          - id: ORG002
            message: frontend workloads must be meshed
            match: {kinds: [Deployment], labels: {tier: frontend}, meshed: false}
            target: pod
            schema: false
        """
    files = {
        ".linkerd-lint.yaml": rule,
        "ns.yaml": NS,
        "a.yaml": deployment("web", "linkerd.io/inject: disabled", labels="{tier: frontend}"),
        "b.yaml": deployment("batch", "linkerd.io/inject: disabled", labels="{tier: batch}"),
        "c.yaml": deployment("ok", labels="{tier: frontend}"),
    }
    write(str(tmp_path), files)
    result = lint_paths(["."], cwd=str(tmp_path))
    assert [(f.path, f.span.line, f.span.col, f.message) for f in result.findings if f.rule_id == "ORG002"] == [
        ("a.yaml", 9, 5, "frontend workloads must be meshed")
    ]


# -- target: object and matching -------------------------------------------------------------------

PORT_RULE = """\
    custom-rules:
      - id: ORG010
        severity: error
        message: Service ports need a name
        match:
          kinds: [Service]
          namespaces: ["prod-*"]
          labels:
            matchExpressions: [{key: team, operator: In, values: [shop, pay]}]
        schema:
          properties:
            spec:
              properties:
                ports: {items: {required: [name]}}
    """


def service(ns, team, extra=""):
    return textwrap.dedent(f"""\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: {ns}
          labels: {{team: {team}}}
        spec:
          ports:
            - port: 80{extra}
            - name: admin
              port: 9090
        """)


def test_object_target_namespace_glob_and_selector(tmp_path):
    files = {".linkerd-lint.yaml": PORT_RULE, "a.yaml": service("prod-eu", "shop"), "b.yaml": service("staging", "shop"),
             "c.yaml": service("prod-us", "search")}
    write(str(tmp_path), files)
    result = lint_paths(["."], cwd=str(tmp_path))
    assert [(f.path, f.span.line, f.span.col, f.message, str(f.severity)) for f in result.findings
            if f.rule_id == "ORG010"] == [
        ("a.yaml", 9, 7, "Service ports need a name: `spec.ports[0]` is missing the required field `name`", "error")
    ]


def test_suppressed_like_builtin_rules(tmp_path):
    files = {
        ".linkerd-lint.yaml": PORT_RULE,
        "a.yaml": service("prod-eu", "shop", "  # linkerd-lint: disable=ORG010 the LB needs it unnamed"),
        "b.yaml": service("prod-eu", "pay").replace(
            "  labels: {team: pay}\n", "  labels: {team: pay}\n  annotations:\n    ignore.linkerd-lint.io/ORG010: legacy\n"
        ),
    }
    write(str(tmp_path), files)
    result = lint_paths(["."], cwd=str(tmp_path))
    assert [f for f in result.findings if f.rule_id in ("ORG010", "LNK004")] == []


def test_selection_and_severity_override(tmp_path):
    files = {".linkerd-lint.yaml": PORT_RULE + "severity: {ORG010: info}\n", "a.yaml": service("prod-eu", "shop")}
    write(str(tmp_path), files)
    result = lint_paths(["."], cwd=str(tmp_path))
    assert [str(f.severity) for f in result.findings if f.rule_id == "ORG010"] == ["info"]
    assert [f for f in lint_paths(["."], cwd=str(tmp_path), ignore=["ORG010"]).findings if f.rule_id == "ORG010"] == []
    assert {f.rule_id for f in lint_paths(["."], cwd=str(tmp_path), select=["ORG"]).findings} == {"ORG010"}


def test_unresolved_variables_are_not_judged(tmp_path):
    rule = """\
        custom-rules:
          - id: ORG020
            message: replicas must be at least 2
            match: {kinds: [Deployment]}
            schema: {properties: {spec: {properties: {replicas: {type: integer, minimum: 2}}}}}
        """
    manifests = "".join(
        deployment(name).replace("spec:\n  template:", f"spec:\n  replicas: {value}\n  template:") + "---\n"
        for name, value in (("a", "${REPLICAS}"), ("b", "${REPLICAS:=1}"), ("c", "${REPLICAS:=3}"), ("d", "1"))
    )
    write(str(tmp_path), {".linkerd-lint.yaml": rule, "apps.yaml": manifests})
    result = lint_paths(["."], cwd=str(tmp_path))
    assert [(f.span.line, f.message) for f in result.findings if f.rule_id == "ORG020"] == [
        (24, "replicas must be at least 2: `spec.replicas` is 1: it must be at least 2"),  # Flux writes 1
        (56, "replicas must be at least 2: `spec.replicas` is 1: it must be at least 2"),
    ]


# -- listing -----------------------------------------------------------------------------------------------

def test_local_references_that_resolve_are_followed(tmp_path):
    """$defs (2020-12), definitions (draft 7) and anchors under an $id load and are applied."""
    rule = """\
        custom-rules:
          - id: ORG030
            message: replicas
            match: {kinds: [Deployment]}
            schema:
              $id: https://example.com/org030
              properties: {spec: {properties: {replicas: {$ref: '#/$defs/count'}}}}
              $defs: {count: {$ref: '#positive'}, positive: {$anchor: positive, type: integer, minimum: 2}}
          - id: ORG031
            message: replicas (draft 7)
            match: {kinds: [Deployment]}
            schema:
              $schema: http://json-schema.org/draft-07/schema#
              properties: {spec: {properties: {replicas: {$ref: '#/definitions/count'}}}}
              definitions: {count: {type: integer, minimum: 2}}
        """
    apps = deployment("a").replace("spec:\n  template:", "spec:\n  replicas: 1\n  template:")
    write(str(tmp_path), {".linkerd-lint.yaml": rule, "apps.yaml": apps})
    result = lint_paths(["."], cwd=str(tmp_path))
    assert not result.internal_errors
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings if f.rule_id.startswith("ORG")] == [
        ("ORG030", 8, 13), ("ORG031", 8, 13)  # the value of `replicas: 1`
    ]


def test_rules_and_explain_list_custom_rules(tmp_path, run_cli):
    write(str(tmp_path), {".linkerd-lint.yaml": PORT_RULE.replace("message:", "docs: https://wiki.example.com/ports\n        message:")})
    listing = run_cli("rules", cwd=str(tmp_path))
    assert listing.returncode == 0
    assert re.search(r"^ORG010\s+custom-org010\s+error\s+Service ports need a name$", listing.stdout, re.M)
    data = json.loads(run_cli("rules", "--format", "json", cwd=str(tmp_path)).stdout)
    [entry] = [r for r in data if r["id"] == "ORG010"]
    assert entry["origin"] == f"custom-rules ({tmp_path}/.linkerd-lint.yaml)"
    shown = run_cli("explain", "ORG010", cwd=str(tmp_path))
    assert shown.returncode == 0
    assert "Service ports need a name" in shown.stdout and "https://wiki.example.com/ports" in shown.stdout
    assert '"required": [' in shown.stdout and "namespaces prod-*" in shown.stdout
    assert run_cli("explain", "custom-org010", cwd=str(tmp_path)).stdout == shown.stdout


def test_sarif_describes_custom_rules(tmp_path, run_cli):
    files = {".linkerd-lint.yaml": PORT_RULE, "a.yaml": service("prod-eu", "shop")}
    write(str(tmp_path), files)
    out = run_cli("check", "--format", "sarif", ".", cwd=str(tmp_path))
    doc = json.loads(out.stdout)
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["ORG010"]["helpUri"] == (tmp_path / ".linkerd-lint.yaml").as_uri()
    assert [r["ruleId"] for r in doc["runs"][0]["results"]] == ["ORG010"]


# -- bad configuration -------------------------------------------------------------------------------

BAD = [
    ("[{id: ORG001, message: m, schema: {type: objekt}}]", "custom-rules[0] (ORG001): invalid schema at type"),
    ("[{id: ORG001, message: m, schema: {}}, {id: ORG001, message: n, schema: {}}]",
     "custom-rules[1] (ORG001): duplicate id ORG001 (also custom-rules[0])"),
    ("[{id: LNK101, message: m, schema: {}}]", "custom-rules[0] (LNK101): ids starting with LNK are reserved"),
    ("[{id: ORG1, message: m, schema: {}, sevrity: error}]",
     "custom-rules[0] (ORG1): unknown field `sevrity` (did you mean `severity`?): not a custom-rule setting"),
    ("[{id: ORG1, message: m, schema: {}, match: {kind: [Service]}}]", "unknown field `match.kind` (did you mean `kinds`?)"),
    ("[{id: org1, message: m, schema: {}}]", '`id` "org1" is not a rule id'),
    ("[{id: ORG1, schema: {}}]", "custom-rules[0] (ORG1): the rule is missing the required field `message`"),
    ("[{id: ORG1, message: m, schema: {pattern: '(('}}]", "invalid schema at pattern"),
    ("[{id: ORG1, message: m, schema: {$ref: 'https://example.com/s.json'}}]", "only local references"),
    # Local references that point nowhere crashed at lint time (an internal error) before.
    ("[{id: ORG1, message: m, schema: {$ref: '#/defs/missing'}}]",
     "custom-rules[0] (ORG1): schema: $ref '#/defs/missing' points nowhere"),
    ("[{id: ORG1, message: m, schema: {properties: {a: {$ref: '#/$defs/b'}}, $defs: {c: {}}}}]",
     "custom-rules[0] (ORG1): schema: $ref '#/$defs/b' at properties/a points nowhere"),
    ("[{id: ORG1, message: m, schema: {$id: 'https://example.com/r', items: {$ref: '#nowhere'}}}]",
     "custom-rules[0] (ORG1): schema: $ref '#nowhere' at items points nowhere"),
    # $refs that loop back without descending into the value recursed until Python gave up ("structure too
    # deep", an internal error at lint time) before.
    ("[{id: ORG1, message: m, schema: {$ref: '#'}}]",
     "custom-rules[0] (ORG1): schema: references loop without descending into the value ($ref '#' at the root): "
     "validation would never end; a schema may refer back to itself only through properties, items, "
     "additionalProperties or the like"),
    ("[{id: ORG1, message: m, schema: {$defs: {a: {$ref: '#/$defs/b'}, b: {$ref: '#/$defs/a'}}}}]",
     "custom-rules[0] (ORG1): schema: references loop without descending into the value ($ref '#/$defs/b' at "
     "$defs/a, then $ref '#/$defs/a' at $defs/b): validation would never end"),
    ("[{id: ORG1, message: m, schema: {properties: {spec: {anyOf: [{required: [a]}, {$ref: '#/properties/spec'}]}}}}]",
     "custom-rules[0] (ORG1): schema: references loop without descending into the value ($ref '#/properties/spec' "
     "at properties/spec/anyOf/1)"),
    ("[{id: ORG1, message: m, schema: {$schema: 'http://json-schema.org/draft-07/schema#', "
     "definitions: {a: {not: {$ref: '#/definitions/a'}}}}}]",
     "custom-rules[0] (ORG1): schema: references loop without descending into the value ($ref '#/definitions/a' at "
     "definitions/a/not)"),
    ("[{id: ORG1, message: m, schema: {$schema: 'https://json-schema.org/draft/2019-09/schema', "
     "$recursiveAnchor: true, allOf: [{$recursiveRef: '#'}]}}]",
     "custom-rules[0] (ORG1): schema: references loop without descending into the value ($recursiveRef '#' at "
     "allOf/0)"),
    ("[{id: ORG1, message: m, schema: {$schema: 'https://example.com/my-dialect', type: object}}]",
     "custom-rules[0] (ORG1): schema: $schema 'https://example.com/my-dialect' is not a JSON Schema dialect"),
    ("[{id: ORG1, message: m, schema: {}, target: pods}]", '`target` is "pods": it must be one of "object", "pod"'),
    ("[{id: ORG1, message: m, schema: {}, match: {labels: {matchExpressions: [{key: a, operator: In}]}}}]",
     "match.labels: operator In needs values"),
    ("[{id: ORG1, name: duplicate-key, message: m, schema: {}}]", "name 'duplicate-key' is taken by LNK002"),
    ("[42]", "custom-rules[0]: each custom rule must be a mapping"),
]


@pytest.mark.parametrize("rules,expected", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_custom_rule_is_a_config_error(rules, expected, tmp_path):
    write(str(tmp_path), {".linkerd-lint.yaml": f"custom-rules: {rules}\n", "a.yaml": "kind: ConfigMap\n"})
    with pytest.raises(LintError) as info:
        lint_paths(["."], cwd=str(tmp_path))
    assert expected in str(info.value)
    assert str(info.value).startswith(f"{tmp_path}/.linkerd-lint.yaml: custom-rules[")


@pytest.mark.parametrize("case", [0, 1, 3, 9, 13, 17])
def test_bad_custom_rule_exits_2_in_every_command(case, tmp_path, run_cli):
    rules, expected = BAD[case]
    write(str(tmp_path), {".linkerd-lint.yaml": f"custom-rules: {rules}\n", "a.yaml": "kind: ConfigMap\n"})
    for args in (("check", "."), ("rules",), ("explain", "LNK101")):
        result = run_cli(*args, cwd=str(tmp_path))
        assert result.returncode == 2, (args, result.stdout)
        assert result.stderr.startswith(f"linkerd-lint: error: {tmp_path}/.linkerd-lint.yaml: custom-rules[")
        assert expected in result.stderr
        assert result.stdout == ""


def test_recursion_through_properties_and_items_is_allowed(tmp_path):
    """A schema may refer to itself or an ancestor when the reference descends into the value first."""
    rule = """\
        custom-rules:
          - id: ORG040
            message: every menu entry needs a name
            match: {kinds: [Menu]}
            schema:
              properties: {spec: {$ref: '#/$defs/entry'}}
              $defs:
                entry:
                  required: [name]
                  properties:
                    children: {items: {$ref: '#/$defs/entry'}}
                    byName: {additionalProperties: {$ref: '#/$defs/entry'}}
          - id: ORG041
            message: no booleans in a menu
            match: {kinds: [Menu]}
            schema: {type: [object, array, string, number], additionalProperties: {$ref: '#'}, items: {$ref: '#'}}
        """
    menu = """\
        apiVersion: example.com/v1
        kind: Menu
        metadata: {name: m, namespace: shop}
        spec:
          name: top
          children:
            - name: a
              children:
                - name: a1
                - title: a2
          byName:
            b: {title: b, visible: true}
        """
    write(str(tmp_path), {".linkerd-lint.yaml": rule, "menu.yaml": menu})
    result = lint_paths(["."], cwd=str(tmp_path))
    assert not result.internal_errors
    assert found(result) == [
        ("ORG040", 10, 11, "every menu entry needs a name: `spec.children[0].children[1]` is missing the required "
                           "field `name`"),
        ("ORG040", 12, 5, "every menu entry needs a name: `spec.byName.b` is missing the required field `name`"),
        ("ORG041", 12, 28, "no booleans in a menu: `spec.byName.b.visible` is the boolean true: it must be a mapping, "
                           "a list, a string or a number (YAML reads unquoted true/false/yes/no/on/off as booleans: "
                           "quote it)"),
    ]
