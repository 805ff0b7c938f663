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
    """How many processes do phase 2 over ``files`` files, the parent included (below 2: one)."""
    if engine.jobs <= 1 or engine.keep_sources or files < MIN_FILES or not _can_fork():
        return 0
    return max(0, min(engine.jobs, files // MIN_CHUNK))


def _chunks(total: int, workers: int) -> list:
    """(lo, hi) ranges: small enough to balance the load (about 8 per process), big enough
    that pickling and queueing stay negligible."""
    size = max(MIN_CHUNK, min(MAX_CHUNK, total // (workers * 8) or 1))
    return [(lo, min(lo + size, total)) for lo in range(0, total, size)]


def object_pass(engine, jobs: list, parsed: dict, inv, sink: list) -> bool:
    """Run phase 2 over ``jobs`` in several processes; False when one process should do it.

    The parent is one of them: it takes a chunk whenever the workers have enough queued,
    so nothing it checks itself is pickled, and it does the first chunk before forking,
    so the modules and caches rules load on first use are inherited, not rebuilt in
    every worker.  Results are merged strictly in file order.
    """
    processes = workers_for(engine, len(jobs))
    if processes < 2:
        return False
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    global _STATE
    chunks = _chunks(len(jobs), processes)
    results: dict = {0: _run_chunk(engine, jobs, parsed, inv, *chunks[0])}
    _STATE = (engine, jobs, parsed, inv)
    # Objects that exist now are the children's too: keep the collector away from them, or
    # every child would touch (and so copy) every page the parent has.
    frozen = gc.get_freeze_count()
    gc.freeze()
    pending: dict = {}  # chunk index -> Future
    lost: list = []  # chunk indexes a dead worker took with it
    taken, merged, done = 1, 0, 0
    queue = 4 * (processes - 1)  # chunks handed to workers ahead: they never wait for the parent
    try:
        with ProcessPoolExecutor(processes - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            while merged < len(chunks):
                while taken < len(chunks) and len(pending) < queue and not lost:
                    pending[taken] = pool.submit(_work, *chunks[taken])
                    taken += 1
                for i in [i for i, f in pending.items() if f.done()]:
                    try:
                        results[i] = pending.pop(i).result()
                    except BrokenProcessPool:
                        lost.append(i)
                while merged in results or merged in lost:
                    lo, hi = chunks[merged]
                    if merged in results:
                        _merge(results.pop(merged), sink, inv, engine)
                        done += hi - lo
                        if engine.progress is not None:
                            engine.progress(done, len(jobs))
                    merged += 1
                if taken < len(chunks) and not lost:
                    results[taken] = _run_chunk(engine, jobs, parsed, inv, *chunks[taken])
                    taken += 1
                elif pending:
                    wait(list(pending.values()), return_when=FIRST_COMPLETED)
                elif merged < len(chunks) and lost:
                    lost.extend(range(taken, len(chunks)))  # not handed out: not checked either
                    taken = len(chunks)
    finally:
        _STATE = None
        if not frozen:  # else the caller froze first (runtime.batch) and thaws at its end
            gc.unfreeze()
    if lost:
        # Killed (out of memory?) or crashed: the run ends with an internal error (exit 2),
        # not with a partial "clean".
        files = sum(chunks[i][1] - chunks[i][0] for i in set(lost))
        first = jobs[chunks[min(lost)][0]][1]
        engine.internal_errors.append(
            f"a worker process died; {files} files from {first} on were not checked (try --jobs 1)"
        )
    parsed.clear()  # the context pass's parsed files: the workers used their copies
    return True


def _merge(result, sink: list, inv, engine) -> None:
    findings, suppressions, kept, errors = result
    sink.extend(findings)
    inv.suppressions.update(suppressions)
    inv.resources.extend(kept)
    engine.internal_errors.extend(errors)


def _run_chunk(engine, jobs, parsed, inv, lo: int, hi: int):
    """Phase 2 over jobs[lo:hi], as Engine.run does it, with the chunk's results apart."""
    saved = inv.resources, inv.suppressions, engine.internal_errors
    inv.resources, inv.suppressions, engine.internal_errors = [], {}, []
    sink: list = []
    try:
        for real, disp, data, _ in jobs[lo:hi]:
            src = parsed.pop(disp, None) or engine._read(real, disp, data)
            engine._check_file(src, inv, sink)
        return sink, inv.suppressions, inv.resources, engine.internal_errors
    finally:
        inv.resources, inv.suppressions, engine.internal_errors = saved


def _work(lo: int, hi: int):
    """In a worker: one chunk (its state came with the fork)."""
    return _run_chunk(*_STATE, lo, hi)
