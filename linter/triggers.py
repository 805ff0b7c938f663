"""Which files the context pass reads: the collectors' triggers, searched fast.

Every file's raw bytes are searched for the triggers before anything is parsed, so this
search is on the path of every run.  One regular expression alternating a few dozen
patterns runs at ~9 MB/s (Python's engine tries each alternative at almost every
position); looking first for a literal that any match must contain runs at memory
speed.  ``literals`` derives such literals from the patterns themselves (for each
alternative, the most selective run of literal characters it cannot match without);
when a pattern has no usable literal the prefilter is off and the expression decides
alone.  The prefilter only ever skips files the expression could not match.
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _p

MIN_LITERAL = 4
MAX_VARIANTS = 32
# Words nearly every manifest holds: a literal equal to one of them selects nothing.
_COMMON = frozenset({"kind", "name", "spec", "metadata", "namespace", "labels", "annotations", "apiVersion",
                     "data", "image", "value", "type", "port", "ports", "selector", "template"})


def _variants(item):
    """The strings a single item matches, when it matches one of a few fixed strings; else None."""
    op, av = item
    if op is _c.LITERAL:
        return {chr(av)}
    if op is _c.IN and all(o is _c.LITERAL for o, _ in av) and len(av) <= 4:
        return {chr(v) for _, v in av}
    if op is _c.MAX_REPEAT and av[0] == 0 and av[1] == 1 and len(av[2]) == 1:
        inner = _variants(av[2][0])
        return None if inner is None else inner | {""}
    if op is _c.BRANCH:
        out = set()
        for alt in av[1]:
            strings = _fixed(alt)
            if strings is None:
                return None
            out |= strings
        return out
    if op is _c.SUBPATTERN and not av[1] and not av[2]:  # a group without flags
        return _fixed(av[3])
    return None


def _fixed(seq):
    """All strings ``seq`` can match, when they are few and fixed; else None."""
    out = {""}
    for item in seq:
        v = _variants(item)
        if v is None:
            return None
        out = {a + b for a in out for b in v}
        if len(out) > MAX_VARIANTS:
            return None
    return out


def _needed(seq) -> set | None:
    """A set of strings one of which every match of ``seq`` contains; None if none is known."""
    best, score = None, 0
    run = {""}

    def consider(strings):
        nonlocal best, score
        if not strings:
            return
        s = min(0 if x in _COMMON else len(x) for x in strings)
        if s >= MIN_LITERAL and s > score:
            best, score = strings, s

    for item in list(seq) + [None]:
        v = _variants(item) if item is not None else None
        if v is not None:
            run = {a + b for a in run for b in v}
            if len(run) <= MAX_VARIANTS:
                continue
        consider(run if "" not in run else None)
        run = {""}
        if item is None:
            break
        op, av = item
        if op is _c.SUBPATTERN and not av[1]:
            inner = _needed(av[3])
        elif op is _c.BRANCH:
            alts = [_needed(alt) for alt in av[1]]
            inner = set().union(*alts) if alts and all(a is not None for a in alts) else None
        elif op is _c.MAX_REPEAT and av[0] >= 1:
            inner = _needed(av[2])
        else:
            inner = None
        if inner is not None:
            consider(inner)
    return best


def literals(patterns) -> tuple | None:
    """UTF-8 literals one of which is in every text a pattern matches; None: no prefilter."""
    out = set()
    for pattern in patterns:
        try:
            parsed = _p.parse(pattern)
        except re.error:
            return None
        if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
            return None
        needed = _needed(parsed)
        if needed is None:
            return None
        out |= needed
    # A literal that contains another is implied by it.
    kept = {s for s in out if not any(o != s and o in s for o in out)}
    return tuple(sorted(s.encode("utf-8") for s in kept))


class Triggers:
    """``search(raw bytes)``: does any pattern match?  (A compiled regex's interface.)

    Built lazily: a pre-commit run over two files should not pay for compiling the
    expression or deriving the literals (a few ms each) before it needs them, and for
    the first ``EAGER`` files the expression alone is cheaper than deriving literals."""

    EAGER = 16

    def __init__(self, patterns):
        self.patterns = list(patterns)
        self.pattern = "|".join(f"(?:{p})" for p in self.patterns).encode()
        self._regex = None
        self._literals = False  # not derived yet
        self._searches = 0

    @property
    def regex(self):
        if self._regex is None:
            self._regex = re.compile(self.pattern)
        return self._regex

    @property
    def literals(self):
        if self._literals is False:
            self._literals = literals(self.patterns)
        return self._literals

    def search(self, raw: bytes):
        self._searches += 1
        if self._searches > self.EAGER or len(raw) > 65536:  # the expression runs at ~9 MB/s
            lits = self.literals
            if lits is not None and not any(lit in raw for lit in lits):
                return None
        return self.regex.search(raw)
