from linter.annotations import INJECT, INJECT_VALUES
from linter.context import value_of
from linter.fixes import replace_scalar, text_at
from linter.rule import Example, Fix, Severity, rule
from linter.source import describe
from linter.values import resolve_vars

from ._common import mapping, metadata_maps

_TRUE_LIKE = {"true", "yes", "on", "y", "1", "enable", "enabled", "inject", "injected"}
_FALSE_LIKE = {"false", "no", "off", "n", "0", "disable", "disabled", "none"}


def intended(value):
    """The valid value a wrong one most likely meant, or None when it is unclear."""
    if value is True:
        return "enabled"
    if value is False:
        return "disabled"
    text = str(value).strip().lower()
    if text in _TRUE_LIKE:
        return "enabled"
    if text in _FALSE_LIKE:
        return "disabled"
    if text == "ingress":
        return "ingress"
    return None


@rule(
    id="LNK101",
    name="invalid-inject-value",
    severity=Severity.ERROR,
    fixable=True,
    kinds=("Namespace", "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Rollout"),
    summary="`linkerd.io/inject` is not exactly `enabled`, `ingress` or `disabled`.",
    why=(
        "The proxy injector accepts only the three exact, lower-case values. Anything else (`\"true\"`, `Enabled`, "
        "`yes`) is an invalid annotation: the pod is created without a proxy and nothing warns you. On a Namespace "
        "it is worse: an invalid value there blocks injection for every pod in the namespace, even pods that say "
        "`enabled` themselves. An unquoted `true` is a YAML boolean, which the API server rejects outright."
    ),
    how_to_fix="Write `linkerd.io/inject: enabled` (or `ingress` for ingress controllers, `disabled` to opt out).",
    references=(
        "linkerd/linkerd2 pkg/inject/report.go (disabledByAnnotation, isInjectAnnotationValid)",
        "https://linkerd.io/2-edge/features/proxy-injection/",
    ),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "      annotations:\n"
        "        linkerd.io/inject: \"true\"  # <- LNK101 @\"true\"\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n"
    ),
    good=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "        config.linkerd.io/proxy-memory-limit: 256Mi\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n"
    ),
)
def check(ctx):
    res = ctx.resource
    for meta, role in metadata_maps(res):
        if role not in ("namespace", "pod"):
            continue
        ann = mapping(meta, "annotations")
        if ann is None or INJECT not in ann:
            continue
        raw = ann[INJECT]
        value = resolve_vars(raw) if isinstance(raw, str) else raw
        if value is None or value == "" or value in INJECT_VALUES:
            continue  # unresolved GitOps variable, absent, or valid
        where = value_of(ann, INJECT)
        shown = _shown(ctx, raw, where)
        if role == "namespace":
            msg = (
                f"linkerd.io/inject is {shown} on Namespace {res.name}: not one of enabled, ingress, disabled, "
                "so the injector skips every pod in this namespace"
            )
        else:
            msg = f"linkerd.io/inject is {shown}: not one of enabled, ingress, disabled, so this pod is not injected"
        if not isinstance(raw, str):
            msg += " (and the API server rejects a non-string annotation)"
        target = intended(raw)
        fix = None
        if target is not None and isinstance(raw, (str, bool)) and "${" not in str(raw):
            msg += f"; did you mean {target}?"
            fix = Fix(f"set linkerd.io/inject to {target}", (replace_scalar(ctx.source, where.span, target),))
        ctx.report(where, msg, fix=fix)


def _shown(ctx, raw, where) -> str:
    """The value in YAML's words: 'true' (a string), yes (the YAML boolean true), a list."""
    if isinstance(raw, str) or isinstance(raw, (list, dict)):
        return describe(raw)
    text = text_at(ctx.source, where.span).strip()
    kind = "null" if raw is None else describe(raw)
    return f"{text} ({'YAML null' if raw is None else 'the YAML ' + kind[4:]})"
