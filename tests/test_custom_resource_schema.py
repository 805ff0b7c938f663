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
            "  unknownField: pruned, not rejected\n"
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


def test_v1beta1_crd_with_a_shared_schema(tmp_path):
    crd = """\
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
    found = run(tmp_path, {"crd.yaml": crd, "g.yaml": "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n"
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
