"""``--jobs``: the engine's object pass (phase 2) in worker processes.

Workers are forked after the context pass, so they inherit the engine, the rules and
the phase-1 inventory: nothing is sent to them but ranges of the file list.  Each works
through a chunk of files exactly as one process would (``Engine._check_file``) and sends
back only what the rest of the run needs: the findings, the files' suppressions, the
internal errors, and the objects kept for the inventory pass, already pruned and packed
by linter/retain.py (parsed documents would cost more to pickle than to parse again).
The parent merges the chunks in file order, so the inventory and the output are those
of a run in one process.

One process is used when it is faster or the only option: fewer than ``MIN_FILES``
files (pre-commit passes a handful; starting workers would cost more than it saves),
``--fix``/``--diff`` and the language server (they keep every parsed file), platforms
without a safe ``fork`` (macOS and Windows start processes by spawning, which would
re-import and re-configure everything).
"""

from __future__ import annotations

import gc
import os
import sys

MIN_FILES = 48  # measured: below this, two workers save less than they cost to start (docs/performance.md)
MIN_CHUNK, MAX_CHUNK = 8, 64

_STATE = None  # (engine, jobs, parsed, inventory), set in the parent just before forking


def cpu_count() -> int:
    """Cores this process may run on (a container's CPU set, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _can_fork() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def workers_for(engine, files: int) -> int:
    """How many worker processes phase 2 uses over ``files`` files (0: none, the parent does it)."""
    if engine.jobs <= 1 or engine.keep_sources or files < MIN_FILES or not _can_fork():
        return 0
    return max(0, min(engine.jobs, files // MIN_CHUNK))


def _chunks(total: int, workers: int) -> list:
    """(lo, hi) ranges: small enough to balance the load (about 8 per worker), big enough
    that pickling and queueing stay negligible."""
    size = max(MIN_CHUNK, min(MAX_CHUNK, total // (workers * 8) or 1))
    return [(lo, min(lo + size, total)) for lo in range(0, total, size)]


def object_pass(engine, jobs: list, parsed: dict, inv, sink: list) -> bool:
    """Run phase 2 over ``jobs`` in worker processes; False when one process should do it."""
    workers = workers_for(engine, len(jobs))
    if workers < 2:
        return False
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _STATE
    chunks = _chunks(len(jobs), workers)
    _STATE = (engine, jobs, parsed, inv)
    # Objects that exist now are the children's too: keep the collector away from them, or
    # every child would touch (and so copy) every page the parent has.
    frozen = gc.get_freeze_count()
    gc.freeze()
    done = 0
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_work, lo, hi) for lo, hi in chunks]
            for (lo, hi), future in zip(chunks, futures):
                try:
                    findings, suppressions, kept, errors = future.result()
                except BrokenProcessPool:
                    # Killed (out of memory?) or crashed: what is left is not checked, and the
                    # run ends with an internal error (exit 2) rather than a partial "clean".
                    engine.internal_errors.append(
                        f"a worker process died; {len(jobs) - done} files from {jobs[lo][1]} on were not "
                        "checked (try --jobs 1)"
                    )
                    break
                sink.extend(findings)
                inv.suppressions.update(suppressions)
                inv.resources.extend(kept)
                engine.internal_errors.extend(errors)
                done += hi - lo
                if engine.progress is not None:
                    engine.progress(done, len(jobs))
    finally:
        _STATE = None
        if not frozen:  # else the caller froze first (runtime.batch) and thaws at its end
            gc.unfreeze()
    parsed.clear()  # the context pass's parsed files: the workers used their copies
    return True


def _work(lo: int, hi: int):
    """In a worker: phase 2 over jobs[lo:hi], as Engine.run would do it."""
    engine, jobs, parsed, inv = _STATE
    inv.resources, inv.suppressions, engine.internal_errors = [], {}, []
    sink: list = []
    for real, disp, data, _ in jobs[lo:hi]:
        src = parsed.pop(disp, None) or engine._read(real, disp, data)
        engine._check_file(src, inv, sink)
    return sink, inv.suppressions, inv.resources, engine.internal_errors
