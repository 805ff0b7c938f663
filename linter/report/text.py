"""path:line:col: LNK101 [error] message — one line a finding, like compilers and ruff."""

from __future__ import annotations

from collections import Counter

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def render(findings, ctx) -> str:
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
    if ctx.statistics and findings:
        counts = Counter(f.rule_id for f in findings)
        for rid, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            rule = ctx.rules.get(rid)
            out.append(f"{n:5d}  {rid}  {rule.name if rule else ''}")
    if not ctx.quiet:
        out.append(summary(findings, ctx.files_checked))
    return "\n".join(out) + ("\n" if out else "")


def summary(findings, files_checked: int) -> str:
    if not findings:
        return f"All clear: {files_checked} file{'s' if files_checked != 1 else ''} checked, no findings."
    by = Counter(str(f.severity) for f in findings)
    parts = [f"{by[s]} {s}{'s' if by[s] != 1 else ''}" for s in ("error", "warning", "info") if by[s]]
    fixable = sum(1 for f in findings if f.fix is not None)
    tail = f"; {fixable} fixable with --fix" if fixable else ""
    return f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''} ({', '.join(parts)}) in {files_checked} file{'s' if files_checked != 1 else ''}{tail}."
