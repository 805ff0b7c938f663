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
