from linter.rule import Example, Severity, rule

_KINDS = ("syntax", "encoding", "binary", "too-large", "too-complex", "io")


@rule(
    id="LNK001",
    name="yaml-syntax-error",
    severity=Severity.ERROR,
    scope="file",
    summary="A document is not valid YAML (or the file is not UTF-8 text), so nothing in it reaches the cluster.",
    why=(
        "kubectl and the API server refuse a document that does not parse, and every object after the error in "
        "the same stream goes with it. linkerd-lint reports the parser's position and keeps checking the other "
        "documents of the file."
    ),
    how_to_fix="Correct the YAML at the reported line and column (indentation, an unclosed quote or bracket, a tab used for indentation).",
    references=("https://yaml.org/spec/1.1/", "https://kubernetes.io/docs/concepts/overview/working-with-objects/"),
    bad=Example(
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: broken\n"
        "   labels: {app: web}  # <- LNK001 @:\n"
    ),
    good=Example("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\ndata:\n  key: \"[closed]\"\n"),
)
def check(ctx):
    for p in ctx.source.problems:
        if p.kind in _KINDS:
            ctx.report(p.span, p.message)
