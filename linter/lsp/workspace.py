"""One workspace folder as the language server sees it: settings, an index of what every
file contributes to a run (Namespaces, collected facts, objects kept for cross-resource
rules), and linting one document, as edited, against that index.

The index is built once (``build_index``, meant for a worker thread) and then kept up
to date file by file: from the editor's buffer for open documents, from disk for the
others (file-watcher events).  Linting a document re-reads no other file.

Nothing here imports pygls: the benchmark and the tests drive it directly too.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field

from linter.api import LintError, load_registry, load_settings, selection
from linter.config import CONFIG_NAMES
from linter.engine import Engine, FileFacts
from linter.files import EXTENSIONS, InputError, discover, display_path, excluded
from linter.source import MAX_FILE_BYTES

CONFIG_FILES = frozenset(CONFIG_NAMES) | {"pyproject.toml"}

# Initialization options that overlay the discovered configuration (as the CLI's flags do).
OPTION_KEYS = {
    "linkerdVersion": "linkerd-version",
    "kubernetesVersion": "kubernetes-version",
    "defaultNamespace": "default-namespace",
}


@dataclass
class Outcome:
    """The result of linting one document."""

    findings: list  # findings on the document itself
    elsewhere: list  # findings on other files that no run reads (the configuration file)
    internal_errors: list
    dependents_stale: bool  # what the document contributes to other runs changed


@dataclass(eq=False)  # one object per folder: compared by identity
class Workspace:
    root: str
    options: dict = field(default_factory=dict)
    problem: str | None = None  # configuration error, shown to the user; defaults are used
    ready: bool = False  # the index is built

    def __post_init__(self):
        self.root = os.path.abspath(self.root)
        self.disk: dict = {}  # display path -> FileFacts read from disk
        self.buffers: dict = {}  # display path -> FileFacts of an open document, as edited
        self.disk_prints: dict = {}  # display path -> fingerprint (see _fingerprint), from disk
        self.buffer_prints: dict = {}  # ... of open documents
        self.prints: dict = {}  # ... as other files' runs see it now (the buffer's when open)
        self._changed_while_indexing: set = set()
        self._indexing = False
        self.load()

    # -- configuration ---------------------------------------------------------------

    def load(self) -> None:
        """(Re)read the configuration discovered from the workspace folder; the index is dropped."""
        overrides = {OPTION_KEYS[k]: v for k, v in self.options.items() if k in OPTION_KEYS and v}
        config = self.options.get("configFile") or None
        if config and not os.path.isabs(config):
            config = os.path.join(self.root, config)
        self.problem = None
        try:
            settings = load_settings(self.root, config, overrides)
        except LintError as e:
            settings = None
            if overrides:
                # A bad editor setting must not throw the project's configuration away with it
                try:
                    settings = load_settings(self.root, config, {})
                    names = ", ".join(k for k, v in self.options.items() if k in OPTION_KEYS and v)
                    self.problem = f"linkerd-lint: {e}; ignoring the editor settings ({names})"
                except LintError:
                    pass
            if settings is None:
                self.problem = f"linkerd-lint: {e}; using the default settings"
                settings = _defaults(self.root)
        try:
            registry = load_registry(settings)
        except Exception as e:  # noqa: BLE001 - a broken rule pack must not take the server down
            self.problem = f"linkerd-lint: {e}; only the built-in rules are loaded"
            registry = load_registry(None, plugins=False)
        self.settings = settings
        self.registry = registry
        try:
            chosen = selection(registry, settings)
        except LintError as e:  # pragma: no cover - selection() only raises for command-line selectors
            self.problem = f"linkerd-lint: {e}"
            chosen = set(registry.rules)
        self.engine = Engine(settings, registry, chosen, keep_sources=True)
        self.exclude = settings.exclude_globs(self.root)
        self.disk, self.disk_prints, self.prints, self.ready = {}, {}, {}, False
        self.buffers, self.buffer_prints = {}, {}

    def is_config(self, path: str) -> bool:
        """Whether a change to ``path`` can change this workspace's configuration."""
        path = os.path.abspath(path)
        if self.settings.config_path and os.path.abspath(self.settings.config_path) == path:
            return True
        if os.path.basename(path) not in CONFIG_FILES:
            return False
        folder = os.path.dirname(path)  # discovery walks up from the folder
        return self.root == folder or self.root.startswith(folder.rstrip(os.sep) + os.sep)

    # -- paths -----------------------------------------------------------------------

    def contains(self, path: str) -> bool:
        path = os.path.abspath(path)
        return path == self.root or path.startswith(self.root.rstrip(os.sep) + os.sep)

    def display(self, path: str) -> str:
        return display_path(path, self.root)

    def real(self, display: str) -> str:
        return display if os.path.isabs(display) else os.path.join(self.root, display)

    def lintable(self, path: str) -> bool:
        return path.endswith(EXTENSIONS) and not excluded(self.display(path), self.exclude)

    # -- the index ---------------------------------------------------------------------

    def files(self) -> list:
        """(real, display) of every manifest in the folder and in the configured context paths."""
        s = self.settings
        extra = [p if os.path.isabs(p) else os.path.normpath(os.path.join(s.base_dir, p)) for p in s.context]
        paths = [self.root] + [p for p in extra if os.path.exists(p)]
        try:
            return discover(paths, self.root, self.exclude)
        except InputError:  # pragma: no cover - a path vanished between exists() and the walk
            return []

    def build_index(self, progress=None) -> dict:
        """Read what every file contributes: display -> (FileFacts, fingerprint).  Touches no
        state of this object, so it runs in a worker thread; ``progress(done, total)`` is
        called now and then."""
        engine = self.engine
        files = self.files()
        out = {}
        step = max(50, len(files) // 20)
        for i, (real, disp) in enumerate(files, 1):
            out[disp] = _read(engine, real, disp)
            if progress is not None and i % step == 0:
                progress(i, len(files))
        return out

    def begin_indexing(self) -> None:
        self._indexing = True
        self._changed_while_indexing = set()

    def install_index(self, index: dict, engine=None) -> None:
        """Adopt an index built by ``build_index`` (ignored if the configuration changed meanwhile)."""
        if engine is not None and engine is not self.engine:
            return
        self.disk = {d: facts for d, (facts, _) in index.items()}
        self.disk_prints = {d: fp for d, (_, fp) in index.items() if fp is not None}
        self._indexing = False
        for path in self._changed_while_indexing:  # file events that raced the build
            self._refresh_disk(path)
        self._changed_while_indexing = set()
        self.prints = {**self.disk_prints, **self.buffer_prints}
        self.ready = True

    def file_changed(self, path: str, deleted: bool = False) -> bool:
        """A file changed on disk; returns True when open documents must be linted again."""
        display = self.display(path)
        if self._indexing:
            self._changed_while_indexing.add(path)
            return False
        if deleted and not path.endswith(EXTENSIONS):  # a directory went away with its files
            inside = self.real(display).rstrip(os.sep) + os.sep
            gone = [d for d in self.disk if self.real(d).startswith(inside)]
            return any([self.file_changed(self.real(d), deleted=True) for d in gone])
        self._refresh_disk(path, deleted)
        if display in self.buffers:
            return False  # the editor's buffer wins over the disk
        return self._set_print(display, self.disk_prints.get(display))

    def _refresh_disk(self, path: str, deleted: bool = False) -> None:
        display = self.display(path)
        if deleted or not os.path.isfile(path) or not self.lintable(path):
            self.disk.pop(display, None)
            self.disk_prints.pop(display, None)
            return
        facts, fp = _read(self.engine, path, display)
        self.disk[display] = facts
        if fp is None:
            self.disk_prints.pop(display, None)
        else:
            self.disk_prints[display] = fp

    def close(self, display: str) -> bool:
        """An open document was closed: its disk content counts again.  True: others must be linted again."""
        if self.buffers.pop(display, None) is None:
            return False
        self.buffer_prints.pop(display, None)
        self._refresh_disk(self.real(display))
        return self._set_print(display, self.disk_prints.get(display))

    def _set_print(self, display: str, new) -> bool:
        old = self.prints.get(display)
        if new is None:
            self.prints.pop(display, None)
        else:
            self.prints[display] = new
        return new != old

    # -- linting -------------------------------------------------------------------------

    def known(self, display: str) -> list:
        """FileFacts of every other file: from open buffers, else from disk."""
        return [f for p, f in {**self.disk, **self.buffers}.items() if p != display]

    def compute(self, display: str, text: str, known: list, engine=None):
        """Lint ``text`` as the file ``display`` against ``known``; touches no state of this
        object, so it can run in a worker thread.  Returns (Outcome, FileFacts of the text,
        their fingerprint)."""
        engine = engine or self.engine
        data = text.encode("utf-8", "surrogatepass")
        result = engine.run([], (), stdin=(display, data), known=known)
        own, elsewhere = [], []
        for f in result.findings:
            (own if f.path == display else elsewhere).append(f)
        src = result.sources.get(display)
        facts = engine.facts_of(src) if src is not None else FileFacts(display)
        return Outcome(own, elsewhere, list(result.internal_errors), False), facts, _fingerprint(facts, data)

    def adopt(self, display: str, facts, fingerprint) -> bool:
        """Record what an open document now contributes; True when other documents must be linted again."""
        self.buffers[display] = facts
        if fingerprint is None:
            self.buffer_prints.pop(display, None)
        else:
            self.buffer_prints[display] = fingerprint
        return self._set_print(display, fingerprint)

    def lint(self, display: str, text: str) -> Outcome:
        """Lint ``text`` as the file ``display``, with every other file of the index as context."""
        outcome, facts, fingerprint = self.compute(display, text, self.known(display))
        outcome.dependents_stale = self.adopt(display, facts, fingerprint)
        return outcome


def _defaults(root: str):
    from linter.config import Settings

    s = Settings()
    s.base_dir = root
    return s


def _read(engine, real: str, display: str) -> tuple:
    """(FileFacts, fingerprint) of a file on disk, read once."""
    try:
        with open(real, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError:
        return FileFacts(display), None
    facts = engine.read_facts(real, display, raw)
    return facts, _fingerprint(facts, raw)


def _fingerprint(facts: FileFacts, data: bytes):
    """Changes whenever what other files' runs see of this file may have changed (None: nothing).

    The text's hash, not the objects': most edits of a manifest change objects kept for
    cross-resource rules anyway, and hashing is a thousand times cheaper than comparing them."""
    if not (facts.context or facts.retained or facts.documents):
        return None
    return hashlib.blake2b(data, digest_size=16).digest()
