"""The value a scalar has after Flux post-build substitution.

The model lives in ``linter.values`` (the engine's mesh decision needs it too, and ``linter``
must not import ``rules``); it is re-exported here for the rules that already import it.
"""

from __future__ import annotations

from linter.values import UNKNOWN, substituted

__all__ = ("UNKNOWN", "substituted")
