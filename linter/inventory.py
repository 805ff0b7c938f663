"""Run-wide knowledge: the Namespaces, the collected facts, and objects kept for cross-resource rules."""

from __future__ import annotations

from linter.mesh import MeshConfig, Value, decide
from linter.record import Record


class Inventory(Record):
    __slots__ = ("settings", "known_rule_ids", "rule_names", "namespaces", "proxy_defaults", "facts", "resources",
                 "suppressions", "reported", "files", "unread", "_mesh")
    _hidden = ("_mesh",)

    def __init__(
        self,
        settings: object,
        known_rule_ids: frozenset = frozenset(),
        rule_names: dict | None = None,
        namespaces: dict | None = None,
        proxy_defaults: dict | None = None,
        facts: dict | None = None,
        resources: list | None = None,
        suppressions: dict | None = None,
        reported: set | None = None,
        files: list | None = None,
        unread: dict | None = None,
        _mesh: dict | None = None,
    ):
        self.settings = settings
        self.known_rule_ids = known_rule_ids
        self.rule_names = {} if rule_names is None else rule_names  # id -> name, for selector checks
        self.namespaces = {} if namespaces is None else namespaces  # name -> Namespace Resource (first seen)
        self.proxy_defaults = {} if proxy_defaults is None else proxy_defaults  # key -> Value: every pod's baseline
        self.facts = {} if facts is None else facts  # filled by collectors
        self.resources = [] if resources is None else resources  # kept for inventory-scope rules
        self.suppressions = {} if suppressions is None else suppressions  # path -> FileSuppressions
        self.reported = set() if reported is None else reported  # display paths whose findings are reported
        self.files = [] if files is None else files  # every display path read (reported and context)
        # Files that may hold objects the run did not see (a syntax error, unreadable, too large):
        # display path -> the namespaces their text names (linter.source.unread_namespaces).
        self.unread = {} if unread is None else unread
        self._mesh = {} if _mesh is None else _mesh
        for key, val in getattr(settings, "proxy_defaults", {}).items():
            self.proxy_defaults[key] = Value(val, "config", getattr(settings, "config_path", None))

    def selector_known(self, selector: str) -> bool:
        from linter.registry import match_selector

        return match_selector(self.rule_names, selector) is not None

    def reports(self, res) -> bool:
        """Whether findings on ``res`` (a Resource or a display path) are reported in this run.

        Inventory-scope rules should judge only the subjects this is true for: the language
        server and ``check FILE --context DIR`` report on one file among thousands read for
        context, and pairwise checks over every object read would cost seconds per edit.
        """
        return (res if isinstance(res, str) else res.file) in self.reported

    def add_namespace(self, res) -> None:
        self.namespaces.setdefault(res.name, res)

    def namespace_of(self, res):
        return self.namespaces.get(res.namespace) if res.namespace else None

    def mesh(self, pod) -> MeshConfig:
        """The effective mesh configuration of a pod template (cached per template)."""
        key = id(pod)
        hit = self._mesh.get(key)
        if hit is None or hit[0] is not pod:
            cfg = decide(pod, self.namespace_of(pod.owner), self.settings.linkerd_version, self.proxy_defaults)
            hit = (pod, cfg)
            self._mesh[key] = hit
        return hit[1]

    def forget_meshes(self) -> None:
        self._mesh.clear()
