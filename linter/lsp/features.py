"""What the server answers: code actions, hover and completion (LSP types in and out)."""

from __future__ import annotations

import re

from lsprotocol import types as T

from linter.annotations import CATALOGUE
from linter.lsp import actions, knowledge, yamlctx
from linter.lsp.positions import Lines
from linter.suppress import _COMMENT, IGNORE_PREFIX

SOURCE = "linkerd-lint"
FIX_ALL = "source.fixAll.linkerd-lint"
_RULE_LIST = re.compile(r"#\s*linkerd-lint:\s*(?:disable|disable-file|disable-next-line)\s*=\s*(?:[A-Za-z0-9_-]+\s*,\s*)*([A-Za-z0-9_-]*)$")


def _edit(ls, doc, lines: Lines, edits) -> T.WorkspaceEdit:
    text_edits = []
    for e in edits:
        start, end = lines.span_to_lsp(e.span)
        text_edits.append(T.TextEdit(range=T.Range(T.Position(*start), T.Position(*end)), new_text=e.text))
    if ls.client_supports("workspace.workspace_edit.document_changes", False):
        ident = T.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
        return T.WorkspaceEdit(document_changes=[T.TextDocumentEdit(text_document=ident, edits=text_edits)])
    return T.WorkspaceEdit(changes={doc.uri: text_edits})


def _wanted(only, kind: str) -> bool:
    return not only or any(kind == k or kind.startswith(k + ".") for k in only)


async def code_actions(ls, params: T.CodeActionParams):
    doc = await ls.fresh(params.text_document.uri)
    if doc is None:
        return None
    only = params.context.only
    lines = Lines(doc.text, ls.encoding)
    first, last = params.range.start.line, params.range.end.line
    sent = {
        (d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character): d
        for d in params.context.diagnostics
        if d.source == SOURCE
    }
    out: list = []
    quick = _wanted(only, T.CodeActionKind.QuickFix)
    if doc.checked is None or doc.checked.text is not doc.text:
        doc.checked = actions.Checked(doc.display, doc.text)
    checked = doc.checked
    disabled: set = set()
    for f in doc.findings if quick else ():
        diag = ls.diagnostic(f, lines, doc.ws)
        r = diag.range
        if not (r.start.line <= last and r.end.line >= first):
            continue  # the lines asked about
        diag = sent.get((diag.code, r.start.line, r.start.character, r.end.line, r.end.character), diag)
        if f.fix is not None and f.fix.edits and checked.sound(f.fix.edits):
            title = f"{f.fix.description} ({f.rule_id})" + ("" if f.fix.safe else " [unsafe]")
            out.append(
                T.CodeAction(
                    title=title,
                    kind=T.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    edit=_edit(ls, doc, lines, f.fix.edits),
                    is_preferred=f.fix.safe,
                )
            )
        if (f.rule_id, f.span.line) in disabled:
            continue
        disabled.add((f.rule_id, f.span.line))
        edit = checked.disable(f.span.line, f.rule_id)
        if edit is not None:
            out.append(
                T.CodeAction(
                    title=f"Disable {f.rule_id} for this line",
                    kind=T.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    edit=_edit(ls, doc, lines, [edit]),
                )
            )
    # asked for (source actions, fix-on-save), or worth a line in the quick-fix menu
    safe = sum(1 for f in doc.findings if f.fix is not None and f.fix.safe and f.fix.edits)
    if _wanted(only, FIX_ALL) and safe and (only or safe > 1):
        edits = checked.fix_all(doc.findings)
        if edits:
            out.append(
                T.CodeAction(title="Fix all safe linkerd-lint findings in this file", kind=FIX_ALL, edit=_edit(ls, doc, lines, edits))
            )
    return out


def _position(ls, uri: str, pos: T.Position):
    td = ls.workspace.get_text_document(uri)
    lines = Lines(td.source, ls.encoding)
    line, col = lines.from_lsp(pos.line, pos.character)
    return lines, line - 1, col - 1


def _range(lines: Lines, line: int, start: int, end: int) -> T.Range:
    """A range on one LSP line, from character indexes."""
    return T.Range(T.Position(*lines.units_at(line, start)), T.Position(*lines.units_at(line, end)))


def hover(ls, params: T.HoverParams):
    uri = params.text_document.uri
    ws = ls.workspace_of(uri)
    lines, line, char = _position(ls, uri, params.position)
    text = lines.line(line)
    tok = yamlctx.token_at(text, char)
    if tok is None:
        return None
    word, start, end = tok
    md = None
    m = _COMMENT.search(text)
    if m and m.start(2) <= start < m.end(2) + 1:
        rule = ws.registry.get(word)
        md = knowledge.rule_markdown(rule) if rule is not None else f"linkerd-lint has no rule `{word}`: this suppresses nothing.\n"
    elif word.startswith(IGNORE_PREFIX):
        rid = word[len(IGNORE_PREFIX):]
        rule = ws.registry.get(rid)
        md = knowledge.rule_markdown(rule) if rule is not None else f"linkerd-lint has no rule `{rid}`: this annotation suppresses nothing.\n"
    elif word in CATALOGUE:
        md = knowledge.annotation_markdown(word, ws.settings.linkerd_version, yamlctx.owner_at(lines.lines, line, start))
    if md is None:
        return None
    return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value=md), range=_range(lines, line, start, end))


def completion(ls, params: T.CompletionParams):
    uri = params.text_document.uri
    ws = ls.workspace_of(uri)
    lines, line, char = _position(ls, uri, params.position)
    text = lines.line(line)
    snippets = ls.client_supports("text_document.completion.completion_item.snippet_support", False)
    target = ws.settings.linkerd_version
    items: list = []
    rules = _RULE_LIST.search(text[:char])
    if rules:
        start = char - len(rules.group(1))
        for rule in ws.registry.rules.values():
            items.append(
                T.CompletionItem(
                    label=rule.id,
                    kind=T.CompletionItemKind.Value,
                    detail=rule.name,
                    documentation=T.MarkupContent(kind=T.MarkupKind.Markdown, value=knowledge.rule_markdown(rule)),
                    text_edit=T.TextEdit(range=_range(lines, line, start, char), new_text=rule.id),
                )
            )
        return T.CompletionList(is_incomplete=False, items=items)
    site = yamlctx.completion_site(lines.lines, line, char)
    if isinstance(site, yamlctx.KeySite) and site.owner is not None:
        for i, key in enumerate(knowledge.annotation_keys(site.owner, target)):
            meta = CATALOGUE[key]
            q = site.quote
            values = knowledge.enum_values(key, target)
            fmt = T.InsertTextFormat.PlainText
            if site.has_colon:
                new = f"{q}{key}{q}"
            elif snippets and values:
                new, fmt = f"{q}{key}{q}: ${{1|{','.join(values)}|}}", T.InsertTextFormat.Snippet
            else:
                new = f"{q}{key}{q}: "
            items.append(
                T.CompletionItem(
                    label=key,
                    kind=T.CompletionItemKind.Property,
                    detail=knowledge.value_text(meta),
                    documentation=T.MarkupContent(
                        kind=T.MarkupKind.Markdown, value=knowledge.annotation_markdown(key, target, site.owner)
                    ),
                    filter_text=f"{q}{key}",
                    sort_text=f"{i:03d}",
                    insert_text_format=fmt,
                    text_edit=T.TextEdit(range=_range(lines, line, site.start, site.end), new_text=new),
                )
            )
    elif isinstance(site, yamlctx.ValueSite):
        for i, value in enumerate(knowledge.enum_values(site.key, target)):
            q = site.quote
            new = ("" if site.gap else " ") + f"{q}{value}{q}"
            items.append(
                T.CompletionItem(
                    label=value,
                    kind=T.CompletionItemKind.EnumMember,
                    detail=site.key,
                    filter_text=f"{q}{value}",
                    sort_text=f"{i:03d}",
                    text_edit=T.TextEdit(range=_range(lines, line, site.start, site.end), new_text=new),
                )
            )
    return T.CompletionList(is_incomplete=False, items=items)
