from linter.rule import Example, Severity, rule


@rule(
    id="LNK003",
    name="unrendered-template",
    severity=Severity.INFO,
    scope="file",
    summary="The file holds Helm template syntax; lint the rendered output instead.",
    why=(
        "A chart template is not a manifest: its YAML only exists after `helm template` fills in the values. "
        "linkerd-lint reports this once for the file rather than a storm of parse errors. Go templates that are data "
        "in a rendered manifest do not count: in a block scalar (`data: |` holding Alertmanager templates, or the "
        "chart values a control-plane install stores), or generic ones in a quoted string "
        "(`\"{{ $labels.instance }} is down\"`); Helm's own objects (`.Values`, `.Release`, `include` ...) do."
    ),
    how_to_fix=(
        "Render the chart and lint the result: `helm template RELEASE CHART -f values.yaml | linkerd-lint check -`. "
        "Exclude the templates directory from direct linting (`exclude: [\"charts/*/templates\"]`)."
    ),
    references=("https://helm.sh/docs/helm/helm_template/", "https://helm.sh/docs/chart_template_guide/builtin_objects/"),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: {{ include \"app.fullname\" . }}  # <- LNK003 @{{\n"
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: alerts\n"
        "data:\n"
        "  summary: \"{{ $labels.instance }} is down\"\n"
    ),
)
def check(ctx):
    for p in ctx.source.problems:
        if p.kind == "template":
            ctx.report(p.span, p.message)
