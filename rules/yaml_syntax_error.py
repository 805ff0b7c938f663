from linter.rule import Example, Related, Severity, rule
from linter.source import looks_like_manifest

_KINDS = ("syntax", "json", "encoding", "binary", "too-large", "too-complex", "io")


@rule(
    id="LNK001",
    name="yaml-syntax-error",
    severity=Severity.ERROR,
    severities=(Severity.ERROR, Severity.INFO),
    scope="file",
    summary="A document is not valid YAML (or the file is not UTF-8 text), so nothing in it reaches the cluster.",
    why=(
        "kubectl and the API server refuse a document that does not parse, and every object after the error in "
        "the same stream goes with it. linkerd-lint reports the parser's position and keeps checking the other "
        "documents of the file. A file that starts with `{` is JSON to kubectl, whatever its name, and is read "
        "strictly: trailing commas, comments and missing values that YAML would accept are errors. A broken file "
        "that never mentions `apiVersion` or `kind` (an editor's settings.json with comments) holds no object: "
        "it gets one informational finding, not an error."
    ),
    how_to_fix="Correct the YAML at the reported line and column (indentation, an unclosed quote or bracket, a tab used for indentation).",
    references=(
        "https://yaml.org/spec/1.1/",
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/",
        "kubernetes/apimachinery pkg/util/yaml/decoder.go (YAMLOrJSONDecoder: a stream starting with '{' is decoded as JSON)",
    ),
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
    src = ctx.source
    manifest = None
    for p in src.problems:
        if p.kind not in _KINDS:
            continue
        if p.kind == "syntax":
            if manifest is None:
                manifest = looks_like_manifest(src.text)
            if not manifest:
                # A tsconfig.json with comments, a broken CI workflow: no Kubernetes object can be in
                # a text that never says apiVersion or kind. Said once, as information, not as an
                # error: visible in every format and the editor, and `exclude` silences it.
                ctx.report(
                    p.span,
                    f"not read: {p.message}; this file never mentions apiVersion or kind, so it holds no Kubernetes "
                    "object and is skipped (exclude it if it is no manifest)",
                    severity=Severity.INFO,
                )
                return
        related = ()
        if getattr(p, "context", None) is not None:  # where the unclosed quote or bracket opened
            related = (Related(src.path, p.context[0], p.context[1]),)
        ctx.report(p.span, p.message, related=related)
