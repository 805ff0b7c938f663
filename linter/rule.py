"""The contract between rules and everything else: rule metadata, findings, fixes.

A rule is metadata plus a check function.  The check runs in one of three scopes:

* ``file``      once per input file, sees its parse problems and suppression comments;
* ``resource``  once per Kubernetes object, sees the object, its pod template and the
                effective mesh configuration of that template;
* ``inventory`` once per run, after every file is read, sees the whole inventory.

Reporters, the fixer and the language server only ever see ``Finding`` objects.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Callable, Iterable

from linter.located import Span


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[str(text).upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use info, warning or error)") from None


@dataclass(frozen=True)
class Edit:
    """Replace the text between two 1-based (line, col) positions of a file."""

    span: Span
    text: str


@dataclass(frozen=True)
class Fix:
    description: str
    edits: tuple
    safe: bool = True


@dataclass(frozen=True)
class Related:
    path: str
    span: Span
    message: str


@dataclass
class Finding:
    rule_id: str
    severity: Severity
    message: str
    path: str
    span: Span
    field_path: tuple = ()  # where in the document (stable across line moves)
    resource: str = ""  # kind/namespace/name
    related: tuple = ()
    fix: Fix | None = None
    template_source: str | None = None
    doc_index: int = 0

    def sort_key(self):
        return (self.path, self.span.line, self.span.col, self.rule_id, self.message)


@dataclass(frozen=True)
class Example:
    """A manifest for the rule's self-test; ``config`` holds settings the example needs.

    In a bad example, a trailing ``# <- LNKxxx`` comment marks the line where the rule
    must fire; ``# <- LNKxxx @text`` pins the column to where ``text`` starts on that
    line (otherwise the first non-blank character).
    """

    yaml: str
    config: dict = field(default_factory=dict)
    # Extra files loaded beside the example (cross-file cases): name -> text.
    files: tuple = ()


@dataclass
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str
    why: str
    how_to_fix: str
    references: tuple
    bad: Example
    good: Example
    check: Callable[..., Iterable[Finding]]
    scope: str = "resource"
    fixable: bool = False
    # Rules whose severity depends on the case (LNK501): the range they can emit.
    severities: tuple = ()
    # Kinds the rule looks at ("PodTemplate": every object with a pod template); empty: all.
    # For inventory-scope rules, the kinds the engine keeps for them.
    kinds: tuple = ()
    # Set for rules loaded from a third-party pack, to show where they came from.
    origin: str = "linkerd-lint"

    @property
    def doc_url(self) -> str:
        return f"https://github.com/linkerd-lint/linkerd-lint/blob/main/docs/rules.md#{self.id.lower()}"

    def markdown(self) -> str:
        refs = "\n".join(f"- {r}" for r in self.references)
        fixable = "yes" if self.fixable else "no"
        return (
            f"## {self.id} {self.name}\n\n"
            f"Severity: **{self.severity}** · Fixable: {fixable}\n\n"
            f"{self.summary}\n\n"
            f"### Why it matters\n\n{self.why}\n\n"
            f"### How to fix\n\n{self.how_to_fix}\n\n"
            f"### Example (bad)\n\n{_example_md(self.bad)}"
            f"### Example (good)\n\n{_example_md(self.good)}"
            f"### References\n\n{refs}\n"
        )


def _example_md(example: Example) -> str:
    """The example manifest, then the files and settings it is checked with."""
    out = f"```yaml\n{example.yaml.rstrip()}\n```\n\n"
    for name, text in example.files:
        out += f"With `{name}` beside it:\n\n```yaml\n{text.rstrip()}\n```\n\n"
    if example.config:
        settings = "\n".join(f"{k}: {v!r}" if isinstance(v, str) else f"{k}: {v}" for k, v in example.config.items())
        out += f"With this configuration (.linkerd-lint.yaml):\n\n```yaml\n{settings}\n```\n\n"
    return out


SCOPES = ("file", "resource", "inventory")


def rule(*, scope: str = "resource", **meta) -> Callable:
    """Decorator that turns a check function into a ``Rule``.

    The module-level name the decorator returns is the Rule itself, which is how the
    registry finds it: it collects every ``Rule`` defined in a rule-pack module.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown rule scope {scope!r}")

    def wrap(fn):
        sev = meta.pop("severity")
        return Rule(check=fn, scope=scope, severity=sev if isinstance(sev, Severity) else Severity.parse(sev), **meta)

    return wrap


@dataclass
class Collector:
    """Gathers run-wide facts before any rule runs (e.g. the control plane's Helm values).

    Files whose text matches ``trigger`` are read first and every object in them is
    passed to ``collect(resource, inventory)``; rules then see the facts in
    ``inventory.facts``.  The trigger keeps this first pass cheap.

    ``documents(path, document, inventory)``, when given, receives each document of such
    a file that holds no Kubernetes object (a Helm values file, for instance).
    """

    name: str
    trigger: str
    collect: Callable
    documents: Callable | None = None


def collector(*, name: str, trigger: str, documents: Callable | None = None) -> Callable:
    def wrap(fn):
        return Collector(name=name, trigger=trigger, collect=fn, documents=documents)

    return wrap
