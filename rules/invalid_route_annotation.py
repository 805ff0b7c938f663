from linter.annotations import CATALOGUE, VALUES_SINCE
from linter.context import value_of
from linter.fixes import replace_scalar
from linter.located import YMap, YSeq
from linter.rule import Example, Fix, Severity, rule
from linter.values import resolve_vars

from ._common import mapping
from ._grammar import go_duration, rust_duration, rust_duration_text

TIMEOUTS = ("timeout.linkerd.io/request", "timeout.linkerd.io/response", "timeout.linkerd.io/idle")
RETRY_TIMEOUT = "retry.linkerd.io/timeout"
RETRY_LIMIT = "retry.linkerd.io/limit"
RETRY_HTTP = "retry.linkerd.io/http"
RETRY_GRPC = "retry.linkerd.io/grpc"
ACCRUAL = "balancer.linkerd.io/failure-accrual"
_A = "balancer.linkerd.io/failure-accrual-consecutive-"
MAX_FAILURES, MIN_PENALTY, MAX_PENALTY, JITTER = _A + "max-failures", _A + "min-penalty", _A + "max-penalty", _A + "jitter-ratio"
GRPC_CODES = ("cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable")
# When the policy controller reads each group (policy-controller/k8s/index/src/outbound/index.rs
# parse_timeouts, parse_accrual_config; outbound/index/{http,grpc}.rs parse_*_retry): the
# annotation catalogue is the one home of those releases.
RETRY_SINCE = CATALOGUE[RETRY_HTTP].since
BALANCER_SINCE = CATALOGUE[ACCRUAL].since
ACCRUAL_MODES = tuple(CATALOGUE[ACCRUAL].value[len("enum:"):].split(","))

ROUTE_GROUPS = ("policy.linkerd.io", "gateway.networking.k8s.io")


def _reads_annotations(res) -> str | None:
    """What the policy controller does with a bad value on this object, or None if it never reads them."""
    if res.kind == "Service" and res.group == "":
        return "service"
    if res.kind == "EgressNetwork" and res.group == "policy.linkerd.io":
        return "service"
    if res.kind in ("HTTPRoute", "GRPCRoute") and res.group in ROUTE_GROUPS:
        spec = res.data.get("spec")
        parents = spec.get("parentRefs") if isinstance(spec, YMap) else None
        # Only routes on Services or EgressNetworks are outbound routes whose annotations count.
        for p in parents if isinstance(parents, YSeq) else ():
            if not isinstance(p, YMap):
                continue
            kind, group = p.get("kind"), p.get("group")
            if kind == "Service" and group in (None, "", "core"):
                return "route"
            if kind == "EgressNetwork" and group == "policy.linkerd.io":
                return "route"
    return None


@rule(
    id="LNK207",
    name="invalid-route-annotation",
    severity=Severity.WARNING,
    fixable=True,
    summary="A `retry.linkerd.io/*`, `timeout.linkerd.io/*` or `balancer.linkerd.io/*` annotation has a value Linkerd's policy controller rejects.",
    why=(
        "Retries, timeouts and failure accrual set by annotation on a Service (or an EgressNetwork, or an "
        "HTTPRoute/GRPCRoute on one) are parsed by Linkerd's policy controller, in Rust, with its own grammar. "
        "Its durations are one integer and one unit out of `ms`, `s`, `m`, `h`, `d`: unlike the proxy's Go "
        "durations, `1m30s`, `1.5s` and a bare `10` are rejected. One bad value voids the whole group: a bad "
        "`timeout.linkerd.io/request` drops all three timeouts, a bad `retry.linkerd.io/limit` drops retries. On a "
        "Service the controller logs a warning and serves no such configuration; on a route the policy admission "
        "webhook rejects the object. Retry conditions are not trimmed, so `5xx, gateway-error` is invalid."
    ),
    how_to_fix=(
        "Write durations as one number and one unit (`90s`, `1500ms`); list retry conditions without spaces; use "
        "the documented values (`5xx`, `gateway-error`, status codes and ranges for HTTP; `cancelled`, "
        "`deadline-exceeded`, `internal`, `resource-exhausted`, `unavailable` for gRPC)."
    ),
    references=(
        "linkerd/linkerd2 policy-controller/k8s/index/src/outbound/index.rs (parse_duration, parse_timeouts, parse_accrual_config)",
        "linkerd/linkerd2 policy-controller/k8s/index/src/outbound/index/http.rs (parse_http_retry), grpc.rs (parse_grpc_retry)",
        "linkerd/linkerd2 policy-controller/runtime/src/admission.rs (routes on Services are validated)",
        "https://linkerd.io/2-edge/reference/retries/",
        "https://linkerd.io/2-edge/reference/timeouts/",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    timeout.linkerd.io/request: 1m30s  # <- LNK207 @1m30s\n"
        "    retry.linkerd.io/http: 5xx, gateway-error  # <- LNK207 @5xx\n"
        "spec:\n"
        "  selector: {app: web}\n"
        "  ports:\n"
        "    - port: 80\n"
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    timeout.linkerd.io/request: 90s\n"
        "    retry.linkerd.io/http: 5xx,gateway-error\n"
        "    retry.linkerd.io/limit: \"${RETRIES:=3}\"\n"
        "spec:\n"
        "  selector: {app: web}\n"
        "  ports:\n"
        "    - port: 80\n"
    ),
)
def check(ctx):
    res = ctx.resource
    how = _reads_annotations(res)
    ann = mapping(res.metadata, "annotations") if res.metadata is not None else None
    if how is None or ann is None:
        return
    version = ctx.settings.linkerd_version
    texts = {}
    for key, raw in ann.items():
        if isinstance(key, str) and isinstance(raw, str) and key.startswith(("retry.", "timeout.", "balancer.")):
            texts[key] = resolve_vars(raw)  # None: an unresolved GitOps variable, not judged
    outcome = "the policy admission webhook rejects this route" if how == "route" else None

    def report(key, problem, dropped, fix=None):
        consequence = outcome or f"the policy controller logs a warning and ignores {dropped} for this {res.kind}"
        where = value_of(ann, key)
        edit = None
        if fix is not None and "${" not in ann[key]:
            edit = Fix(f"write {fix}", (replace_scalar(ctx.source, where.span, fix),))
        ctx.report(where, f"{key}: {problem}; {consequence}", fix=edit)

    if version >= RETRY_SINCE:
        for key in TIMEOUTS + (RETRY_TIMEOUT,):
            text = texts.get(key)
            if text is not None and rust_duration(text) is None:
                dropped = "all its timeout.linkerd.io settings" if key in TIMEOUTS else "its retry settings"
                _report_duration(report, key, text, dropped)
        text = texts.get(RETRY_LIMIT)
        if text is not None and not _u16(text):
            report(RETRY_LIMIT, f"{text!r} is not a whole number from 0 to 65535", "its retry settings")
        if RETRY_HTTP in texts and texts[RETRY_HTTP] is not None and res.kind != "GRPCRoute":
            _conditions(report, RETRY_HTTP, texts[RETRY_HTTP], _http_condition, "its HTTP retry settings")
        if RETRY_GRPC in texts and texts[RETRY_GRPC] is not None and res.kind != "HTTPRoute":
            _conditions(report, RETRY_GRPC, texts[RETRY_GRPC], lambda c: c.lower() in GRPC_CODES, "its gRPC retry settings")
    if version >= BALANCER_SINCE:
        _accrual(report, texts, version)


def _report_duration(report, key, text, dropped):
    problem = f"{text!r} is not a policy-controller duration (one integer and ms, s, m, h or d)"
    fix = None
    ns = go_duration(text.strip())
    if text.strip().isdigit() and text.strip() != "0":
        problem += f"; a number needs a unit ({text.strip()}s or {text.strip()}ms?)"
    elif ns is not None and ns >= 0:
        fix = rust_duration_text(ns)
        if fix is not None:
            problem += f"; write {fix}"
    report(key, problem, dropped, fix)


def _u16(text) -> bool:
    # str::parse::<u16>: no trimming, an optional '+'
    return text[:1] != "-" and text.lstrip("+").isdigit() and text.count("+") <= 1 and int(text) < 65536


def _http_condition(cond) -> bool:
    low = cond.lower()
    if low in ("5xx", "gateway-error"):
        return True

    def code(s):
        return s.isdigit() and 100 <= int(s) < 600

    if code(cond):
        return True
    lo, sep, hi = cond.partition("-")
    return bool(sep) and code(lo) and code(hi) and int(lo) <= int(hi)


def _conditions(report, key, text, valid, dropped):
    bad = [c for c in text.split(",") if not valid(c)]
    if not bad:
        return
    fix = None
    stripped = ",".join(c.strip() for c in text.split(","))
    if stripped != text and all(valid(c) for c in stripped.split(",")):
        fix = stripped
        problem = "the conditions are not trimmed, so the spaces around the commas make them invalid"
    else:
        problem = f"{bad[0].strip()!r} is not a valid condition"
    report(key, problem, dropped, fix)


def _accrual(report, texts, version):
    if ACCRUAL not in texts or texts[ACCRUAL] is None:
        return  # the consecutive-* settings are read only under a failure-accrual mode
    mode = texts[ACCRUAL]
    if VALUES_SINCE.get((ACCRUAL, mode), (0, 0)) > version:
        return  # a mode of a later release (unified before 2.20): LNK505's finding
    modes = tuple(m for m in ACCRUAL_MODES if VALUES_SINCE.get((ACCRUAL, m), (0, 0)) <= version)
    dropped = "its failure accrual (circuit breaking) settings"
    if mode not in modes:
        fix = mode.strip().lower() if mode.strip().lower() in modes else None
        report(ACCRUAL, f"{mode!r} is not a failure-accrual mode ({' or '.join(modes)})", dropped, fix)
        return
    text = texts.get(MAX_FAILURES)
    if text is not None and not (text.isdigit() and int(text) < 2**32):
        report(MAX_FAILURES, f"{text!r} is not a whole number", dropped)
    penalties = {}
    for key in (MIN_PENALTY, MAX_PENALTY):
        text = texts.get(key)
        if text is None:
            continue
        ms = rust_duration(text)
        if ms is None:
            _report_duration(report, key, text, dropped)
        else:
            penalties[key] = ms
    lo, hi = penalties.get(MIN_PENALTY, 1000), penalties.get(MAX_PENALTY, 60_000)
    if MIN_PENALTY in penalties or MAX_PENALTY in penalties:
        if hi == 0:
            report(MAX_PENALTY, "the maximum penalty cannot be zero", dropped)
        elif lo > hi:
            key = MIN_PENALTY if MIN_PENALTY in penalties else MAX_PENALTY
            report(key, f"the minimum penalty ({lo}ms) exceeds the maximum ({hi}ms)", dropped)
    text = texts.get(JITTER)
    if text is not None:
        try:
            jitter = float(text) if "_" not in text and text.strip() == text else None
        except ValueError:
            jitter = None
        if jitter is None or not 0 <= jitter <= 100:
            report(JITTER, f"{text!r} is not a number from 0 to 100", dropped)
