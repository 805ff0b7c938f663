"""The language server while a person types: a burst of edits is linted a few times, not once per
keystroke, and the last publication is of the last text; saving lints at once; new client settings
(workspace/didChangeConfiguration) apply without a restart.  A real LSP client (pytest-lsp)."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types as T
from pytest_lsp import LanguageClient, client_capabilities

from .test_lsp_server import DEPLOYMENT, NAMESPACE, SERVER, accept_registrations, codes, diagnostics, open_doc, replace_all

DEBOUNCE_MS = 1500  # long enough that a burst sent at once is never split by a slow machine

INJECT = DEPLOYMENT.replace(
    "      labels: {app: web}\n",
    '      labels: {app: web}\n      annotations:\n        linkerd.io/inject: "v0"\n'
        "        config.linkerd.io/proxy-memory-limit: 256Mi\n",
)


class Publications(dict):
    """client.diagnostics that also keeps every publication, in order."""

    def __init__(self):
        super().__init__()
        self.log: list = []

    def __setitem__(self, uri, diags):
        self.log.append((uri, list(diags)))
        super().__setitem__(uri, diags)

    def of(self, uri) -> list:
        return [d for u, d in self.log if u == uri]


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "repo"
    (root / "apps").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "namespace.yaml").write_text(NAMESPACE)
    (root / ".linkerd-lint.yaml").write_text('linkerd-version: "2.18"\n')
    return root


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, workspace):
    accept_registrations(lsp_client)
    lsp_client.diagnostics = Publications()
    params = T.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=workspace.as_uri(),
        workspace_folders=[T.WorkspaceFolder(uri=workspace.as_uri(), name="repo")],
        initialization_options={"debounceMs": DEBOUNCE_MS},
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def inject_value(diags) -> str | None:
    msgs = [d.message for d in diags if d.code == "LNK101"]
    return msgs[0].split("'")[1] if msgs else None


@pytest.mark.asyncio
async def test_a_burst_of_edits_is_linted_a_few_times_and_last_with_the_last_text(client, workspace):
    uri = open_doc(client, workspace / "apps" / "web.yaml", INJECT)
    await diagnostics(client, uri, lambda d: inject_value(d) == "v0")
    before = len(client.diagnostics.of(uri))
    for v in range(2, 22):  # twenty keystrokes 50 ms apart: time enough to lint each one, were it not debounced
        replace_all(client, uri, INJECT.replace('"v0"', f'"v{v}"'), v)
        await asyncio.sleep(0.05)
    final = await diagnostics(client, uri, lambda d: inject_value(d) == "v21")
    await asyncio.sleep(DEBOUNCE_MS / 1000 + 0.5)  # anything still pending has had its chance
    pubs = client.diagnostics.of(uri)[before:]
    # the leading edge (the first edit after a quiet spell, linted at once) and the end of the burst
    assert [inject_value(d) for d in pubs] == ["v2", "v21"]
    assert codes(pubs[-1]) == codes(final) == [("LNK101", 12, 27)]


@pytest.mark.asyncio
async def test_saving_a_manifest_lints_it_at_once(client, workspace):
    path = workspace / "apps" / "web.yaml"
    path.write_text(INJECT)
    uri = open_doc(client, path, INJECT)
    await diagnostics(client, uri, lambda d: inject_value(d) == "v0")
    replace_all(client, uri, INJECT.replace('"v0"', '"v1"'), 2)  # the leading edge: linted at once
    await diagnostics(client, uri, lambda d: inject_value(d) == "v1")
    fixed = INJECT.replace('"v0"', "enabled")
    replace_all(client, uri, fixed, 3)  # inside the debounce window: waits ...
    path.write_text(fixed)
    loop = asyncio.get_running_loop()
    saved = loop.time()
    client.text_document_did_save(T.DidSaveTextDocumentParams(text_document=T.TextDocumentIdentifier(uri=uri)))
    await diagnostics(client, uri, lambda d: inject_value(d) is None)  # ... unless saved
    assert loop.time() - saved < DEBOUNCE_MS / 1000 * 0.8


SERVER_V1BETA3 = """\
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  port: 8080
"""


@pytest.mark.asyncio
async def test_changed_client_settings_apply_without_a_restart(client, workspace):
    uri = open_doc(client, workspace / "server.yaml", SERVER_V1BETA3)
    await diagnostics(client, uri, lambda d: True)
    assert "LNK504" not in [d.code for d in client.diagnostics[uri]]  # 2.18 serves v1beta3
    client.workspace_did_change_configuration(
        T.DidChangeConfigurationParams(settings={"linkerd-lint": {"linkerdVersion": "2.15"}}))
    diags = await diagnostics(client, uri, lambda d: "LNK504" in [x.code for x in d])
    assert "is not served by Linkerd 2.15" in next(d.message for d in diags if d.code == "LNK504")
    client.workspace_did_change_configuration(T.DidChangeConfigurationParams(settings={"linkerd-lint": {}}))
    await diagnostics(client, uri, lambda d: "LNK504" not in [x.code for x in d])
    client.workspace_did_change_configuration(T.DidChangeConfigurationParams(settings=None))  # nothing to apply
    await asyncio.sleep(0.3)
    assert not [m for m in client.log_messages if "failed" in m.message]
