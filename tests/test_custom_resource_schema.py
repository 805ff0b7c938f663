"""LNK602 custom-resource-schema: instances against the CRDs found in the input or in `context`."""

import os
import textwrap

from linter.api import lint_paths

CRD_V1 = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1alpha1
      served: false
      storage: false
      schema:
        openAPIV3Schema: {type: object}
    - name: v1beta1
      served: true
      storage: false
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: string}
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          required: [spec]
          properties:
            spec:
              type: object
              required: [color]
              properties:
                color: {type: string, enum: [red, green, blue]}
                replicas: {type: integer, minimum: 1, maximum: 10}
                port: {x-kubernetes-int-or-string: true}
                owner: {type: string, nullable: true}
                hostname: {type: string, pattern: '^[a-z0-9.-]+$', maxLength: 20}
                weird: {type: string, pattern: '^\\p{L}+$'}
                ratio: {type: number, minimum: 0, exclusiveMinimum: true}
                mode:
                  oneOf:
                    - {required: [fast]}
                    - {required: [safe]}
                  type: object
                  properties:
                    fast: {type: boolean}
                    safe: {type: boolean}
                tags:
                  type: array
                  x-kubernetes-list-type: set
                  items: {type: string}
                ports:
                  type: array
                  x-kubernetes-list-type: map
                  x-kubernetes-list-map-keys: [name]
                  items:
                    type: object
                    required: [name]
                    properties:
                      name: {type: string}
                      number: {type: integer}
                extra:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
"""


def run(tmp_path, files: dict, context=(), targets=(".",)):
    os.makedirs(tmp_path / ".git", exist_ok=True)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    result = lint_paths(list(targets), cwd=str(tmp_path), select=["LNK602"], context=list(context))
    assert not result.internal_errors
    return [(f.path, f.span.line, f.span.col, f.message) for f in result.findings]


def widget(spec: str, version="v1") -> str:
    return f"apiVersion: example.com/{version}\nkind: Widget\nmetadata: {{name: w, namespace: shop}}\n" + spec


def test_values_against_the_version_schema(tmp_path):
    found = run(tmp_path, {
        "crd.yaml": CRD_V1,
        "w.yaml": widget(
            "spec:\n"
            "  color: Blue\n"
            "  replicas: \"3\"\n"
            "  port: [80]\n"
            "  owner: null\n"
            "  hostname: Web_1\n"
            "  weird: \"123\"\n"
            "  ratio: 0\n"
            "  mode: {fast: true, safe: false}\n"
            "  tags: [a, b, a]\n"
            "  ports: [{name: http, number: 80}, {name: http, number: 8080}, {name: admin}]\n"
            "  extra: {anything: [goes]}\n"
            "  unknownField: pruned\n"
        ),
    })
    assert found == [
        ("w.yaml", 5, 10, '`spec.color` is "Blue": it must be one of "red", "green", "blue"; did you mean "blue"?'),
        ("w.yaml", 6, 13, '`spec.replicas` is the string "3": it must be an integer (remove the quotes)'),
        ("w.yaml", 7, 3, "`spec.port` is a list: it must be an integer or a string"),
        ("w.yaml", 9, 13, '`spec.hostname` "Web_1" does not match the pattern ^[a-z0-9.-]+$'),
        ("w.yaml", 11, 10, "`spec.ratio` is 0: it must be greater than 0"),
        ("w.yaml", 12, 22, "`spec.mode` sets fast and safe: exactly one of fast or safe may be set"),
        ("w.yaml", 13, 16, "`spec.tags[2]`: duplicate of item 0: the list is a set"),
        ("w.yaml", 14, 37, "`spec.ports[1]`: another item (0) has the same name='http': items are keyed by name"),
        ("w.yaml", 16, 3, "unknown field `spec.unknownField`: the API server drops it (kubectl's strict validation "
                          "rejects it), so it has no effect"),  # was not reported: LNK601's wording
    ]


def test_missing_required_fields_and_related_crd(tmp_path):
    os.makedirs(tmp_path / ".git", exist_ok=True)
    (tmp_path / "crd.yaml").write_text(CRD_V1)
    (tmp_path / "w.yaml").write_text(widget("spec: {replicas: 2}\n") + "---\n" + widget(""))
    result = lint_paths(["."], cwd=str(tmp_path), select=["LNK602"])
    assert [(f.path, f.span.line, f.span.col, f.message) for f in result.findings] == [
        ("w.yaml", 4, 1, "`spec` is missing the required field `color`"),
        ("w.yaml", 7, 1, "the object is missing the required field `spec`"),
    ]
    assert [(r.path, r.span.line, r.message) for r in result.findings[0].related] == [
        ("crd.yaml", 2, "CustomResourceDefinition widgets.example.com")
    ]


def test_version_selection_and_unserved_versions(tmp_path):
    found = run(tmp_path, {
        "crd.yaml": CRD_V1,
        "w.yaml": widget("spec: {size: 3}\n", "v1beta1") + "---\n" + widget("spec: {}\n", "v1alpha1") + "---\n"
        + widget("spec: {}\n", "v2"),
    })
    assert found == [
        ("w.yaml", 4, 14, '`spec.size` is the number 3: it must be a string (quote it: "3")'),
        ("w.yaml", 6, 13, "CustomResourceDefinition widgets.example.com does not serve version 'v1alpha1' "
                          "(it serves v1beta1, v1): the API server rejects the object"),
        ("w.yaml", 11, 13, "CustomResourceDefinition widgets.example.com does not serve version 'v2' "
                           "(it serves v1beta1, v1): the API server rejects the object"),
    ]


def test_crd_from_context_is_read_but_not_reported(tmp_path):
    broken_crd = CRD_V1.replace("metadata:\n  name: widgets.example.com", "metadata:\n  name: widgets.example.com\n  bogus: 1")
    found = run(tmp_path, {"crds/widget.yaml": broken_crd, "app/w.yaml": widget("spec: {color: pink}\n")},
                context=["crds"], targets=("app",))
    assert found == [("app/w.yaml", 4, 15, '`spec.color` is "pink": it must be one of "red", "green", "blue"')]


GADGET_CRD_V1BETA1 = """\
        apiVersion: apiextensions.k8s.io/v1beta1
        kind: CustomResourceDefinition
        metadata: {name: gadgets.example.com}
        spec:
          group: example.com
          version: v1
          names: {kind: Gadget, plural: gadgets}
          validation:
            openAPIV3Schema:
              properties:
                spec:
                  properties:
                    count: {type: integer}
        """


def test_v1beta1_crd_with_a_shared_schema(tmp_path):
    found = run(tmp_path, {"crd.yaml": GADGET_CRD_V1BETA1, "g.yaml": "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n"
                                                     "spec: {count: many}\n"})
    assert found == [("g.yaml", 4, 15, '`spec.count` is the string "many": it must be an integer')]


def test_flux_variables_and_unknown_kinds_stay_quiet(tmp_path):
    found = run(tmp_path, {
        "crd.yaml": CRD_V1,
        "w.yaml": widget("spec: {color: '${COLOR}', replicas: '${N:=2}'}\n") + "---\n"
        + "apiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: x}\nspec: {color: 1}\n",
    })
    assert found == []


def test_linkerd_kinds_are_left_to_lnk601(tmp_path):
    crd = """\
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: servers.policy.linkerd.io}
        spec:
          group: policy.linkerd.io
          names: {kind: Server, plural: servers}
          versions:
            - name: v1beta3
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    spec: {type: object, properties: {port: {x-kubernetes-int-or-string: true}}}
        """
    server = "apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: s}\nspec: {port: [1]}\n"
    assert run(tmp_path, {"crd.yaml": crd, "s.yaml": server}) == []
    # control: the same CRD under another group is judged
    other = run(tmp_path / "other", {"crd.yaml": crd.replace("policy.linkerd.io", "example.com"),
                                     "s.yaml": server.replace("policy.linkerd.io", "example.com")})
    assert other == [("s.yaml", 4, 8, "`spec.port` is a list: it must be an integer or a string")]


# -- unknown fields: pruned by structural schemas -----------------------------------------------------

PRUNING_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gizmos.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Gizmo, plural: gizmos}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                replicas: {type: integer}
                template:
                  type: object
                  x-kubernetes-embedded-resource: true
                  properties:
                    spec: {type: object, properties: {image: {type: string}}}
                free:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
                  properties:
                    known: {type: object, properties: {a: {type: string}}}
                labels: {type: object, additionalProperties: {type: string}}
                opaque: {type: object}
                choice:
                  type: object
                  properties:
                    x: {type: string}
                    y: {type: string}
                  anyOf:
                    - properties: {x: {type: string}}
                      required: [x]
                    - properties: {y: {type: string}}
                      required: [y]
"""


def gizmo(spec: str, head="apiVersion: example.com/v1\nkind: Gizmo\n") -> str:
    return head + "metadata: {name: g, labels: {a: b}, annotations: {c: d}}\n" + spec


def test_unknown_fields_are_warnings_where_the_schema_prunes(tmp_path):
    os.makedirs(tmp_path / ".git", exist_ok=True)
    (tmp_path / "crd.yaml").write_text(PRUNING_CRD)
    text = gizmo(
        "spec:\n"
        "  replica: 2\n"
        "  template:\n"
        "    apiVersion: v1\n"
        "    kind: Pod\n"
        "    metadata: {name: x, labels: {a: b}}\n"
        "    spec: {image: nginx, imagePullPolicy: Always}\n"
        "  free: {anything: 1, known: {a: x, b: y}}\n"
        "  labels: {any: thing}\n"
        "  opaque: {whatever: 1}\n"
        "  choice: {x: a, y: b}\n"
        "status: {ready: true}\n"
    )
    (tmp_path / "g.yaml").write_text(text)
    result = lint_paths(["."], cwd=str(tmp_path), select=["LNK602"])
    assert not result.internal_errors
    assert [(f.span.line, f.span.col, str(f.severity), f.message) for f in result.findings] == [
        (5, 3, "warning", "unknown field `spec.replica` (did you mean `replicas`?): the API server drops it "
                          "(kubectl's strict validation rejects it), so it has no effect"),
        (10, 26, "warning", "unknown field `spec.template.spec.imagePullPolicy`: the API server drops it "
                            "(kubectl's strict validation rejects it), so it has no effect"),
        (11, 37, "warning", "unknown field `spec.free.known.b`: the API server drops it (kubectl's strict "
                            "validation rejects it), so it has no effect"),
        (15, 1, "warning", "unknown field `status`: the API server drops it (kubectl's strict validation "
                           "rejects it), so it has no effect"),
    ]


def test_schemas_that_keep_unknown_fields(tmp_path):
    """A v1beta1 CRD keeps them unless preserveUnknownFields: false; so does a node that says so."""
    v1beta1 = GADGET_CRD_V1BETA1
    gadget = "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec: {count: 1, cuont: 2}\n"
    assert run(tmp_path, {"crd.yaml": v1beta1, "g.yaml": gadget}) == []
    pruning = v1beta1.replace("  group: example.com\n", "  group: example.com\n          preserveUnknownFields: false\n")
    assert run(tmp_path, {"crd.yaml": pruning, "g.yaml": gadget}) == [
        ("g.yaml", 4, 18, "unknown field `spec.cuont` (did you mean `count`?): the API server drops it (kubectl's "
                          "strict validation rejects it), so it has no effect"),
    ]
    keep_all = CRD_V1.replace("          type: object\n          required: [spec]\n",
                              "          type: object\n          required: [spec]\n"
                              "          x-kubernetes-preserve-unknown-fields: true\n")
    assert run(tmp_path, {"crd.yaml": keep_all, "w.yaml": widget("spec: {color: red}\nextra: 1\n")}) == []


# -- formats the API server checks ---------------------------------------------------------------------

FORMATS_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: nets.example.com}
spec:
  group: example.com
  names: {kind: Net, plural: nets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
          properties:
            spec:
              type: object
              x-kubernetes-preserve-unknown-fields: true
              properties:
                v4: {type: string, format: ipv4}
                v6: {type: string, format: ipv6}
                net: {type: string, format: cidr}
                id: {type: string, format: uuid}
                id4: {type: string, format: uuid4}
                day: {type: string, format: date}
                blob: {type: string, format: byte}
                when: {type: string, format: date-time}
                host: {type: string, format: hostname}
                odd: {type: string, format: my-own-format}
"""


def net(spec: str) -> str:
    return "apiVersion: example.com/v1\nkind: Net\nmetadata: {name: n}\nspec:\n" + spec


def test_formats_the_api_server_checks(tmp_path):
    good = net(
        "  v4: 010.001.002.003\n  v6: 'fe80::1'\n  net: 10.0.0.1/8\n  id: 123E4567-E89B-12D3-A456-426614174000\n"
        "  id4: 123e4567-e89b-42d3-a456-426614174000\n  day: '2024-02-29'\n  blob: aGVsbG8=\n"
        "  when: yesterday\n  host: not a host\n  odd: anything\n"
    )
    assert run(tmp_path, {"crd.yaml": FORMATS_CRD, "n.yaml": good}) == []  # the last three: not checked
    bad = net(
        "  v4: 1.2.3\n  v6: 1.2.3.4\n  net: 10.0.0.0/33\n  id: 123e4567-e89b-12d3-a456\n"
        "  id4: 123e4567-e89b-12d3-a456-426614174000\n  day: '2023-02-29'\n  blob: aGVsbG8\n"
    )
    assert run(tmp_path, {"crd.yaml": FORMATS_CRD, "n.yaml": bad}) == [
        ("n.yaml", 5, 7, '`spec.v4` "1.2.3" is not a valid ipv4'),
        ("n.yaml", 6, 7, '`spec.v6` "1.2.3.4" is not a valid ipv6'),
        ("n.yaml", 7, 8, '`spec.net` "10.0.0.0/33" is not a valid cidr'),
        ("n.yaml", 8, 7, '`spec.id` "123e4567-e89b-12d3-a456" is not a valid uuid'),
        ("n.yaml", 9, 8, '`spec.id4` "123e4567-e89b-12d3-a456-426614174000" is not a valid uuid4'),
        ("n.yaml", 10, 8, '`spec.day` "2023-02-29" is not a valid date'),
        ("n.yaml", 11, 9, '`spec.blob` "aGVsbG8" is not a valid byte'),
    ]


# -- CEL rules: not evaluated, said once ------------------------------------------------------------------


def test_cel_rules_get_one_notice_per_run(tmp_path):
    cel = CRD_V1.replace(
        "              required: [color]\n",
        "              required: [color]\n"
        "              x-kubernetes-validations:\n"
        "                - rule: self.replicas <= 5\n",
    )
    files = {"crd.yaml": cel, "a.yaml": widget("spec: {color: red, replicas: 9}\n"),
             "b.yaml": widget("spec: {color: blue}\n")}
    notice = ("CEL validation rules (x-kubernetes-validations) of the CustomResourceDefinitions in the input are not "
              "evaluated: a custom resource that passes here may still be rejected (kubectl apply --dry-run=server "
              "checks them)")
    assert run(tmp_path, files) == [("a.yaml", 1, 13, notice)]
    assert run(tmp_path, {"crd.yaml": CRD_V1, "a.yaml": widget("spec: {color: red}\n")}) == []
