import re

from linter.context import value_of
from linter.fixes import replace_scalar
from linter.rule import Example, Fix, Severity, rule
from linter.values import parse_quantity, quantity_hint, resolve_vars

from ._common import mapping, metadata_maps
from ._proxy import RESOURCES, annotation

KEYS = tuple(annotation(r, k) for r in RESOURCES for k in ("request", "limit"))


def _safe_rewrite(text: str):
    """A rewrite that cannot change the meaning: spaces removed, binary suffix case fixed."""
    compact = text.strip().replace(" ", "")
    m = re.match(r"^(\d+(?:\.\d+)?)(ki|mi|gi|ti|KI|MI|GI|TI|kI|mI|gI|tI|Ki|Mi|Gi|Ti)?$", compact)
    if not m:
        return None
    number, suffix = m.groups()
    candidate = number + (suffix[0].upper() + "i" if suffix else "")
    return candidate if parse_quantity(candidate) is not None and candidate != text else None


@rule(
    id="LNK202",
    name="invalid-proxy-quantity",
    severity=Severity.ERROR,
    fixable=True,
    kinds=("Namespace", "PodTemplate"),
    summary="A proxy CPU, memory or ephemeral-storage annotation is not a Kubernetes quantity.",
    why=(
        "The proxy injector parses `config.linkerd.io/proxy-{cpu,memory,ephemeral-storage}-{request,limit}` as "
        "Kubernetes quantities. A value such as `128MB`, `1 Gi`, `100mi` or `0.5cores` fails to parse: the injector "
        "logs a warning and drops the setting, so the proxy runs without the limit you wrote."
    ),
    how_to_fix="Write a quantity: memory as `128Mi` or `1Gi` (binary) or `128M` (decimal); CPU as `500m` or `1`.",
    references=(
        "linkerd/linkerd2 pkg/inject/inject.go (ApplyAnnotationOverrides: resource.ParseQuantity, warning on error)",
        "https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Namespace\n"
        "metadata:\n"
        "  name: shop\n"
        "  annotations:\n"
        "    linkerd.io/inject: enabled\n"
        "    config.linkerd.io/proxy-memory-limit: 128MB  # <- LNK202 @128MB\n"
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Namespace\n"
        "metadata:\n"
        "  name: shop\n"
        "  annotations:\n"
        "    linkerd.io/inject: enabled\n"
        "    config.linkerd.io/proxy-memory-limit: 128Mi\n"
        "    config.linkerd.io/proxy-cpu-limit: \"${PROXY_CPU_LIMIT:=1}\"\n"
    ),
)
def check(ctx):
    for meta, role in metadata_maps(ctx.resource):
        if role not in ("namespace", "pod"):
            continue
        ann = mapping(meta, "annotations")
        if ann is None:
            continue
        for key in KEYS:
            if key not in ann:
                continue
            raw = ann[key]
            if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
                continue  # LNK104 reports non-strings
            text = resolve_vars(raw) if isinstance(raw, str) else str(raw)
            if text is None or parse_quantity(text) is not None:
                continue
            where = value_of(ann, key)
            msg = f"{key} {str(raw)!r} is not a Kubernetes quantity; the injector ignores it"
            fix = None
            rewrite = _safe_rewrite(text) if "${" not in str(raw) else None
            hint = rewrite or quantity_hint(text)
            if hint:
                msg += f" (did you mean {hint}?)"
            if rewrite:
                fix = Fix(f"write {rewrite}", (replace_scalar(ctx.source, where.span, rewrite),))
            elif hint and "${" not in str(raw) and isinstance(raw, str):
                # 128MB -> 128Mi: the likely meaning, not the only one (128M), so not a safe fix
                fix = Fix(f"write {hint}", (replace_scalar(ctx.source, where.span, hint),), safe=False)
            ctx.report(where, msg, fix=fix)
