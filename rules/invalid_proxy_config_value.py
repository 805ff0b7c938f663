from linter.annotations import CATALOGUE
from linter.context import value_of
from linter.fixes import replace_scalar
from linter.rule import Example, Fix, Severity, rule
from linter.values import resolve_vars

from ._common import mapping, metadata_maps, widens_exposure
from ._config_values import judge


@rule(
    id="LNK205",
    name="invalid-proxy-config-value",
    severity=Severity.WARNING,
    severities=(Severity.WARNING, Severity.ERROR),
    fixable=True,
    kinds=("Namespace", "PodTemplate"),
    summary="A `config.linkerd.io/*` proxy setting has a value of the wrong shape for the program that reads it.",
    why=(
        "The proxy injector parses each setting with a specific grammar: Go booleans (`true`/`false`) for the "
        "native-sidecar, debug-sidecar, gateway and external-profiles switches but exactly `enabled`/`disabled` for "
        "`proxy-await` and `proxy-admin-shutdown`; Go durations (`10s`, `1m30s`) for timeouts; integers for ports "
        "and ids; a ratio strictly between 0 and 1 for `proxy-cpu-ratio-limit`; fixed lists for the log format, "
        "access log and default inbound policy. A value of the wrong shape is logged by the injector (or not even "
        "that) and ignored, so the proxy silently runs with the default you meant to change. A few values do "
        "worse and break the pod (error): a bad CIDR in `skip-subnets` makes proxy-init exit, an image name with "
        "its own tag yields an image that cannot be pulled, a port outside 1-65535 cannot be listened on."
    ),
    how_to_fix=(
        "Write the value in the setting's grammar; the message names it, and `--fix` rewrites the unambiguous "
        "cases (`enabled` for a Go boolean becomes `true`, `true` for proxy-await becomes `enabled`)."
    ),
    references=(
        "linkerd/linkerd2 pkg/inject/inject.go (ApplyAnnotationOverrides: strconv and time.ParseDuration per key)",
        "linkerd/linkerd2-proxy-init proxy-init/cmd/root.go (BuildFirewallConfiguration: net.ParseCIDR)",
        "linkerd/linkerd2-proxy linkerd/tracing/src/lib.rs, access_log.rs (log format, access log, log filter)",
        "https://linkerd.io/2-edge/reference/proxy-configuration/",
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
        "        linkerd.io/inject: enabled\n"
        "        config.linkerd.io/proxy-await: \"true\"  # <- LNK205 @\"true\"\n"
        "        config.linkerd.io/enable-debug-sidecar: enabled  # <- LNK205 @enabled\n"
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
        "        config.linkerd.io/proxy-await: enabled\n"
        "        config.linkerd.io/enable-debug-sidecar: \"true\"\n"
        "        config.linkerd.io/proxy-outbound-connect-timeout: 1500ms\n"
        "        config.linkerd.io/skip-subnets: 10.0.0.0/8\n"
        "        config.linkerd.io/proxy-log-level: \"${LOG_LEVEL:=warn,linkerd=info}\"\n"
    ),
)
def check(ctx):
    version = ctx.settings.linkerd_version
    for meta, role in metadata_maps(ctx.resource):
        if role not in ("namespace", "pod"):
            continue
        ann = mapping(meta, "annotations")
        if ann is None:
            continue
        for key, raw in ann.items():
            spec = CATALOGUE.get(key)
            if spec is None or spec.where != "pod" or not spec.read_in(version) or not isinstance(raw, str):
                continue  # unknown keys are LNK105's, non-strings LNK104's
            if role == "namespace" and not spec.inherited_in(version):
                continue  # never read from a Namespace: its value does not matter
            text = resolve_vars(raw)
            if not text:
                continue  # unresolved GitOps variable, or empty (the same as absent)
            verdict = judge(key, spec.value, text, version)
            if verdict is None:
                continue
            message, severity, fix_value = verdict
            where = value_of(ann, key)
            fix = None
            if fix_value is not None and "${" not in raw:
                # a policy that starts to apply and is not deny opens the pod: a reviewer decides
                fix = Fix(f"set {key} to {fix_value}", (replace_scalar(ctx.source, where.span, fix_value),),
                          safe=not widens_exposure(key, fix_value))
            ctx.report(where, message, fix=fix, severity=severity)
