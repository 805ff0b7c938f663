from linter.annotations import INJECT
from linter.context import value_of
from linter.fixes import quote_scalar
from linter.rule import Example, Fix, Severity, rule
from linter.values import resolve_vars, substituted

from ._common import mapping, metadata_maps, widens_exposure
from ._string_maps import string_maps

_NO_SUBSTITUTE = "kustomize.toolkit.fluxcd.io/substitute"


@rule(
    id="LNK104",
    name="non-string-metadata-value",
    severity=Severity.ERROR,
    fixable=True,
    summary="A label, annotation or label-selector value is a YAML boolean, number or null instead of a string.",
    why=(
        "Label and annotation values are strings in the Kubernetes API. Kubernetes reads YAML 1.1, where unquoted "
        "`true`, `yes`, `on`, `8080` and `1.0` are not strings: the API server rejects the whole object "
        "(\"cannot unmarshal bool into Go struct field ObjectMeta.metadata.annotations of type string\"). The same "
        "holds for the other string maps of built-in objects: a Service's `selector`, the `matchLabels` of label "
        "selectors and the `values` of their `matchExpressions` (workloads, NetworkPolicy, PodDisruptionBudget, pod "
        "and node affinity, topology spread), `nodeSelector`, "
        "and a StatefulSet's volumeClaimTemplates metadata (`app: yes`, `version: 2`). "
        "A null value silently becomes an empty string, or deletes the key on `kubectl apply`. "
        "A Flux variable whose default is a boolean or a number (`${DEBUG:=true}`, `\"${TEAM:=123}\"`) has the "
        "same fate: `kustomize build` drops the quotes before Flux substitutes, so the value arrives as a YAML "
        "boolean or number, quoted in the source or not; a variable without a default is judged at deploy time "
        "and not reported."
    ),
    how_to_fix=(
        "Quote the value: `config.linkerd.io/proxy-uid: \"2102\"`, `example.com/enabled: \"true\"`. For a Flux "
        "variable, substitute quote characters around it as Flux documents: `${quote}${DEBUG:=true}${quote}` with "
        "`quote: '\"'` in the Kustomization's `postBuild.substitute`."
    ),
    references=(
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/",
        "https://yaml.org/type/bool.html",
        "kubernetes/api core/v1/types.go (ServiceSpec.Selector, PodSpec.NodeSelector: map[string]string); "
        "apimachinery pkg/apis/meta/v1/types.go (LabelSelector.MatchLabels: map[string]string)",
        "fluxcd/kustomize-controller docs/spec/v1/kustomizations.md (Post build substitution of numbers and booleans; "
        "kustomize.toolkit.fluxcd.io/substitute: disabled)",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    config.linkerd.io/opaque-ports: 3306  # <- LNK104 @3306\n"
        "spec:\n"
        "  selector: {app: web, version: 2}  # <- LNK104 @2\n"
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
        "  selector: {app: web, version: \"2\"}\n"
        "  ports:\n"
        "    - port: 3306\n"
    ),
)
def check(ctx):
    res = ctx.resource
    # Flux leaves objects labelled or annotated this way as they are: ${...} stays text
    flux = not any(m.get(_NO_SUBSTITUTE) == "disabled" for m in (res.labels, res.annotations) if isinstance(m, dict))
    seen = set()  # a map written once and aliased (`matchLabels: &app {...}`, `labels: *app`) is judged once
    for meta, role in metadata_maps(res):
        for field in ("labels", "annotations"):
            m = mapping(meta, field)
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                # LNK101 reports linkerd.io/inject on a Namespace or pod with the right value to use
                skip = INJECT if field == "annotations" and role in ("namespace", "pod") else None
                _judge(ctx, m, field[:-1], flux, skip)
    for m, what in string_maps(res):
        if id(m) not in seen:
            seen.add(id(m))
            _judge(ctx, m, what, flux, None)


def _judge(ctx, m, what: str, flux: bool, skip):
    """Report every value of the string map (or list) ``m`` that is not a string; ``what`` names the
    field (label, selector, matchExpressions values…)."""
    entries = enumerate(m) if isinstance(m, list) else m.items()
    for key, value in entries:
        if key == skip:
            continue
        if isinstance(value, str):
            if flux and "${" in value:
                _flux_value(ctx, what, m, key, value)
            continue
        if isinstance(value, (dict, list)):
            ctx.report(value_of(m, key), f"{_subject(m, what, key)} has a {'mapping' if isinstance(value, dict) else 'list'} value; values must be strings")
            continue
        where = value_of(m, key)
        kind = "null" if value is None else ("boolean" if isinstance(value, bool) else "number")
        text = "" if value is None else ctx_text(ctx, where.span)
        msg = f"{_subject(m, what, key)} is the YAML {kind} {text or 'null'}; the API server accepts only strings here: quote it"
        if value is None:
            deletes = "" if isinstance(m, list) else " (kubectl apply deletes the key)"
            msg = f"{_subject(m, what, key)} has a null value; Kubernetes stores an empty string{deletes}: write \"\" or remove it"
        # quoting makes the value valid: a skip-ports annotation then starts to bypass the proxy
        safe = value is not None and not (what == "annotation" and isinstance(key, str) and widens_exposure(key, value))
        ctx.report(where, msg, fix=Fix(f"quote the value of {key}", (quote_scalar(ctx.source, where.span),), safe=safe))


def _flux_value(ctx, what, m, key, value):
    """A Flux variable whose default makes the value a boolean or number once substituted."""
    after = substituted(value)
    if not isinstance(after, (bool, int, float)):
        return  # a string, null (stored as ""), or unknown (no default): nothing to say
    kind = "boolean" if isinstance(after, bool) else "number"
    shown = resolve_vars(value)
    if isinstance(after, bool) and shown.lower() != str(after).lower():
        shown = f"{shown} (that is, {str(after).lower()})"  # yes/on/off are YAML 1.1 booleans
    ctx.report(
        value_of(m, key),
        f"{_subject(m, what, key)} is {value}: Flux substitutes it as the YAML {kind} {shown} (kustomize build "
        "drops the quotes first, so quoting it here does not help) and the API server accepts only strings; keep it a "
        f"string as Flux documents: ${{quote}}{value}${{quote}} with quote: '\"' in the Kustomization's "
        "postBuild.substitute",
    )  # no fix: the edit belongs in the source and in the Kustomization


def _subject(m, what: str, key) -> str:
    """How a message names the value: `label team`, or `matchExpressions values[1]` in a list."""
    return f"{what}[{key}]" if isinstance(m, list) else f"{what} {key}"


def ctx_text(ctx, span):
    from linter.fixes import text_at

    return text_at(ctx.source, span)
