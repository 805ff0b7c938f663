"""The checks Linkerd's validating webhooks make in code, beyond what a JSON Schema says.

Each function takes the object's ``spec`` (located YAML), its apiVersion's version and the
target Linkerd version (a ``linter.versions.LinkerdVersion``) and yields ``(path, on, message)``: a path from the object root, whether to point at
the value or the key there, and the sentence.  Sources (linkerd/linkerd2 HEAD, checked
against the release tags where noted):

* ``policy-controller/runtime/src/admission.rs`` (``Validate`` impls per kind);
* ``policy-controller/runtime/src/validation.rs`` (``validate_identity``, 2.15+);
* ``policy-controller/k8s/api/src/policy.rs`` (``targets_kind``: a missing group is the
  core group; kinds and groups compare case-insensitively);
* ``policy-controller/k8s/index/src/inbound/authorization_policy.rs`` (target kinds per release);
* ``policy-controller/k8s/index/src/routes/http.rs`` (path matches, redirects);
* ``policy-controller/k8s/api/src/duration.rs`` (route timeouts);
* ``pkg/profiles/profiles.go`` (``Validate``: ServiceProfile durations and matches).
"""

from __future__ import annotations

import re

from linter.lazyre import pattern
from linter.located import YMap, YSeq
from linter.values import resolve_vars
from linter.versions import fmt

POLICY = "policy.linkerd.io"
GATEWAY = "gateway.networking.k8s.io"


def _text(value):
    """A string value with GitOps variables resolved; None when unknown or not a string."""
    return resolve_vars(value) if isinstance(value, str) else None


def _map(value) -> YMap | None:
    return value if isinstance(value, YMap) else None


def _seq(value) -> YSeq:
    return value if isinstance(value, YSeq) else YSeq()


def targets(ref, group: str, kind: str) -> bool:
    """Linkerd's ``targets_kind``: a missing or empty group means the core group."""
    if not isinstance(ref, dict):
        return False
    g, k = _text(ref.get("group")), _text(ref.get("kind"))
    g = g if g else "core"
    return isinstance(k, str) and g.lower() == group.lower() and k.lower() == kind.lower()


def _canonical(ref) -> str:
    g, k = _text(ref.get("group")) or "", _text(ref.get("kind")) or "?"
    return f"{k}.{g}" if g and g != "core" else k


def _variable(ref) -> bool:
    return any(isinstance(ref.get(f), str) and _text(ref.get(f)) is None for f in ("group", "kind"))


def _wrong_group(ref, choices) -> str | None:
    """The group a ref probably meant, when its kind is right and its group is not."""
    kind = (_text(ref.get("kind")) or "").lower()
    for group, k in choices:
        if k.lower() == kind:
            return group
    return None


# -- networks (NetworkAuthentication, EgressNetwork, ServerAuthorization clients) ---------------

def parse_cidr(text):
    """An address or a network as Linkerd's ``Cidr`` reads it (host bits allowed), or None."""
    if not isinstance(text, str) or text != text.strip() or "%" in text:
        return None
    if "/" in text and not text.rsplit("/", 1)[1].isdigit():
        return None  # netmask spellings (10.0.0.0/255.0.0.0) are not CIDRs to Linkerd
    import ipaddress  # imported by the first network a policy names, not by every run

    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _contains(outer, inner) -> bool:
    return outer.version == inner.version and inner.subnet_of(outer)


def networks(items, path: tuple):
    for i, net in enumerate(_seq(items)):
        if not isinstance(net, YMap):
            continue
        cidr_text = _text(net.get("cidr"))
        if cidr_text is None:
            continue
        cidr = parse_cidr(cidr_text)
        if cidr is None:
            yield path + (i, "cidr"), "value", f"`cidr` {cidr_text!r} is not an IP address or CIDR block"
            continue
        for j, exc in enumerate(_seq(net.get("except"))):
            exc_text = _text(exc)
            if exc_text is None:
                continue
            ex = parse_cidr(exc_text)
            where = path + (i, "except", j)
            if ex is None:
                yield where, "value", f"exception {exc_text!r} is not an IP address or CIDR block"
            elif _contains(ex, cidr):
                yield where, "value", f"exception {exc_text!r} negates all of {cidr_text!r}: the network matches nothing"
            elif not _contains(cidr, ex):
                yield where, "value", f"exception {exc_text!r} is not inside {cidr_text!r}"


# -- durations ---------------------------------------------------------------------------------

_GO_UNITS = {"ns": 1e-9, "us": 1e-6, "\u00b5s": 1e-6, "\u03bcs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_GO_DURATION = pattern(r"^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$")
_GO_PART = pattern(r"(\d+\.?\d*|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)")


def go_duration(text):
    """Seconds of a Go ``time.ParseDuration`` string (1m30s, 500ms, -2h; "0"), or None."""
    if not isinstance(text, str):
        return None
    if text in ("0", "+0", "-0"):
        return 0.0
    if not _GO_DURATION.match(text):
        return None
    total = sum(float(n) * _GO_UNITS[u] for n, u in _GO_PART.findall(text))
    return -total if text.startswith("-") else total


# -- kinds -----------------------------------------------------------------------------------------

_IANA_SVC_NAME = pattern(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


def server(spec, version, target):
    port = spec.get("port")
    text = _text(port)
    # With a GitOps variable the quoting after substitution is unknown: `${PORT:=80}` becomes a number.
    if isinstance(port, str) and text and "${" not in port:
        where = ("spec", "port")
        if text.isdigit():
            yield where, "value", (
                f"`spec.port` is the string {text!r}: Linkerd reads a string as a container port *name*, and port "
                f"names must contain a letter, so this matches no port; write {text} without quotes"
            )
        elif len(text) > 15 or not _IANA_SVC_NAME.match(text) or "--" in text or not re.search("[a-z]", text):
            yield where, "value", (
                f"`spec.port` {text!r} is not a valid container port name (at most 15 lower-case letters, digits "
                "and '-', with at least one letter): no container port can carry it, so the Server matches no port"
            )


# (group, kind, first release whose policy validator admits it).  A Gateway API HTTPRoute is read as a
# target by the policy index from 2.14, but validate_policy_target (admission.rs, 2.12-2.18) admits only
# Server, policy.linkerd.io HTTPRoute, GRPCRoute (2.16+) and Namespace: "invalid targetRef kind".  It
# was removed by linkerd/linkerd2 cdff9e2f6 (#13962), first in edge-25.5.1, the first edge after
# version-2.18 (edge-25.4.4), and in version-2.19.
_AP_TARGETS = ((POLICY, "Server", (2, 12)), ("core", "Namespace", (2, 12)), (POLICY, "HTTPRoute", (2, 12)),
               (GATEWAY, "HTTPRoute", (2, 19)), (GATEWAY, "GRPCRoute", (2, 16)))


def _target_name(target) -> str:
    return fmt(target.line) if target.exact else target.text


def _before(target, since) -> bool:
    """Is the target certainly older than ``since``?  An edge release cut between two lines may hold
    the feature or not: unsure, so not older (the rule stays quiet)."""
    return target.upto < since
_AUTHN_KINDS = ((POLICY, "MeshTLSAuthentication"), (POLICY, "NetworkAuthentication"), ("core", "ServiceAccount"))


def authorization_policy(spec, version, target):
    ref = _map(spec.get("targetRef"))
    if ref is not None and not _variable(ref) and isinstance(ref.get("kind"), str):
        hit = next((t for t in _AP_TARGETS if targets(ref, t[0], t[1])), None)
        where = ("spec", "targetRef", "kind")
        if hit is None:
            group = _wrong_group(ref, [(g, k) for g, k, _ in _AP_TARGETS])
            if group is not None and "group" not in ref:
                yield where, "value", (
                    f"targetRef kind {ref['kind']} has no `group`: Linkerd reads a missing group as the core API "
                    f"group, so the policy validator rejects it; add `group: {group}`"
                )
            else:
                gateway = "/".join(k for g, k, since in _AP_TARGETS if g == GATEWAY and not _before(target, since))
                yield where, "value", (
                    f"targetRef {_canonical(ref)} is not a kind an AuthorizationPolicy can target: use a Server or an "
                    + (f"HTTPRoute (policy.linkerd.io), a Namespace, or a Gateway API {gateway}" if gateway
                       else "HTTPRoute (policy.linkerd.io) or a Namespace")
                )
        elif _before(target, hit[2]) and hit[:2] == (GATEWAY, "HTTPRoute"):
            yield where, "value", (
                "the policy validator of Linkerd before 2.19 rejects a gateway.networking.k8s.io HTTPRoute target "
                "(\"invalid targetRef kind\"), although 2.14-2.18 route with such HTTPRoutes: target Linkerd's own "
                f"HTTPRoute (`group: policy.linkerd.io`) instead (the target is {_target_name(target)})"
            )
        elif _before(target, hit[2]):
            yield where, "value", (
                f"targeting a {hit[0]} {hit[1]} needs Linkerd {fmt(hit[2])} or later "
                f"(the target is {_target_name(target)})"
            )
    refs = _seq(spec.get("requiredAuthenticationRefs"))
    seen: dict = {}
    for i, r in enumerate(refs):
        if not isinstance(r, YMap) or _variable(r) or not isinstance(r.get("kind"), str):
            continue
        where = ("spec", "requiredAuthenticationRefs", i, "kind")
        kind = next((k for g, k in _AUTHN_KINDS if targets(r, g, k)), None)
        if kind is None:
            group = _wrong_group(r, _AUTHN_KINDS)
            if group is not None and group != "core" and "group" not in r:
                yield where, "value", (
                    f"authentication kind {r['kind']} has no `group`: Linkerd reads a missing group as the core API "
                    f"group, so the policy validator rejects it; add `group: {group}`"
                )
            else:
                yield where, "value", (
                    f"{_canonical(r)} cannot be a required authentication: use a MeshTLSAuthentication or "
                    "NetworkAuthentication (policy.linkerd.io) or a ServiceAccount"
                )
            continue
        if kind in seen:
            yield where, "value", f"only one {kind} may be set (the first is item {seen[kind]})"
        elif kind in ("MeshTLSAuthentication", "ServiceAccount") and (
            {"MeshTLSAuthentication", "ServiceAccount"} & set(seen)
        ):
            yield where, "value", (
                "a MeshTLSAuthentication and a ServiceAccount may not be set together: put the service account's "
                "identity into the MeshTLSAuthentication instead"
            )
        seen.setdefault(kind, i)


# SPIFFE ids as validation.rs checks them (2.15+).
_TRUST_DOMAIN = set("abcdefghijklmnopqrstuvwxyz0123456789-._")
_PATH_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")
_DNS_LIKE = pattern(r"^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def identity_problem(identity: str) -> str | None:
    """Why Linkerd's validator rejects a MeshTLSAuthentication identity, or None."""
    if identity.startswith("spiffe://"):
        rest = identity[len("spiffe://"):]
        cut = rest.find("/")
        domain, path = (rest, "") if cut < 0 else (rest[:cut], rest[cut:])
        if not domain:
            return "the SPIFFE trust domain is missing"
        if any(c not in _TRUST_DOMAIN for c in domain):
            return "SPIFFE trust domains hold only lower-case letters, digits, '.', '-' and '_'"
        if path:
            segments = path.split("/")[1:]
            if segments[-1] == "":
                return "a SPIFFE path cannot end with '/'"
            if "" in segments:
                return "a SPIFFE path cannot have empty segments"
            if any(s in (".", "..") for s in segments):
                return "a SPIFFE path cannot have '.' or '..' segments"
            if any(c not in _PATH_CHARS for s in segments for c in s):
                return "SPIFFE path segments hold only letters, digits, '.', '-' and '_'"
        return None
    if not _DNS_LIKE.match(identity):
        return "it must be `*`, a DNS-like name such as `*.ns.serviceaccount.identity.linkerd.cluster.local`, or a SPIFFE id"
    return None


def meshtls_authentication(spec, version, target):
    for i, ident in enumerate(_seq(spec.get("identities"))):
        text = _text(ident)
        if text is None:
            continue
        where = ("spec", "identities", i)
        why = identity_problem(text)
        if why is None and text.startswith("spiffe://") and _before(target, (2, 15)):
            why = f"SPIFFE ids are accepted from Linkerd 2.15 (the target is {_target_name(target)})"
        if why:
            yield where, "value", f"identity {text!r} is invalid: {why}"
    for i, ref in enumerate(_seq(spec.get("identityRefs"))):
        if not isinstance(ref, YMap) or _variable(ref) or not isinstance(ref.get("kind"), str):
            continue
        if targets(ref, "core", "ServiceAccount"):
            continue
        if targets(ref, "core", "Namespace"):
            if ref.get("namespace") is not None:
                yield ("spec", "identityRefs", i, "namespace"), "key", (
                    "a Namespace identityRef cannot carry a namespace (Namespaces are cluster-scoped)"
                )
            continue
        yield ("spec", "identityRefs", i, "kind"), "value", (
            f"identityRef kind {_canonical(ref)} is not supported: use ServiceAccount or Namespace (core group)"
        )


def network_authentication(spec, version, target):
    yield from networks(spec.get("networks"), ("spec", "networks"))


def egress_network(spec, version, target):
    yield from networks(spec.get("networks"), ("spec", "networks"))


def server_authorization(spec, version, target):
    client = _map(spec.get("client"))
    if client is None:
        return
    mtls = _map(client.get("meshTLS"))
    if mtls is not None and client.get("unauthenticated") is True:
        yield ("spec", "client", "unauthenticated"), "value", (
            "`unauthenticated: true` cannot be combined with `meshTLS`: the policy validator rejects it"
        )
    if mtls is not None and mtls.get("unauthenticatedTLS") is True:
        if _seq(mtls.get("identities")) or _seq(mtls.get("serviceAccounts")):
            yield ("spec", "client", "meshTLS", "unauthenticatedTLS"), "value", (
                "`unauthenticatedTLS: true` cannot be combined with identities or serviceAccounts: the policy "
                "validator rejects it"
            )
    yield from networks(client.get("networks"), ("spec", "client", "networks"))


def ratelimit(spec, version, target):
    ref = _map(spec.get("targetRef"))
    if ref is not None and not _variable(ref) and isinstance(ref.get("kind"), str) and not targets(ref, POLICY, "Server"):
        if str(ref.get("kind")).lower() == "server" and "group" not in ref:
            msg = ("targetRef kind Server has no `group`: Linkerd reads a missing group as the core API group; "
                   f"add `group: {POLICY}`")
        else:
            msg = f"targetRef {_canonical(ref)} is not supported: an HTTPLocalRateLimitPolicy targets a Server ({POLICY})"
        yield ("spec", "targetRef", "kind"), "value", msg

    def rps(limit):
        value = limit.get("requestsPerSecond") if isinstance(limit, YMap) else None
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    total = rps(spec.get("total"))
    if total == 0:
        yield ("spec", "total", "requestsPerSecond"), "value", "total.requestsPerSecond must be greater than 0"
    ident = rps(spec.get("identity"))
    if ident == 0:
        yield ("spec", "identity", "requestsPerSecond"), "value", "identity.requestsPerSecond must be greater than 0"
    elif ident is not None and total and ident > total:
        yield ("spec", "identity", "requestsPerSecond"), "value", (
            f"identity.requestsPerSecond ({ident}) exceeds total.requestsPerSecond ({total})"
        )
    for i, ovr in enumerate(_seq(spec.get("overrides"))):
        value = rps(ovr)
        where = ("spec", "overrides", i, "requestsPerSecond")
        if value == 0:
            yield where, "value", "an override's requestsPerSecond must be greater than 0"
        elif value is not None and total and value > total:
            yield where, "value", f"override requestsPerSecond ({value}) exceeds total.requestsPerSecond ({total})"
        for j, ref in enumerate(_seq(ovr.get("clientRefs") if isinstance(ovr, YMap) else None)):
            if isinstance(ref, YMap) and isinstance(ref.get("kind"), str) and not _variable(ref):
                if not targets(ref, "core", "ServiceAccount"):
                    yield ("spec", "overrides", i, "clientRefs", j, "kind"), "value", (
                        f"clientRefs must be ServiceAccounts, not {_canonical(ref)}"
                    )


# Python's `re` and Rust's `regex` crate share their syntax except for features Rust
# lacks; report only what both would refuse, and Rust's refusals that are certain.
_RUST_UNSUPPORTED = pattern(r"\(\?<?[=!]|\\[1-9]")


def regex_problem(text: str) -> str | None:
    if _RUST_UNSUPPORTED.search(text):
        return "look-around and back-references are not supported by Linkerd's regex engine"
    try:
        re.compile(text)
    except re.error as e:
        if any(w in str(e) for w in ("missing ), unterminated subpattern", "unbalanced parenthesis",
                                      "unterminated character set", "nothing to repeat", "multiple repeat")):
            return str(e)
    return None


def _route_duration(text):
    """Seconds of a route timeout as the policy controller's K8sDuration reads it, or None."""
    if not isinstance(text, str):
        return None
    return go_duration(text)


def httproute(spec, version, target):
    # An EgressNetwork parent without a port (the validator refuses it) is LNK605's finding: one report.
    for r, rule_ in enumerate(_seq(spec.get("rules"))):
        if not isinstance(rule_, YMap):
            continue
        base = ("spec", "rules", r)
        for m, match in enumerate(_seq(rule_.get("matches"))):
            path = _map(match.get("path")) if isinstance(match, YMap) else None
            if path is not None:
                ptype = _text(path.get("type")) or "PathPrefix"
                value = _text(path.get("value"))
                where = base + ("matches", m, "path", "value")
                if isinstance(value, str) and ptype in ("Exact", "PathPrefix") and not value.startswith("/"):
                    yield where, "value", f"path {value!r} must be absolute (start with '/')"
                elif isinstance(value, str) and ptype == "RegularExpression":
                    why = regex_problem(value)
                    if why:
                        yield where, "value", f"path regex {value!r} is invalid: {why}"
            for key in ("headers", "queryParams"):
                for h, item in enumerate(_seq(match.get(key) if isinstance(match, YMap) else None)):
                    if isinstance(item, YMap) and _text(item.get("type")) == "RegularExpression":
                        value = _text(item.get("value"))
                        why = regex_problem(value) if isinstance(value, str) else None
                        if why:
                            yield base + ("matches", m, key, h, "value"), "value", f"regex {value!r} is invalid: {why}"
        for f, flt in enumerate(_seq(rule_.get("filters"))):
            redirect = _map(flt.get("requestRedirect")) if isinstance(flt, YMap) else None
            rpath = _map(redirect.get("path")) if redirect is not None else None
            if rpath is None:
                continue
            where = base + ("filters", f, "requestRedirect", "path")
            full, prefix = rpath.get("replaceFullPath"), rpath.get("replacePrefixMatch")
            chosen = "replaceFullPath" if full is not None else "replacePrefixMatch" if prefix is not None else None
            if chosen is None:
                yield where, "key", "a redirect path needs replaceFullPath or replacePrefixMatch"
            else:
                value = _text(rpath.get(chosen))
                if isinstance(value, str) and not value.startswith("/"):
                    yield where + (chosen,), "value", f"redirect path {value!r} must be absolute (start with '/')"
        timeouts = _map(rule_.get("timeouts"))
        if timeouts is not None:
            seconds = {}
            for key in ("request", "backendRequest"):
                raw = timeouts.get(key)
                text = _text(raw)
                if not isinstance(text, str):
                    continue
                value = _route_duration(text)
                where = base + ("timeouts", key)
                if value is None:
                    yield where, "value", f"timeouts.{key} {text!r} is not a duration (e.g. 10s, 1m30s, 500ms)"
                elif value < 0:
                    yield where, "value", f"timeouts.{key} must not be negative"
                else:
                    seconds[key] = value
            if len(seconds) == 2 and seconds["backendRequest"] > seconds["request"]:
                yield base + ("timeouts", "backendRequest"), "value", (
                    "timeouts.backendRequest is longer than timeouts.request: the policy validator rejects it"
                )


def _match_set(match, kind: str) -> bool:
    """Does a ServiceProfile match set at least one condition field (profiles.go Validate*Match)?"""
    if kind == "request":
        return any(match.get(k) is not None for k in ("all", "any", "not")) or any(
            isinstance(match.get(k), str) and match.get(k) != "" for k in ("method", "pathRegex")
        )
    return any(match.get(k) is not None for k in ("all", "any", "not", "status"))


def _matches(match, path: tuple, kind: str):
    if not isinstance(match, YMap):
        return
    known = ("all", "any", "not", "method", "pathRegex") if kind == "request" else ("all", "any", "not", "status")
    if not _match_set(match, kind) and not (match and not any(k in match for k in known)):
        # (a match holding only misspelt fields is reported as unknown fields by the schema)
        fields = "pathRegex, method, all, any or not" if kind == "request" else "status, all, any or not"
        yield path, "key", f"a {kind} match must set at least one of {fields}"
    for key in ("all", "any"):
        for i, child in enumerate(_seq(match.get(key))):
            yield from _matches(child, path + (key, i), kind)
    if isinstance(match.get("not"), YMap):
        yield from _matches(match.get("not"), path + ("not",), kind)


def service_profile(spec, version, target):
    if _before(target, (2, 11)) and not _seq(spec.get("routes")):
        yield ("spec",), "container", "Linkerd 2.10's ServiceProfile validator rejects a profile without routes"
    for i, route in enumerate(_seq(spec.get("routes"))):
        if not isinstance(route, YMap):
            continue
        base = ("spec", "routes", i)
        timeout = _text(route.get("timeout"))
        if isinstance(timeout, str) and timeout != "" and go_duration(timeout) is None:
            yield base + ("timeout",), "value", f"route timeout {timeout!r} is not a Go duration (e.g. 300ms, 1m30s)"
        yield from _matches(route.get("condition"), base + ("condition",), "request")
        for j, rc in enumerate(_seq(route.get("responseClasses"))):
            if isinstance(rc, YMap):
                yield from _matches(rc.get("condition"), base + ("responseClasses", j, "condition"), "response")
    budget = _map(spec.get("retryBudget"))
    if budget is not None:
        ttl = _text(budget.get("ttl"))
        if isinstance(ttl, str) and go_duration(ttl) is None:
            yield ("spec", "retryBudget", "ttl"), "value", f"retryBudget.ttl {ttl!r} is not a Go duration (e.g. 10s)"
        ratio = budget.get("retryRatio")
        if isinstance(ratio, (int, float)) and not isinstance(ratio, bool) and ratio < 0:
            yield ("spec", "retryBudget", "retryRatio"), "value", "retryBudget.retryRatio must not be negative"


def external_workload(spec, version, target):
    for i, item in enumerate(_seq(spec.get("workloadIPs"))):
        ip = _text(item.get("ip")) if isinstance(item, YMap) else None
        if isinstance(ip, str):
            import ipaddress

            try:
                ipaddress.ip_address(ip)
            except ValueError:
                yield ("spec", "workloadIPs", i, "ip"), "value", f"{ip!r} is not an IP address"


CHECKS = {
    "Server": server,
    "ServerAuthorization": server_authorization,
    "AuthorizationPolicy": authorization_policy,
    "MeshTLSAuthentication": meshtls_authentication,
    "NetworkAuthentication": network_authentication,
    "EgressNetwork": egress_network,
    "HTTPLocalRateLimitPolicy": ratelimit,
    "HTTPRoute": httproute,
    "ServiceProfile": service_profile,
    "ExternalWorkload": external_workload,
}
