from linter.rule import Example, Severity, rule


@rule(
    id="LNK002",
    name="duplicate-key",
    severity=Severity.ERROR,
    scope="file",
    summary="A mapping in a Kubernetes object repeats a key.",
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
    docs = None
    for p in ctx.source.problems:
        if p.kind != "duplicate-key":
            continue
        if docs is None:
            docs = [d for d in ctx.source.documents if _is_object(d.data)]
        # only in Kubernetes objects: a Helm values file with a repeated key is no business of the API server's
        if any(_within(p.span, d.span) for d in docs):
            ctx.report(p.span, p.message)


def _is_object(data) -> bool:
    return isinstance(data, dict) and isinstance(data.get("apiVersion"), str) and isinstance(data.get("kind"), str)


def _within(span, outer) -> bool:
    return (outer.line, outer.col) <= (span.line, span.col) <= (outer.end_line, outer.end_col)
