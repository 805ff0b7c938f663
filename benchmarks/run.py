"""linkerd-lint benchmarks: throughput, latency and memory, each against a floor measured in the same run.

    python benchmarks/run.py [--files 1000,10000] [--repeat 3] [--workdir /tmp/linkerd-lint-bench]

Prints, per corpus size:
* floor: composing every file with ruamel.yaml's C parser in one process (the reference
  the targets are ratios of), and PyYAML's C composer for comparison;
* check: `linkerd-lint check --jobs 1` (or the only mode) wall time, files/s, MB/s and
  peak RSS of the process, and the ratio to the floor;
and the median wall time of `linkerd-lint check` on one small file (and yamllint's, when
installed).  Medians of --repeat runs; the machines are noisy, so targets are ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen_corpus  # noqa: E402

FLOOR_RUAMEL = """
import sys, glob, time
from ruamel.yaml import YAML
y = YAML(typ="safe")
assert y.Parser.__module__.startswith("_ruamel_yaml") or "CParser" in y.Parser.__name__, y.Parser
t = time.perf_counter()
for p in sorted(glob.glob(sys.argv[1] + "/**/*.yaml", recursive=True)):
    with open(p, "rb") as fh:
        try:
            for _ in y.compose_all(fh.read()):
                pass
        except Exception:
            pass
print(time.perf_counter() - t)
"""

FLOOR_PYYAML = """
import sys, glob, time, yaml
t = time.perf_counter()
for p in sorted(glob.glob(sys.argv[1] + "/**/*.yaml", recursive=True)):
    with open(p, "rb") as fh:
        try:
            for _ in yaml.compose_all(fh.read(), Loader=yaml.CSafeLoader):
                pass
        except yaml.YAMLError:
            pass
print(time.perf_counter() - t)
"""


def timed(cmd, cwd=None):
    """Wall time and peak RSS (MB) of a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def floor(script, corpus):
    out = subprocess.run([sys.executable, "-c", script, corpus], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def median_of(fn, repeat):
    values = [fn() for _ in range(repeat)]
    return statistics.median(v if not isinstance(v, tuple) else v[0] for v in values), values


def corpus_size(path):
    total = 0
    for root, _, names in os.walk(path):
        total += sum(os.path.getsize(os.path.join(root, n)) for n in names)
    return total


def lint_cmd(*args):
    return [sys.executable, "-m", "linter", "check", "-q", "--exit-zero", *args]


def supports_jobs() -> bool:
    out = subprocess.run([sys.executable, "-m", "linter", "check", "--help"], capture_output=True, text=True)
    return "--jobs" in out.stdout


def bench_corpus(n, workdir, repeat, jobs_flag):
    corpus = os.path.join(workdir, f"corpus-{n}")
    if not os.path.isdir(corpus):
        gen_corpus.generate(corpus, n)
    size = corpus_size(corpus)
    ruamel, _ = median_of(lambda: floor(FLOOR_RUAMEL, corpus), repeat)
    pyyaml, _ = median_of(lambda: floor(FLOOR_PYYAML, corpus), repeat)
    rows = [("floor: ruamel.yaml C compose", ruamel, None), ("floor: PyYAML C compose", pyyaml, None)]
    single = lint_cmd(*(["--jobs", "1"] if jobs_flag else []), corpus)
    runs = [timed(single) for _ in range(repeat)]
    wall = statistics.median(r[0] for r in runs)
    rss = max(r[1] for r in runs)
    rows.append(("check --jobs 1" if jobs_flag else "check", wall, rss))
    if jobs_flag:
        runs = [timed(lint_cmd(corpus)) for _ in range(repeat)]
        rows.append((f"check (all {os.cpu_count()} cores)", statistics.median(r[0] for r in runs), max(r[1] for r in runs)))
    print(f"\n## {n} files, {size / 1e6:.1f} MB")
    print(f"{'what':34} {'wall s':>8} {'files/s':>9} {'MB/s':>7} {'peak MB':>8} {'x floor':>8}")
    for name, secs, mem in rows:
        print(
            f"{name:34} {secs:8.2f} {n / secs:9.0f} {size / 1e6 / secs:7.1f} "
            f"{(f'{mem:.0f}' if mem else '-'):>8} {secs / ruamel:8.2f}"
        )


def bench_single(workdir, repeat):
    path = os.path.join(workdir, "single.yaml")
    with open(path, "w") as fh:
        fh.write(gen_corpus.make_file(gen_corpus.random.Random(7), 1))
    lint = statistics.median(timed(lint_cmd(path))[0] for _ in range(max(repeat, 10)))
    print(f"\n## one small file ({os.path.getsize(path)} bytes)")
    print(f"linkerd-lint check: median {lint * 1000:.0f} ms over {max(repeat, 10)} runs")
    bare = statistics.median(timed([sys.executable, "-c", "pass"])[0] for _ in range(10))
    print(f"python -c pass:     median {bare * 1000:.0f} ms")
    yamllint = shutil.which("yamllint")
    if yamllint:
        yl = statistics.median(timed([yamllint, path])[0] for _ in range(10))
        print(f"yamllint:           median {yl * 1000:.0f} ms (linkerd-lint / yamllint = {lint / yl:.2f})")


def main():
    ap = argparse.ArgumentParser(description="linkerd-lint benchmarks")
    ap.add_argument("--files", default="1000,10000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "linkerd-lint-bench"))
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    jobs_flag = supports_jobs()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, repeat {args.repeat} (medians)")
    for n in (int(x) for x in args.files.split(",")):
        bench_corpus(n, args.workdir, args.repeat, jobs_flag)
    bench_single(args.workdir, args.repeat)


if __name__ == "__main__":
    main()
