"""Finding rules: the built-in pack and third-party packs, through one entry-point group.

A pack is a module or package registered under the entry-point group
``linkerd_lint.rules``; every ``Rule`` object defined at module level in it (and in
its submodules, for a package) is a rule.  The engine never names a rule.
"""

from __future__ import annotations

import importlib
import os
import sys

from linter.record import Record
from linter.rule import Collector, Rule

GROUP = "linkerd_lint.rules"
BUILTIN = "linter.rules"


class RegistryError(Exception):
    pass


def _submodules(path) -> list:
    """Names of the modules in a package's directories, as pkgutil.iter_modules lists them.

    Plain directories are listed with one scandir each (pkgutil costs a few ms at every
    start-up); anything else (a zip, a namespace package) goes to pkgutil.
    """
    names = set()
    for d in path:
        try:
            entries = list(os.scandir(d))
        except (OSError, TypeError):
            import pkgutil

            names.update(info.name for info in pkgutil.iter_modules([d]))
            continue
        for e in entries:
            stem, dot, ext = e.name.partition(".")
            if not stem.isidentifier() or stem == "__init__":
                continue
            if e.is_dir():
                if not dot and os.path.exists(os.path.join(e.path, "__init__.py")):
                    names.add(stem)
            elif dot and ext.rsplit(".", 1)[-1] in ("py", "pyc", "so", "pyd"):
                names.add(stem)
    return sorted(names)


def _pack_modules(module) -> list:
    """A pack module and, for a package, its public submodules (imported)."""
    mods = [module]
    path = getattr(module, "__path__", None)
    if path:
        mods.extend(importlib.import_module(f"{module.__name__}.{name}") for name in _submodules(path) if not name.startswith("_"))
    return mods


class _EntryPoint:
    def __init__(self, name: str, value: str):
        self.name, self.value = name, value

    def load(self):
        module, _, attr = self.value.partition(":")
        obj = importlib.import_module(module.strip())
        for part in filter(None, attr.strip().split(".")):
            obj = getattr(obj, part)
        return obj


def _entry_points():
    """Entry points of GROUP, read straight from the installed distributions' metadata.

    importlib.metadata costs ~40 ms (it imports the email package and builds every
    distribution's metadata); this scan reads only the entry_points.txt files, which
    keeps `linkerd-lint check` on one file fast for pre-commit and editors.
    """
    found, seen = [], set()
    for base in sys.path:
        try:
            names = os.listdir(base or ".")
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            dist = name.split("-")[0].lower().replace("_", "-")
            if dist in seen:
                continue  # the first distribution on sys.path wins, as importlib.metadata does
            seen.add(dist)
            try:
                with open(os.path.join(base or ".", name, "entry_points.txt"), encoding="utf-8") as fh:
                    text = fh.read()
            except OSError:
                continue
            if f"[{GROUP}]" in text:
                found.extend(ep for ep in _parse_group(text) if (ep.name, ep.value) not in {(f.name, f.value) for f in found})
    return found


def _parse_group(text: str) -> list:
    out, inside = [], False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            inside = line == f"[{GROUP}]"
        elif inside and "=" in line and not line.startswith(("#", ";")):
            name, value = line.split("=", 1)
            out.append(_EntryPoint(name.strip(), value.strip()))
    return out


class Registry(Record):
    __slots__ = ("rules", "collectors")

    def __init__(self, rules: dict, collectors: list | None = None):
        self.rules = rules  # id -> Rule, in id order
        self.collectors = [] if collectors is None else collectors

    @classmethod
    def load(cls, plugins: bool = True) -> "Registry":
        modules = [importlib.import_module(BUILTIN)]
        origins = {BUILTIN: "linkerd-lint"}
        if plugins:
            for ep in _entry_points():
                if ep.value == BUILTIN:
                    continue
                try:
                    mod = ep.load()
                except Exception as e:  # a broken plugin must not take the linter down
                    print(f"linkerd-lint: cannot load rule pack {ep.name!r}: {e}", file=sys.stderr)
                    continue
                modules.append(mod)
                origins[getattr(mod, "__name__", ep.name)] = ep.name
        rules: dict = {}
        collectors: list = []
        for mod in modules:
            if callable(mod) and not isinstance(mod, type(sys)):
                found = list(mod())
            else:
                members = [v for m in _pack_modules(mod) for v in vars(m).values()]
                found = [v for v in members if isinstance(v, Rule)]
                collectors.extend(v for v in members if isinstance(v, Collector))
            for r in found:
                if r.id in rules and rules[r.id] is not r:
                    raise RegistryError(f"rule id {r.id} is defined twice ({rules[r.id].name} and {r.name})")
                name = getattr(mod, "__name__", "")
                if name != BUILTIN:
                    r.origin = origins.get(name, name or r.origin)
                rules[r.id] = r
        return cls(dict(sorted(rules.items())), collectors)

    def add(self, rule: Rule) -> None:
        if rule.id in self.rules:
            raise RegistryError(f"rule id {rule.id} is already taken by {self.rules[rule.id].name}")
        self.rules[rule.id] = rule
        self.rules = dict(sorted(self.rules.items()))

    def match(self, selector: str) -> set | None:
        """Rule ids a selector names: ALL, an id, an id prefix (LNK1) or a rule name. None if nothing."""
        return match_selector({rid: r.name for rid, r in self.rules.items()}, selector)

    def get(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id.upper()) or next((r for r in self.rules.values() if r.name == rule_id), None)

    def known(self, rule_id: str) -> bool:
        return rule_id.upper() in self.rules


def match_selector(names: dict, selector: str) -> set | None:
    """``names`` maps rule id -> rule name.  Shared by the registry and the inventory."""
    sel = str(selector).strip()
    up = sel.upper()
    if up == "ALL":
        return set(names)
    ids = {rid for rid in names if rid == up or (up and rid.startswith(up))}
    ids |= {rid for rid, name in names.items() if name == sel}
    return ids or None
