"""atheris fuzz target: the reader, every rule and the fixer on arbitrary bytes.

Not part of the pytest run (it runs until stopped).  Install atheris (a coverage-guided
fuzzer built on libFuzzer; not a dependency of linkerd-lint) and run it:

    pip install atheris
    python tests/fuzz/fuzz_lint.py --seeds /tmp/lint-seeds      # seeds: every rule's examples
    python tests/fuzz/fuzz_lint.py /tmp/lint-seeds -max_total_time=900 -rss_limit_mb=2048

Arguments after the script are libFuzzer's (``-runs=N``, ``-max_total_time=S``, a corpus
directory that grows with inputs reaching new code).  A crash is any exception out of the
reader, an internal error of a rule, a reported position outside the file, or a --fix that a
second --fix would change again; libFuzzer then writes the input to ``crash-<sha1>``.
"""

from __future__ import annotations

import os
import sys

import atheris

with atheris.instrument_imports():
    from linter import fix as fix_mod
    from linter import source
    from linter.api import load_registry, load_settings, selection
    from linter.engine import Engine

    REGISTRY = load_registry()  # imports (and so instruments) every rule module

SETTINGS = load_settings("/", overrides={"linkerd-version": "2.18", "kubernetes-version": "1.29"})
CHOSEN = selection(REGISTRY, SETTINGS, ["ALL"])
NAME = "fuzz.yaml"


def _inside(lines, span) -> bool:
    def ok(line, col):
        return 1 <= line <= len(lines) and 1 <= col <= len(lines[line - 1]) + 1

    return ok(span.line, span.col) and ok(span.end_line, span.end_col) and (span.line, span.col) <= (span.end_line, span.end_col)


def _fix(data: bytes) -> tuple:
    engine = Engine(SETTINGS, REGISTRY, CHOSEN, keep_sources=True)
    run, raw_of = fix_mod.runner(engine, [], [], (NAME, data))
    outcome = fix_mod.fix_run(run, raw_of, unsafe=True)
    ff = outcome.files.get(NAME)
    return (ff.encoding.encode(ff.text) if ff else data), outcome


def TestOneInput(data: bytes) -> None:
    src = source.parse_bytes(NAME, data)
    result = Engine(SETTINGS, REGISTRY, CHOSEN).run([], stdin=(NAME, data))
    if result.internal_errors:
        raise AssertionError(f"internal errors: {result.internal_errors}")
    if src.text:
        lines = source.LINE_BREAK.split(src.text)
        for f in result.findings:
            if not _inside(lines, f.span):
                raise AssertionError(f"{f.rule_id} at {tuple(f.span)} outside the file: {f.message}")
    if any(f.fix is not None for f in result.findings):
        fixed, outcome = _fix(data)
        again, second = _fix(fixed)
        if again != fixed or second.fixed:
            raise AssertionError("a second --fix changed the text again")


def write_seeds(directory: str) -> None:
    os.makedirs(directory, exist_ok=True)
    n = 0
    for rule in REGISTRY.rules.values():
        for which, example in (("bad", rule.bad), ("good", rule.good)):
            texts = [example.yaml] + [text for _, text in example.files]
            for i, text in enumerate(texts):
                with open(os.path.join(directory, f"{rule.id}-{which}-{i}.yaml"), "w") as fh:
                    fh.write(text)
                n += 1
    print(f"{n} seeds in {directory}")


def main(argv) -> None:
    if len(argv) == 3 and argv[1] == "--seeds":
        write_seeds(argv[2])
        return
    atheris.Setup(argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
