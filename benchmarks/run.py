"""linkerd-lint benchmarks: throughput, latency and memory, each against a reference measured in the same run.

    python benchmarks/run.py [--files 1000,10000] [--repeat 3] [--workdir /tmp/linkerd-lint-bench]
                             [--checkov PATH] [--checkov-files 1000] [--yamllint PATH] [--json FILE]

Prints, in one run (medians of --repeat runs, interleaved so that a noisy neighbour
slows the floor and the check alike):

* per corpus size: the parse-only floors (ruamel.yaml's C composer, the reference of the
  targets, and PyYAML's C composer), ``check --jobs 1`` and ``check`` on every core, with
  wall time, files/s, MB/s, the peak RSS of the largest process and the ratio to the floor;
  checkov (``--framework kubernetes``) and yamllint on the same files when installed, as
  ratios to linkerd-lint;
* single-file latency: ``linkerd-lint check`` on one small manifest, yamllint on it, and
  ``python -c pass``, in a virtualenv where both are pip-installed as users install them
  (built under the work directory; ``--no-install`` skips it), and in this environment;
* the language server: benchmarks/lsp_latency.py (didChange -> diagnostics on a 300-line
  manifest in a 1,000-file workspace), when pygls is installed;
* the targets of issue 8, each met or not, and the load average before and after.

Child processes run with bytecode caching on (``PYTHONPYCACHEPREFIX`` under the work
directory) as an installed tool does; a warm-up run fills the cache and the page cache.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
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

# Issue 8's targets.
JOBS1_MAX, ALL_CORES_MAX = 1.6, 1.0  # x the ruamel.yaml C-compose floor, on the largest corpus
SINGLE_MAX_MS = 100.0
PEAK_MAX_MB = 200.0
CHECKOV_SPEEDUP, CHECKOV_MEMORY = 15.0, 0.25
LSP_MAX_MS = 50.0


def child_env(workdir: str) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(workdir, "pycache")
    return env


class Bench:
    def __init__(self, args):
        self.args = args
        self.env = child_env(args.workdir)
        self.results: dict = {"python": sys.version.split()[0], "cores": os.cpu_count(), "corpora": {}}
        self.targets: list = []  # (what, measured text, met)

    # -- running things ------------------------------------------------------------------

    def timed(self, cmd, ok=(0, 1), cwd=None):
        """Wall time (s) and peak RSS (MB) of the largest process of a child's tree."""
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=self.env)
        err = proc.stderr.read().decode(errors="replace")
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in ok:
            raise SystemExit(f"{' '.join(cmd)} failed ({code}): {err[-2000:]}")
        return wall, usage.ru_maxrss / 1024

    def floor(self, script, corpus):
        out = subprocess.run([sys.executable, "-c", script, corpus], capture_output=True, text=True, check=True, env=self.env)
        return float(out.stdout.strip())

    @staticmethod
    def lint(*args):
        return [sys.executable, "-m", "linter", "check", "-q", "--exit-zero", *args]

    # -- corpora -------------------------------------------------------------------------

    def corpus(self, n):
        corpus = os.path.join(self.args.workdir, f"corpus-{n}")
        stamp = os.path.join(corpus, ".generated")
        with open(gen_corpus.__file__, "rb") as fh:
            version = hashlib.sha256(fh.read()).hexdigest()  # a changed generator: a new corpus
        if not os.path.exists(stamp) or open(stamp).read() != version:
            shutil.rmtree(corpus, ignore_errors=True)
            gen_corpus.generate(corpus, n)
            with open(stamp, "w") as fh:
                fh.write(version)
        size = 0
        for root, _, names in os.walk(corpus):
            size += sum(os.path.getsize(os.path.join(root, f)) for f in names if f.endswith(".yaml"))
        return corpus, size

    def bench_corpus(self, n, largest):
        corpus, size = self.corpus(n)
        repeat = self.args.repeat
        self.timed(self.lint("--jobs", "1", corpus))  # warm: bytecode and page cache
        runs = {"ruamel": [], "pyyaml": [], "jobs1": [], "all": []}
        for _ in range(repeat):
            runs["ruamel"].append((self.floor(FLOOR_RUAMEL, corpus), None))
            runs["jobs1"].append(self.timed(self.lint("--jobs", "1", corpus)))
            runs["all"].append(self.timed(self.lint(corpus)))
            runs["pyyaml"].append((self.floor(FLOOR_PYYAML, corpus), None))
        med = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
        peak = {k: max((m for _, m in v if m is not None), default=None) for k, v in runs.items()}
        floor = med["ruamel"]
        rows = [
            ("floor: ruamel.yaml C compose", med["ruamel"], None),
            ("floor: PyYAML C compose", med["pyyaml"], None),
            ("check --jobs 1", med["jobs1"], peak["jobs1"]),
            (f"check (all {os.cpu_count()} cores)", med["all"], peak["all"]),
        ]
        others = {}
        checkov = self.args.checkov
        if checkov and n <= self.args.checkov_files:
            wall, mem = self.timed([checkov, "-d", corpus, "--framework", "kubernetes", "--quiet", "--compact", "-o", "json"])
            rows.append(("checkov --framework kubernetes", wall, mem))
            others["checkov"] = (wall, mem)
        yamllint = self.args.yamllint
        if yamllint and n <= self.args.yamllint_files:
            wall, mem = self.timed([yamllint, "-f", "parsable", corpus])
            rows.append(("yamllint", wall, mem))
            others["yamllint"] = (wall, mem)
        print(f"\n## {n:,} files, {size / 1e6:.1f} MB (medians of {repeat})")
        print(f"{'what':34} {'wall s':>8} {'files/s':>9} {'MB/s':>7} {'peak MB':>8} {'x floor':>8}")
        for name, secs, mem in rows:
            print(
                f"{name:34} {secs:8.2f} {n / secs:9.0f} {size / 1e6 / secs:7.1f} "
                f"{(f'{mem:.0f}' if mem else '-'):>8} {secs / floor:8.2f}"
            )
        for tool, (wall, mem) in others.items():
            print(f"{tool} / linkerd-lint (all cores): {wall / med['all']:.1f}x the time, {mem / peak['all']:.1f}x the memory")
        self.results["corpora"][n] = {
            "mb": round(size / 1e6, 2),
            "median_s": {k: round(v, 3) for k, v in med.items()},
            "peak_mb": {k: round(v, 1) for k, v in peak.items() if v},
            "runs_s": {k: [round(w, 3) for w, _ in v] for k, v in runs.items()},
            "others": {k: {"s": round(w, 2), "peak_mb": round(m, 1)} for k, (w, m) in others.items()},
        }
        if largest:
            self.target(f"check --jobs 1 on {n:,} files <= {JOBS1_MAX}x floor", med["jobs1"] / floor, JOBS1_MAX, "x")
            self.target(f"check on all cores on {n:,} files <= {ALL_CORES_MAX}x floor", med["all"] / floor, ALL_CORES_MAX, "x")
            self.target(f"peak memory on {n:,} files <= {PEAK_MAX_MB:.0f} MB", max(peak["jobs1"], peak["all"]), PEAK_MAX_MB, " MB")
        if "checkov" in others:
            wall, mem = others["checkov"]
            self.target(f"checkov on {n:,} files >= {CHECKOV_SPEEDUP:.0f}x slower", wall / med["all"], CHECKOV_SPEEDUP, "x", at_least=True)
            self.target(f"linkerd-lint memory <= {CHECKOV_MEMORY} of checkov's", peak["all"] / mem, CHECKOV_MEMORY, "")

    # -- latency -------------------------------------------------------------------------

    def installed_env(self):
        """A virtualenv with linkerd-lint installed from this tree as users install it
        (``pip install .``, not editable) and yamllint beside it, or None when pip cannot build one.

        One-file latency is mostly interpreter start-up, and a development venv pays for
        more than a user's does: an editable install adds a path finder imported by every
        interpreter start (~10 ms here), for linkerd-lint and yamllint alike.  The issue's own
        figures (``python -c pass`` 10 ms) are for a plain interpreter, so the target is
        measured on one.
        """
        venv = os.path.join(self.args.workdir, "venv-installed")
        py = os.path.join(venv, "bin", "python")
        try:
            if not os.path.exists(py):
                subprocess.run([sys.executable, "-m", "venv", venv], check=True, capture_output=True)
                subprocess.run([py, "-m", "pip", "install", "-q", ROOT, "yamllint"], check=True, capture_output=True)
            else:  # this tree may have changed since: reinstall it alone
                subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", ROOT],
                               check=True, capture_output=True)
        except subprocess.CalledProcessError as e:
            print(f"(no installed environment: {e.stderr.decode(errors='replace')[-300:]})")
            return None
        return os.path.join(venv, "bin")

    def bench_single(self):
        path = os.path.join(self.args.workdir, "single.yaml")
        with open(path, "w") as fh:
            fh.write(gen_corpus.make_file(gen_corpus.random.Random(7), 1))
        n = max(self.args.repeat, 21)
        here = os.path.dirname(sys.executable)
        cmds = {}
        bin_dir = self.installed_env() if not self.args.no_install else None
        if bin_dir:
            cmds["linkerd-lint check"] = [os.path.join(bin_dir, "linkerd-lint"), "check", "-q", path]
            cmds["yamllint"] = [os.path.join(bin_dir, "yamllint"), path]
            cmds["python -c pass"] = [os.path.join(bin_dir, "python"), "-c", "pass"]
        # The same in the environment running the benchmark (for a development venv: informational).
        cmds["linkerd-lint check (this env)"] = [os.path.join(here, "linkerd-lint"), "check", "-q", path]
        if not os.path.exists(cmds["linkerd-lint check (this env)"][0]):
            cmds["linkerd-lint check (this env)"] = [sys.executable, "-m", "linter", "check", "-q", path]
        if self.args.yamllint:
            cmds["yamllint (this env)"] = [self.args.yamllint, path]
        cmds["python -c pass (this env)"] = [sys.executable, "-c", "pass"]
        for cmd in cmds.values():
            self.timed(cmd)  # warm
        times = {k: [] for k in cmds}
        for _ in range(n):  # interleaved
            for k, cmd in cmds.items():
                times[k].append(self.timed(cmd)[0])
        med = {k: statistics.median(v) * 1000 for k, v in times.items()}
        where = f"installed with pip in {os.path.dirname(bin_dir)}" if bin_dir else "this environment only"
        print(f"\n## one small file ({os.path.getsize(path)} bytes), median of {n} runs ({where})")
        for k, v in med.items():
            print(f"{k:30} {v:6.0f} ms (min {min(times[k]) * 1000:.0f})")
        self.results["single_ms"] = {k: round(v, 1) for k, v in med.items()}
        key = "linkerd-lint check" if bin_dir else "linkerd-lint check (this env)"
        ref = "yamllint" if bin_dir else "yamllint (this env)"
        self.target(f"one small file <= {SINGLE_MAX_MS:.0f} ms (median)", med[key], SINGLE_MAX_MS, " ms")
        if ref in med:
            self.target("one small file no slower than yamllint", med[key] / med[ref], 1.0, "x")

    def bench_lsp(self):
        try:
            import pygls  # noqa: F401

            import lsp_latency
        except ImportError as e:
            print(f"\n## language server: skipped ({e})")
            return
        r = lsp_latency.measure(files=1000, edits=self.args.lsp_edits, workdir=self.args.workdir)
        print(f"\n## language server ({r['files']} files, {r['edited_file_lines']}-line manifest)")
        for key in ("change", "save", "burst_end"):
            s = r[key]
            print(f"{key:10} median {s['median_ms']} ms, p90 {s['p90_ms']} ms (n={s['n']})")
        print(f"in process (Workspace.lint): median {r['in_process']['lint']['median_ms']} ms")
        self.results["lsp"] = r
        self.target(f"language server didChange -> diagnostics <= {LSP_MAX_MS:.0f} ms (median)",
                    r["change"]["median_ms"], LSP_MAX_MS, " ms")

    # -- report --------------------------------------------------------------------------

    def target(self, what, value, limit, unit, at_least=False):
        met = value >= limit if at_least else value <= limit
        self.targets.append((what, f"{value:.2f}{unit}", met))

    def summary(self):
        print("\n## targets (issue 8)")
        for what, value, met in self.targets:
            print(f"{'met    ' if met else 'NOT MET'}  {what}: {value}")
        self.results["targets"] = [{"what": w, "value": v, "met": m} for w, v, m in self.targets]


def load() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:  # pragma: no cover - not Linux
        return "?"


def main():
    ap = argparse.ArgumentParser(description="linkerd-lint benchmarks")
    ap.add_argument("--files", default="1000,10000", help="corpus sizes (comma-separated)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "linkerd-lint-bench"))
    ap.add_argument("--checkov", default=shutil.which("checkov") or _existing("/work/checkov-venv/bin/checkov"))
    ap.add_argument("--checkov-files", type=int, default=1000, help="largest corpus checkov runs on (it is superlinear)")
    ap.add_argument("--yamllint", default=shutil.which("yamllint") or _existing(os.path.join(os.path.dirname(sys.executable), "yamllint")))
    ap.add_argument("--yamllint-files", type=int, default=1000)
    ap.add_argument("--lsp-edits", type=int, default=40)
    ap.add_argument("--skip", default="", help="comma-separated: corpus,single,lsp")
    ap.add_argument("--no-install", action="store_true",
                    help="measure one-file latency in this environment only (no pip-installed copy)")
    ap.add_argument("--json", help="write the measurements to this file")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    os.chdir(ROOT)
    bench = Bench(args)
    skip = set(filter(None, args.skip.split(",")))
    before = load()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {before}, repeat {args.repeat}")
    print(f"checkov: {args.checkov or 'not installed'}; yamllint: {args.yamllint or 'not installed'}")
    sizes = [int(x) for x in args.files.split(",") if x]
    if "corpus" not in skip:
        for n in sizes:
            bench.bench_corpus(n, largest=n == max(sizes))
    if "single" not in skip:
        bench.bench_single()
    if "lsp" not in skip:
        bench.bench_lsp()
    bench.summary()
    after = load()
    print(f"\nload average: before {before}, after {after}")
    bench.results["load"] = {"before": before, "after": after}
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(bench.results, fh, indent=2, default=str)


def _existing(path):
    return path if os.path.exists(path) else None


if __name__ == "__main__":
    main()
