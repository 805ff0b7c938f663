from linter.context import value_of
from linter.rule import Example, Severity, rule
from linter.values import UNKNOWN, parse_quantity, quantity_hint, substituted

from . import _helm_values as helm
from ._cp_values import FIRST, RESOURCE_BLOCKS, TYPED, allowed, applies

_INJECTOR = (
    "the proxy injector cannot decode its configuration (linkerd-config) with a {got} there and answers every pod "
    "admission request with an error, so new pods are refused"
)


def _kind_of(value) -> str:
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{value!r}"


def _type_problem(kind: str, value) -> str | None:
    if value is None or value is UNKNOWN:
        return None
    if kind == "bool":
        if isinstance(value, bool):
            return None
        msg = f"is {_kind_of(value)}, not a boolean: " + _INJECTOR.format(got="non-boolean")
        if isinstance(value, str):
            msg += "; and where the chart tests it with `if`, any non-empty string, \"false\" included, is true"
            if value.strip().lower() in ("true", "false"):
                msg += f" (write {value.strip().lower()} without quotes)"
        return msg
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        hint = f" (write {value.strip()} without quotes)" if isinstance(value, str) and value.strip().isdigit() else ""
        return f"is {_kind_of(value)}, not an integer: " + _INJECTOR.format(got="non-integer") + hint
    if isinstance(value, float) and not value.is_integer():
        return f"is {value}, not an integer: " + _INJECTOR.format(got="fraction")
    if kind == "uint" and value < 0:
        return f"is {value}, but it must not be negative: " + _INJECTOR.format(got="negative number")
    return None


def check_values(report, values, version) -> None:
    """Report wrong types, enum values and quantities in one set of control-plane values."""
    for path, (kind, since, until) in TYPED.items():
        if not applies(since, until, version):
            continue
        hit = helm.lookup(values, path)
        if hit is None:
            continue
        container, key = hit
        problem = _type_problem(kind, substituted(container[key]))
        if problem:
            report(value_of(container, key), f"{path} {problem}")
    for path in ("proxyInit.iptablesMode", "proxy.defaultInboundPolicy", "proxy.logHTTPHeaders"):
        rule_ = allowed(path, version)
        hit = helm.lookup(values, path)
        if rule_ is None or hit is None:
            continue
        container, key = hit
        value = substituted(container[key])
        choices, consequence = rule_
        if value is UNKNOWN or value in choices or (value is None and "" in choices):
            continue
        shown = ", ".join(c for c in choices if c)
        report(value_of(container, key), f"{path} is {value!r}, not one of {shown}: {consequence}")
    for block, renders in RESOURCE_BLOCKS.items():
        for res in ("cpu", "memory", "ephemeral-storage"):
            for which in ("limit", "request"):
                hit = helm.lookup(values, f"{block}.{res}.{which}")
                if hit is not None:
                    _check_quantity(report, f"{block}.{res}.{which}", hit, renders)


def _check_quantity(report, path, hit, renders) -> None:
    container, key = hit
    value = substituted(container[key])
    if value is None or value is UNKNOWN or value == "":
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return  # rendered with `quote`: "1", "0.5" are quantities
    if isinstance(value, str) and parse_quantity(value) is not None:
        return
    hint = quantity_hint(value) if isinstance(value, str) else None
    report(
        value_of(container, key),
        f"{path} is {_kind_of(value)}, not a Kubernetes quantity: it is rendered into {renders}, which the API "
        f"server then rejects" + (f" (did you mean {hint}?)" if hint else ""),
    )


@rule(
    id="LNK611",
    name="control-plane-values",
    severity=Severity.WARNING,
    scope="file",
    summary="linkerd-control-plane Helm values of the wrong type or outside their allowed values.",
    why=(
        "Helm does not type-check this chart's values. A boolean written as a string (`\"false\"`) is true "
        "wherever the chart tests it with `if`, and the proxy injector, which decodes the same values from the "
        "`linkerd-config` ConfigMap into typed Go fields, fails on it and refuses every pod admission. The same "
        "happens with an integer written as a string. `proxyInit.iptablesMode` must be `legacy` or `nft` (the "
        "chart refuses anything else), `proxy.defaultInboundPolicy` one of the default policies (else the policy "
        "controller does not start), `proxy.logHTTPHeaders` `off` or `insecure`, and every value under "
        "`proxy.resources` (and the control-plane `*Resources` blocks) a Kubernetes quantity, or the pods they are "
        "rendered into are rejected.\n\n"
        "Values are recognised in a values file (by keys only this chart has), in a Flux HelmRelease of the "
        "chart (`spec.values`) and in the `linkerd-config` ConfigMap that `linkerd install` and `helm template` "
        "render (`data.values`, the very text the proxy injector decodes; findings point into the block). Flux `${VAR:=default}` variables are judged by their default as Flux substitutes "
        "it (unquoted, so `\"${ENABLED:=false}\"` is the boolean false). Keys are checked against the configured "
        "`linkerd-version` (2.12 onwards, the first linkerd-control-plane chart)."
    ),
    how_to_fix=(
        "Write booleans and numbers without quotes (`disableIPv6: false`), use one of the listed values for "
        "enums, and quantities such as `128Mi` or `500m`."
    ),
    references=(
        "linkerd/linkerd2 pkg/charts/linkerd2/values.go (Values: the typed fields; ValuesFromConfigMap)",
        "linkerd/linkerd2 charts/linkerd-control-plane/templates/config.yaml (linkerd-config data.values) and "
        "pkg/config/config.go (Values: the injector decodes the mounted values file)",
        "linkerd/linkerd2 controller/proxy-injector/webhook.go (Inject: config.Values error is returned) and "
        "controller/webhook/server.go (an error becomes Allowed: false)",
        "linkerd/linkerd2 charts/partials/templates/_proxy-init.tpl (iptablesMode), _proxy.tpl (logHTTPHeaders), "
        "_resources.tpl",
        "linkerd/linkerd2 policy-controller/k8s/index/src/defaults.rs (DefaultPolicy::from_str)",
        "https://fluxcd.io/flux/components/kustomize/kustomizations/#post-build-substitution-of-numbers-and-booleans",
    ),
    bad=Example(
        "# values for linkerd-control-plane\n"
        "identityTrustAnchorsPEM: |\n"
        "  -----BEGIN CERTIFICATE-----\n"
        "  -----END CERTIFICATE-----\n"
        "disableIPv6: \"false\"  # <- LNK611 @\"false\"\n"
        "proxyInit:\n"
        "  iptablesMode: nftables  # <- LNK611 @nftables\n"
        "proxy:\n"
        "  defaultInboundPolicy: all-authenticatd  # <- LNK611 @all\n"
        "  resources:\n"
        "    memory:\n"
        "      limit: 250MB  # <- LNK611 @250MB\n",
        config={"linkerd-version": "2.18"},
    ),
    good=Example(
        "apiVersion: helm.toolkit.fluxcd.io/v2\n"
        "kind: HelmRelease\n"
        "metadata:\n"
        "  name: linkerd\n"
        "  namespace: linkerd\n"
        "spec:\n"
        "  chart:\n"
        "    spec:\n"
        "      chart: linkerd-control-plane\n"
        "      sourceRef: {kind: HelmRepository, name: linkerd}\n"
        "  values:\n"
        "    disableIPv6: \"${DISABLE_IPV6:=false}\"\n"
        "    proxyInit:\n"
        "      iptablesMode: nft\n"
        "    proxy:\n"
        "      defaultInboundPolicy: \"${DEFAULT_INBOUND_POLICY:=all-unauthenticated}\"\n"
        "      resources:\n"
        "        memory: {limit: 250Mi}\n"
        "        cpu: {request: 100m, limit: 1}\n"
        "---\n"
        "# another chart's values: not Linkerd's\n"
        "proxy:\n"
        "  enabled: \"false\"\n"
        "  resources: {memory: {limit: lots}}\n",
        config={"linkerd-version": "2.18"},
    ),
)
def check(ctx):
    version = ctx.settings.linkerd_version
    if version < FIRST:
        return  # the linkerd2 chart of 2.10/2.11 is not modelled

    def report(where, message):
        ctx.report(where, message)

    for doc in ctx.source.documents:
        if helm.is_control_plane_values(doc.data):
            check_values(report, doc.data, version)
    for res in ctx.resources:
        # linkerd-config's data.values with the file's text at hand: positions exact whatever the indentation.
        values = helm.config_map_values(res, ctx.source.lines) if res.kind == "ConfigMap" else helm.helm_release_values(res)
        if values is not None:
            check_values(report, values, version)
