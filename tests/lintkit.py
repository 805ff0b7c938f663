"""Write manifests to a temporary project and lint them the way the CLI does (config discovery stops at .git)."""

import base64

import yaml

from linter.api import lint_paths


def lint(tmp_path, files: dict, select, config=None, context=()):
    """Lint ``files`` (name -> text) with the rules in ``select`` (an id, a prefix, or a list of them)."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / ".git").mkdir(exist_ok=True)
    cfg = tmp_path / ".linkerd-lint.yaml"
    if config:
        cfg.write_text(yaml.safe_dump(config))
    elif cfg.exists():
        cfg.unlink()  # a later call in the same directory starts from the defaults
    targets = [name for name in files if name not in context] or ["."]
    selected = [select] if isinstance(select, str) else list(select)
    result = lint_paths(targets, cwd=str(tmp_path), select=selected, context=list(context))
    assert not result.internal_errors, result.internal_errors
    return result


def places(result, rule=None):
    """(path, line, col) of each finding of ``rule`` (all rules when None), in report order."""
    return [(f.path, f.span.line, f.span.col) for f in result.findings if rule is None or f.rule_id == rule]


def messages(result, rule=None):
    return [f.message for f in result.findings if rule is None or f.rule_id == rule]


def at(text: str, needle: str, nth: int = 1):
    """(line, col) where the nth occurrence of ``needle`` starts in ``text`` (1-based, as findings report)."""
    start = -1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, col


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def leaked(out: str, *materials: str) -> list:
    """Pieces of key material found in ``out``: the markers, or 16 characters of a key's body
    or of its base64."""
    found = [m for m in ("PRIVATE KEY", "LS0tLS1CRUdJ") if m in out]
    for material in materials:
        for text in (material, b64(material)):
            body = "".join(line for line in text.splitlines() if "-----" not in line)
            found += [body[i:i + 16] for i in range(0, len(body) - 16, 8) if body[i:i + 16] in out]
    return found


def read_terminal(fd: int) -> bytes:
    """Everything a child process writes to the pseudo-terminal ``fd`` until it closes it."""
    import os

    shown = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    return shown
