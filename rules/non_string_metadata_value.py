from linter.annotations import INJECT
from linter.context import value_of
from linter.fixes import quote_scalar
from linter.rule import Example, Fix, Severity, rule

from ._common import mapping, metadata_maps


@rule(
    id="LNK104",
    name="non-string-metadata-value",
    severity=Severity.ERROR,
    fixable=True,
    summary="A label or annotation value is a YAML boolean, number or null instead of a string.",
    why=(
        "Label and annotation values are strings in the Kubernetes API. Kubernetes reads YAML 1.1, where unquoted "
        "`true`, `yes`, `on`, `8080` and `1.0` are not strings: the API server rejects the whole object "
        "(\"cannot unmarshal bool into Go struct field ObjectMeta.metadata.annotations of type string\"). "
        "A null value silently becomes an empty string, or deletes the key on `kubectl apply`."
    ),
    how_to_fix="Quote the value: `config.linkerd.io/proxy-uid: \"2102\"`, `example.com/enabled: \"true\"`.",
    references=(
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/",
        "https://yaml.org/type/bool.html",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    config.linkerd.io/opaque-ports: 3306  # <- LNK104 @3306\n"
        "spec:\n"
        "  selector: {app: web}\n"
        "  ports:\n"
        "    - port: 3306\n"
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    config.linkerd.io/opaque-ports: \"3306\"\n"
        "spec:\n"
        "  selector: {app: web}\n"
        "  ports:\n"
        "    - port: 3306\n"
    ),
)
def check(ctx):
    res = ctx.resource
    for meta, role in metadata_maps(res):
        for field in ("labels", "annotations"):
            m = mapping(meta, field)
            if m is None:
                continue
            for key, value in m.items():
                if isinstance(value, str):
                    continue
                if field == "annotations" and key == INJECT and role in ("namespace", "pod"):
                    continue  # LNK101 reports it with the right value to use
                if isinstance(value, (dict, list)):
                    ctx.report(value_of(m, key), f"{field[:-1]} {key} has a {'mapping' if isinstance(value, dict) else 'list'} value; values must be strings")
                    continue
                where = value_of(m, key)
                kind = "null" if value is None else ("boolean" if isinstance(value, bool) else "number")
                text = "" if value is None else ctx_text(ctx, where.span)
                msg = f"{field[:-1]} {key} is the YAML {kind} {text or 'null'}; the API server accepts only strings here: quote it"
                if value is None:
                    msg = f"{field[:-1]} {key} has a null value; Kubernetes stores an empty string (kubectl apply deletes the key): write \"\" or remove it"
                ctx.report(where, msg, fix=Fix(f"quote the value of {key}", (quote_scalar(ctx.source, where.span),), safe=value is not None))


def ctx_text(ctx, span):
    from linter.fixes import text_at

    return text_at(ctx.source, span)
