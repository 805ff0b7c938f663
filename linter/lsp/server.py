"""The language server over stdio: pygls glue around ``linter.lsp.workspace``.

State lives on the event loop; linting runs in one worker thread, one document at a
time, and requests for a document coalesce while it runs, so hover, completion and
code actions answer even while a slow rule pack lints.  The workspace index is built
in another thread at start-up.  ``didChange`` is debounced with a leading edge: an
edit after a quiet spell is linted at once, a burst of keystrokes once more when it
stops (``debounceMs`` after the last one); open and save lint at once.  Every handler
catches its own errors: a bug shows up in the client's log, never as a dead server.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from lsprotocol import types as T
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from linter import __version__
from linter.files import EXTENSIONS, excluded
from linter.lsp import features
from linter.lsp.positions import UTF16, Lines
from linter.lsp.workspace import Workspace
from linter.rule import Severity

log = logging.getLogger("linkerd-lint.server")

SOURCE, FIX_ALL = features.SOURCE, features.FIX_ALL
DEFAULT_DEBOUNCE_MS = 150
LANGUAGES = ("yaml", "json")
_SEVERITY = {
    Severity.ERROR: T.DiagnosticSeverity.Error,
    Severity.WARNING: T.DiagnosticSeverity.Warning,
    Severity.INFO: T.DiagnosticSeverity.Information,
}


@dataclass
class Doc:
    uri: str
    display: str
    ws: Workspace
    timer: asyncio.TimerHandle | None = None
    pending: bool = False  # an edit arrived during the debounce window
    version: int | None = None  # version of the text last linted
    text: str = ""
    findings: list = field(default_factory=list)
    waiters: list = field(default_factory=list)  # (version, future) of requests waiting for fresh findings
    diagnostics: list = field(default_factory=list)  # published for the findings
    checked: object = None  # actions.Checked: fixes of this text, verified once each


class LinkerdLintServer(LanguageServer):
    def __init__(self):
        super().__init__("linkerd-lint", __version__, text_document_sync_kind=T.TextDocumentSyncKind.Incremental)
        self.options: dict = {}
        self.init_options: dict = {}  # initializationOptions; didChangeConfiguration settings overlay them
        self.folders: list = []  # Workspace objects of the client's workspace folders
        self.loose: dict = {}  # directory -> Workspace for files outside every folder
        self.docs: dict = {}  # uri -> Doc
        self.debounce = DEFAULT_DEBOUNCE_MS / 1000
        self.elsewhere: dict = {}  # uri -> (Workspace, diagnostics) on files no run reads (config)
        self.logged: set = set()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="linkerd-lint")
        self.queue: dict = {}  # uris waiting for a lint, in order
        self.busy = False  # a lint is running in the worker thread
        self._disk_lines: dict = {}  # path -> (mtime, Lines) of files related locations point into

    # -- plumbing ----------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        enc = self.workspace.position_encoding
        return str(getattr(enc, "value", enc) or UTF16)

    def say(self, message: str, kind=T.MessageType.Info, show: bool = False) -> None:
        params = T.LogMessageParams(type=kind, message=message)
        self.window_log_message(params)
        if show:
            self.window_show_message(T.ShowMessageParams(type=kind, message=message))

    def failed(self, what: str, error: Exception) -> None:
        """A bug in the server: logged (stderr and the client's log), never fatal."""
        log.error("%s failed", what, exc_info=error)
        self.say(f"linkerd-lint: {what} failed: {type(error).__name__}: {error} (please report this)", T.MessageType.Error)

    def safely(self, what: str, fn, params):
        """A request handler's answer, or None (and a log entry) if it fails."""
        try:
            return fn(self, params)
        except Exception as e:  # noqa: BLE001
            self.failed(what, e)
            return None

    def client_supports(self, path: str, default=False):
        from pygls.capabilities import get_capability

        try:
            return get_capability(self.client_capabilities, path, default)
        except Exception:  # noqa: BLE001 - unknown capability path
            return default

    def workspace_of(self, uri: str) -> Workspace:
        """The workspace of a document, tracked or not (hover and completion work in any YAML)."""
        doc = self.docs.get(uri)
        if doc is not None:
            return doc.ws
        return self.workspace_for(to_fs_path(uri) if uri.startswith("file:") else None)

    def workspace_for(self, path: str | None) -> Workspace:
        if path is not None:
            inside = [w for w in self.folders if w.contains(path)]
            if inside:
                return max(inside, key=lambda w: len(w.root))
        folder = os.path.dirname(path) if path else os.getcwd()
        ws = self.loose.get(folder)
        if ws is None:
            ws = Workspace(folder, self.options)
            ws.install_index({})  # no index outside a workspace folder: open documents only
            self.loose[folder] = ws
            if ws.problem:
                self.say(ws.problem, T.MessageType.Warning, show=True)
        return ws

    # -- linting -------------------------------------------------------------------------

    def edited(self, uri: str) -> None:
        """didChange: lint at once after a quiet spell, and once more when a burst of edits stops."""
        doc = self.docs.get(uri)
        if doc is None:
            return
        loop = asyncio.get_running_loop()
        if doc.timer is None:
            doc.pending = False
            self.request(uri)
        else:
            doc.timer.cancel()
            doc.pending = True
        doc.timer = loop.call_later(self.debounce, self._quiet, uri)

    def _quiet(self, uri: str) -> None:
        doc = self.docs.get(uri)
        if doc is None:
            return
        doc.timer = None
        if doc.pending:
            doc.pending = False
            self.request(uri)

    def request(self, uri: str, now: bool = False) -> None:
        """Queue a lint of the document's current text (requests for one document coalesce)."""
        doc = self.docs.get(uri)
        if doc is not None and now and doc.timer is not None:
            doc.timer.cancel()
            doc.timer, doc.pending = None, False
        self.queue[uri] = None
        if not self.busy:
            self._next()

    def _next(self) -> None:
        """Start the next queued lint in the worker thread; the event loop stays free for requests."""
        while self.queue:
            uri = next(iter(self.queue))
            del self.queue[uri]
            doc = self.docs.get(uri)
            if doc is None or not doc.ws.ready:
                continue  # closed, or linted when the index is ready
            ws = doc.ws
            try:
                td = self.workspace.get_text_document(uri)
                job = (doc, ws.engine, td.source, td.version, time.perf_counter())
                known = ws.known(doc.display)
            except Exception as e:  # noqa: BLE001
                self.failed(f"starting a lint of {uri}", e)
                continue
            self.busy = True
            fut = asyncio.get_running_loop().run_in_executor(self.pool, ws.compute, doc.display, job[2], known, job[1])
            fut.add_done_callback(lambda f, job=job: self._finished(f, *job))
            return

    def _finished(self, fut, doc: Doc, engine, text: str, version, started: float) -> None:
        self.busy = False
        try:
            if fut.cancelled():
                return
            outcome, facts, fingerprint = fut.result()
            if self.docs.get(doc.uri) is doc and doc.ws.engine is engine:  # else: closed, or config reloaded
                self.publish(doc, outcome, (facts, fingerprint), text, version, started)
        except Exception as e:  # noqa: BLE001 - never take the server down
            self.failed(f"linting {doc.display}", e)
        finally:
            self._next()

    def publish(self, doc: Doc, outcome, contribution: tuple, text: str, version, started: float) -> None:
        stale = doc.ws.adopt(doc.display, *contribution)
        doc.text, doc.version, doc.findings = text, version, outcome.findings
        lines = Lines(text, self.encoding)
        doc.diagnostics = [self.diagnostic(f, lines, doc.ws) for f in outcome.findings]
        extra = self.elsewhere.get(doc.uri, (None, []))[1]  # e.g. LNK004 on the open configuration file
        self.text_document_publish_diagnostics(
            T.PublishDiagnosticsParams(uri=doc.uri, diagnostics=doc.diagnostics + extra, version=version)
        )
        log.debug("linted %s (version %s) in %.1f ms", doc.display, version, (time.perf_counter() - started) * 1000)
        self._publish_elsewhere(doc.ws, outcome.elsewhere)
        for msg in outcome.internal_errors:
            if msg not in self.logged:
                self.logged.add(msg)
                self.say(f"linkerd-lint: internal error: {msg} (please report this)", T.MessageType.Error)
        waiting, doc.waiters = doc.waiters, []
        for want, fut in waiting:
            if fut.done():
                continue
            if version is None or want is None or want <= version:
                fut.set_result(None)
            else:
                doc.waiters.append((want, fut))
        if stale:
            self.relint(doc.ws, skip=doc.uri)

    async def fresh(self, uri: str) -> Doc | None:
        """The document, with findings for its current text (linted now if an edit is still pending)."""
        doc = self.docs.get(uri)
        if doc is None:
            return None
        td = self.workspace.get_text_document(uri)
        if doc.version == td.version and doc.text == td.source:
            return doc
        if not doc.ws.ready:
            return None
        fut = asyncio.get_running_loop().create_future()
        doc.waiters.append((td.version, fut))
        self.request(uri, now=True)
        try:
            await asyncio.wait_for(fut, 30)
        except asyncio.TimeoutError:
            return None
        return doc if doc.version == td.version else None

    def relint(self, ws: Workspace, skip: str | None = None) -> None:
        for other in list(self.docs.values()):
            if other.ws is ws and other.uri != skip:
                self.request(other.uri)

    def diagnostic(self, f, lines: Lines, ws: Workspace) -> T.Diagnostic:
        start, end = lines.span_to_lsp(f.span)
        rule = ws.registry.rules.get(f.rule_id)
        related = None
        message = f.message
        if f.related:
            if self.client_supports("text_document.publish_diagnostics.related_information", False):
                related = [
                    T.DiagnosticRelatedInformation(location=self.location(ws, r.path, r.span, lines, f.path), message=r.message)
                    for r in f.related
                ]
            else:
                message += "".join(f"\n{r.path}:{r.span.line}:{r.span.col}: {r.message}" for r in f.related)
        return T.Diagnostic(
            range=T.Range(T.Position(*start), T.Position(*end)),
            message=message,
            severity=_SEVERITY.get(f.severity, T.DiagnosticSeverity.Warning),
            code=f.rule_id,
            code_description=T.CodeDescription(href=rule.doc_url) if rule is not None else None,
            source=SOURCE,
            related_information=related,
        )

    def location(self, ws: Workspace, path: str, span, own_lines: Lines, own_path: str) -> T.Location:
        real = ws.real(path) if path == own_path or not os.path.isabs(path) else path
        lines = own_lines if path == own_path else self.lines_of(real)
        start, end = lines.span_to_lsp(span)
        return T.Location(uri=from_fs_path(real), range=T.Range(T.Position(*start), T.Position(*end)))

    def lines_of(self, path: str) -> Lines:
        """The lines of another file (its open buffer, else the disk), for related locations."""
        uri = from_fs_path(path)
        if uri in self.docs:
            text = self.workspace.get_text_document(uri).source
        else:
            try:
                stamp = os.stat(path).st_mtime_ns
            except OSError:
                return Lines("", self.encoding)
            hit = self._disk_lines.get(path)
            if hit is not None and hit[0] == stamp and hit[1].encoding == self.encoding:
                return hit[1]
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
            except OSError:
                return Lines("", self.encoding)
            lines = Lines(text, self.encoding)
            if len(self._disk_lines) > 64:
                self._disk_lines.clear()
            self._disk_lines[path] = (stamp, lines)
            return lines
        return Lines(text, self.encoding)

    def _publish_elsewhere(self, ws: Workspace, findings: list) -> None:
        """Findings on files no run reads (the configuration file, LNK004): published on that file."""
        by_uri: dict = {}
        for f in findings:
            path = f.path if os.path.isabs(f.path) else os.path.abspath(f.path)  # rules make it relative to the cwd
            by_uri.setdefault(from_fs_path(path), []).append(self.diagnostic(f, self.lines_of(path), ws))
        for uri, (owner, old) in list(self.elsewhere.items()):
            if owner is ws and old and uri not in by_uri:
                by_uri[uri] = []
        for uri, diags in by_uri.items():
            old = self.elsewhere.get(uri, (ws, []))[1]
            if [_diag_key(d) for d in old] == [_diag_key(d) for d in diags]:
                continue
            self.elsewhere[uri] = (ws, diags)
            doc = self.docs.get(uri)
            own = doc.diagnostics if doc is not None else []
            version = doc.version if doc is not None else None
            self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=own + diags, version=version))

    # -- workspace lifecycle -------------------------------------------------------------

    async def index(self, ws: Workspace) -> None:
        engine = ws.engine
        ws.begin_indexing()
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        token = await self._progress_begin(f"indexing {os.path.basename(ws.root) or ws.root}")

        def progress(done: int, total: int) -> None:  # from the worker thread
            if token is not None:
                report = T.WorkDoneProgressReport(message=f"{done}/{total} files", percentage=int(100 * done / max(1, total)))
                loop.call_soon_threadsafe(self._progress, token, report)

        try:
            disk = await loop.run_in_executor(None, ws.build_index, progress)
        except Exception as e:  # noqa: BLE001
            log.exception("indexing failed")
            self.say(f"linkerd-lint: could not index {ws.root}: {e}; linting open files only", T.MessageType.Error)
            disk = {}
        elapsed = (time.perf_counter() - started) * 1000
        self._progress(token, T.WorkDoneProgressEnd(message=f"{len(disk)} files in {elapsed:.0f} ms"))
        if engine is not ws.engine:
            return  # the configuration was reloaded meanwhile; its own index is on the way
        ws.install_index(disk, engine)
        self.say(f"linkerd-lint: indexed {len(disk)} files under {ws.root} in {elapsed:.0f} ms")
        self.relint(ws)

    async def _progress_begin(self, message: str):
        """A work-done progress token, when the client shows progress (None otherwise)."""
        if not self.client_supports("window.work_done_progress", False):
            return None
        token = f"linkerd-lint/{time.monotonic_ns()}"
        try:
            await asyncio.wait_for(self.work_done_progress.create_async(token), 5)
            self.work_done_progress.begin(token, T.WorkDoneProgressBegin(title="linkerd-lint", message=message, percentage=0))
        except Exception as e:  # noqa: BLE001 - progress is a nicety
            log.info("no progress reporting: %s", e)
            return None
        return token

    def _progress(self, token, value) -> None:
        if token is None:
            return
        try:
            if isinstance(value, T.WorkDoneProgressEnd):
                self.work_done_progress.end(token, value)
            else:
                self.work_done_progress.report(token, value)
        except Exception as e:  # noqa: BLE001
            log.info("progress report failed: %s", e)

    def reload(self, ws: Workspace) -> None:
        ws.load()
        if ws.problem:
            self.say(ws.problem, T.MessageType.Warning, show=True)
        else:
            self.say(f"linkerd-lint: configuration reloaded for {ws.root}")
        if ws in self.folders:
            asyncio.get_running_loop().create_task(self.index(ws))
        else:  # outside every folder: no index, open documents only
            ws.install_index({})
            self.relint(ws)

    def configure(self, settings) -> None:
        """workspace/didChangeConfiguration: the client's settings (the initialization options' keys,
        bare or under ``linkerd-lint``) overlay the initialization options; every workspace reloads."""
        if isinstance(settings, dict) and isinstance(settings.get("linkerd-lint"), dict):
            settings = settings["linkerd-lint"]
        if not isinstance(settings, dict):
            return  # null or another shape: nothing to apply (the server does not pull settings)
        self.options = {**self.init_options, **settings}
        self.set_debounce()
        for ws in self.folders + list(self.loose.values()):
            ws.options = self.options
            self.reload(ws)

    def set_debounce(self) -> None:
        ms = self.options.get("debounceMs", DEFAULT_DEBOUNCE_MS)
        if isinstance(ms, (int, float)) and not isinstance(ms, bool) and ms >= 0:
            self.debounce = ms / 1000

    def add_folder(self, uri: str) -> Workspace | None:
        path = to_fs_path(uri)
        if path is None or any(w.root == os.path.abspath(path) for w in self.folders):
            return None
        ws = Workspace(path, self.options)
        self.folders.append(ws)
        return ws

    def open_doc(self, uri: str, language: str) -> Doc | None:
        """Start tracking a document that is a manifest (by extension or language id)."""
        if language == "helm":
            return None  # Helm chart templates are not manifests: lint the rendered output
        path = to_fs_path(uri) if uri.startswith("file:") else None
        ws = self.workspace_for(path)
        if path is not None:
            if not (path.endswith(EXTENSIONS) or language in LANGUAGES):
                return None
            display = ws.display(path)
        elif language in LANGUAGES:
            display = uri.rsplit("/", 1)[-1].split(":")[-1] or "untitled.yaml"
        else:
            return None
        if excluded(display, ws.exclude):
            return None
        doc = Doc(uri, display, ws)
        self.docs[uri] = doc
        return doc


def create_server() -> LinkerdLintServer:
    server = LinkerdLintServer()

    @server.feature(T.INITIALIZE)
    def initialize(ls: LinkerdLintServer, params: T.InitializeParams):
        opts = params.initialization_options
        ls.options = dict(opts) if isinstance(opts, dict) else {}
        ls.init_options = dict(ls.options)
        ls.set_debounce()
        folders = [f.uri for f in params.workspace_folders or []]
        if not folders and params.root_uri:
            folders = [params.root_uri]
        elif not folders and params.root_path:
            folders = [from_fs_path(params.root_path)]
        for uri in folders:
            ls.add_folder(uri)

    @server.feature(T.INITIALIZED)
    async def initialized(ls: LinkerdLintServer, params: T.InitializedParams):
        from linter import source

        if not source.C_PARSER:
            ls.say("linkerd-lint: " + source.PURE_PYTHON_NOTICE, T.MessageType.Warning)
        for ws in ls.folders:
            if ws.problem:
                ls.say(ws.problem, T.MessageType.Warning, show=True)
            asyncio.get_running_loop().create_task(ls.index(ws))
        if ls.client_supports("workspace.did_change_watched_files.dynamic_registration", False):
            watchers = [T.FileSystemWatcher(glob_pattern=g) for g in ("**/*.{yaml,yml,json}", "**/pyproject.toml")]
            reg = T.Registration(
                id="linkerd-lint-watch",
                method=T.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=T.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
            )
            try:
                await ls.client_register_capability_async(T.RegistrationParams(registrations=[reg]))
            except Exception as e:  # noqa: BLE001 - the client declined: saved files still refresh the index
                log.info("file watching not registered: %s", e)

    @server.feature(T.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LinkerdLintServer, params: T.DidOpenTextDocumentParams):
        td = params.text_document
        if ls.open_doc(td.uri, td.language_id) is not None:
            ls.request(td.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LinkerdLintServer, params: T.DidChangeTextDocumentParams):
        ls.edited(params.text_document.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_SAVE, T.SaveOptions(include_text=False))
    def did_save(ls: LinkerdLintServer, params: T.DidSaveTextDocumentParams):
        uri = params.text_document.uri
        path = to_fs_path(uri) if uri.startswith("file:") else None
        reloaded = [ws for ws in ls.folders + list(ls.loose.values()) if path is not None and ws.is_config(path)]
        for ws in reloaded:
            ls.reload(ws)
        if uri in ls.docs and not reloaded:
            ls.request(uri, now=True)

    @server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LinkerdLintServer, params: T.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        doc = ls.docs.pop(uri, None)
        if doc is None:
            return
        if doc.timer is not None:
            doc.timer.cancel()
        ls.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        try:
            if doc.ws.ready and doc.ws.close(doc.display):
                ls.relint(doc.ws)
        except Exception as e:  # noqa: BLE001
            ls.failed("closing a document", e)

    @server.feature(T.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: LinkerdLintServer, params: T.DidChangeWatchedFilesParams):
        reload, stale = set(), set()
        for change in params.changes:
            path = to_fs_path(change.uri) if change.uri.startswith("file:") else None
            if path is None:
                continue
            for ws in ls.folders:
                if ws.is_config(path):
                    reload.add(id(ws))
                elif ws.contains(path) and id(ws) not in reload:
                    try:
                        if ws.file_changed(path, deleted=change.type == T.FileChangeType.Deleted):
                            stale.add(id(ws))
                    except Exception as e:  # noqa: BLE001
                        ls.failed("updating the index", e)
        for ws in ls.folders:
            if id(ws) in reload:
                ls.reload(ws)
            elif id(ws) in stale:
                ls.relint(ws)

    @server.feature(T.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration_changed(ls: LinkerdLintServer, params: T.DidChangeConfigurationParams):
        try:
            ls.configure(params.settings)
        except Exception as e:  # noqa: BLE001
            ls.failed("applying the new settings", e)

    @server.feature(T.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(ls: LinkerdLintServer, params: T.DidChangeWorkspaceFoldersParams):
        for f in params.event.removed:
            path = to_fs_path(f.uri)
            ls.folders = [w for w in ls.folders if path is None or w.root != os.path.abspath(path)]
        for f in params.event.added:
            ws = ls.add_folder(f.uri)
            if ws is not None:
                asyncio.get_running_loop().create_task(ls.index(ws))

    @server.feature(
        T.TEXT_DOCUMENT_CODE_ACTION,
        T.CodeActionOptions(code_action_kinds=[T.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False),
    )
    async def code_action(ls: LinkerdLintServer, params: T.CodeActionParams):
        try:
            return await features.code_actions(ls, params)
        except Exception as e:  # noqa: BLE001
            ls.failed("code actions", e)
            return None

    @server.feature(T.TEXT_DOCUMENT_HOVER)
    def hover_handler(ls: LinkerdLintServer, params: T.HoverParams):
        return ls.safely("hover", features.hover, params)

    @server.feature(T.TEXT_DOCUMENT_COMPLETION, T.CompletionOptions(trigger_characters=["/", ":", "=", ","]))
    def completion_handler(ls: LinkerdLintServer, params: T.CompletionParams):
        return ls.safely("completion", features.completion, params)

    @server.feature(T.SHUTDOWN)
    def shutdown(ls: LinkerdLintServer, params):
        for doc in ls.docs.values():
            if doc.timer is not None:
                doc.timer.cancel()
        ls.queue.clear()
        ls.pool.shutdown(wait=False, cancel_futures=True)

    return server


def _diag_key(d: T.Diagnostic) -> tuple:
    r = d.range
    return (d.code, r.start.line, r.start.character, r.end.line, r.end.character, d.message)


def serve(log_level: str = "warning") -> None:
    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.WARNING), format="%(levelname)s %(name)s: %(message)s")
    create_server().start_io()
