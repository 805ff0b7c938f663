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

from linter.located import Span
from linter.record import Record
from linter.redact import sanitise

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Iterable


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


class Edit(Record, frozen=True):
    """Replace the text between two 1-based (line, col) positions of a file."""

    __slots__ = ("span", "text")

    def __init__(self, span: Span, text: str):
        self.span = span
        self.text = text


class Fix(Record, frozen=True):
    __slots__ = ("description", "edits", "safe")

    def __init__(self, description: str, edits: tuple, safe: bool = True):
        self.description = description
        self.edits = edits
        self.safe = safe


class Related(Record, frozen=True):
    __slots__ = ("path", "span", "message")

    def __init__(self, path: str, span: Span, message: str):
        self.path = path
        self.span = span
        self.message = message


# The path of a finding about the invocation itself (a version given on the command line):
# there is no file to point at, and reports that need one leave the location out.
COMMAND_LINE = "(command line)"


class Finding(Record):
    __slots__ = ("rule_id", "severity", "message", "path", "span", "field_path", "resource", "related", "fix",
                 "template_source", "doc_index", "once")

    def __init__(
        self,
        rule_id: str,
        severity: Severity,
        message: str,
        path: str,
        span: Span,
        field_path: tuple = (),  # where in the document (stable across line moves)
        resource: str = "",  # kind/namespace/name
        related: tuple = (),
        fix: Fix | None = None,
        template_source: str | None = None,
        doc_index: int = 0,
        once: bool = False,  # a run-wide notice: the run keeps the first (in report order) of equal ones
    ):
        # Messages quote values, and a value may be a private key: never let one reach a report.
        message, related, fix = sanitise(message, related, fix)
        self.rule_id = rule_id
        self.severity = severity
        self.message = message
        self.path = path
        self.span = span
        self.field_path = field_path
        self.resource = resource
        self.related = related
        self.fix = fix
        self.template_source = template_source
        self.doc_index = doc_index
        self.once = once

    def sort_key(self):
        return (self.path, self.span.line, self.span.col, self.rule_id, self.message)


class Example(Record, frozen=True):
    """A manifest for the rule's self-test; ``config`` holds settings the example needs.

    In a bad example, a trailing ``# <- LNKxxx`` comment marks the line where the rule
    must fire; ``# <- LNKxxx @text`` pins the column to where ``text`` starts on that
    line (otherwise the first non-blank character).
    """

    __slots__ = ("yaml", "config", "files")

    def __init__(self, yaml: str, config: dict | None = None, files: tuple = ()):
        self.yaml = yaml
        self.config = {} if config is None else config
        # Extra files loaded beside the example (cross-file cases): name -> text.
        self.files = files


class Rule(Record):
    __slots__ = ("id", "name", "severity", "summary", "why", "how_to_fix", "references", "bad", "good", "check",
                 "scope", "fixable", "severities", "kinds", "origin", "opt_in")

    def __init__(
        self,
        id: str,  # noqa: A002 - the rule's public id
        name: str,
        severity: Severity,
        summary: str,
        why: str,
        how_to_fix: str,
        references: tuple,
        bad: Example,
        good: Example,
        check: Callable[..., Iterable[Finding]],
        scope: str = "resource",
        fixable: bool = False,
        severities: tuple = (),
        kinds: tuple = (),
        origin: str = "linkerd-lint",
        opt_in: bool = False,
    ):
        self.id = id
        self.name = name
        self.severity = severity
        self.summary = summary
        self.why = why
        self.how_to_fix = how_to_fix
        self.references = references
        self.bad = bad
        self.good = good
        self.check = check
        self.scope = scope
        self.fixable = fixable
        # Rules whose severity depends on the case (LNK501): the range they can emit.
        self.severities = severities
        # Kinds the rule looks at ("PodTemplate": every object with a pod template); empty: all.
        # For inventory-scope rules, the kinds the engine keeps for them.
        self.kinds = kinds
        # Set for rules loaded from a third-party pack, to show where they came from.
        self.origin = origin
        # Opt-in rules (costly, or needing an extra) run only when `select`/`extend-select` name them
        # by their exact id or name: never through ALL, a prefix or the default selection.
        self.opt_in = opt_in

    @property
    def doc_url(self) -> str:
        return f"https://github.com/linkerd-lint/linkerd-lint/blob/main/docs/rules.md#{self.id.lower()}"

    def markdown(self) -> str:
        refs = "\n".join(f"- {r}" for r in self.references)
        fixable = "yes" if self.fixable else "no"
        opt_in = " · Opt-in: runs only when selected by id or name" if self.opt_in else ""
        return (
            f"## {self.id} {self.name}\n\n"
            f"Severity: **{self.severity}** · Fixable: {fixable}{opt_in}\n\n"
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


class Collector(Record):
    """Gathers run-wide facts before any rule runs (e.g. the control plane's Helm values).

    Files whose text matches ``trigger`` are read first and every object in them is
    passed to ``collect(resource, inventory)``; rules then see the facts in
    ``inventory.facts``.  The trigger keeps this first pass cheap.

    ``documents(path, document, inventory)``, when given, receives each document of such
    a file that holds no Kubernetes object (a Helm values file, for instance).
    """

    __slots__ = ("name", "trigger", "collect", "documents")

    def __init__(self, name: str, trigger: str, collect: Callable, documents: Callable | None = None):
        self.name = name
        self.trigger = trigger
        self.collect = collect
        self.documents = documents


def collector(*, name: str, trigger: str, documents: Callable | None = None) -> Callable:
    def wrap(fn):
        return Collector(name=name, trigger=trigger, collect=fn, documents=documents)

    return wrap
