"""The language server end to end: a real LSP client (pytest-lsp) talks to
`python -m linter server` over stdio, on a workspace written by each test."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest
import pytest_lsp
from lsprotocol import types as T
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "linter", "server"])

NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  annotations:
    linkerd.io/inject: enabled
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "repo"
    (root / "apps").mkdir(parents=True)
    (root / ".git").mkdir()  # config discovery stops at the repository root
    (root / "namespace.yaml").write_text(NAMESPACE)
    (root / "apps" / "web.yaml").write_text(DEPLOYMENT)
    (root / ".linkerd-lint.yaml").write_text('linkerd-version: "2.18"\n')
    return root


def accept_registrations(lsp_client):
    lsp_client.registrations = []

    @lsp_client.feature(T.CLIENT_REGISTER_CAPABILITY)
    def register(ls, params: T.RegistrationParams):  # a real editor starts watching files here
        lsp_client.registrations.extend(params.registrations)


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, workspace):
    accept_registrations(lsp_client)
    params = T.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=workspace.as_uri(),
        workspace_folders=[T.WorkspaceFolder(uri=workspace.as_uri(), name="repo")],
        initialization_options={"debounceMs": 30},
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def diagnostics(client, uri, until, timeout=15.0):
    """Wait until the diagnostics published for ``uri`` satisfy ``until``; return them."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        got = client.diagnostics.get(uri)
        got = list(got) if got is not None else None
        if got is not None and until(got):
            return got
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"diagnostics for {uri} never matched; last: {got}")
        await asyncio.sleep(0.02)


def codes(diags):
    return sorted((d.code, d.range.start.line, d.range.start.character) for d in diags)


def open_doc(client, path, text=None, version=1):
    text = path.read_text() if text is None else text
    client.text_document_did_open(
        T.DidOpenTextDocumentParams(T.TextDocumentItem(uri=path.as_uri(), language_id="yaml", version=version, text=text))
    )
    return path.as_uri()


def replace_all(client, uri, text, version):
    client.text_document_did_change(
        T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[T.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


@pytest.mark.asyncio
async def test_open_publishes_cross_file_diagnostics(client, workspace):
    uri = open_doc(client, workspace / "apps" / "web.yaml")
    diags = await diagnostics(client, uri, lambda d: len(d) > 0)
    # the Namespace in another file meshes the pod: its proxy has no memory limit
    assert codes(diags) == [("LNK201", 8, 2)]
    d = diags[0]
    assert d.source == "linkerd-lint"
    assert d.severity == T.DiagnosticSeverity.Warning
    assert d.code_description.href.endswith("#lnk201")
    assert d.range.end == T.Position(8, 10)  # `template` key
    [rel] = d.related_information
    assert rel.location.uri == (workspace / "namespace.yaml").as_uri()
    assert rel.location.range.start == T.Position(5, 23)  # `enabled`


def apply_edits(text: str, edits) -> str:
    """Apply LSP TextEdits (UTF-16 positions) as an editor would."""
    lines = text.split("\n")

    def offset(pos):
        base = sum(len(ln) + 1 for ln in lines[: pos.line])
        if pos.line >= len(lines):
            return len(text)
        units = lines[pos.line].encode("utf-16-le")[: pos.character * 2].decode("utf-16-le")
        return base + len(units)

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end):]
    return text


def code_actions(client, uri, rng, diags=(), only=None):
    return client.text_document_code_action_async(
        T.CodeActionParams(
            text_document=T.TextDocumentIdentifier(uri=uri),
            range=rng,
            context=T.CodeActionContext(diagnostics=list(diags), only=only),
        )
    )


def edits_of(action, uri):
    if action.edit.document_changes:
        return [e for dc in action.edit.document_changes if dc.text_document.uri == uri for e in dc.edits]
    return action.edit.changes[uri]


@pytest.mark.asyncio
async def test_editing_the_namespace_refreshes_its_dependents(client, workspace):
    web = open_doc(client, workspace / "apps" / "web.yaml")
    ns = open_doc(client, workspace / "namespace.yaml")
    await diagnostics(client, web, lambda d: codes(d) == [("LNK201", 8, 2)])
    await diagnostics(client, ns, lambda d: d == [])
    # unsaved edit in the Namespace buffer: a memory limit for every pod in it
    replace_all(client, ns, NAMESPACE + "    config.linkerd.io/proxy-memory-limit: 256Mi\n", 2)
    await diagnostics(client, web, lambda d: d == [])
    # turning injection off in the Namespace keeps the Deployment clean; back on, the finding returns
    replace_all(client, ns, NAMESPACE.replace("enabled", "disabled"), 3)
    await asyncio.sleep(0.2)
    assert list(client.diagnostics[web]) == []
    replace_all(client, ns, NAMESPACE, 4)
    await diagnostics(client, web, lambda d: codes(d) == [("LNK201", 8, 2)])
    # closing the Namespace without saving: the file on disk counts again (still meshed)
    client.text_document_did_close(T.DidCloseTextDocumentParams(T.TextDocumentIdentifier(uri=ns)))
    await asyncio.sleep(0.2)
    assert codes(client.diagnostics[web]) == [("LNK201", 8, 2)]
    assert list(client.diagnostics[ns]) == []  # a closed document's diagnostics are cleared


@pytest.mark.asyncio
async def test_a_namespace_changed_on_disk_refreshes_open_documents(client, workspace):
    web = open_doc(client, workspace / "apps" / "web.yaml")
    await diagnostics(client, web, lambda d: codes(d) == [("LNK201", 8, 2)])
    (workspace / "namespace.yaml").write_text(NAMESPACE.replace("enabled", "disabled"))
    client.workspace_did_change_watched_files(
        T.DidChangeWatchedFilesParams([T.FileEvent(uri=(workspace / "namespace.yaml").as_uri(), type=T.FileChangeType.Changed)])
    )
    await diagnostics(client, web, lambda d: d == [])
    # a Namespace file created later is indexed too
    (workspace / "namespace.yaml").unlink()
    (workspace / "other-ns.yaml").write_text(NAMESPACE)
    client.workspace_did_change_watched_files(
        T.DidChangeWatchedFilesParams(
            [
                T.FileEvent(uri=(workspace / "namespace.yaml").as_uri(), type=T.FileChangeType.Deleted),
                T.FileEvent(uri=(workspace / "other-ns.yaml").as_uri(), type=T.FileChangeType.Created),
            ]
        )
    )
    await diagnostics(client, web, lambda d: codes(d) == [("LNK201", 8, 2)])
    assert [r.method for r in client.registrations] == ["workspace/didChangeWatchedFiles"]


@pytest.mark.asyncio
async def test_configuration_change_reloads_settings(client, workspace):
    web = open_doc(client, workspace / "apps" / "web.yaml")
    await diagnostics(client, web, lambda d: codes(d) == [("LNK201", 8, 2)])
    (workspace / ".linkerd-lint.yaml").write_text('linkerd-version: "2.18"\nignore: [LNK201]\n')
    client.workspace_did_change_watched_files(
        T.DidChangeWatchedFilesParams([T.FileEvent(uri=(workspace / ".linkerd-lint.yaml").as_uri(), type=T.FileChangeType.Changed)])
    )
    await diagnostics(client, web, lambda d: d == [])
    # a configuration that does not validate: the user is told, and the defaults are used
    (workspace / ".linkerd-lint.yaml").write_text("no-such-setting: 1\n")
    client.workspace_did_change_watched_files(
        T.DidChangeWatchedFilesParams([T.FileEvent(uri=(workspace / ".linkerd-lint.yaml").as_uri(), type=T.FileChangeType.Changed)])
    )
    await diagnostics(client, web, lambda d: codes(d) == [("LNK201", 8, 2)])
    assert any("no-such-setting" in m.message for m in client.messages)


BAD_INJECT = DEPLOYMENT.replace(
    "      labels: {app: web}\n",
    "      labels: {app: web}\n      annotations:\n        linkerd.io/inject: \"true\"\n        config.linkerd.io/proxy-memory-limit: 256Mi\n",
)


@pytest.mark.asyncio
async def test_quick_fix_applies_the_rule_fix(client, workspace):
    path = workspace / "apps" / "bad.yaml"
    uri = open_doc(client, path, BAD_INJECT)
    diags = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert codes(diags) == [("LNK101", 12, 27)]
    result = await code_actions(client, uri, diags[0].range, diags)
    titles = [a.title for a in result]
    assert titles == ["set linkerd.io/inject to enabled (LNK101)", "Disable LNK101 for this line"]
    fix = result[0]
    assert fix.kind == T.CodeActionKind.QuickFix and fix.is_preferred
    assert fix.diagnostics[0].code == "LNK101"
    fixed = apply_edits(BAD_INJECT, edits_of(fix, uri))
    assert "        linkerd.io/inject: \"enabled\"\n" in fixed
    replace_all(client, uri, fixed, 2)
    # meshed now, with a memory limit: clean
    await diagnostics(client, uri, lambda d: d == [])


@pytest.mark.asyncio
async def test_disable_for_this_line_inserts_the_suppression_comment(client, workspace):
    path = workspace / "apps" / "bad.yaml"
    uri = open_doc(client, path, BAD_INJECT)
    diags = await diagnostics(client, uri, lambda d: len(d) > 0)
    result = await code_actions(client, uri, diags[0].range, diags)
    disable = [a for a in result if a.title == "Disable LNK101 for this line"][0]
    changed = apply_edits(BAD_INJECT, edits_of(disable, uri))
    assert '        linkerd.io/inject: "true"  # linkerd-lint: disable=LNK101\n' in changed
    replace_all(client, uri, changed, 2)
    await diagnostics(client, uri, lambda d: d == [])


@pytest.mark.asyncio
async def test_fix_all_source_action(client, workspace):
    text = BAD_INJECT.replace("256Mi\n", "256Mi\n        config.linkerd.io/proxy-uid: 2102\n")
    uri = open_doc(client, workspace / "apps" / "bad.yaml", text)
    diags = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert codes(diags) == [("LNK101", 12, 27), ("LNK104", 14, 37)]
    result = await code_actions(client, uri, T.Range(T.Position(0, 0), T.Position(0, 0)), only=["source.fixAll"])
    [action] = result
    assert action.kind == "source.fixAll.linkerd-lint"
    fixed = apply_edits(text, edits_of(action, uri))
    assert fixed == text.replace('"true"', '"enabled"').replace("2102", '"2102"')
    replace_all(client, uri, fixed, 2)
    await diagnostics(client, uri, lambda d: d == [])


def _hover(client, uri, line, char):
    return client.text_document_hover_async(
        T.HoverParams(text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line, char))
    )


def _complete(client, uri, line, char):
    return client.text_document_completion_async(
        T.CompletionParams(text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line, char))
    )


@pytest.mark.asyncio
async def test_hover_on_annotation_key_and_on_suppressed_rule_id(client, workspace):
    text = BAD_INJECT.replace('"true"', 'enabled  # linkerd-lint: disable=LNK201,LNK999')
    uri = open_doc(client, workspace / "apps" / "hover.yaml", text)
    await diagnostics(client, uri, lambda d: True)
    # line 13: `        config.linkerd.io/proxy-memory-limit: 256Mi`
    hover = await _hover(client, uri, 13, 20)
    assert hover.contents.kind == T.MarkupKind.Markdown
    md = hover.contents.value
    assert md.startswith("**`config.linkerd.io/proxy-memory-limit`** — Linkerd annotation, read from the pod template")
    assert "- **Value:** a Kubernetes quantity" in md
    assert "- **Read by:** every release since 2.10" in md
    assert "- **Inherited from the Namespace:** yes" in md
    assert "- **Your target, Linkerd 2.18:** reads it" in md
    assert hover.range == T.Range(T.Position(13, 8), T.Position(13, 44))
    # an enum-valued key lists its values; a removed key says when it stopped being read
    md = (await _hover(client, uri, 12, 10)).contents.value
    assert "one of `enabled`, `ingress`, `disabled`" in md
    # line 12 holds the suppression comment: hover on LNK201 gives the rule's summary
    line = text.split("\n")[12]
    hover = await _hover(client, uri, 12, line.index("LNK201") + 2)
    assert hover.contents.value.startswith("**LNK201** `proxy-memory-limit-missing` · warning")
    assert "A meshed pod's proxy has no memory limit." in hover.contents.value
    hover = await _hover(client, uri, 12, line.index("LNK999") + 1)
    assert "no rule `LNK999`" in hover.contents.value
    assert await _hover(client, uri, 3, 3) is None  # `name:`: nothing to say


@pytest.mark.asyncio
async def test_completion_of_annotation_keys_and_values(client, workspace):
    text = DEPLOYMENT.replace(
        "      labels: {app: web}\n", "      labels: {app: web}\n      annotations:\n        config.linkerd.io/proxy-m\n"
    )
    uri = open_doc(client, workspace / "apps" / "typing.yaml", text)
    await diagnostics(client, uri, lambda d: True)
    result = await _complete(client, uri, 12, 33)
    labels = [i.label for i in result.items]
    assert labels[0] == "linkerd.io/inject"
    assert "config.linkerd.io/proxy-memory-limit" in labels
    assert "config.linkerd.io/init-image" in labels  # still read by 2.18
    assert "linkerd.io/created-by" not in labels  # written by Linkerd, not for users
    item = next(i for i in result.items if i.label == "config.linkerd.io/proxy-memory-limit")
    assert item.text_edit.range == T.Range(T.Position(12, 8), T.Position(12, 33))
    assert item.text_edit.new_text == "config.linkerd.io/proxy-memory-limit: "
    assert "Proxy memory limit" in item.documentation.value
    inject = next(i for i in result.items if i.label == "linkerd.io/inject")
    assert inject.text_edit.new_text == "linkerd.io/inject: ${1|enabled,ingress,disabled|}"  # VS Code takes snippets
    assert inject.insert_text_format == T.InsertTextFormat.Snippet

    # the Deployment's own metadata: Linkerd ignores annotations there, so nothing is offered
    text2 = DEPLOYMENT.replace("  namespace: shop\n", "  namespace: shop\n  annotations:\n    linkerd\n")
    replace_all(client, uri, text2, 2)
    result = await _complete(client, uri, 6, 11)
    assert list(result.items) == []

    # values of an enum-valued annotation
    text3 = text.replace("config.linkerd.io/proxy-m", "linkerd.io/inject: ena")
    replace_all(client, uri, text3, 3)
    result = await _complete(client, uri, 12, 30)
    assert [i.label for i in result.items] == ["enabled", "ingress", "disabled"]
    assert result.items[0].text_edit == T.TextEdit(range=T.Range(T.Position(12, 27), T.Position(12, 30)), new_text="enabled")


@pytest.mark.asyncio
async def test_completion_in_a_namespace_offers_inherited_keys_only(client, workspace):
    text = NAMESPACE + "    config.linkerd.io/\n"
    uri = open_doc(client, workspace / "ns2.yaml", text)
    await diagnostics(client, uri, lambda d: True)
    result = await _complete(client, uri, 6, 22)
    labels = [i.label for i in result.items]
    assert "linkerd.io/inject" in labels and "config.linkerd.io/proxy-memory-limit" in labels
    assert "config.linkerd.io/enable-gateway" not in labels  # not inherited from the Namespace
    assert "config.linkerd.io/proxy-cpu-ratio-limit" not in labels


@pytest.mark.asyncio
async def test_half_typed_yaml_gives_a_syntax_diagnostic_and_the_server_lives(client, workspace):
    uri = open_doc(client, workspace / "apps" / "web.yaml")
    await diagnostics(client, uri, lambda d: codes(d) == [("LNK201", 8, 2)])
    broken = DEPLOYMENT.replace("          image: nginx:1.27\n", '          image: "nginx:1.27\n      - name: [side\n')
    for version, cut in enumerate(range(len(DEPLOYMENT) - 40, len(broken) + 1, 7), start=2):
        replace_all(client, uri, broken[:cut], version)  # every prefix of a half-typed edit
    final = await diagnostics(client, uri, lambda d: any(x.code == "LNK001" for x in d))
    assert [d.code for d in final] == ["LNK001"]
    assert final[0].severity == T.DiagnosticSeverity.Error
    assert (await _hover(client, uri, 9, 6)) is None  # still answering
    replace_all(client, uri, DEPLOYMENT, 100)
    await diagnostics(client, uri, lambda d: codes(d) == [("LNK201", 8, 2)])


@pytest.mark.asyncio
async def test_positions_are_utf16_code_units(client, workspace):
    # é is one UTF-16 unit, 😀 two; findings count characters: the server must convert
    flow = '      annotations: {example.com/note: "é😀", linkerd.io/inject: "true", config.linkerd.io/proxy-memory-limit: 256Mi}\n'
    text = DEPLOYMENT.replace("      labels: {app: web}\n", "      labels: {app: web}\n" + flow)
    uri = open_doc(client, workspace / "apps" / "emoji.yaml", text)
    diags = await diagnostics(client, uri, lambda d: len(d) > 0)
    chars = flow.index('"true"')
    units = len(flow[:chars].encode("utf-16-le")) // 2
    assert units == chars + 1  # the emoji's second unit
    assert [(d.code, d.range) for d in diags] == [
        ("LNK101", T.Range(T.Position(11, units), T.Position(11, units + 6)))
    ]
    # the quick fix lands on the same units
    result = await code_actions(client, uri, diags[0].range, diags)
    fixed = apply_edits(text, edits_of(result[0], uri))
    assert fixed == text.replace('"true"', '"enabled"')
    # hover positions come in UTF-16 too: the key after the emoji
    hover = await _hover(client, uri, 11, units - 5)
    assert hover.contents.value.startswith("**`linkerd.io/inject`**")


@pytest.mark.asyncio
async def test_configuration_findings_are_published_on_the_configuration_file(client, workspace):
    config = workspace / ".linkerd-lint.yaml"
    config.write_text('linkerd-version: "2.18"\nignore: [LNK999]\n')
    client.workspace_did_change_watched_files(
        T.DidChangeWatchedFilesParams([T.FileEvent(uri=config.as_uri(), type=T.FileChangeType.Changed)])
    )
    open_doc(client, workspace / "apps" / "web.yaml")
    diags = await diagnostics(client, config.as_uri(), lambda d: len(d) > 0)
    assert [(d.code, d.range.start.line, d.range.start.character) for d in diags] == [("LNK004", 1, 9)]
    # opening the configuration file keeps them (its own lint finds nothing else)
    open_doc(client, config)
    await asyncio.sleep(0.3)
    assert [d.code for d in client.diagnostics[config.as_uri()]] == ["LNK004"]
    config.write_text('linkerd-version: "2.18"\n')
    client.text_document_did_save(T.DidSaveTextDocumentParams(text_document=T.TextDocumentIdentifier(uri=config.as_uri())))
    await diagnostics(client, config.as_uri(), lambda d: d == [])


@pytest.mark.asyncio
async def test_random_edits_never_break_the_server(client, workspace):
    import random

    rnd = random.Random(1234)
    text = BAD_INJECT + "---\n" + NAMESPACE
    uri = open_doc(client, workspace / "apps" / "fuzz.yaml", text)
    await diagnostics(client, uri, lambda d: True)
    alphabet = ' \t\n:-#"\'{}[],|>&*!%@`é😀abc\r\\'
    for version in range(2, 62):
        pos = rnd.randrange(len(text) + 1)
        if rnd.random() < 0.5 and text:
            text = text[:pos] + text[pos + rnd.randint(1, 8):]
        else:
            text = text[:pos] + "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 4))) + text[pos:]
        replace_all(client, uri, text, version)
        line, char = rnd.randint(0, 40), rnd.randint(0, 90)  # sometimes beyond the text
        position = T.Position(line, char)
        await _hover(client, uri, line, char)
        await _complete(client, uri, line, char)
        await code_actions(client, uri, T.Range(position, position))
    # the last version is linted and published; no internal error was logged
    replace_all(client, uri, BAD_INJECT, 100)
    await diagnostics(client, uri, lambda d: codes(d) == [("LNK101", 12, 27)])
    assert not [m for m in client.log_messages + client.messages if m.type == T.MessageType.Error]


@pytest.mark.asyncio
async def test_crlf_and_untitled_documents(client, workspace):
    crlf = BAD_INJECT.replace("\n", "\r\n")
    uri = open_doc(client, workspace / "apps" / "crlf.yaml", crlf)
    diags = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert [(d.code, d.range) for d in diags] == [("LNK101", T.Range(T.Position(12, 27), T.Position(12, 33)))]
    result = await code_actions(client, uri, diags[0].range, diags)
    assert apply_edits(crlf, edits_of(result[0], uri)) == crlf.replace('"true"', '"enabled"')
    disable = apply_edits(crlf, edits_of(result[1], uri))
    assert '"true"  # linkerd-lint: disable=LNK101\r\n' in disable
    # an unsaved, untitled buffer in YAML mode is linted too (with the default settings)
    untitled = "untitled:Untitled-1"
    client.text_document_did_open(
        T.DidOpenTextDocumentParams(T.TextDocumentItem(uri=untitled, language_id="yaml", version=1, text=BAD_INJECT))
    )
    diags = await diagnostics(client, untitled, lambda d: len(d) > 0)
    assert [d.code for d in diags] == ["LNK101"]


@pytest.fixture
def two_folders(tmp_path):
    for name, config in (("a", "ignore: [LNK201]\n"), ("b", 'linkerd-version: "2.18"\n')):
        root = tmp_path / name
        root.mkdir()
        (root / ".git").mkdir()
        (root / ".linkerd-lint.yaml").write_text(config)
        (root / "namespace.yaml").write_text(NAMESPACE)
        (root / "web.yaml").write_text(DEPLOYMENT)
    return tmp_path


@pytest_lsp.fixture(config=SERVER, params=["neovim", "emacs"])
async def multi_client(lsp_client: LanguageClient, two_folders, request):
    # Neovim prefers UTF-8 positions, Emacs UTF-32 and no related information: the server follows
    accept_registrations(lsp_client)
    params = T.InitializeParams(
        capabilities=client_capabilities(request.param),
        workspace_folders=[T.WorkspaceFolder(uri=(two_folders / "a").as_uri(), name="a")],
    )
    result = await lsp_client.initialize_session(params)
    lsp_client.encoding = result.capabilities.position_encoding
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_each_workspace_folder_has_its_own_configuration(multi_client, two_folders):
    client = multi_client
    a = open_doc(client, two_folders / "a" / "web.yaml")
    await diagnostics(client, a, lambda d: True)
    assert list(client.diagnostics[a]) == []  # folder a ignores LNK201
    # a folder added later is indexed with its own configuration
    client.workspace_did_change_workspace_folders(
        T.DidChangeWorkspaceFoldersParams(
            event=T.WorkspaceFoldersChangeEvent(added=[T.WorkspaceFolder(uri=(two_folders / "b").as_uri(), name="b")], removed=[])
        )
    )
    b = open_doc(client, two_folders / "b" / "web.yaml")
    diags = await diagnostics(client, b, lambda d: len(d) > 0)
    assert codes(diags) == [("LNK201", 8, 2)]
    caps = client.capabilities.text_document.publish_diagnostics
    if caps.related_information:
        assert diags[0].related_information[0].location.uri == (two_folders / "b" / "namespace.yaml").as_uri()
    else:  # the related place goes into the message
        assert diags[0].related_information is None
        assert diags[0].message.endswith("\nnamespace.yaml:6:24: injection is enabled by the Namespace here")


@pytest.mark.asyncio
async def test_positions_follow_the_negotiated_encoding(multi_client, two_folders):
    client = multi_client
    flow = '      annotations: {example.com/note: "é😀", linkerd.io/inject: "true", config.linkerd.io/proxy-memory-limit: 256Mi}\n'
    text = DEPLOYMENT.replace("      labels: {app: web}\n", "      labels: {app: web}\n" + flow)
    uri = open_doc(client, two_folders / "a" / "emoji.yaml", text)
    diags = await diagnostics(client, uri, lambda d: len(d) > 0)
    prefix = flow[: flow.index('"true"')]
    expected = {"utf-8": len(prefix.encode("utf-8")), "utf-32": len(prefix), "utf-16": len(prefix.encode("utf-16-le")) // 2}
    assert client.encoding in ("utf-8", "utf-32")
    assert [(d.code, d.range.start) for d in diags] == [("LNK101", T.Position(11, expected[client.encoding]))]


@pytest.mark.asyncio
async def test_indexing_reports_progress(client, workspace):
    uri = open_doc(client, workspace / "apps" / "web.yaml")
    await diagnostics(client, uri, lambda d: len(d) > 0)
    [(token, reports)] = list(client.progress_reports.items())
    assert token.startswith("linkerd-lint/")
    assert isinstance(reports[0], T.WorkDoneProgressBegin) and reports[0].title == "linkerd-lint"
    assert isinstance(reports[-1], T.WorkDoneProgressEnd) and reports[-1].message.startswith("3 files in ")


@pytest.mark.asyncio
async def test_hover_and_completion_in_a_document_that_is_not_linted(client, workspace):
    # a Helm chart template is not linted (no diagnostics) but hover and completion still help
    path = workspace / "chart" / "templates" / "deploy.yaml"
    path.parent.mkdir(parents=True)
    text = DEPLOYMENT.replace("      labels: {app: web}\n", "      labels: {app: web}\n      annotations:\n        linkerd.io/inject: {{ .Values.inject }}\n")
    client.text_document_did_open(
        T.DidOpenTextDocumentParams(T.TextDocumentItem(uri=path.as_uri(), language_id="helm", version=1, text=text))
    )
    hover = await _hover(client, path.as_uri(), 12, 10)
    assert hover.contents.value.startswith("**`linkerd.io/inject`**")
    result = await _complete(client, path.as_uri(), 12, 8)
    assert "config.linkerd.io/proxy-memory-limit" in [i.label for i in result.items]
    await asyncio.sleep(0.3)
    assert path.as_uri() not in client.diagnostics


PURE_SERVER = ClientServerConfig(server_command=[
    sys.executable, "-c",
    "import sys; sys.modules['yaml._yaml'] = None\n"  # as if PyYAML had no C extension
    "sys.argv = ['linkerd-lint', 'server']\n"
    "from linter.entry import main; main()",
])


@pytest_lsp.fixture(config=PURE_SERVER)
async def pure_client(lsp_client: LanguageClient, workspace):
    accept_registrations(lsp_client)
    params = T.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=workspace.as_uri(),
                                workspace_folders=[T.WorkspaceFolder(uri=workspace.as_uri(), name="repo")])
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_the_log_says_when_yaml_is_read_in_pure_python(pure_client, workspace):
    uri = (workspace / "apps" / "web.yaml").as_uri()
    pure_client.text_document_did_open(T.DidOpenTextDocumentParams(
        T.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=DEPLOYMENT)))
    await diagnostics(pure_client, uri, until=lambda ds: ds is not None)
    notes = [m.message for m in pure_client.log_messages if "without libyaml" in m.message]
    assert len(notes) == 1 and notes[0].startswith("linkerd-lint: this PyYAML was built without libyaml")


SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  annotations:
    config.linkerd.io/
spec:
  selector: {app: web}
  ports: [{port: 3306}]
"""


@pytest.mark.asyncio
async def test_completion_and_hover_on_a_service(client, workspace):
    """A Service's annotations: what Linkerd reads there (opaque ports, retries, timeouts, balancing)."""
    uri = open_doc(client, workspace / "svc.yaml", SERVICE)
    await diagnostics(client, uri, lambda d: True)
    result = await _complete(client, uri, 6, 22)
    labels = [i.label for i in result.items]
    assert "config.linkerd.io/opaque-ports" in labels
    assert {"retry.linkerd.io/http", "timeout.linkerd.io/request", "balancer.linkerd.io/failure-accrual"} <= set(labels)
    assert "config.linkerd.io/proxy-cpu-limit" not in labels and "linkerd.io/inject" not in labels
    item = next(i for i in result.items if i.label == "config.linkerd.io/opaque-ports")
    assert item.text_edit.new_text == "config.linkerd.io/opaque-ports: "
    assert "Linkerd Service annotation" in item.documentation.value

    text = SERVICE.replace("config.linkerd.io/\n", "config.linkerd.io/opaque-ports: '3306'\n    config.linkerd.io/proxy-cpu-limit: '1'\n")
    replace_all(client, uri, text, 2)
    md = (await _hover(client, uri, 6, 10)).contents.value
    assert md.startswith("**`config.linkerd.io/opaque-ports`** — Linkerd Service annotation, read by the destination and policy controllers")
    assert "read from the pod template" not in md
    md = (await _hover(client, uri, 7, 10)).contents.value
    assert "- **Here:** NOT read: Linkerd reads it from pod templates (and Namespaces), not from a Service" in md


FLOW = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations: {linkerd.io/inject: enabled, config.linkerd.io/}
    spec:
      containers: [{name: web, image: "nginx:1"}]
"""


@pytest.mark.asyncio
async def test_completion_in_a_flow_mapping(client, workspace):
    uri = open_doc(client, workspace / "apps" / "flow.yaml", FLOW)
    await diagnostics(client, uri, lambda d: True)
    line = FLOW.split("\n")[8]
    at = line.index("config.linkerd.io/")
    result = await _complete(client, uri, 8, at + len("config.linkerd.io/"))
    item = next(i for i in result.items if i.label == "config.linkerd.io/proxy-memory-limit")
    assert item.text_edit == T.TextEdit(range=T.Range(T.Position(8, at), T.Position(8, at + 18)),
                                        new_text="config.linkerd.io/proxy-memory-limit: ")
    # the value of an enum-valued key inside the flow mapping
    replace_all(client, uri, FLOW.replace("inject: enabled", "inject: ing"), 2)
    result = await _complete(client, uri, 8, line.index("enabled") + 3)
    assert [i.label for i in result.items] == ["enabled", "ingress", "disabled"]
