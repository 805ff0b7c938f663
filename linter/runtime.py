"""Process-wide tuning for a batch run over many files (``linkerd-lint check``).

Parsing a file makes thousands of short-lived containers; with CPython's default
collector thresholds each file's worth of them is promoted to the oldest generation,
and every few hundred files a full collection walks everything the run keeps (the
inventory).  On 10,000 files that was a quarter of the run (docs/performance.md).  The
engine frees each file by reference counting (it breaks the one cycle an object makes
with its pod template), so the collector is needed only for rare cycles made elsewhere;
during a batch it runs less often and never looks at what existed before the run.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager

THRESHOLDS = (20_000, 10, 10)


@contextmanager
def batch():
    """Collector settings for one long run; the previous ones come back afterwards.

    The collector is on during the batch even if start-up had turned it off (linter/entry.py).
    """
    before, enabled = gc.get_threshold(), gc.isenabled()
    gc.freeze()  # modules, rules, settings: alive for the whole process, never garbage
    gc.set_threshold(*THRESHOLDS)
    gc.enable()
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
        if not enabled:
            gc.disable()
