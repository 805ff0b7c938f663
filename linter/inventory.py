"""Run-wide knowledge: the Namespaces, the collected facts, and objects kept for cross-resource rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from linter.mesh import MeshConfig, Value, decide


@dataclass
class Inventory:
    settings: object
    known_rule_ids: frozenset = frozenset()
    rule_names: dict = field(default_factory=dict)  # id -> name, for selector checks
    namespaces: dict = field(default_factory=dict)  # name -> Namespace Resource (first seen)
    proxy_defaults: dict = field(default_factory=dict)  # key -> Value: the baseline of every pod
    facts: dict = field(default_factory=dict)  # filled by collectors
    resources: list = field(default_factory=list)  # kept for inventory-scope rules
    suppressions: dict = field(default_factory=dict)  # path -> FileSuppressions
    reported: set = field(default_factory=set)  # display paths whose findings are reported
    files: list = field(default_factory=list)  # every display path read (reported and context)
    _mesh: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        s = self.settings
        for key, val in getattr(s, "proxy_defaults", {}).items():
            self.proxy_defaults[key] = Value(val, "config", getattr(s, "config_path", None))

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
