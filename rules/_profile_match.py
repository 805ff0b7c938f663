"""ServiceProfile conditions as the Linkerd proxy evaluates them.

The destination controller (controller/api/destination/profile_translator.go,
toRequestMatch/toResponseMatch) turns a match object with several fields into ``all``
of them and upper-cases methods (pkg/util/http.go ParseMethod).  The proxy
(linkerd2-proxy linkerd/service-profiles/src/proto.rs, convert_req_match /
convert_rsp_match) anchors path regexes (``^…$``), compiles them with Rust's regex
crate and *drops* what it cannot build: a route whose top-level condition fails to
convert is dropped; a child of ``all``/``any`` that fails is left out; a status range
with a bound outside 100-999 (0 included, i.e. a missing ``min``/``max``) drops the
response class.  Responses that no class matches are failures when they are 5xx.
"""

from __future__ import annotations

import re
import warnings

from linter.lazyre import pattern
from linter.located import YMap, YSeq

METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")
OTHER = "\0other"  # any method not listed
UNIVERSE = METHODS + (OTHER,)
# RFC 9110 section 9.2.2: the idempotent methods.
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})


# -- requests ---------------------------------------------------------------------------


def _fields(match: YMap) -> list:
    return [k for k in ("all", "any", "method", "not", "pathRegex") if k in match and match[k] not in (None, "")]


def can_be(match, method: str, want: bool):
    """Can the condition be ``want`` for a request with ``method``?  Paths are unknown: either way.

    Returns None when the condition cannot be judged (malformed, variables).
    """
    if not isinstance(match, YMap):
        return None
    parts = []
    for key in _fields(match):
        value = match[key]
        if key == "method":
            if not isinstance(value, str) or "${" in value:
                return None
            hit = value.upper() == method if method != OTHER else value.upper() not in METHODS
            parts.append({True: hit, False: not hit}[want])
        elif key == "pathRegex":
            parts.append(True)  # a path may or may not match
        elif key == "not":
            r = can_be(value, method, not want)
            if r is None:
                return None
            parts.append(r)
        else:
            if not isinstance(value, YSeq):
                return None
            sub = [can_be(v, method, want) for v in value]
            if None in sub:
                return None
            # all: true needs every child true; false needs one child false.  any: the reverse.
            every = (key == "all") == want
            parts.append(all(sub) if every else any(sub))
    if not parts:
        return None
    # The fields of one object are ANDed: it can be true only if each can be true, false if one can.
    return all(parts) if want else any(parts)


def possible_methods(condition) -> set | None:
    """The methods a request matching ``condition`` may have; None when it cannot be told."""
    out = set()
    for m in UNIVERSE:
        r = can_be(condition, m, True)
        if r is None:
            return None
        if r:
            out.add(m)
    return out


def named_methods(condition) -> set:
    """The methods a condition names outside a ``not`` (upper-cased, as the controller does)."""
    out = set()
    if isinstance(condition, YMap):
        method = condition.get("method")
        if isinstance(method, str) and "${" not in method:
            out.add(method.upper())
        for key in ("all", "any"):
            if isinstance(condition.get(key), YSeq):
                for child in condition[key]:
                    out |= named_methods(child)
    return out


def restricts_method(condition) -> bool:
    """Does the condition name a method at all (else every method may match)?"""
    if isinstance(condition, YMap):
        if "method" in condition:
            return True
        for key in ("all", "any"):
            if isinstance(condition.get(key), YSeq) and any(restricts_method(c) for c in condition[key]):
                return True
        return restricts_method(condition.get("not"))
    return False


# -- path regexes -----------------------------------------------------------------------

# Constructs Rust's regex crate rejects but Python's re accepts.
_RUST_REJECTS = (
    (pattern(r"\(\?<?[=!]"), "look-around (?=, (?!, (?<=, (?<!)"),
    (pattern(r"(?<!\\)(?:\\\\)*\\[1-9]"), "a backreference (\\1…)"),
    (pattern(r"\(\?P="), "a named backreference (?P=…)"),
    (pattern(r"\(\?\("), "a conditional group (?(…)"),
    (pattern(r"\(\?>"), "an atomic group (?>…)"),
)
# Syntax Rust accepts that Python's re does not: when present, a Python error proves nothing.
_RUST_ONLY = pattern(r"\\[pPz]|\\[xuU]\{|\(\?<[A-Za-z_]|\(\?[a-zA-Z-]*[uUR]|\[\[:")
_INLINE_FLAGS = pattern(r"\(\?[a-zA-Z-]+\)")  # Python wants global flags first; Rust takes them anywhere


_COUNT = pattern(r"\{\d+(?:,\d*)?\}")


def _stray_brace(p: str) -> str | None:
    """A ``{`` outside a character class that does not start a repetition count ({2}, {2,}, {2,5}).

    Python reads such a brace as a literal; Rust's regex parser requires a count after every
    unescaped ``{`` (regex-syntax parse_counted_repetition), so ``/books/{id}`` fails there.
    Braces that belong to an escape are not counts: Unicode classes ``\\p{Greek}``,
    ``\\P{Script=Greek}`` and code points ``\\x{41}``, ``\\u{41}``, ``\\U{41}`` (regex-syntax
    parse_unicode_class, parse_hex_brace).
    """
    i, in_class = 0, False
    while i < len(p):
        c = p[i]
        if c == "\\":
            if p[i + 1:i + 2] in ("p", "P", "x", "u", "U") and p[i + 2:i + 3] == "{":
                end = p.find("}", i + 3)
                i = len(p) if end < 0 else end + 1  # an unclosed one is Rust's error, not a stray brace
                continue
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            if p[i + 1:i + 2] == "]":
                i += 1  # a leading ] is a literal
        elif c == "{" and not _COUNT.match(p, i):
            return p[i:p.find("}", i) + 1] if "}" in p[i:] else p[i:]
        i += 1
    return None


def regex_problem(pattern: str) -> str | None:
    """Why the proxy cannot compile ``pattern`` (None: it can, or we cannot tell)."""
    p = pattern.strip()
    if p[:1] in ("*", "+", "?") or (p.startswith("^") and p[1:2] in ("*", "+", "?")):
        return "starts with a repetition operator: it is a regular expression, not a glob (write .* for 'anything')"
    brace = _stray_brace(p)
    if brace:
        return (
            f"has {brace!r}, which Rust's regex engine reads as a malformed repetition count "
            "(escape a literal brace as \\{)"
        )
    for rx, what in _RUST_REJECTS:
        if rx.search(p):
            return f"uses {what}, which Rust's regex engine does not support"
    if _RUST_ONLY.search(p) or any(m.start() > 0 for m in _INLINE_FLAGS.finditer(p)):
        return None
    # The proxy anchors with ^…$; Python insists that global flags come first, Rust does not care.
    flags = re.match(r"(?:\(\?[a-zA-Z]+\))*", p).group(0)
    body = p[len(flags):]
    anchored = flags + ("" if p.startswith("^") else "^") + body + ("" if p.endswith("$") else "$")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(anchored)
    except re.error as e:
        return f"is not a valid regular expression ({e.msg})"
    except (RecursionError, OverflowError):  # pragma: no cover - pathological input
        return None
    return None


def looks_grpc(pattern) -> bool:
    """A gRPC method path: /package.Service/Method (dots possibly escaped)."""
    if not isinstance(pattern, str):
        return False
    return bool(re.match(r"^\^?/[A-Za-z_][\w]*(?:(?:\\\.|\.)[A-Za-z_]\w*)*/[A-Za-z_]\w*\$?$", pattern.strip())) and (
        "." in pattern or re.search(r"/[A-Z]\w*\$?$", pattern) is not None
    )


def grpc_route(condition) -> bool:
    if not isinstance(condition, YMap):
        return False
    if looks_grpc(condition.get("pathRegex")):
        return True
    if isinstance(condition.get("all"), YSeq) and any(grpc_route(c) for c in condition["all"]):
        return True
    branches = condition.get("any")  # every alternative a gRPC method
    return isinstance(branches, YSeq) and len(branches) > 0 and all(grpc_route(c) for c in branches)


# -- responses --------------------------------------------------------------------------


def status_problem(status):
    """(field, message) of what is wrong with a ``status`` range, or None.

    ``field`` is the bound at fault (``min``/``max``) or None for the range as a whole.
    The webhook rejects bounds outside 100-599 and max < min (a 0 bound counts as unset
    there); the proxy cannot build a range with an unset bound and drops the class.
    """
    if not isinstance(status, YMap):
        return None
    lo, hi = status.get("min", 0), status.get("max", 0)
    if not isinstance(lo, int) or not isinstance(hi, int) or isinstance(lo, bool) or isinstance(hi, bool):
        return None
    for key, v in (("min", lo), ("max", hi)):
        if v != 0 and not 100 <= v <= 599:
            return key, f"{key} {v} is outside 100-599: the ServiceProfile webhook rejects it"
    if lo and hi and hi < lo:
        return "max", f"max {hi} is below min {lo}: the ServiceProfile webhook rejects it"
    missing = [k for k, v in (("min", lo), ("max", hi)) if v == 0]
    if missing:
        return None, (
            f"{' and '.join(missing)} not set: the proxy reads the missing bound as status 0, cannot build the "
            "range and ignores this response class"
        )
    return None


def response_predicate(cond):
    """A function status -> bool as the proxy builds it, or None when the proxy drops the condition."""
    if not isinstance(cond, YMap):
        return None
    preds = []
    for key in ("all", "any", "status", "not"):
        if key not in cond or cond[key] is None:
            continue
        value = cond[key]
        if key == "status":
            if not isinstance(value, YMap):
                return None
            lo, hi = value.get("min", 0), value.get("max", 0)
            if not all(isinstance(v, int) and not isinstance(v, bool) and 100 <= v <= 999 for v in (lo, hi)):
                return None
            preds.append(lambda s, lo=lo, hi=hi: lo <= s <= hi)
        elif key == "not":
            inner = response_predicate(value)
            if inner is None:
                return None
            preds.append(lambda s, inner=inner: not inner(s))
        else:
            if not isinstance(value, YSeq):
                return None
            subs = [p for p in (response_predicate(v) for v in value) if p is not None]
            if not subs:
                return None
            combine = all if key == "all" else any
            preds.append(lambda s, subs=subs, combine=combine: combine(p(s) for p in subs))
    if not preds:
        return None
    return lambda s: all(p(s) for p in preds)


def failure_statuses(classes, statuses) -> list:
    """The statuses among ``statuses`` the route classifies as failures (first matching class wins)."""
    built = []
    if isinstance(classes, YSeq):
        for rc in classes:
            if isinstance(rc, YMap):
                pred = response_predicate(rc.get("condition"))
                if pred is not None:
                    built.append((pred, rc.get("isFailure") is True))
    out = []
    for s in statuses:
        for pred, failure in built:
            if pred(s):
                if failure:
                    out.append(s)
                break
        else:
            if s >= 500:
                out.append(s)
    return out
