"""linter.lazyre: module-level patterns compiled on first use."""

from __future__ import annotations

import re

import pytest

from linter.lazyre import pattern


def test_compiles_on_first_use_then_calls_the_compiled_methods():
    p = pattern(r"(?P<n>\d+)px", re.I)
    assert "_compiled" not in p.__dict__
    assert p.search("width: 12PX").group("n") == "12"
    compiled = p.compile()
    assert compiled.flags & re.I and p.__dict__["_compiled"] is compiled
    # later calls find the compiled pattern's own bound methods on the object: no detour
    assert p.__dict__["match"].__self__ is compiled and p.sub.__self__ is compiled
    assert p.pattern == r"(?P<n>\d+)px" and p.groupindex == {"n": 1}
    assert [m.group(0) for m in p.finditer("1px 2px")] == ["1px", "2px"]


def test_errors_surface_at_first_use():
    p = pattern(r"(unclosed")
    with pytest.raises(re.error):
        p.match("x")
    with pytest.raises(AttributeError):
        pattern("x").no_such_method  # noqa: B018
