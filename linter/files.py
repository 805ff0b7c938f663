"""Which files a run reads: explicit files always, directories recursively by extension."""

from __future__ import annotations

import os

from linter.suppress import _path_matches

EXTENSIONS = (".yaml", ".yml", ".json")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".terraform"}


class InputError(Exception):
    """A path the user named cannot be read: a usage error (exit 2)."""


def display_path(path: str, cwd: str) -> str:
    """Relative to the working directory when below it, with forward slashes."""
    ap = os.path.abspath(path)
    try:
        rel = os.path.relpath(ap, cwd)
    except ValueError:  # pragma: no cover - other drive on Windows
        rel = ap
    if rel.startswith(".."):
        rel = ap
    return rel.replace(os.sep, "/")


def excluded(display: str, patterns) -> bool:
    return any(_path_matches(display, p) for p in patterns)


def discover(paths, cwd: str, exclude=()) -> list:
    """Expand paths into (real path, display path) pairs, sorted, without duplicates.

    Symlinked directories are not followed (a loop would never end); symlinked files are.
    """
    seen: set = set()
    out: list = []
    for p in paths:
        if not os.path.lexists(p):
            raise InputError(f"{p}: no such file or directory")
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p, followlinks=False):
                dirs[:] = sorted(
                    d for d in dirs if d not in SKIP_DIRS and not excluded(display_path(os.path.join(root, d), cwd), exclude)
                )
                real_root = os.path.realpath(root)
                for name in sorted(names):
                    if not name.endswith(EXTENSIONS):
                        continue
                    full = os.path.join(root, name)
                    disp = display_path(full, cwd)
                    if excluded(disp, exclude) or not os.path.isfile(full):
                        continue
                    # realpath costs a system call per path component: once per directory
                    key = os.path.realpath(full) if os.path.islink(full) else os.path.join(real_root, name)
                    if key not in seen:
                        seen.add(key)
                        out.append((full, disp))
        else:
            disp = display_path(p, cwd)
            if excluded(disp, exclude):  # pre-commit passes files one by one: honour exclude
                continue
            key = os.path.realpath(p)
            if key not in seen:
                seen.add(key)
                out.append((p, disp))
    return out
