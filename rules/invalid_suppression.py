import re

from linter.located import Span
from linter.rule import Example, Severity, rule

_CONFIG_LISTS = ("select", "ignore", "extend-select")


@rule(
    id="LNK004",
    name="invalid-suppression",
    severity=Severity.WARNING,
    severities=(Severity.WARNING, Severity.ERROR),
    scope="inventory",
    summary="A suppression comment, ignore annotation or configuration entry names a rule that does not exist.",
    why=(
        "A misspelt rule id suppresses nothing (or selects nothing), so the finding you meant to silence is "
        "still reported, or the rule you meant to turn on never runs. Silently ignoring it would hide the mistake. "
        "In the configuration file (`select`, `ignore`, `extend-select`, `severity`, `per-file-ignores`) it is an "
        "error, reported at its line whatever the selection says (the command line refuses the same mistake with "
        "exit 2); a `select` that names no existing rule runs no rule. Rule names are accepted wherever ids are. "
        "A comment that reads like a directive but does not parse (`# linkerd-lint: disable` without ids, "
        "`disable LNK201` without `=`) is reported as malformed: it suppresses nothing."
    ),
    how_to_fix="Use an id from `linkerd-lint rules` (for example LNK201), or remove the entry.",
    references=("linkerd-lint rules",),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Namespace\n"
        "metadata:\n"
        "  name: shop  # linkerd-lint: disable=LNK999 not a rule  # <- LNK004 @LNK999\n"
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Namespace\n"
        "metadata:\n"
        "  name: shop  # linkerd-lint: disable=LNK105 legacy key kept for the old injector\n"
    ),
)
def check(ctx):
    inv = ctx.inventory
    names = set(inv.rule_names.values())
    for sup in inv.suppressions.values():
        for ref in sup.references:
            if ref.how == "malformed":
                ctx.report_at(
                    ref.path, ref.span,
                    f"malformed suppression comment {ref.rule_id!r}; it suppresses nothing: write "
                    "`# linkerd-lint: disable=LNK201,LNK204 reason` (or disable-file=, disable-next-line=)",
                )
            elif ref.rule_id != "ALL" and ref.rule_id not in inv.known_rule_ids and ref.rule_id not in names:
                what = "suppression comment" if ref.how == "comment" else "ignore annotation"
                ctx.report_at(ref.path, ref.span, f"{what} names unknown rule {ref.rule_id}; it suppresses nothing")
    s = ctx.settings
    if not s.config_path:
        return
    named = []
    for key in _CONFIG_LISTS:
        named += [(key, v) for v in getattr(s, key.replace("-", "_"), [])]
    named += [("severity", k) for k in s.severity]
    for pattern, ids in s.per_file_ignores.items():
        named += [(f"per-file-ignores {pattern!r}", v) for v in ids]
    nothing_selected = bool(s.select) and not any(inv.selector_known(v) for v in s.select)
    for where, selector in named:
        if not inv.selector_known(selector):
            effect = "it has no effect"
            if where == "select" and nothing_selected:
                effect = "select names no rule that exists, so no rule runs"
            # an error, whatever the rule's default: the command line refuses the same mistake
            # (exit 2), and a run that checks less than configured must not pass quietly
            ctx.report_at(
                _display(ctx, s.config_path),
                _locate(s.config_text, selector),
                f"configuration {where} names unknown rule {selector!r}; {effect}",
                severity=Severity.ERROR,
            )


def _display(ctx, path):
    import os

    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def _locate(text: str, needle: str) -> Span:
    m = re.search(r"(?<![A-Za-z0-9_-])" + re.escape(needle) + r"(?![A-Za-z0-9_-])", text)
    if not m:
        return Span(1, 1, 1, 1)
    line = text.count("\n", 0, m.start()) + 1
    col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    return Span(line, col, line, col + len(needle))
