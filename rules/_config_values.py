"""Judging one ``config.linkerd.io/*`` value by the grammar of the program that reads it.

``judge(key, grammar, text, version)`` returns ``(message, severity, fix_value)`` or None.
The grammar names come from ``linter.annotations`` (``Key.value``); each branch below cites
what Linkerd does with the value (``pkg/inject/inject.go`` ``ApplyAnnotationOverrides`` unless
noted) so that the message states the real consequence.
"""

from __future__ import annotations

from linter.rule import Severity

from ._grammar import (
    cidr_problems,
    go_bool,
    go_duration,
    go_float,
    go_int,
    go_uint,
    image_problem,
    log_level_problems,
    tag_problem,
)

W, E = Severity.WARNING, Severity.ERROR

# Judged by other rules: LNK101 (inject), LNK202 (quantities), LNK302 (port lists),
# LNK206 (values that get the pod rejected), LNK110 (admission-webhooks).
ELSEWHERE = frozenset({"quantity", "ports", "ports-or-names", "any"})
REJECTING_KEYS = frozenset(
    {
        "config.linkerd.io/proxy-log-http-headers",
        "config.linkerd.io/image-pull-policy",
        "config.linkerd.io/debug-image-pull-policy",
        "linkerd.io/inject",
        "config.linkerd.io/admission-webhooks",
    }
)

_TRUE_WORDS = {"enabled": "true", "enable": "true", "yes": "true", "y": "true", "on": "true"}
_FALSE_WORDS = {"disabled": "false", "disable": "false", "no": "false", "n": "false", "off": "false"}
_ENABLED = {"true": "enabled", "yes": "enabled", "on": "enabled", "1": "enabled", "enable": "enabled", "t": "enabled"}
_DISABLED = {"false": "disabled", "no": "disabled", "off": "disabled", "0": "disabled", "disable": "disabled", "f": "disabled"}


def _bool(key, text):
    if go_bool(text) is not None:
        return None
    fix = _TRUE_WORDS.get(text.lower()) or _FALSE_WORDS.get(text.lower())
    hint = f" (did you mean {fix}?)" if fix else ""
    return (
        f"{key} is {text!r}, which Go's strconv.ParseBool rejects (it takes true/false, 1/0, t/f); "
        f"the injector ignores the setting{hint}",
        W,
        fix,
    )


def _enabled_disabled(key, text):
    if text in ("enabled", "disabled"):
        return None
    low = text.strip().lower()
    fix = "enabled" if low == "enabled" else "disabled" if low == "disabled" else _ENABLED.get(low) or _DISABLED.get(low)
    hint = f" (did you mean {fix}?)" if fix else ""
    return f"{key} is {text!r}; it takes exactly enabled or disabled, and the injector logs and ignores anything else{hint}", W, fix


def _enum(key, allowed, text, version):
    if key == "config.linkerd.io/proxy-log-format":
        # linkerd2-proxy linkerd/tracing: anything but JSON (any case) is the plain format
        if text.strip().lower() in ("plain", "json"):
            return None
        return f"{key} is {text!r}; the proxy knows plain and json and logs in plain format for anything else", W, None
    if key == "config.linkerd.io/access-log":
        # linkerd2-proxy linkerd/tracing access_log.rs Format::from_str: apache or json, any case
        if text.lower() in ("apache", "json"):
            return None
        return (
            f"{key} is {text!r}; the proxy accepts apache or json, prints an error for anything else and writes "
            "no access log",
            W,
            None,
        )
    # A value only later releases accept (`audit` before 2.16) is LNK505's finding, not a wrong shape.
    if text in allowed:
        return None
    fix = next((a for a in allowed if a.lower() == text.strip().lower()), None)
    hint = f" (did you mean {fix}?)" if fix else ""
    what = "the injector logs and ignores it"
    if key == "config.linkerd.io/default-inbound-policy":
        what += ", and the policy controller falls back to the cluster's default policy"
    return f"{key} is {text!r}, not one of {', '.join(allowed)}; {what}{hint}", W, fix


def _duration(key, text):
    if go_duration(text) is not None:
        return None
    hint = ""
    if text.strip().isdigit():
        hint = f" (a number needs a unit: {text.strip()}s or {text.strip()}ms?)"
    elif text.strip().endswith("d") and text.strip()[:-1].isdigit():
        hint = f" (Go durations have no d unit: {int(text.strip()[:-1]) * 24}h)"
    return (
        f"{key} is {text!r}, not a Go duration (such as 500ms, 10s, 1m30s); the injector logs and ignores it{hint}",
        W,
        None,
    )


def _port(key, text):
    n = go_int(text, 32)
    if n is None:
        return f"{key} is {text!r}, not an integer; the injector silently keeps the default port", W, None
    if not 1 <= n <= 65535:
        return f"{key} is {n}, outside 1-65535; the proxy cannot listen there and the injected pod fails", E, None
    return None


def judge(key: str, grammar: str, text: str, version: tuple):
    if grammar in ELSEWHERE or key in REJECTING_KEYS:
        return None
    if grammar == "bool":
        return _bool(key, text)
    if grammar.startswith("enum:"):
        allowed = grammar[5:].split(",")
        if allowed == ["enabled", "disabled"]:
            return _enabled_disabled(key, text)
        return _enum(key, allowed, text, version)
    if grammar == "duration":
        return _duration(key, text)
    if grammar == "port":
        return _port(key, text)
    if grammar == "int":
        if go_int(text, 64) is None:
            return f"{key} is {text!r}, not an integer; the injector silently ignores it", W, None
        return None
    if grammar == "uint":
        if go_uint(text, 64) is None:
            return f"{key} is {text!r}, not a whole number of seconds (0 or more); the injector logs and ignores it", W, None
        return None
    if grammar == "ratio":
        r = go_float(text)
        if r is None:
            return f"{key} is {text!r}, not a number; the injector logs and ignores it", W, None
        if not 0 < r < 1:
            return f"{key} is {text}; it must be strictly between 0 and 1, and the injector logs and ignores it", W, None
        return None
    if grammar == "cidrs":
        bad = cidr_problems(text)
        if not bad:
            return None
        shown = ", ".join(repr(b) if b else "an empty entry" for b in bad)
        return (
            f"{key} holds {shown}, not a CIDR (such as 10.0.0.0/8); proxy-init exits with an error on it and the "
            "pod never starts",
            E,
            None,
        )
    if grammar == "loglevel":
        problems = log_level_problems(text)
        if not problems:
            return None
        return f"{key}: {problems[0][1]}", W, None
    if grammar == "image":
        problem = image_problem(text)
        return (f"{key} {text!r} {problem}; the resulting image reference cannot be pulled", E, None) if problem else None
    if grammar == "tag":
        problem = tag_problem(text)
        return (f"{key} {text!r} {problem}; the resulting image reference cannot be pulled", E, None) if problem else None
    if grammar == "env-json":
        return _env_json(key, text)
    return None


def _env_json(key, text):
    # pkg/inject/inject.go parseAdditionalEnvAnnotation: json.Unmarshal into []corev1.EnvVar
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return f"{key} is not valid JSON; the injector logs and ignores it", W, None
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        return f"{key} must be a JSON list of env vars ({{\"name\": ..., \"value\": ...}}); the injector logs and ignores it", W, None
    return None
