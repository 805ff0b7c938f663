"""Colour only on a terminal, and never when NO_COLOR is set (no-color.org), unless --color asks."""

import os
import pty
import subprocess
import sys

from .lintkit import read_terminal
from .test_cli import BAD, write

ESC = b"\x1b["


def on_a_terminal(tmp_path, *args, env=None):
    """Run check with stdout on a pseudo-terminal; its output bytes."""
    main, child = pty.openpty()
    full = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    full.update(env or {})
    proc = subprocess.Popen([sys.executable, "-m", "linter", "check", "--select", "LNK101", *args, "."],
                            cwd=tmp_path, stdout=child, stderr=subprocess.DEVNULL, env=full)
    os.close(child)
    out = read_terminal(main)
    proc.wait(timeout=60)
    os.close(main)
    return out


def test_colour_on_a_terminal_unless_no_color(tmp_path):
    write(tmp_path, "web.yaml", BAD)
    assert ESC in on_a_terminal(tmp_path)
    plain = on_a_terminal(tmp_path, env={"NO_COLOR": "1"})
    assert b"LNK101" in plain and ESC not in plain
    assert ESC not in on_a_terminal(tmp_path, "--no-color")
    assert ESC in on_a_terminal(tmp_path, "--color", env={"NO_COLOR": "1"})  # asked for explicitly


def test_no_colour_in_a_pipe(run_cli, tmp_path):
    write(tmp_path, "web.yaml", BAD)
    out = run_cli("check", "--select", "LNK101", ".").stdout
    assert "LNK101" in out and "\x1b[" not in out
    assert "\x1b[" in run_cli("check", "--select", "LNK101", "--color", ".").stdout  # control: asked for, it is there
