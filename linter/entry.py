"""The ``linkerd-lint`` console script.

A plain ``check`` command line (linter/argv.py knows which) runs without importing click:
pre-commit and lint-on-save start the tool once per save, and click is a quarter of a
one-file run.  Every other command line, and every ``check`` line the small parser is not
sure about, goes to the click application in linter/cli.py.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    try:
        code = _fast_check(sys.argv[1:])
        if code is None:
            from linter.cli import cli

            cli(standalone_mode=True)
            return
        sys.exit(code)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.stderr.write("linkerd-lint: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        # `linkerd-lint check . | head`: the reader left.  Point stdout at /dev/null so the
        # interpreter's final flush cannot raise again, and fail quietly like click does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


def _fast_check(argv: list) -> int | None:
    if not argv or argv[0] != "check":
        return None
    from linter.argv import parse_check

    params = parse_check(argv[1:])
    if params is None:
        return None
    # Start-up creates only objects that live as long as the process (modules, rules,
    # settings): collecting during it finds nothing and cost ~6 ms.  runtime.batch()
    # turns the collector back on for the run itself.
    import gc

    gc.disable()
    from linter import __version__
    from linter.checkrun import CheckError, check_command

    try:
        return check_command(params, __version__)
    except CheckError as e:
        sys.stderr.write(f"linkerd-lint: error: {e}\n")
        return 2
