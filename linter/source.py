"""Files and stdin in, documents of located YAML data out.

Reading goes through libyaml (PyYAML's C composer) when it is available: it keeps
line/column marks on every node and is the fastest reader with positions that
we measured (benchmarks/README.md).  Scalars are resolved as YAML 1.1, which is
what Kubernetes' YAML reader does: unquoted ``yes``/``on``/``off`` are booleans.

Nothing here raises on bad input: every problem becomes a ``ParseProblem`` with a
position, which the rule pack turns into findings (LNK001-LNK003).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from dataclasses import dataclass, field

import yaml
from yaml.constructor import SafeConstructor

from linter.located import Span, YMap, YSeq

try:  # libyaml-backed composer; the pure-Python one is ~10x slower.
    from yaml import CSafeLoader as _Loader

    C_PARSER = True
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader

    C_PARSER = False

MAX_FILE_BYTES = 64 * 1024 * 1024
# Aliases are shared, not copied, but rules and schemas walk the expanded tree; refuse
# documents whose expansion is far beyond any real manifest ("billion laughs").
MAX_EXPANDED_NODES = 2_000_000
MAX_DEPTH = 400

_TAG = "tag:yaml.org,2002:"
_STR, _BOOL, _INT, _FLOAT, _NULL, _MERGE = (
    _TAG + "str",
    _TAG + "bool",
    _TAG + "int",
    _TAG + "float",
    _TAG + "null",
    _TAG + "merge",
)
_constructor = SafeConstructor()
_ScalarNode = yaml.ScalarNode
_new_span = tuple.__new__  # Span(...) without the namedtuple's Python-level constructor
_intern = sys.intern


class _MemoLoader(_Loader):
    """The composer calls back into Python to resolve the tag of every scalar (a few regular
    expressions each); a plain scalar's tag depends on its text alone, and keys and common
    values repeat in every document, so the answers are remembered (a bounded table)."""

    _tags: dict = {}

    def resolve(self, kind, value, implicit, _base=_Loader.resolve):
        if kind is _ScalarNode and implicit[0]:
            tags = self._tags
            tag = tags.get(value)
            if tag is None:
                tag = _base(self, kind, value, implicit)
                if len(tags) >= 8192:
                    tags.clear()  # unique values (names, images) filled it: start over
                tags[value] = tag
            return tag
        return _base(self, kind, value, implicit)

# Helm/Go-template actions that never occur in rendered manifests.  A bare "{{" is not
# enough: rendered PrometheusRules and Argo Workflows carry Go templates in strings.
_HELM_ACTION = re.compile(
    r"\{\{-?\s*(?:\.Values|\.Release|\.Chart|\.Capabilities|\.Files|\.Template|include\s|template\s|"
    r"toYaml|tpl\s|define\s|if\s|else|end\s*-?\}\}|range\s|with\s|\$\w*\s*:=|/\*)"
)
_HELM_SOURCE = re.compile(r"^# Source: (\S.*?)\s*$", re.M)
_DOC_START = re.compile(r"^---(?:[ \t]|$)", re.M)
# Where libyaml starts a new line (YAML 1.1): CRLF, CR, LF, NEL, LS, PS.  Positions,
# edits and suppression comments must count lines the same way.
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def split_lines(text: str) -> list:
    return LINE_BREAK.split(text)


@dataclass
class ParseProblem:
    kind: str  # syntax | duplicate-key | template | encoding | binary | too-large | too-complex
    message: str
    span: Span


@dataclass
class Document:
    index: int
    data: object
    span: Span
    template_source: str | None = None  # from helm's "# Source: chart/templates/x.yaml"


@dataclass
class SourceFile:
    path: str
    text: str = ""
    documents: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    _line_starts: list | None = None

    @property
    def lines(self) -> list:
        lines = split_lines(self.text)
        return lines[:-1] if lines and lines[-1] == "" else lines

    def offset(self, line: int, col: int) -> int:
        """Character offset of a 1-based line/column."""
        if self._line_starts is None:
            starts = [0]
            for m in LINE_BREAK.finditer(self.text):
                starts.append(m.end())
            self._line_starts = starts
        starts = self._line_starts
        if line > len(starts):
            return len(self.text)
        line = max(1, line)
        return min(starts[line - 1] + col - 1, len(self.text))


class _TooComplex(Exception):
    pass


class _Converter:
    """PyYAML nodes -> YMap/YSeq/scalars with spans; aliases shared, duplicates recorded."""

    def __init__(self, line_offset: int, problems: list):
        self.line_offset = line_offset
        self.problems = problems
        self.memo: dict = {}
        self.expanded = 0

    def span(self, node) -> Span:
        s, e = node.start_mark, node.end_mark
        off = self.line_offset + 1
        return _new_span(Span, (s.line + off, s.column + 1, e.line + off, e.column + 1))

    def scalar(self, node):
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _BOOL:
            return _constructor.bool_values[node.value.lower()]
        if tag == _NULL:
            return None
        if tag == _INT:
            return _constructor.construct_yaml_int(node)
        if tag == _FLOAT:
            return _constructor.construct_yaml_float(node)
        # timestamps, binary and custom tags (never constructed, e.g. !!python/object): the text.
        return node.value

    def convert(self, node, path: tuple, depth: int = 0):
        if isinstance(node, yaml.ScalarNode):
            self.expanded += 1
            return self.scalar(node), 1
        key = id(node)
        hit = self.memo.get(key)
        if hit is not None:
            obj, size = hit
            self.expanded += size
            if self.expanded > MAX_EXPANDED_NODES:
                raise _TooComplex("aliases expand to more than %d nodes" % MAX_EXPANDED_NODES)
            return obj, size
        if depth > MAX_DEPTH:
            raise _TooComplex("nesting deeper than %d levels" % MAX_DEPTH)
        before = self.expanded
        if isinstance(node, yaml.MappingNode):
            obj = YMap(path, self.span(node))
            self.memo[key] = (obj, 1)
            self._fill_map(obj, node, path, depth)
        else:
            obj = YSeq(path, self.span(node))
            self.memo[key] = (obj, 1)
            span, spans, convert = self.span, obj.spans, self.convert
            for i, child in enumerate(node.value):
                if isinstance(child, _ScalarNode):  # inline: most items are scalars
                    self.expanded += 1
                    obj.append(child.value if child.tag == _STR else self.scalar(child))
                else:
                    obj.append(convert(child, path + (i,), depth + 1)[0])
                spans.append(span(child))
        size = self.expanded - before + 1
        self.expanded += 1
        self.memo[key] = (obj, size)
        if self.expanded > MAX_EXPANDED_NODES:
            raise _TooComplex("document expands to more than %d nodes" % MAX_EXPANDED_NODES)
        return obj, size

    def _fill_map(self, obj: YMap, node, path: tuple, depth: int) -> None:
        # The hottest loop of a run: scalars are handled inline rather than by convert(),
        # keys are interned (they repeat in every object, and kept objects share them).
        merges = []
        spans, span, scalar = obj.spans, self.span, self.scalar
        for knode, vnode in node.value:
            ktag = knode.tag
            if ktag == _MERGE:
                merges.append(vnode)
                continue
            if isinstance(knode, _ScalarNode):
                k = _intern(knode.value) if ktag == _STR else scalar(knode)
            else:  # complex keys never occur in Kubernetes objects; keep them printable
                k = f"<complex key at {span(knode)}>"  # (a Span is a tuple: not a %-argument)
            try:
                hash(k)
            except TypeError:  # pragma: no cover - scalars are hashable
                k = str(k)
            kspan = span(knode)
            if k in spans:
                self.problems.append(
                    ParseProblem(
                        "duplicate-key",
                        f"duplicate key {k!r} (first at line {spans[k][0].line}); "
                        "the API server rejects the object",
                        kspan,
                    )
                )
            if isinstance(vnode, _ScalarNode):
                self.expanded += 1
                obj[k] = vnode.value if vnode.tag == _STR else scalar(vnode)
            else:
                obj[k] = self.convert(vnode, path + (k,), depth + 1)[0]
            spans[k] = (kspan, span(vnode))
        # Merge keys (<<) add what the mapping does not say itself, as Kubernetes' reader does.
        for vnode in merges:
            sources = vnode.value if isinstance(vnode, yaml.SequenceNode) else [vnode]
            for src in sources:
                merged, _ = self.convert(src, path, depth + 1)
                if isinstance(merged, YMap):
                    for mk, mv in merged.items():
                        if mk not in obj:
                            obj[mk] = mv
                            obj.spans[mk] = merged.spans[mk]


def decode(raw: bytes) -> tuple[str | None, ParseProblem | None]:
    """Bytes -> text, honouring BOMs; a clear problem for binary or non-UTF-8 input."""
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                return raw.decode(enc), None
            except UnicodeDecodeError as e:
                return None, ParseProblem("encoding", f"invalid {enc} text: {e.reason}", Span(1, 1, 1, 1))
    if b"\0" in raw[:8192]:
        return None, ParseProblem("binary", "binary file (contains NUL bytes); not a manifest", Span(1, 1, 1, 1))
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        return None, ParseProblem(
            "encoding",
            f"not valid UTF-8: byte 0x{raw[e.start]:02x} cannot be decoded (Kubernetes reads UTF-8)",
            Span(line, col, line, col + 1),
        )


def _problem_from_error(err: yaml.YAMLError, line_offset: int) -> ParseProblem:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    line = (mark.line if mark else 0) + line_offset + 1
    col = (mark.column if mark else 0) + 1
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    context = getattr(err, "context", None)
    message = f"{problem} ({context})" if context else problem
    return ParseProblem("syntax", message, Span(line, col, line, col + 1))


def _helm_template(text: str) -> ParseProblem | None:
    m = _HELM_ACTION.search(text)
    if not m:
        return None
    line = text.count("\n", 0, m.start()) + 1
    col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    return ParseProblem(
        "template",
        "file holds Helm template syntax; lint the rendered output instead "
        "(helm template RELEASE CHART | linkerd-lint check -)",
        Span(line, col, line, col + 2),
    )


def parse_text(path: str, text: str) -> SourceFile:
    src = SourceFile(path=path, text=text)
    if "{{" in text:
        problem = _helm_template(text)
        if problem is not None:
            src.problems.append(problem)
            return src
    line_offset = 0
    chunk = text
    index = 0
    while True:
        try:
            index = _compose_into(src, chunk, line_offset, index)
            break
        except yaml.YAMLError as err:
            problem = _problem_from_error(err, line_offset)
            if "{{" in text:  # unparseable and templated: one LNK003, not a storm of errors
                src.problems = [p for p in src.problems if p.kind != "syntax"]
                src.problems.append(
                    ParseProblem(
                        "template",
                        "file holds template syntax that is not YAML; lint the rendered output instead "
                        "(helm template RELEASE CHART | linkerd-lint check -)",
                        problem.span,
                    )
                )
                return src
            src.problems.append(problem)
            # Resume at the next document so one broken document does not hide the others.
            resume = _next_doc_start(text, problem.span.line)
            if resume is None:
                break
            line_offset = resume
            chunk = "\n".join(text.split("\n")[resume:]) if resume else text
            index += 1
        except _TooComplex as err:
            src.problems.append(ParseProblem("too-complex", str(err), Span(line_offset + 1, 1, line_offset + 1, 1)))
            break
        except RecursionError:
            src.problems.append(
                ParseProblem("too-complex", "nesting too deep to read", Span(line_offset + 1, 1, line_offset + 1, 1))
            )
            break
    if "# Source: " in text:
        _attach_template_sources(src)
    return src


def _next_doc_start(text: str, after_line: int) -> int | None:
    """0-based line of the first '---' marker after the 1-based line ``after_line``."""
    pos = 0
    for _ in range(after_line):
        pos = text.find("\n", pos)
        if pos < 0:
            return None
        pos += 1
    m = _DOC_START.search(text, pos)
    if not m:
        return None
    return text.count("\n", 0, m.start())


def _compose_into(src: SourceFile, chunk: str, line_offset: int, index: int) -> int:
    for node in yaml.compose_all(chunk, Loader=_MemoLoader):
        conv = _Converter(line_offset, src.problems)
        if node is None:  # pragma: no cover - compose_all yields nodes only
            continue
        data, _ = conv.convert(node, ())
        src.documents.append(Document(index=index, data=data, span=conv.span(node)))
        index += 1
    return index


def _attach_template_sources(src: SourceFile) -> None:
    marks = [(src.text.count("\n", 0, m.start()) + 1, m.group(1)) for m in _HELM_SOURCE.finditer(src.text)]
    previous = 0
    for doc in src.documents:
        # helm writes the comment right before its document; a document without one (a file
        # concatenated by hand) must not inherit the template of the document before it.
        best = None
        for line, name in marks:
            if previous < line <= doc.span.line:
                best = name
            elif line > doc.span.line:
                break
        doc.template_source = best
        previous = doc.span.line


def read_bytes(path: str, limit: int) -> bytes:
    """At most ``limit`` bytes of a file.  ``read(limit)`` alone would allocate ``limit`` bytes
    for every file (64 MiB: ~40 us a file, a tenth of a 10,000-file run); a regular file is
    read at about its size (a little more, should it grow meanwhile), anything else (a FIFO,
    /dev/zero named x.yaml) up to the limit."""
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        if stat.S_ISREG(st.st_mode):
            limit = min(limit, st.st_size + 65536)
        return fh.read(limit)


def read_file(path: str, display: str | None = None) -> SourceFile:
    """Read and parse one file; I/O and decoding problems become ParseProblems, never exceptions."""
    display = display or path
    try:
        raw = read_bytes(path, MAX_FILE_BYTES + 1)
    except OSError as e:
        src = SourceFile(path=display)
        src.problems.append(ParseProblem("io", f"cannot read file: {e.strerror or e}", Span(1, 1, 1, 1)))
        return src
    return parse_bytes(display, raw)


def parse_bytes(display: str, raw: bytes) -> SourceFile:
    if len(raw) > MAX_FILE_BYTES:
        src = SourceFile(path=display)
        src.problems.append(
            ParseProblem("too-large", f"file larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; not read", Span(1, 1, 1, 1))
        )
        return src
    text, problem = decode(raw)
    if problem is not None:
        src = SourceFile(path=display)
        src.problems.append(problem)
        return src
    return parse_text(display, text)
