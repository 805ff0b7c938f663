"""The progress line: on a terminal's stderr, for text reports, after about a second; never in
machine formats, never with --quiet, never when stderr is not a terminal.  Tested with a
pseudo-terminal as stderr (LINKERD_LINT_PROGRESS_AFTER=0 shows it at once)."""

import os
import pty
import subprocess
import sys
import tempfile

import pytest

from linter.progress import Progress, wanted

from .lintkit import read_terminal

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  annotations:\n    linkerd.io/inject: enabled\nspec:\n  containers: [{{name: a, image: b}}]\n"


@pytest.fixture
def repo(tmp_path):
    (tmp_path / ".git").mkdir()
    for i in range(30):
        (tmp_path / f"p{i:02d}.yaml").write_text(POD.format(i=i))
    return tmp_path


def run_on_tty(cwd, *args, after="0"):
    """Run check with stderr on a pseudo-terminal; (stdout, what the terminal showed, exit code)."""
    master, slave = pty.openpty()
    env = {**os.environ, "LINKERD_LINT_PROGRESS_AFTER": after, "TERM": "xterm"}
    with tempfile.TemporaryFile() as out:  # a file, not a pipe: a big report must not block the child
        proc = subprocess.Popen([sys.executable, "-m", "linter", "check", "--exit-zero", *args], cwd=cwd,
                                stdout=out, stderr=slave, env=env)
        os.close(slave)
        shown = read_terminal(master)
        proc.wait(timeout=120)
        os.close(master)
        out.seek(0)
        return out.read().decode(), shown.decode(), proc.returncode


def test_progress_on_a_terminal_then_erased(repo):
    out, shown, code = run_on_tty(repo, "--jobs", "1", ".")
    assert code == 0
    assert "\r\x1b[Klinkerd-lint: 30/30 files" in shown
    assert shown.endswith("\r\x1b[K")  # erased before the report
    assert "linkerd-lint:" not in out and out.endswith("in 30 files.\n")  # stdout carries the report only


def test_progress_counts_up_with_worker_processes(tmp_path):
    (tmp_path / ".git").mkdir()
    for i in range(260):  # above the threshold for workers
        (tmp_path / f"p{i:03d}.yaml").write_text(POD.format(i=i))
    _, shown, code = run_on_tty(tmp_path, "--jobs", "2", ".")
    assert code == 0
    counts = [int(part.split("/")[0].replace(",", "")) for part in shown.split("linkerd-lint: ")[1:]]
    assert counts and counts == sorted(counts) and counts[-1] == 260


@pytest.mark.parametrize("args", [("-f", "json"), ("-f", "sarif"), ("-f", "text", "-f", "github"), ("-q",)])
def test_no_progress_in_machine_formats_or_quiet(repo, args):
    out, shown, _ = run_on_tty(repo, *args, ".")
    assert "files" not in shown and "\x1b[K" not in shown


def test_no_progress_when_stderr_is_not_a_terminal(repo):
    proc = subprocess.run([sys.executable, "-m", "linter", "check", "--exit-zero", "."], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, "LINKERD_LINT_PROGRESS_AFTER": "0"})
    assert proc.returncode == 0 and proc.stderr == ""


def test_no_progress_for_a_quick_run(repo):
    _, shown, _ = run_on_tty(repo, "p00.yaml", after="30")  # nothing takes 30 seconds here
    assert "files" not in shown


def test_progress_unit():
    class Tty:
        def __init__(self):
            self.text = ""

        def isatty(self):
            return True

        def write(self, s):
            self.text += s

        def flush(self):
            pass

    tty = Tty()
    assert wanted(tty, ["text"], quiet=False) and not wanted(tty, ["text", "json"], quiet=False)
    assert not wanted(tty, ["text"], quiet=True)
    p = Progress(tty, after=0)
    for done in range(1, 1001):
        p(done, 1000)
    assert tty.text.count("linkerd-lint:") < 100  # redrawn at most ten times a second, and at the end
    assert tty.text.endswith("linkerd-lint: 1,000/1,000 files")
    p.close()
    assert tty.text.endswith("\r\x1b[K")
