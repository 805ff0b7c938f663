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
import math
import os
import sys

MIN_FILES = 200  # measured: below this, a second process saves less than it costs (docs/performance.md)
MIN_CHUNK, MAX_CHUNK = 8, 64
QUEUE = 3  # chunks handed to each worker ahead: it does not wait while the parent works

_STATE = None  # (engine, jobs, parsed, inventory), set in the parent just before forking


def cpu_count() -> int:
    """Cores this process may use: its CPU set, and no more than a container's CPU quota.

    A CI job in a container limited to 2 CPUs on a 64-core host sees 64 cores in its CPU
    set; 64 workers would fight over 2 CPUs' worth of time (and each holds its own memory).
    """
    try:
        cores = max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cores = max(1, os.cpu_count() or 1)
    quota = cgroup_cpu_quota()
    return min(cores, max(1, math.ceil(quota))) if quota else cores


def cgroup_cpu_quota(root: str = "/sys/fs/cgroup", own: str = "/proc/self/cgroup") -> float | None:
    """CPUs' worth of time the cgroup quota allows (cgroup v2 ``cpu.max``, v1
    ``cpu.cfs_quota_us``/``cpu.cfs_period_us``), or None when there is none or it cannot be read."""
    try:
        with open(own, encoding="ascii", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    candidates = []
    for line in lines:
        _, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        path = path.strip("/")
        if controllers == "":  # v2: one unified hierarchy
            for d in (os.path.join(root, path), root):
                candidates.append(("v2", d))
        elif "cpu" in controllers.split(","):
            for mount in (controllers, "cpu", "cpu,cpuacct", "cpuacct,cpu"):
                for d in (os.path.join(root, mount, path), os.path.join(root, mount)):
                    candidates.append(("v1", d))
    for version, d in candidates:
        try:
            if version == "v2":
                with open(os.path.join(d, "cpu.max"), encoding="ascii") as fh:
                    quota, _, period = fh.read().strip().partition(" ")
            else:
                with open(os.path.join(d, "cpu.cfs_quota_us"), encoding="ascii") as fh:
                    quota = fh.read().strip()
                with open(os.path.join(d, "cpu.cfs_period_us"), encoding="ascii") as fh:
                    period = fh.read().strip()
        except OSError:
            continue
        try:
            q, p = int(quota), int(period or 100000)
        except ValueError:  # "max": no limit at this level
            return None
        return q / p if q > 0 and p > 0 else None
    return None


def _can_fork() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def workers_for(engine, files: int) -> int:
    """How many processes do phase 2 over ``files`` files, the parent included (below 2: one)."""
    if engine.keep_sources or files < MIN_FILES or (engine.jobs is not None and engine.jobs <= 1) or not _can_fork():
        return 0
    jobs = engine.jobs if engine.jobs is not None else cpu_count()  # None: the default, asked only here
    return 0 if jobs <= 1 else min(jobs, files // MIN_CHUNK)


class _Chunks:
    """(lo, hi) ranges of the file list, cut in order as they are handed out: a share of what
    is left (guided scheduling), so chunks are big while there is much to do (pickling and
    queueing stay negligible) and small at the end (no process waits long for another)."""

    def __init__(self, total: int, processes: int):
        self.total, self.processes = total, processes
        self.cut: list = []

    @property
    def left(self) -> bool:
        return not self.cut or self.cut[-1][1] < self.total

    def take(self, size: int | None = None) -> int:
        lo = self.cut[-1][1] if self.cut else 0
        if size is None:
            size = max(MIN_CHUNK, min(MAX_CHUNK, (self.total - lo) // (QUEUE * 3 * self.processes)))
        self.cut.append((lo, min(lo + size, self.total)))
        return len(self.cut) - 1


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
    chunks = _Chunks(len(jobs), processes)
    first = chunks.take(2 * MIN_CHUNK)  # enough to load what rules import on first use
    results: dict = {first: _run_chunk(engine, jobs, parsed, inv, *chunks.cut[first])}
    _STATE = (engine, jobs, parsed, inv)
    # Objects that exist now are the children's too: keep the collector away from them, or
    # every child would touch (and so copy) every page the parent has.
    frozen = gc.get_freeze_count()
    gc.freeze()
    pending: dict = {}  # chunk index -> Future
    lost: list = []  # chunk indexes a dead worker took with it
    merged = done = 0
    queue = QUEUE * (processes - 1)
    try:
        with ProcessPoolExecutor(processes - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            while merged < len(chunks.cut) or chunks.left:
                while chunks.left and sum(not f.done() for f in pending.values()) < queue and not lost:
                    i = chunks.take()
                    try:
                        pending[i] = pool.submit(_work, *chunks.cut[i])
                    except BrokenProcessPool:  # broke before a future told us
                        lost.append(i)
                for i in [i for i, f in pending.items() if f.done()]:
                    try:
                        results[i] = pending.pop(i).result()
                    except BrokenProcessPool:
                        lost.append(i)
                while merged in results or merged in lost:
                    if merged in results:
                        _merge(results.pop(merged), sink, inv, engine)
                        done += chunks.cut[merged][1] - chunks.cut[merged][0]
                        if engine.progress is not None:
                            engine.progress(done, len(jobs))
                    merged += 1
                if lost:
                    if chunks.left:  # not handed out: not checked either
                        chunks.cut.append((chunks.cut[-1][1], len(jobs)))
                        lost.append(len(chunks.cut) - 1)
                    elif pending:
                        wait(list(pending.values()), return_when=FIRST_COMPLETED)
                    continue
                if chunks.left:
                    i = chunks.take()
                elif pending:
                    # The end: take back the last chunk a worker has not started, else wait.
                    i = max(pending)
                    if not pending[i].cancel():
                        wait(list(pending.values()), return_when=FIRST_COMPLETED)
                        continue
                    del pending[i]
                else:
                    continue
                results[i] = _run_chunk(engine, jobs, parsed, inv, *chunks.cut[i])
    finally:
        _STATE = None
        if not frozen:  # else the caller froze first (runtime.batch) and thaws at its end
            gc.unfreeze()
    if lost:
        # Killed (out of memory?) or crashed: the run ends with an internal error (exit 2),
        # not with a partial "clean".
        files = sum(chunks.cut[i][1] - chunks.cut[i][0] for i in set(lost))
        first_lost = jobs[chunks.cut[min(lost)][0]][1]
        engine.internal_errors.append(
            f"a worker process died; {files} files from {first_lost} on were not checked (try --jobs 1)"
        )
    parsed.clear()  # the context pass's parsed files: the workers used their copies
    return True


def _merge(result, sink: list, inv, engine) -> None:
    findings, suppressions, kept, errors, unread = result
    sink.extend(findings)
    inv.suppressions.update(suppressions)
    inv.unread.update(unread)
    inv.resources.extend(kept)
    engine.internal_errors.extend(errors)


def _run_chunk(engine, jobs, parsed, inv, lo: int, hi: int):
    """Phase 2 over jobs[lo:hi], as Engine.run does it, with the chunk's results apart."""
    saved = inv.resources, inv.suppressions, inv.unread, engine.internal_errors
    inv.resources, inv.suppressions, inv.unread, engine.internal_errors = [], {}, {}, []
    sink: list = []
    try:
        for real, disp, data, _ in jobs[lo:hi]:
            src = parsed.pop(disp, None) or engine._read(real, disp, data)
            engine._check_file(src, inv, sink)
        return sink, inv.suppressions, inv.resources, engine.internal_errors, inv.unread
    finally:
        inv.resources, inv.suppressions, inv.unread, engine.internal_errors = saved


def _work(lo: int, hi: int):
    """In a worker: one chunk (its state came with the fork)."""
    return _run_chunk(*_STATE, lo, hi)
