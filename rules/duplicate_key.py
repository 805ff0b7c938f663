from linter.rule import Example, Severity, rule


@rule(
    id="LNK002",
    name="duplicate-key",
    severity=Severity.ERROR,
    scope="file",
    summary="A mapping repeats a key.",
    why=(
        "kubectl and the API server reject objects with duplicate keys (strict decoding), and tools that do "
        "accept them keep only one of the values, so what you read is not what is applied."
    ),
    how_to_fix="Remove one of the two entries, or merge their contents.",
    references=("https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation",),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Namespace\n"
        "metadata:\n"
        "  name: shop\n"
        "  annotations:\n"
        "    linkerd.io/inject: enabled\n"
        "    linkerd.io/inject: disabled  # <- LNK002\n"
    ),
    good=Example(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    linkerd.io/inject: enabled\n"
    ),
)
def check(ctx):
    for p in ctx.source.problems:
        if p.kind == "duplicate-key":
            ctx.report(p.span, p.message)
