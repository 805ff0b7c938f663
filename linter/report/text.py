"""path:line:col: LNK101 [error] message — one line a finding, like compilers and ruff.

With ``--statistics`` the findings are counted per rule instead of listed, in ruff's layout:
count, rule id and (when any is fixable) ``[*]``/``[ ]`` before the rule name, tab-separated,
most frequent first; the summary follows.
"""

from __future__ import annotations

from collections import Counter

from linter.report import statistics

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _CYAN, _RESET = "\033[1m", "\033[2m", "\033[36m", "\033[0m"


def render(findings, ctx) -> str:
    out = _statistics(findings, ctx) if ctx.statistics else _listing(findings, ctx)
    if not ctx.quiet:
        out.append(summary(findings, ctx.files_checked, fixed=ctx.fixed, unsafe=ctx.unsafe_fixes,
                           internal_errors=ctx.internal_errors))
    return "\n".join(out) + ("\n" if out else "")


def _listing(findings, ctx) -> list:
    out = []
    for f in findings:
        sev = str(f.severity)
        if ctx.color:
            head = f"{_BOLD}{f.path}{_RESET}:{f.span.line}:{f.span.col}: {_BOLD}{f.rule_id}{_RESET} {_COLORS[sev]}[{sev}]{_RESET}"
        else:
            head = f"{f.path}:{f.span.line}:{f.span.col}: {f.rule_id} [{sev}]"
        line = f"{head} {f.message}"
        if f.template_source:
            line += f" (template {f.template_source})"
        out.append(line)
        for rel in f.related:
            note = f"  {rel.path}:{rel.span.line}:{rel.span.col}: note: {rel.message}"
            out.append(f"{_DIM}{note}{_RESET}" if ctx.color else note)
    return out


def _statistics(findings, ctx) -> list:
    rows = statistics(findings, ctx)
    if not rows:
        return []
    count_width = max(len(str(r["count"])) for r in rows)
    rule_width = max(len(r["rule"]) for r in rows)
    any_fixable = any(r["fixable"] for r in rows)
    star = f"[{_CYAN}*{_RESET}] " if ctx.color else "[*] "
    out = []
    for r in rows:
        mark = (star if r["fixable"] else "[ ] ") if any_fixable else ""
        count, rule = str(r["count"]).rjust(count_width), r["rule"].ljust(rule_width)
        if ctx.color:
            count, rule = f"{_BOLD}{count}{_RESET}", f"{_BOLD}{rule}{_RESET}"
        out.append(f"{count}\t{rule}\t{mark}{r['name']}")
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def summary(findings, files_checked: int, *, fixed: int = 0, unsafe: bool = False, internal_errors: int = 0) -> str:
    text = _summary(findings, files_checked, fixed=fixed, unsafe=unsafe)
    if internal_errors:
        # "All clear" would be a lie: a check that crashed found nothing because it did not run
        text = text.replace("All clear: ", "Incomplete: ", 1)
        text = text[:-1] + f"; {_plural(internal_errors, 'internal error')} (on stderr)."
    return text


def _summary(findings, files_checked: int, *, fixed: int = 0, unsafe: bool = False) -> str:
    files = _plural(files_checked, "file")
    if not findings:
        tail = f" ({_plural(fixed, 'finding')} fixed)" if fixed else ""
        return f"All clear: {files} checked, no findings{tail}."
    by = Counter(str(f.severity) for f in findings)
    parts = [_plural(by[s], s) for s in ("error", "warning", "info") if by[s]]
    head = f"Found {_plural(len(findings), 'finding')} ({', '.join(parts)}) in {files}"
    if fixed:
        head += f", after fixing {fixed}"
    safe = sum(1 for f in findings if f.fix is not None and f.fix.edits and f.fix.safe)
    risky = sum(1 for f in findings if f.fix is not None and f.fix.edits and not f.fix.safe)
    if unsafe:
        safe, risky = safe + risky, 0
    if safe and risky:
        head += f"; {safe} fixable with --fix ({risky} more with --unsafe-fixes)"
    elif safe:
        head += f"; {safe} fixable with --fix"
    elif risky:
        head += f"; {risky} fixable with --fix --unsafe-fixes"
    return head + "."

