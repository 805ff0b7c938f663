from linter.context import key_of, value_of
from linter.located import YMap, YSeq
from linter.rule import Example, Severity, rule

from ._profile_match import (
    IDEMPOTENT,
    OTHER,
    failure_statuses,
    grpc_route,
    named_methods,
    possible_methods,
    regex_problem,
    restricts_method,
    status_problem,
)


def _walk(match, key):
    """Every mapping of a condition tree that holds ``key`` (through all/any/not)."""
    if not isinstance(match, YMap):
        return
    if key in match:
        yield match
    for sub in ("all", "any"):
        if isinstance(match.get(sub), YSeq):
            for child in match[sub]:
                yield from _walk(child, key)
    yield from _walk(match.get("not"), key)


def _ranges(statuses) -> str:
    out, start, prev = [], None, None
    for s in statuses:
        if start is None:
            start = prev = s
        elif s == prev + 1:
            prev = s
        else:
            out.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = s
    if start is not None:
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ", ".join(out)


@rule(
    id="LNK609",
    name="service-profile-routes",
    severity=Severity.WARNING,
    kinds=("ServiceProfile",),
    summary="A ServiceProfile route can never match, has a path regex the proxy cannot compile, or retries what it should not.",
    why=(
        "The proxy builds ServiceProfile routes itself and drops what it cannot build, without an error: a "
        "`pathRegex` its Rust regex engine rejects (look-around, backreferences, a literal `{`) removes the route "
        "or that part of its condition; a condition that can never hold (an `all` requiring two methods) makes a "
        "route that never matches; a response-class status range outside 100-599 is rejected by the webhook, and "
        "one with a missing `min` or `max` is dropped by the proxy. Retries are a promise that a request is safe to "
        "send twice: `isRetryable` on a POST or PATCH route, or on a route whose `any` also matches POST or "
        "PATCH, can duplicate orders or payments (gRPC routes are POST by protocol and are left alone), and a route whose response classes count 4xx as failures retries client "
        "errors that will fail the same way every time, burning the retry budget (408 and 429 alone are not "
        "reported: those invite a retry)."
    ),
    how_to_fix=(
        "Write path regexes in Rust regex syntax (they are anchored for you: `/books/\\d+`, escape braces as "
        "`\\{`); give each route one method (use `any` for alternatives); set `isRetryable` only on idempotent "
        "routes; classify only 5xx (and perhaps 429) as failures on retryable routes; give status ranges both "
        "`min` and `max` in 100-599."
    ),
    references=(
        "linkerd/linkerd2-proxy linkerd/service-profiles/src/proto.rs (convert_req_match: anchored Regex::new, "
        "routes dropped on error; convert_rsp_match: StatusCode::from_u16)",
        "linkerd/linkerd2 controller/api/destination/profile_translator.go (toRequestMatch, toResponseMatch)",
        "linkerd/linkerd2 pkg/profiles/profiles.go (Validate, ValidateResponseMatch: 100-599)",
        "https://linkerd.io/2-edge/reference/service-profiles/",
        "https://www.rfc-editor.org/rfc/rfc9110#section-9.2.2 (idempotent methods)",
    ),
    bad=Example(
        "apiVersion: linkerd.io/v1alpha2\n"
        "kind: ServiceProfile\n"
        "metadata:\n"
        "  name: web.shop.svc.cluster.local\n"
        "  namespace: shop\n"
        "spec:\n"
        "  routes:\n"
        "    - name: GET or POST /books\n"
        "      condition:  # <- LNK609\n"
        "        all:\n"
        "          - method: GET\n"
        "          - method: POST\n"
        "    - name: GET /books/{id}\n"
        "      condition:\n"
        "        method: GET\n"
        "        pathRegex: /books/{id}  # <- LNK609 @/books\n"
        "    - name: POST /orders\n"
        "      condition:\n"
        "        method: POST\n"
        "        pathRegex: /orders\n"
        "      isRetryable: true  # <- LNK609 @true\n"
        "    - name: GET /authors\n"
        "      condition:\n"
        "        method: GET\n"
        "        pathRegex: /authors\n"
        "      isRetryable: true  # <- LNK609 @true\n"
        "      responseClasses:\n"
        "        - condition:\n"
        "            status: {min: 400, max: 599}\n"
        "          isFailure: true\n"
        "        - condition:\n"
        "            status: {min: 500}  # <- LNK609 @status\n"
        "          isFailure: true\n"
    ),
    good=Example(
        "apiVersion: linkerd.io/v1alpha2\n"
        "kind: ServiceProfile\n"
        "metadata:\n"
        "  name: web.shop.svc.cluster.local\n"
        "  namespace: shop\n"
        "spec:\n"
        "  routes:\n"
        "    - name: GET or POST /books\n"
        "      condition:\n"
        "        any:\n"
        "          - method: GET\n"
        "          - method: POST\n"
        "    - name: GET /books/{id}\n"
        "      condition:\n"
        "        method: GET\n"
        "        pathRegex: /books/\\d+\n"
        "      isRetryable: true\n"
        "      responseClasses:\n"
        "        - condition:\n"
        "            status: {min: 500, max: 599}\n"
        "          isFailure: true\n"
        "    - name: ListAll\n"
        "      condition:\n"
        "        method: POST\n"
        "        pathRegex: /emojivoto\\.v1\\.EmojiService/ListAll\n"
        "      isRetryable: true\n"
    ),
)
def check(ctx):
    spec = ctx.resource.data.get("spec")
    routes = spec.get("routes") if isinstance(spec, YMap) else None
    if not isinstance(routes, YSeq) or ctx.resource.group != "linkerd.io":
        return
    for route in routes:
        if isinstance(route, YMap):
            _check_route(ctx, route)


def _check_route(ctx, route) -> None:
    name = route.get("name")
    label = f"route {name!r}" if isinstance(name, str) else "route"
    cond = route.get("condition")
    broken = False
    for m in _walk(cond, "pathRegex"):
        pattern = m.get("pathRegex")
        if not isinstance(pattern, str) or not pattern or "${" in pattern:
            continue
        problem = regex_problem(pattern)
        if problem:
            broken = True
            ctx.report(
                value_of(m, "pathRegex"),
                f"{label}: pathRegex {pattern!r} {problem}; the proxy cannot build it and drops the route "
                "(or this part of its condition)",
            )
    methods = possible_methods(cond) if isinstance(cond, YMap) else None
    if methods == set() and not broken:
        ctx.report(
            key_of(route, "condition"),
            f"{label}: the condition can never match (it requires a request to have two different methods at "
            "once); use any: to list alternatives",
        )
    if route.get("isRetryable") is True and methods != set():
        _check_retry(ctx, route, label, cond, methods)
    classes = route.get("responseClasses")
    if isinstance(classes, YSeq):
        for rc in classes:
            if isinstance(rc, YMap):
                for m in _walk(rc.get("condition"), "status"):
                    found = status_problem(m.get("status"))
                    if found:
                        field, problem = found
                        status = m["status"]
                        where = value_of(status, field) if field in status else key_of(m, "status")
                        ctx.report(where, f"{label}: response class status range: {problem}")


def _check_retry(ctx, route, label, cond, methods) -> None:
    where = value_of(route, "isRetryable")
    if methods and restricts_method(cond) and not grpc_route(cond):
        if OTHER not in methods and not (methods & IDEMPOTENT):
            shown = "/".join(sorted(methods))
            ctx.report(
                where,
                f"{label}: isRetryable on a {shown} route: {shown} is not idempotent, and a retried request may "
                "be applied twice (orders, payments…); retry only idempotent routes",
            )
            return
        # A branch of `any` that names POST makes the whole route retryable for POST too.  Only
        # methods the condition names count: `not: {method: GET}` retrying "anything else" is a choice.
        risky = sorted((methods & named_methods(cond)) - IDEMPOTENT - {OTHER})
        if risky:
            shown = "/".join(risky)
            ctx.report(
                where,
                f"{label}: isRetryable, and the route also matches {shown} requests: {shown} is not idempotent, "
                "and a retried request may be applied twice (orders, payments…); give the non-idempotent methods "
                "a route of their own without isRetryable",
            )
            return
    fails = failure_statuses(route.get("responseClasses"), range(400, 500))
    # 408 and 429 tell the client it may try again (RFC 9110 15.5.9, RFC 6585 4): retrying them is a choice.
    if any(st not in (408, 429) for st in fails):
        ctx.report(
            where,
            f"{label}: isRetryable, and its response classes count {_ranges(fails)} as failures: client errors "
            "are retried although they fail the same way every time (classify only 5xx as failures here)",
        )
