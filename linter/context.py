"""What a rule's check function receives, and how it reports."""

from __future__ import annotations

from linter.located import Span, YMap, YSeq
from linter.rule import Finding, Fix, Related, Severity


class Where:
    """A place in a document: a span and the field path that leads to it."""

    __slots__ = ("span", "field_path")

    def __init__(self, span: Span, field_path: tuple = ()):
        self.span = span
        self.field_path = field_path


def key_of(container: YMap, key) -> Where:
    return Where(container.key_span(key) or container.span, container.path + (key,))


def value_of(container, key) -> Where:
    if isinstance(container, YSeq):
        return Where(container.item_span(key) or container.span, container.path + (key,))
    return Where(container.value_span(key) or container.span, container.path + (key,))


class _Base:
    def __init__(self, inventory, rule, sink: list):
        self.inventory = inventory
        self.settings = inventory.settings
        self.rule = rule
        self._sink = sink

    key = staticmethod(key_of)
    value = staticmethod(value_of)

    def _emit(self, path, where, message, *, fix=None, related=(), severity=None, resource=None, doc_index=0, once=False):
        if isinstance(where, Span):
            where = Where(where)
        self._sink.append(
            Finding(
                rule_id=self.rule.id,
                severity=severity if severity is not None else self.rule.severity,
                message=message,
                path=path,
                span=where.span,
                field_path=tuple(resource.item_path if resource is not None else ()) + tuple(where.field_path),
                resource=resource.identity if resource is not None else "",
                related=tuple(related),
                fix=fix,
                template_source=resource.template_source if resource is not None else None,
                doc_index=resource.doc_index if resource is not None else doc_index,
                once=once,
            )
        )


class FileContext(_Base):
    """For ``file``-scope rules: the parsed file, its problems and its objects."""

    def __init__(self, inventory, rule, sink, source, resources):
        super().__init__(inventory, rule, sink)
        self.source = source
        self.resources = resources

    def report(self, where, message, *, fix: Fix | None = None, severity: Severity | None = None, related=()):
        self._emit(self.source.path, where, message, fix=fix, severity=severity, related=related)


class ResourceContext(_Base):
    """For ``resource``-scope rules: one object, its pod template and mesh configuration."""

    def __init__(self, inventory, rule, sink, source, resource):
        super().__init__(inventory, rule, sink)
        self.source = source
        self.resource = resource

    @property
    def pod(self):
        return self.resource.pod_template

    @property
    def mesh(self):
        pod = self.resource.pod_template
        return self.inventory.mesh(pod) if pod is not None else None

    @property
    def namespace(self):
        return self.inventory.namespace_of(self.resource)

    def report(self, where, message, *, fix: Fix | None = None, severity: Severity | None = None, related=(), once=False):
        """``once``: a run-wide notice (the run keeps the first of equal ones, whatever process found it)."""
        self._emit(self.resource.file, where, message, fix=fix, severity=severity, related=related,
                   resource=self.resource, once=once)

    def related(self, value, message: str) -> tuple:
        """A related location for an effective value set elsewhere (e.g. in the Namespace's file)."""
        if value is None or value.file is None or value.span is None or value.source == "pod":
            return ()
        return (Related(value.file, value.span, message),)


class InventoryContext(_Base):
    """For ``inventory``-scope rules: everything read in the run."""

    def report_on(self, resource, where, message, *, fix=None, severity=None, related=()):
        self._emit(resource.file, where, message, fix=fix, severity=severity, related=related, resource=resource)

    def report_at(self, path: str, where, message, *, severity=None, related=()):
        self._emit(path, where, message, severity=severity, related=related)
