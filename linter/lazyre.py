"""Regular expressions compiled when first used, not when their module is imported.

Every rule module is imported on every run, and compiling a pattern costs 0.05-0.3 ms
(Python's compiler is written in Python); most patterns serve a rule that a given
file never reaches.  ``pattern(regex, flags)`` returns an object with the interface of
a compiled pattern that compiles on first attribute access and then puts the
compiled pattern's methods on itself, so later calls go straight to them.

Use it for module-level patterns only, through their methods (``P.search(text)``):
it is not an ``re.Pattern`` for ``re.sub(P, ...)`` or ``isinstance``.
"""

from __future__ import annotations

import re

# What a compiled pattern offers (re.Pattern), bound onto the lazy object once compiled.
_ATTRS = ("match", "fullmatch", "search", "finditer", "findall", "sub", "subn", "split", "scanner",
          "pattern", "flags", "groups", "groupindex")


class pattern:  # noqa: N801 - used like re.compile
    def __init__(self, regex, flags=0):
        self._source = (regex, flags)

    def __getattr__(self, name):
        # Called only for attributes not found: before the first use, and for names
        # a compiled pattern does not have (which raise AttributeError below).
        if name.startswith("__") or name == "_source":
            raise AttributeError(name)
        compiled = self.compile()
        return getattr(compiled, name)

    def compile(self) -> re.Pattern:
        """The compiled pattern (compiled now if it was not yet)."""
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = re.compile(*self._source)
            self.__dict__["_compiled"] = compiled
            for attr in _ATTRS:
                self.__dict__[attr] = getattr(compiled, attr)
        return compiled

    def __repr__(self) -> str:
        return f"lazyre.pattern({self._source[0]!r}, {self._source[1]!r})"


def import_deferring_patterns(name: str):
    """Import the package ``name`` with the ``re.compile`` calls its own modules make at import
    deferred to first use (``pattern`` objects), then return it.

    For PyYAML: ``import yaml`` compiles ~15 expressions, one of them (the pure-Python
    reader's check for non-printable characters, with ranges up to U+10FFFF) ~5 ms on its
    own, and the libyaml reader the linter uses never runs it.  PyYAML uses its patterns
    only through their methods (``NON_PRINTABLE.search``, ``regexp.match``).  Only calls
    made from the package's own modules are deferred; anything else compiles as usual.
    """
    import sys

    if name in sys.modules:
        return sys.modules[name]
    real = re.compile
    prefix = name + "."

    def compile(regex, flags=0):  # noqa: A001 - stands in for re.compile during the import
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if caller == name or caller.startswith(prefix):
            return pattern(regex, flags)
        return real(regex, flags)

    re.compile = compile
    try:
        return __import__(name)
    finally:
        re.compile = real
