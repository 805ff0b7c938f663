"""The progress line of a long ``check`` on a terminal: ``linkerd-lint: 4,210/10,000 files``.

Shown on stderr only when it is a terminal, only for text reports (a machine format's
consumer reads the streams, and CI logs are not terminals), never with ``--quiet``, and
only once a run has taken ``AFTER`` seconds: a pre-commit run or an editor save finishes
before it would appear.  It is redrawn in place and erased when the files are done.
"""

from __future__ import annotations

import os
import time

AFTER = 1.0  # seconds before the line appears
EVERY = 0.1  # seconds between redraws


def wanted(stream, formats, *, quiet: bool) -> bool:
    if quiet or any(fmt != "text" for fmt in formats):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or replaced stream
        return False


class Progress:
    def __init__(self, stream, after: float | None = None):
        self.stream = stream
        env = os.environ.get("LINKERD_LINT_PROGRESS_AFTER")  # tests: show at once
        self.after = after if after is not None else float(env) if env else AFTER
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.start < self.after or (now - self.last < EVERY and done != total):
            return
        self.last = now
        self._write(f"\r\x1b[Klinkerd-lint: {done:,}/{total:,} files")
        self.shown = True

    def close(self) -> None:
        """Erase the line, so the report starts on a clean line."""
        if self.shown:
            self._write("\r\x1b[K")
            self.shown = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the run goes on
            pass
