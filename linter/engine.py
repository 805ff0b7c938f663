"""The run: read files, index run-wide facts, run rules, filter suppressions, sort findings.

Phases, so that a rule judging one object already knows the whole input:

1. *Context pass*: files that hold a Namespace, or match a collector's trigger, are
   read first; Namespaces and collected facts go into the inventory.
2. *Object pass*: every file is read (context-pass files are not read twice) and
   the file- and resource-scope rules run; objects the cross-resource rules need
   are kept, everything else is dropped once its file is done.
3. *Inventory pass*: inventory-scope rules run over what was kept.

Phase 2 may run in worker processes (``--jobs``, linter/parallel.py); what it keeps for
phase 3 is pruned and packed the same way either way (linter/retain.py), so the output
does not depend on the number of jobs.

Long-lived callers (the language server) keep what each unchanged file contributes to
phases 1 and 3 as ``FileFacts`` (``Engine.read_facts``/``facts_of``) and pass them to
``run(known=...)``, so linting one edited file never re-reads the others.

The engine knows no rule by name: rules come from the registry.
"""

from __future__ import annotations

import os
import sys

from linter import parallel
from linter import source as source_mod
from linter.context import FileContext, InventoryContext, ResourceContext
from linter.inventory import Inventory
from linter.model import resources_of
from linter.record import Record
from linter.retain import compact
from linter.rule import Severity
from linter.suppress import add_annotation_suppressions, per_file_ignored, scan_comments
from linter.triggers import Triggers

_NAMESPACE_TRIGGER = r"""["']?kind["']?\s*:\s*["']?Namespace\b"""


def _peek(path: str, limit: int) -> bytes | None:
    try:
        return source_mod.read_bytes(path, limit)
    except OSError:  # unreadable, or larger than max-file-size: phase 2 reports it
        return None


class FileFacts(Record, frozen=True):
    """What one file contributes to a run over other files: the objects of the context
    pass (Namespaces, collector input), replayed into each run's inventory, and the
    objects kept for inventory-scope rules.  Its findings are not part of it."""

    __slots__ = ("path", "context", "retained", "documents", "unread")

    def __init__(self, path: str, context: tuple = (), retained: tuple = (), documents: tuple = (), unread: tuple = ()):
        self.path = path  # display path
        self.context = context
        self.retained = retained
        self.documents = documents  # context-pass documents that hold no object (Helm values), for document collectors
        self.unread = unread  # source.unread_namespaces: what the file may hold that was not read


def _drop_fixes_in_duplicates(src, sink: list, first: int) -> None:
    """No fix edits an entry whose key appears twice in its mapping.

    Which of the two values counts depends on the reader (and the API server rejects the
    object), so such an edit has no meaning to keep: removing one copy reveals the other, and
    the same fix would be offered pass after pass (found by fuzzing).  Dropping the fix here
    keeps --fix, the "fixable" counts, SARIF fixes and the editor's quick fixes in agreement;
    the duplicate itself is a finding, and the fixes come back once it is gone.
    """
    regions = [(src.offset(r.line, r.col), src.offset(r.end_line, r.end_col)) for p in src.problems for r in p.regions]
    if not regions:
        return
    for f in sink[first:]:
        if f.fix is None or f.path != src.path:
            continue
        try:
            edits = [(src.offset(e.span.line, e.span.col), src.offset(e.span.end_line, e.span.end_col)) for e in f.fix.edits]
        except (TypeError, AttributeError, IndexError):
            continue
        if any(_touches(e, r) for e in edits for r in regions):
            f.fix = None


def _touches(edit, region) -> bool:
    (a, b), (c, d) = edit, region
    return (a < d and c < b) if a < b else c < a <= d  # an insertion at the end extends the value


class RunResult(Record):
    __slots__ = ("findings", "files_checked", "sources", "internal_errors", "inventory")

    def __init__(self, findings: list, files_checked: int, sources: dict | None = None,
                 internal_errors: list | None = None, inventory: Inventory | None = None):
        self.findings = findings
        self.files_checked = files_checked
        self.sources = {} if sources is None else sources  # display path -> SourceFile (kept for --fix)
        self.internal_errors = [] if internal_errors is None else internal_errors
        self.inventory = inventory


class Engine:
    def __init__(self, settings, registry, selected: set, *, keep_sources: bool = False, jobs: int | None = 1):
        self.settings = settings
        self.registry = registry
        self.selected = selected
        # run only for their findings on the configuration file (linter.api.Selection)
        self.config_only = getattr(selected, "config_only", frozenset())
        self.keep_sources = keep_sources
        self.jobs = jobs  # processes for phase 2, None: as many as cores (parallel.py decides whether it pays)
        self.progress = None  # callable(files done, total), for the CLI's progress line
        active = [r for rid, r in registry.rules.items() if rid in selected]
        self.file_rules = [r for r in active if r.scope == "file"]
        self.resource_rules = [r for r in active if r.scope == "resource"]
        self.inventory_rules = [r for r in active if r.scope == "inventory"]
        self.retain_kinds: set = set()
        self.retain_pods = False
        for r in self.inventory_rules:
            kinds = set(r.kinds)  # for inventory rules: what to keep ("*": every object)
            if "PodTemplate" in kinds:
                self.retain_pods = True
            self.retain_kinds |= kinds
        self.context_trigger = Triggers([_NAMESPACE_TRIGGER] + [c.trigger for c in registry.collectors])
        self.internal_errors: list = []
        self._by_kind: dict = {}  # (kind, has a pod template) -> resource rules (see _rules_for)

    # -- reading -------------------------------------------------------------------

    def _read(self, real: str | None, display: str, data: bytes | None):
        limit = getattr(self.settings, "max_file_size", source_mod.MAX_FILE_BYTES)
        if data is not None:
            return source_mod.parse_bytes(display, data, limit)
        return source_mod.read_file(real, display, limit)

    def _peek(self, real: str) -> bytes | None:
        return _peek(real, getattr(self.settings, "max_file_size", source_mod.MAX_FILE_BYTES))

    def read_facts(self, real: str | None, display: str, data: bytes | None = None) -> FileFacts:
        """The FileFacts of a file on disk (or of ``data``); files that hold nothing run-wide are not parsed."""
        raw = data if data is not None else self._peek(real)
        if raw is None:  # unreadable or too large: it may hold anything
            return FileFacts(display, unread=("*",))
        hit = bool(self.context_trigger.search(raw))
        if not hit and not (self.retain_kinds or self.retain_pods):
            return FileFacts(display)
        return self.facts_of(self._read(real, display, data), hit)

    def facts_of(self, src, context: bool | None = None) -> FileFacts:
        """The FileFacts of a parsed file; ``context``: whether it matches the context trigger (None: test it)."""
        if context is None:
            context = bool(self.context_trigger.search(src.text.encode("utf-8", "surrogatepass")))
        resources = self._resources(src) if context or self.retain_kinds or self.retain_pods else []
        return FileFacts(
            src.path,
            tuple(resources) if context else (),
            tuple(compact(r) for r in resources if self._retained(r)),
            tuple(self._free_documents(src)) if context else (),
            source_mod.unread_namespaces(src),
        )

    def run(self, targets, context=(), stdin=None, known=(), contents=None) -> RunResult:
        """targets/context: lists of (real path, display path); stdin: (display, bytes) or None;
        known: FileFacts of further context files, used instead of reading them; contents:
        display path -> bytes read instead of a target file on disk (--fix lints its fixed text)."""
        self.internal_errors = []  # per run: a long-lived engine runs many times
        inv = Inventory(
            self.settings,
            frozenset(self.registry.rules),
            {rid: r.name for rid, r in self.registry.rules.items()},
        )
        contents = contents or {}
        jobs = [(real, disp, contents.get(disp), True) for real, disp in targets]
        if stdin is not None:
            jobs.append((None, stdin[0], stdin[1], True))
        reported = {disp for _, disp, _, _ in jobs}
        jobs += [(real, disp, None, False) for real, disp in context if disp not in reported]
        inv.reported = reported
        inv.files = [disp for _, disp, _, _ in jobs]
        read = set(inv.files)
        known = [k for k in known if k.path not in read]
        inv.files += [k.path for k in known]

        parsed: dict = {}
        # Phase 1: the context pass.  The trigger runs on raw bytes, so files that
        # hold nothing run-wide are neither decoded nor parsed twice.
        for real, disp, data, _ in jobs:
            raw = data if data is not None else self._peek(real)
            if raw is None or not self.context_trigger.search(raw):
                continue
            src = self._read(real, disp, data)
            parsed[disp] = src
            for res in self._resources(src):
                self._contribute(res, inv, disp)
            for doc in self._free_documents(src):
                self._collect_document(doc, inv, disp)
        for k in known:
            for res in k.context:
                self._contribute(res, inv, k.path)
            for doc in k.documents:
                self._collect_document(doc, inv, k.path)

        # Phase 2: the object pass.
        sink: list = []
        sources: dict = {}
        if not parallel.object_pass(self, jobs, parsed, inv, sink):
            for done, (real, disp, data, _) in enumerate(jobs, 1):
                src = parsed.pop(disp, None) or self._read(real, disp, data)
                self._check_file(src, inv, sink)
                if self.keep_sources:
                    sources[disp] = src
                if self.progress is not None:
                    self.progress(done, len(jobs))
        for k in known:
            inv.resources.extend(k.retained)
            if k.unread:
                inv.unread[k.path] = k.unread

        # Phase 3: the inventory pass.
        for rule in self.inventory_rules:
            ctx = InventoryContext(inv, rule, sink)
            self._guard(lambda: rule.check(ctx), rule.id, "(inventory)")

        findings = self._filter(sink, inv)
        return RunResult(findings, len(reported), sources, self.internal_errors, inv)

    def _contribute(self, res, inv: Inventory, disp: str) -> None:
        """Phase 1 for one object of a context-pass file."""
        if res.kind == "Namespace" and res.api_version == "v1":
            inv.add_namespace(res)
        for col in self.registry.collectors:
            self._guard(lambda: col.collect(res, inv), f"collector {col.name}", disp)

    def _retained(self, res) -> bool:
        """Whether an object is kept for the inventory-scope rules."""
        return res.kind in self.retain_kinds or "*" in self.retain_kinds or (
            self.retain_pods and res.pod_template is not None
        )

    def _free_documents(self, src) -> list:
        """Documents that hold no Kubernetes object (Helm values files), when a collector wants them."""
        if not any(c.documents is not None for c in self.registry.collectors):
            return []
        return [
            d for d in src.documents
            if isinstance(d.data, dict) and not (isinstance(d.data.get("kind"), str) and isinstance(d.data.get("apiVersion"), str))
        ]

    def _collect_document(self, doc, inv: Inventory, disp: str) -> None:
        for col in self.registry.collectors:
            if col.documents is not None:
                self._guard(lambda: col.documents(disp, doc, inv), f"collector {col.name}", disp)

    def _resources(self, src) -> list:
        out = []
        ns = self.settings.default_namespace
        for doc in src.documents:
            out.extend(resources_of(src.path, doc.index, doc.data, ns, doc.template_source))
        return out

    def _check_file(self, src, inv: Inventory, sink: list) -> None:
        first = len(sink)
        resources = self._resources(src)
        if src.problems:
            unread = source_mod.unread_namespaces(src)
            if unread:
                inv.unread[src.path] = unread
        sup = scan_comments(src.path, src.text)
        for res in resources:
            add_annotation_suppressions(sup, res, (res.doc_index, res.identity))
        if sup.lines or sup.whole_file or sup.resources or sup.references:
            inv.suppressions[src.path] = sup  # most files have none: 10,000 empty ones took 8 MB
        for rule in self.file_rules:
            ctx = FileContext(inv, rule, sink, src, resources)
            self._guard(lambda: rule.check(ctx), rule.id, src.path)
        for res in resources:
            for rule in self._rules_for(res):
                ctx = ResourceContext(inv, rule, sink, src, res)
                try:  # _guard, inlined: this runs for every rule and object of a run
                    rule.check(ctx)
                except Exception as e:  # noqa: BLE001 - a rule bug must not lose the other findings
                    self._failed(e, rule.id, f"{src.path} ({res.identity})")
            if self._retained(res):
                inv.resources.append(compact(res))
        if src.problems and len(sink) > first:
            _drop_fixes_in_duplicates(src, sink, first)
        inv.forget_meshes()
        for res in resources:
            res._pod = False  # res <-> pod template is a cycle: break it, so the file is freed at once, not by the GC

    def _rules_for(self, res) -> list:
        """The resource-scope rules that look at ``res`` (``kinds``; "PodTemplate": any pod template)."""
        key = (res.kind, res.pod_template is not None)
        rules = self._by_kind.get(key)
        if rules is None:
            rules = self._by_kind[key] = [
                r for r in self.resource_rules
                if not r.kinds or res.kind in r.kinds or ("PodTemplate" in r.kinds and key[1])
            ]
        return rules

    def _guard(self, fn, what: str, where: str) -> None:
        """Run a check; a crashing rule is reported as an internal error, never a traceback."""
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - a rule bug must not lose the other findings
            self._failed(e, what, where)

    def _failed(self, e: Exception, what: str, where: str) -> None:
        """Called while handling ``e``."""
        if isinstance(e, RecursionError):
            self.internal_errors.append(f"{what} gave up on {where}: structure too deep")
            return
        self.internal_errors.append(f"{what} failed on {where}: {type(e).__name__}: {e}")
        if getattr(sys, "_linkerd_lint_debug", False):
            raise

    # -- filtering -----------------------------------------------------------------

    def _config_file(self) -> str | None:
        path = getattr(self.settings, "config_path", None)
        return os.path.abspath(path) if path else None

    def _filter(self, findings: list, inv: Inventory) -> list:
        out = []
        overrides = {k.upper(): Severity.parse(v) for k, v in self.settings.severity.items()}
        per_file = {k: [i.upper() for i in v] for k, v in self.settings.per_file_ignores.items()}
        read = set(inv.files)
        config = self._config_file() if self.config_only else None
        for f in findings:
            if f.rule_id not in self.selected:
                continue
            if f.rule_id in self.config_only and os.path.abspath(f.path) != config:
                continue
            if f.path in read and f.path not in inv.reported:
                continue  # a context file: read for cross-resource facts, not reported
            sup = inv.suppressions.get(f.path)
            if sup is not None and sup.suppresses(f.rule_id, f.span.line, (f.doc_index, f.resource), inv.rule_names.get(f.rule_id)):
                continue
            if per_file and per_file_ignored(per_file, f.path, f.rule_id):
                continue
            if f.rule_id in overrides:
                f.severity = overrides[f.rule_id]
            out.append(f)
        out.sort(key=lambda f: f.sort_key())
        return _unique(out)


def _unique(findings: list) -> list:
    """``findings`` (sorted) without repeats.

    A map written once and used by alias in several places (``annotations: &ann`` merged
    into two Deployments) is judged in each, with the same message at the same place: the
    user wrote it once, so it is reported once (the first, in report order; it takes the
    fix of a repeat if it has none).  Run-wide notices (``once``) are kept once whatever
    their place: each worker process may have made its own."""
    first: dict = {}
    out = []
    for f in findings:
        key = (f.rule_id, f.message) if f.once else (f.rule_id, f.path, f.span, f.message)
        kept = first.get(key)
        if kept is None:
            first[key] = f
            out.append(f)
        elif kept.fix is None and f.fix is not None and not f.once:
            kept.fix = f.fix
    return out
