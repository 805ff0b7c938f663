"""How the programs that read Linkerd annotations parse their values.

Each reader has its own grammar, and the differences are where users get hurt:

* the proxy injector (Go, ``pkg/inject/inject.go`` ``ApplyAnnotationOverrides``):
  ``strconv.ParseInt/ParseUint/ParseFloat/ParseBool`` and ``time.ParseDuration``; port lists
  through ``pkg/util`` (``GetPortRanges`` trims, ``ParsePortRange`` allows 0-65535);
* proxy-init (Go, linkerd2-proxy-init ``proxy-init/cmd/root.go``): list flags are pflag
  string slices (CSV, *not* trimmed); ports through ``pkg/util.ParsePortRange``; subnets
  through ``net.ParseCIDR`` after ``TrimSpace``, and a bad subnet is a fatal error;
* the policy controller (Rust, ``policy-controller/k8s/index/src/ports.rs`` ``parse_portset``
  and ``outbound/index.rs`` ``parse_duration``): ports are ``NonZeroU16`` (trimmed), one bad
  entry voids the whole list; durations are one integer plus ``ms|s|m|h|d``;
* the proxy (Rust, linkerd2-proxy ``linkerd/tracing``): log filters in tracing's
  ``EnvFilter`` syntax, parsed leniently (bad directives are dropped).
"""

from __future__ import annotations

import re

from linter.lazyre import pattern

# -- Go strconv --------------------------------------------------------------------

GO_TRUE = ("1", "t", "T", "TRUE", "true", "True")
GO_FALSE = ("0", "f", "F", "FALSE", "false", "False")


def go_bool(text: str):
    """strconv.ParseBool: True/False, or None when Go rejects the text."""
    if text in GO_TRUE:
        return True
    if text in GO_FALSE:
        return False
    return None


_GO_INT = pattern(r"^[+-]?[0-9]+$")
_GO_UINT = pattern(r"^[0-9]+$")


def go_int(text: str, bits: int = 64):
    """strconv.ParseInt(text, 10, bits), or None."""
    if not _GO_INT.match(text):
        return None
    v = int(text)
    return v if -(2 ** (bits - 1)) <= v < 2 ** (bits - 1) else None


def go_uint(text: str, bits: int = 64):
    """strconv.ParseUint(text, 10, bits): no sign allowed, or None."""
    if not _GO_UINT.match(text):
        return None
    v = int(text)
    return v if v < 2**bits else None


_GO_FLOAT = pattern(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_GO_FLOAT_SPECIAL = pattern(r"^[+-]?(?:inf|infinity|nan)$", re.I)


def go_float(text: str):
    """strconv.ParseFloat(text, 64) for the spellings people write, or None."""
    if _GO_FLOAT.match(text) or _GO_FLOAT_SPECIAL.match(text):
        return float(text)
    if re.match(r"^[+-]?0[xX]", text):
        try:
            return float.fromhex(text)
        except ValueError:
            return None
    return None


# -- Go time.ParseDuration -----------------------------------------------------------

_GO_UNITS = {
    "ns": 1,
    "us": 10**3,
    "\u00b5s": 10**3,  # micro sign
    "\u03bcs": 10**3,  # Greek mu
    "ms": 10**6,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}
_GO_NUMBER = pattern(r"([0-9]*)(?:\.([0-9]*))?")
_GO_UNIT = pattern(r"[^0-9.]*")


def go_duration(text: str):
    """time.ParseDuration: nanoseconds (int), or None when Go rejects the text."""
    s = text
    neg = False
    if s[:1] in ("+", "-"):
        neg, s = s[0] == "-", s[1:]
    if s == "0":
        return 0
    if s == "":
        return None
    from fractions import Fraction  # exact like Go's integer arithmetic; imported when a duration is read

    total = Fraction(0)
    while s:
        m = _GO_NUMBER.match(s)
        whole, frac = m.group(1), m.group(2)
        if whole == "" and not frac:
            return None  # no digits at all (".s", "s")
        s = s[m.end():]
        u = _GO_UNIT.match(s)
        unit = u.group(0)
        if unit == "":
            return None  # "missing unit in duration"
        if unit not in _GO_UNITS:
            return None  # "unknown unit"
        s = s[u.end():]
        value = Fraction(int(whole or "0"))
        if frac:
            value += Fraction(int(frac), 10 ** len(frac))
        total += value * _GO_UNITS[unit]
    ns = int(total)
    if ns > 2**63 - 1 + (1 if neg else 0):
        return None  # "invalid duration" (overflow)
    return -ns if neg else ns


def rust_duration_text(ns: int):
    """The same duration in the policy controller's grammar, when it can say it exactly."""
    if ns < 0 or ns % 10**6:
        return None
    ms = ns // 10**6
    if ms == 0:
        return "0s"
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)):
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return None  # pragma: no cover - ms always divides


# -- Rust: the policy controller's parse_duration ------------------------------------

_RUST_UNITS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def rust_duration(text: str):
    """Milliseconds, or None where outbound/index.rs parse_duration fails.

    One unsigned integer and one unit (ms, s, m, h, d); a bare ``0`` is allowed; no
    fractions, no compound values, no sign other than ``+`` (u64::from_str).
    """
    s = text.strip()
    if s.startswith("-"):
        return None
    digits = [i for i, c in enumerate(s) if c.isascii() and c.isdigit()]
    if not digits:
        return None
    magnitude, unit = s[: digits[-1] + 1], s[digits[-1] + 1:]
    if not re.match(r"^\+?[0-9]+$", magnitude):
        return None
    n = int(magnitude)
    if n >= 2**64:
        return None
    if unit == "" and n == 0:
        return 0
    if unit not in _RUST_UNITS:
        return None
    ms = n * _RUST_UNITS[unit]
    return ms if ms < 2**64 else None


# -- port lists ----------------------------------------------------------------------

_NUMBER = pattern(r"^\+?[0-9]+$")
# Kubernetes IANA_SVC_NAME: what a container or Service port name may be.
PORT_NAME = pattern(r"^(?=.*[a-z])[a-z0-9](?:[a-z0-9-]{0,13}[a-z0-9])?$")


class Entry:
    """One comma-separated entry of a port list, classified."""

    __slots__ = ("raw", "kind", "lo", "hi")

    def __init__(self, raw, kind, lo=None, hi=None):
        self.raw = raw  # as written (untrimmed)
        self.kind = kind  # port | range | name | empty | bad | reversed | zero | big
        self.lo = lo
        self.hi = hi

    @property
    def spaced(self) -> bool:
        return self.raw != self.raw.strip()


def _number(text):
    if not _NUMBER.match(text):
        return None
    return int(text)


def port_entries(text: str) -> list:
    """Split a port list and classify each entry (trimmed, as Go and Rust both trim)."""
    out = []
    for raw in text.split(","):
        item = raw.strip()
        if item == "":
            out.append(Entry(raw, "empty"))
            continue
        if "-" in item:
            lo_text, _, hi_text = item.partition("-")
            lo, hi = _number(lo_text.strip()), _number(hi_text.strip())
            if lo is None or hi is None:
                out.append(Entry(raw, "bad"))
            elif lo == 0 or hi == 0:
                out.append(Entry(raw, "zero", lo, hi))
            elif lo > 65535 or hi > 65535:
                out.append(Entry(raw, "big", lo, hi))
            elif lo > hi:
                out.append(Entry(raw, "reversed", lo, hi))
            else:
                out.append(Entry(raw, "range", lo, hi))
            continue
        n = _number(item)
        if n is not None:
            kind = "zero" if n == 0 else "big" if n > 65535 else "port"
            out.append(Entry(raw, kind, n, n))
        elif PORT_NAME.match(item):
            out.append(Entry(raw, "name"))
        else:
            out.append(Entry(raw, "bad"))
    return out


def go_port_set(text: str, named: dict | None = None) -> set:
    """The ports the injector takes from a list (util.ParseContainerOpaquePorts): bad entries dropped."""
    ports: set = set()
    for e in port_entries(text):
        if e.kind == "name" and named and e.raw.strip() in named:
            ports.add(named[e.raw.strip()])
        elif e.kind in ("port", "range"):
            ports.update(range(e.lo, e.hi + 1))
    return ports


def rust_port_set(text: str):
    """The policy controller's ports.rs parse_portset: the set, or None when the list is invalid.

    On None the controller logs "Invalid ports list" and uses an *empty* set.
    """
    ports: set = set()
    for e in port_entries(text):
        if e.kind == "empty":
            continue
        if e.kind not in ("port", "range"):
            return None
        ports.update(range(e.lo, e.hi + 1))
    return ports


def describe_entry(e: Entry) -> str:
    item = e.raw.strip()
    return {
        "bad": f"{item!r} is not a port or a lo-hi range",
        "zero": f"{item!r}: 0 is not a port",
        "big": f"{item!r}: ports go up to 65535",
        "reversed": f"{item!r}: the range is reversed",
        "name": f"{item!r} is a port name",
    }.get(e.kind, repr(item))


# -- other grammars ------------------------------------------------------------------


def cidr_problems(text: str) -> list:
    """Entries of a skip-subnets list that net.ParseCIDR rejects (after proxy-init's TrimSpace)."""
    bad = []
    for raw in text.split(","):
        item = raw.strip()
        if "/" not in item:
            bad.append(item)
            continue
        addr, _, prefix = item.partition("/")
        if not re.match(r"^[0-9]{1,3}$", prefix):
            bad.append(item)
            continue
        import ipaddress

        try:
            ipaddress.ip_network(f"{addr}/{prefix}", strict=False)
        except ValueError:
            bad.append(item)
    return bad


_LEVELS = ("trace", "debug", "info", "warn", "error", "off")
# Bare words people write meaning a level; tracing reads a bare word as a *target* name.
_LEVEL_LOOKALIKES = {
    "warning": "warn", "warnings": "warn", "err": "error", "errors": "error", "fatal": "error",
    "critical": "error", "crit": "error", "panic": "error", "information": "info", "informational": "info",
    "notice": "info", "verbose": "debug", "dbg": "debug", "all": "trace", "none": "off", "silent": "off",
    "quiet": "off", "disabled": "off", "false": "off",
}


def _is_level(text: str) -> bool:
    t = text.strip()
    return t.lower() in _LEVELS or t in ("0", "1", "2", "3", "4", "5")


def log_level_problems(text: str) -> list:
    """(directive, hint) pairs of a proxy log filter that tracing's EnvFilter drops or misreads.

    ``target=level`` needs a valid level (else the directive is dropped); a bare word that is
    not a level is read as a target name, so ``warning`` silently turns logging off.
    """
    out = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        if "=" in item:
            _target, _, level = item.rpartition("=")
            if not _is_level(level):
                hint = _LEVEL_LOOKALIKES.get(level.strip().lower())
                hint = f" (did you mean {hint}?)" if hint else ""
                out.append((item, f"{level.strip()!r} in {item!r} is not a level, so the proxy drops that directive{hint}"))
            continue
        hint = _LEVEL_LOOKALIKES.get(item.lower())
        if hint is not None:
            out.append((item, f"{item!r} is not a level: the proxy reads it as a target name and logs next to nothing (did you mean {hint}?)"))
    return out


_TAG = pattern(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$")


def tag_problem(text: str):
    if _TAG.match(text):
        return None
    return "is not a valid image tag ([A-Za-z0-9_.-], at most 128 characters)"


def image_problem(text: str):
    """An image name the injector appends ``:<tag>`` to: it must carry no tag or digest of its own."""
    if any(c.isspace() for c in text):
        return "contains whitespace"
    if "@" in text:
        return "carries a digest; the injector appends ':<version>' to the name"
    last = text.rsplit("/", 1)[-1]
    if ":" in last:
        return "carries a tag; the injector appends ':<version>' itself (set the tag with the matching -version annotation)"
    return None
