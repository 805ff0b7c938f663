"""Which files are chart templates (one LNK003, not linted) and which are rendered manifests
that merely carry Go-template text as data (linted as usual)."""

from tests.lintkit import at, lint, messages, places

POD = (
    "apiVersion: v1\n"
    "kind: Pod\n"
    "metadata:\n"
    "  name: web\n"
    "  namespace: shop\n"
    "  annotations:\n"
    "    linkerd.io/inject: \"true\"\n"
    "spec:\n"
    "  containers: [{name: web, image: nginx}]\n"
)

ALERTMANAGER = (
    "apiVersion: v1\n"
    "kind: ConfigMap\n"
    "metadata:\n"
    "  name: alert-templates\n"
    "  namespace: shop\n"
    "data:\n"
    "  slack.tmpl: |\n"
    "    {{ define \"slack.text\" }}{{ range .Alerts }}{{ .Annotations.summary }}{{ end }}{{ end }}\n"
    "  mail.tmpl: >-\n"
    "    {{ if .CommonLabels.severity }}{{ template \"mail.body\" . }}{{ else }}none{{ end }}\n"
    "---\n"
)

# What a control-plane install writes: its chart values as text, values holding template text.
CONTROL_PLANE_CONFIG = (
    "apiVersion: v1\n"
    "kind: ConfigMap\n"
    "metadata:\n"
    "  name: mesh-config\n"
    "  namespace: mesh\n"
    "data:\n"
    "  values: |\n"
    "    podMonitor:\n"
    "      controller:\n"
    "        namespaceSelector: |\n"
    "          matchNames:\n"
    "            - {{ .Release.Namespace }}\n"
    "            - {{- toYaml .Values.extra | nindent 12 }}\n"
    "---\n"
)

SELECT = ["LNK001", "LNK003", "LNK101"]


def test_go_templates_in_block_scalars_do_not_hide_findings(tmp_path):
    text = ALERTMANAGER + POD
    result = lint(tmp_path, {"rendered.yaml": text}, SELECT)
    assert places(result) == [("rendered.yaml", *at(text, '"true"'))]
    assert [f.rule_id for f in result.findings] == ["LNK101"]


def test_chart_values_text_in_a_block_scalar_is_data(tmp_path):
    text = CONTROL_PLANE_CONFIG + POD
    result = lint(tmp_path, {"install.yaml": text}, SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK101", *at(text, '"true"'))]


def test_generic_go_template_in_quoted_strings_is_data(tmp_path):
    text = (
        "apiVersion: monitoring.coreos.com/v1alpha1\n"
        "kind: AlertmanagerConfig\n"
        "metadata:\n"
        "  name: slack\n"
        "  namespace: shop\n"
        "spec:\n"
        "  receivers:\n"
        "    - name: slack\n"
        "      slackConfigs:\n"
        "        - title: '{{ template \"slack.title\" . }}'\n"
        "          text: \"{{ range .Alerts }}{{ .Annotations.description }}{{ end }}\"\n"
        "---\n" + POD
    )
    result = lint(tmp_path, {"am.yaml": text}, SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK101", *at(text, '"true"'))]


def test_helm_objects_in_quoted_strings_make_a_chart_template(tmp_path):
    # parses as YAML, but it is a chart template: linting it would judge "{{ .Values.inject }}"
    text = (
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: \"{{ .Release.Name }}\"\n"
        "  annotations:\n"
        "    linkerd.io/inject: \"{{ .Values.inject }}\"\n"
        "spec:\n"
        "  containers: [{name: web, image: nginx}]\n"
    )
    result = lint(tmp_path, {"pod.yaml": text}, SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK003", *at(text, "{{"))]


def test_an_action_outside_any_block_scalar_still_makes_a_template(tmp_path):
    # `name: {{ .Release.Name }}` parses (as a flow mapping): the block scalar above does not excuse it
    text = ALERTMANAGER + POD.replace("name: web\n  namespace", "name: {{ .Release.Name }}\n  namespace")
    result = lint(tmp_path, {"t.yaml": text}, SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK003", *at(text, "{{ .Release"))]


def test_a_plain_scalar_with_an_action_makes_a_template(tmp_path):
    text = POD.replace("image: nginx", "image: nginx:{{ .Values.tag }}")
    result = lint(tmp_path, {"t.yaml": text}, SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK003", *at(text, "{{"))]


def test_unparseable_template_is_one_finding(tmp_path):
    text = (
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: x\n"
        "data:\n"
        "  a: |\n"
        "    {{ .Release.Name }}\n"
        "{{- if .Values.extra }}\n"
        "  b: c\n"
        "{{- end }}\n"
    )
    result = lint(tmp_path, {"t.yaml": text}, SELECT)
    assert [f.rule_id for f in result.findings] == ["LNK003"]
    assert "lint the rendered output" in messages(result)[0]


def test_block_scalar_templates_in_a_file_that_does_not_parse_stay_one_lnk003(tmp_path):
    text = ALERTMANAGER + "apiVersion: v1\nkind: Pod\nmetadata: {name: [\n"
    result = lint(tmp_path, {"t.yaml": text}, SELECT)
    assert [f.rule_id for f in result.findings] == ["LNK003"]


# Template actions in comments: a chart's notes kept in a rendered manifest, not template syntax.
NS = (
    "apiVersion: v1\n"
    "kind: Namespace\n"
    "metadata:\n"
    "  name: app\n"
    "  annotations:\n"
    "    linkerd.io/inject: \"true\"\n"
)


def test_an_action_in_a_comment_line_does_not_make_a_template(tmp_path):
    text = "# memory limit comes from {{ .Values.proxy.memory }} in the chart\n" + NS
    result = lint(tmp_path, {"ns.yaml": text}, SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK101", *at(text, '"true"'))]


def test_an_action_in_an_end_of_line_comment_does_not_make_a_template(tmp_path):
    text = NS.replace('"true"\n', '"true"   # was {{ if .Values.x }} in the chart\n') + "  labels: {a: b}  #{{ end }}\n"
    result = lint(tmp_path, {"ns.yaml": text}, SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK101", *at(text, '"true"'))]


def test_an_action_in_a_comment_with_crlf_line_ends(tmp_path):
    text = ("  # {{ .Values.note }}\n" + NS).replace("\n", "\r\n")
    path = tmp_path / "ns.yaml"
    (tmp_path / ".git").mkdir()
    path.write_bytes(text.encode())
    from linter.api import lint_paths

    result = lint_paths(["ns.yaml"], cwd=str(tmp_path), select=SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK101", 7, 24)]


def test_a_hash_inside_a_string_does_not_start_a_comment(tmp_path):
    text = NS + "    note: \"see # {{ .Values.doc }}\"\n"
    result = lint(tmp_path, {"ns.yaml": text}, SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK003", *at(text, "{{"))]


def test_a_hash_without_a_blank_before_it_is_part_of_the_value(tmp_path):
    text = NS + "    note: a#{{ .Values.doc }}\n"
    result = lint(tmp_path, {"ns.yaml": text}, SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK003", *at(text, "{{"))]


def test_an_action_after_a_commented_one_still_makes_a_template(tmp_path):
    text = "# {{ .Values.note }}\n" + NS.replace("name: app", "name: {{ .Release.Namespace }}")
    result = lint(tmp_path, {"ns.yaml": text}, SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK003", *at(text, "{{ .Release"))]


def test_a_comment_line_inside_a_block_scalar_is_data(tmp_path):
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: app\ndata:\n"
        "  script: |\n    # {{ if .Values.x }}\n    echo hi\n---\n" + NS
    )
    result = lint(tmp_path, {"ns.yaml": text}, SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK101", *at(text, '"true"'))]


def test_a_commented_action_does_not_hide_a_syntax_error(tmp_path):
    text = "# limit comes from {{ .Values.proxy.memory }}\n" + NS + "  labels: {a: [\n"
    result = lint(tmp_path, {"ns.yaml": text}, SELECT)
    assert [f.rule_id for f in result.findings] == ["LNK001"]
    assert (result.findings[0].span.line, result.findings[0].span.col) == (8, 16)  # the end of the text


def test_a_commented_action_after_a_quoted_value_does_not_hide_a_syntax_error(tmp_path):
    # the comment lies before the error: the parser's events say the quotes are a closed string
    text = NS.replace('"true"\n', '"true"   # was {{ if .Values.x }}\n') + "  labels: {a: [\n"
    result = lint(tmp_path, {"ns.yaml": text}, SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK001", 7, 16)]


def test_a_commented_generic_action_does_not_hide_a_syntax_error(tmp_path):
    text = "# {{ x }}\n" + NS + "  labels: {a: [\n"
    result = lint(tmp_path, {"ns.yaml": text}, SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK001", 8, 16)]


def test_an_action_in_an_unclosed_string_of_a_broken_file_stays_a_template(tmp_path):
    text = NS + "    note: \"see # {{ .Values.doc }}\n"
    result = lint(tmp_path, {"ns.yaml": text}, SELECT)
    assert [(f.rule_id, f.span.line, f.span.col) for f in result.findings] == [("LNK003", *at(text, "{{"))]
