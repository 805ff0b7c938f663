"""Files and stdin in, documents of located YAML data out.

Reading goes through libyaml (PyYAML's C composer) when it is available: it keeps
line/column marks on every node and is the fastest reader with positions that
we measured (benchmarks/README.md).  Plain scalars are typed as Kubernetes' YAML
reader types them (sigs.k8s.io/yaml -> go-yaml v2, resolve.go), not as PyYAML's
YAML 1.1 resolver does: ``y``/``n``/``yes``/``on``/``off`` are booleans, ``1e3`` is a
float, ``0o17`` an integer, ``12:30`` and ``2024-01-01`` strings (see go_scalar).

Nothing here raises on bad input: every problem becomes a ``ParseProblem`` with a
position, which the rule pack turns into findings (LNK001-LNK003).
"""

from __future__ import annotations

import codecs
import gc
import io
import os
import re
import stat
import sys

from linter.lazyre import import_deferring_patterns, pattern
from linter.located import Span, YMap, YSeq
from linter.record import Record

yaml = import_deferring_patterns("yaml")  # PyYAML compiles patterns at import that libyaml never uses

from yaml.constructor import SafeConstructor  # noqa: E402 - after the import above

try:  # libyaml-backed composer; the pure-Python one is ~10x slower.
    from yaml import CSafeLoader as _Loader

    C_PARSER = True
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader

    C_PARSER = False

# Said once by `check` (stderr) and the language server (its log) when libyaml is missing.
PURE_PYTHON_NOTICE = ("this PyYAML was built without libyaml, so YAML is read in pure Python (about 10x slower); "
                      "install libyaml (e.g. libyaml-dev) and reinstall PyYAML to get it back")

# A file's whole tree is in memory while it is checked (40-80 bytes per byte of YAML): a
# larger file is reported, not read (configuration: max-file-size).
MAX_FILE_BYTES = 16 * 1024 * 1024
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
    values repeat in every document, so the answers are remembered (a bounded table).  The
    value go_scalar made of a text that is no string is kept too, for _Converter.scalar."""

    _tags: dict = {}
    _typed: dict = {}  # text -> (tag, value), for the texts in _tags that are no strings

    def resolve(self, kind, value, implicit, _base=_Loader.resolve):
        if kind is _ScalarNode and implicit[0]:  # a plain scalar: typed as Kubernetes types it
            tags = self._tags
            tag = tags.get(value)
            if tag is None:
                typed = (_MERGE, value) if value == "<<" else go_scalar(value)
                tag = typed[0]
                if len(tags) >= 8192:
                    tags.clear()  # unique values (names, images) filled it: start over
                    self._typed.clear()
                tags[value] = tag
                if tag != _STR:
                    self._typed[value] = typed
            return tag
        return _base(self, kind, value, implicit)

# go-yaml v2's resolveMap: the words it types before looking at numbers.
_GO_WORDS = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), (_BOOL, True)),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), (_BOOL, False)),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), (_NULL, None)),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), (_FLOAT, float("nan"))),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), (_FLOAT, float("inf"))),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), (_FLOAT, float("-inf"))),
}
_GO_FIRST = frozenset("yYnNtTfFoO~.+-0123456789")  # resolveTable: other first characters are strings
_GO_FLOAT = pattern(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")  # yamlStyleFloat
_GO_DOT_FLOAT = pattern(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?")  # what strconv.ParseFloat takes of ".xxx"
_GO_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}
_I64, _U64 = 2**63, 2**64
_INF = float("inf")


def go_scalar(text: str) -> tuple:
    """(tag, value) of a plain scalar as go-yaml v2 resolves it (sigs.k8s.io/yaml's goyaml.v2
    resolve.go), which is how Kubernetes reads manifests.  Where PyYAML (YAML 1.1) differs:
    ``y``/``Y``/``n``/``N`` are booleans; ``1e3`` and ``08`` floats; ``0o17`` an integer;
    sexagesimal ``12:30`` a string.  Timestamps (``2024-01-01``) are strings here, as written:
    resolve() types them, but decoding into interface{}, as YAMLToJSON does, keeps the text
    "for backward compatibility" (goyaml.v2 decode.go, reflect.Interface case)."""
    first = text[:1]
    if first and first not in _GO_FIRST:
        return _STR, text
    hit = _GO_WORDS.get(text)
    if hit is not None:
        return hit
    if first == ".":
        if _GO_DOT_FLOAT.fullmatch(text):
            f = float(text)
            if abs(f) != _INF:  # ParseFloat refuses what overflows
                return _FLOAT, f
    elif first not in "yYnNtTfFoO~":
        plain = text.replace("_", "") if "_" in text else text
        n = _go_int(plain)
        if n is not None:
            if -_I64 <= n < _I64:  # ParseInt
                return _INT, n
            if 0 <= n < _U64 and plain[0] != "+":  # ParseUint takes no sign
                return _INT, n
        if _GO_FLOAT.fullmatch(plain):  # also decimal integers beyond 64 bits
            f = float(plain)
            if abs(f) != _INF:
                return _FLOAT, f
        # A hex/octal/binary integer beyond 64 bits (an Ethereum address 0x742d...) stays a
        # string: released go-yaml v2 (sigs.k8s.io/yaml v1.4.0 goyaml.v2, go.yaml.in/yaml/v2)
        # has no big.Int branch.
    return _STR, text


def describe(value) -> str:
    """A value as read, in YAML's words rather than Python's: 'enabled', the boolean true, the
    number 8080, null, a list, a mapping (for messages)."""
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "the boolean " + ("true" if value else "false")
    if isinstance(value, (int, float)):
        return f"the number {value:g}" if isinstance(value, float) else f"the number {value}"
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else repr(value)


def _go_int(plain: str):
    """strconv.ParseInt/ParseUint(plain, 0, 64) without the range check: the integer, or None."""
    s, neg = plain, False
    if s[:1] in ("+", "-"):
        neg, s = s[0] == "-", s[1:]
    if not s:
        return None
    base = 10
    if s[0] == "0":  # 0b 0o 0x prefixes (with at least one digit); a bare leading 0 is octal
        prefix = s[1].lower() if len(s) >= 3 else ""
        if prefix in ("b", "o", "x"):
            base, s = {"b": 2, "o": 8, "x": 16}[prefix], s[2:]
        else:
            base, s = 8, s[1:]
            if not s:
                return 0
    if s.strip(_GO_DIGITS[base]):
        return None
    n = int(s, base)
    return -n if neg else n


def _json_key(k):
    """A key that is not a string, as sigs.k8s.io/yaml writes it into the JSON the API server
    reads (convertToJSONableObject): ``y:`` and ``on:`` are the key "true", ``8080:`` is "8080".
    Keys Kubernetes refuses (null, beyond int64) are kept as read."""
    if k is True or k is False:
        return "true" if k else "false"
    if type(k) is int:
        return str(k) if -_I64 <= k < _I64 else k
    if type(k) is float:
        return _go_float32_text(k)
    return k


def _go_float32_text(f: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 32) with go-yaml's names for the specials."""
    import struct

    if f != f:
        return ".nan"
    try:
        x = struct.unpack("f", struct.pack("f", f))[0]
    except OverflowError:
        x = f * _INF
    if abs(x) == _INF:
        return ".inf" if x > 0 else "-.inf"
    for digits in range(1, 10):  # the shortest text that reads back as the same float32
        text = "%.*e" % (digits - 1, x)
        if struct.unpack("f", struct.pack("f", float(text)))[0] == x:
            break
    exp = int(text.split("e")[1])
    if exp < -4 or exp >= 6:
        return text
    return "%.*f" % (max(digits - 1 - exp, 0), x)


# Helm/Go-template actions.  A bare "{{" is not enough: rendered PrometheusRules and Argo
# Workflows carry Go templates in strings.  Where an action sits decides (_template_action):
# in a block scalar it is the data of a config file (Alertmanager templates, the chart values
# Linkerd's own install writes into linkerd-config); in a quoted string only Helm's own
# objects and functions (group 1) mark a chart template; anywhere else, any action does.
_HELM_ACTION = pattern(
    r"\{\{-?\s*(?:(\.Values|\.Release|\.Chart|\.Capabilities|\.Files|\.Template|include\s|toYaml|tpl\s)|"
    r"template\s|define\s|if\s|else|end\s*-?\}\}|range\s|with\s|\$\w*\s*:=|/\*)"
)
_BRACES = pattern(r"\{\{")
_HELM_SOURCE = pattern(r"^# Source: (\S.*?)\s*$", re.M)
# A document start marker at a line's start, whatever the line break (CRLF, CR, NEL, LS, PS).
_DOC_START = pattern(r"(?:^|(?<=[\r\x85\u2028\u2029]))---(?:[ \t]|(?=[\r\n\x85\u2028\u2029])|\Z)", re.M)
# Where libyaml starts a new line (YAML 1.1): CRLF, CR, LF, NEL, LS, PS.  Positions,
# edits and suppression comments must count lines the same way.
LINE_BREAK = pattern("\r\n|[\r\n\x85\u2028\u2029]")


def split_lines(text: str) -> list:
    return LINE_BREAK.split(text)


class ParseProblem(Record):
    __slots__ = ("kind", "message", "span", "regions", "context")

    def __init__(self, kind: str, message: str, span: Span, regions: tuple = (), context: tuple | None = None):
        self.kind = kind  # syntax | json | duplicate-key | template | encoding | binary | too-large | too-complex
        self.message = message
        self.span = span
        # duplicate-key: each occurrence's entry, key start to value end (--fix keeps out of them)
        self.regions = regions
        # syntax: (Span, what) where the construct the parser was in opened (an unclosed quote or bracket)
        self.context = context


class Document(Record):
    __slots__ = ("index", "data", "span", "template_source")

    def __init__(self, index: int, data: object, span: Span, template_source: str | None = None):
        self.index = index
        self.data = data
        self.span = span
        self.template_source = template_source  # from helm's "# Source: chart/templates/x.yaml"


class SourceFile(Record):
    __slots__ = ("path", "text", "documents", "problems", "_line_starts", "_lines", "_newline", "shared")
    _hidden = ("_lines", "_newline")

    def __init__(
        self,
        path: str,
        text: str = "",
        documents: list | None = None,
        problems: list | None = None,
        _line_starts: list | None = None,
        _lines: list | None = None,
        _newline: str | None = None,
        shared: list | None = None,
    ):
        self.path = path
        self.text = text
        self.documents = [] if documents is None else documents
        self.problems = [] if problems is None else problems
        self._line_starts = _line_starts
        self._lines = _lines
        self._newline = _newline
        # Spans of the collections an alias or merge key repeats elsewhere (``&pod`` ... ``*pod``):
        # an edit inside one changes every place that repeats it (fixes refuse those).
        self.shared = [] if shared is None else shared

    @property
    def lines(self) -> list:
        """The text's lines (computed once: rules and fix builders ask per finding)."""
        if self._lines is None:
            lines = split_lines(self.text)
            self._lines = lines[:-1] if lines and lines[-1] == "" else lines
        return self._lines

    @property
    def newline(self) -> str:
        """The line ending edits should write: CRLF when the file has one, else LF."""
        if self._newline is None:
            self._newline = "\r\n" if "\r\n" in self.text else "\n"
        return self._newline

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
    def __init__(self, message: str, span: Span | None = None):
        super().__init__(message)
        self.span = span


class _Converter:
    """PyYAML nodes -> YMap/YSeq/scalars with spans; aliases shared, duplicates recorded."""

    def __init__(self, line_offset: int, problems: list):
        self.line_offset = line_offset
        self.problems = problems
        self.memo: dict = {}
        self.open: set = set()  # collections being converted: an alias to one of them is recursive
        self.shared: list = []  # spans of the collections an alias repeats (SourceFile.shared)
        self.expanded = 0

    def span(self, node) -> Span:
        s, e = node.start_mark, node.end_mark
        off = self.line_offset + 1
        return _new_span(Span, (s.line + off, s.column + 1, e.line + off, e.column + 1))

    def scalar(self, node):
        tag = node.tag
        if tag == _STR:
            return node.value
        rtag, value = _MemoLoader._typed.get(node.value) or go_scalar(node.value)
        if rtag == tag:  # plain scalars always; explicit tags (!!int "12") when the text agrees
            return value
        if tag == _FLOAT and rtag == _INT:
            return float(value)
        try:  # an explicit tag go-yaml would refuse (!!int yes): PyYAML's reading, else the text
            if tag == _BOOL:
                return _constructor.bool_values[node.value.lower()]
            if tag == _NULL:
                return None
            if tag == _INT:
                return _constructor.construct_yaml_int(node)
            if tag == _FLOAT:
                return _constructor.construct_yaml_float(node)
        except (KeyError, ValueError, yaml.YAMLError):
            pass
        # binary and custom tags (never constructed, e.g. !!python/object): the text.
        return node.value

    def convert(self, node, path: tuple, depth: int = 0):
        if isinstance(node, yaml.ScalarNode):
            self.expanded += 1
            return self.scalar(node), 1
        key = id(node)
        hit = self.memo.get(key)
        if hit is not None:
            if key in self.open:  # `a: &x [*x]`: PyYAML builds the cycle; go-yaml refuses it
                raise _TooComplex(
                    "an alias refers to the value it is part of (a recursive structure); Kubernetes' YAML "
                    "reader refuses it (anchor value contains itself)", self.span(node))
            obj, size = hit
            if not self.shared or self.shared[-1] is not obj.span:
                self.shared.append(obj.span)
            self.expanded += size
            if self.expanded > MAX_EXPANDED_NODES:
                raise _TooComplex("aliases expand to more than %d nodes" % MAX_EXPANDED_NODES)
            return obj, size
        if depth > MAX_DEPTH:
            raise _TooComplex("nesting deeper than %d levels" % MAX_DEPTH)
        before = self.expanded
        self.open.add(key)
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
        self.open.discard(key)
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
                merges.append((vnode, dict(spans)))  # and the keys written before it
                continue
            if isinstance(knode, _ScalarNode):
                k = _intern(knode.value) if ktag == _STR else _json_key(scalar(knode))
            else:  # complex keys never occur in Kubernetes objects; keep them printable
                k = f"<complex key at {span(knode)}>"  # (a Span is a tuple: not a %-argument)
            try:
                hash(k)
            except TypeError:  # pragma: no cover - scalars are hashable
                k = str(k)
            kspan = span(knode)
            if k in spans:
                first_key, first_value = spans[k]
                value_span = span(vnode)
                self.problems.append(
                    ParseProblem(
                        "duplicate-key",
                        f"duplicate key {k!r} (first at line {first_key.line}); "
                        "the API server rejects the object",
                        kspan,
                        (
                            Span(first_key.line, first_key.col, first_value.end_line, first_value.end_col),
                            Span(kspan.line, kspan.col, value_span.end_line, value_span.end_col),
                        ),
                    )
                )
            if isinstance(vnode, _ScalarNode):
                self.expanded += 1
                if vnode.tag == _STR:
                    v = vnode.value
                    obj[k] = _intern(v) if len(v) < 48 else v  # names and label values repeat across objects
                else:
                    obj[k] = scalar(vnode)
            else:
                obj[k] = self.convert(vnode, path + (k,), depth + 1)[0]
            spans[k] = (kspan, span(vnode))
        if merges:
            self._merge(obj, merges, path, depth)

    def _merge(self, obj: YMap, merges: list, path: tuple, depth: int) -> None:
        """Merge keys (<<) where they stand, as Kubernetes' reader (go-yaml v2 decode.go,
        mapping/merge) applies them: a merged value overwrites a key written before the
        ``<<``, a key written after it wins; of a list of maps the first wins."""
        spans = obj.spans
        explicit = dict(spans)  # each key's last explicit entry
        for vnode, before in merges:
            sources = vnode.value if isinstance(vnode, yaml.SequenceNode) else [vnode]
            for src in reversed(sources):  # go-yaml merges them last to first
                merged, _ = self.convert(src, path, depth + 1)
                if isinstance(merged, YMap):
                    for mk, mv in merged.items():
                        written = explicit.get(mk)
                        if written is None or before.get(mk) is written:
                            obj[mk] = mv
                            spans[mk] = merged.spans[mk]


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
    opened = getattr(err, "context_mark", None)
    where = None
    if context and opened is not None and mark is not None and (opened.line, opened.column) != (mark.line, mark.column):
        # "while scanning a quoted scalar" -> "the quoted scalar starts here"
        what = context.split(" ", 2)[-1] if context.startswith(("while parsing ", "while scanning ")) else context
        at = Span(opened.line + line_offset + 1, opened.column + 1, opened.line + line_offset + 1, opened.column + 2)
        where = (at, f"the {what.removeprefix('a ').removeprefix('an ')} starts here")
    return ParseProblem("syntax", message, Span(line, col, line, col + 1), context=where)


def _template_action(text: str):
    """The first template action that makes ``text`` a chart template rather than a manifest, or None.

    Only files with an action pay for this: their YAML events say where each one sits.  An
    action in a comment (``# limit comes from {{ .Values.proxy.memory }}``) is no action.  A
    file that does not parse keeps its first action outside a comment (the reader then
    reports one LNK003)."""
    matches = list(_HELM_ACTION.finditer(text))
    if not matches:
        return None
    starts, places, scalars, failed = _where(text, matches)
    for m, at in zip(matches, places):
        known = failed is None or at < failed  # the events so far cover this place
        style = next((st for a, b, st in scalars if a <= at < b), None) if known else None
        if style is None:
            if not _after_comment_start(text, at[0], starts[at[0]], m.start(), scalars, known):
                return m  # in the structure
        elif failed is not None or style == "" or (style in "'\"" and m.group(1)):
            return m  # a plain scalar; a quoted string naming Helm's objects; a file that does not parse
    return None


def _braces_outside_comments(text: str) -> bool:
    """Whether a "{{" of ``text`` (a file that does not parse) sits anywhere but in a comment."""
    matches = list(_BRACES.finditer(text))
    if not matches:
        return False
    starts, places, scalars, failed = _where(text, matches)
    return any(
        not _after_comment_start(text, at[0], starts[at[0]], m.start(), scalars, failed is None or at < failed)
        for m, at in zip(matches, places)
    )


def _where(text: str, matches: list) -> tuple:
    """(line starts, (0-based line, column) of each match, scalars, where parsing stopped or None).

    scalars: (start, end, style) of the scalars that hold "{{" or end on a line with a match
    (a "#" inside one of those is text, not a comment), as (line, column) pairs."""
    import bisect

    starts = [0]
    starts.extend(b.end() for b in LINE_BREAK.finditer(text))
    places = []
    for m in matches:
        line = bisect.bisect_right(starts, m.start()) - 1
        places.append((line, m.start() - starts[line]))
    match_lines = {line for line, _ in places}
    scalars = []
    failed = last = None
    try:
        for ev in yaml.parse(text, Loader=_Loader):
            last = ev.end_mark
            if type(ev) is yaml.ScalarEvent:
                s = ev.start_mark
                if "{{" in ev.value or last.line in match_lines:
                    scalars.append(((s.line, s.column), (last.line, last.column), ev.style or ""))
    except yaml.YAMLError:
        failed = (last.line, last.column) if last is not None else (0, 0)
    return starts, places, scalars, failed


def _after_comment_start(text: str, line: int, line_start: int, pos: int, scalars: list, known: bool) -> bool:
    """Whether a comment starts on the line before ``pos``: a "#" at the line's start or after
    a blank, outside every scalar in ``scalars``.  Where the parser did not get (``known``
    false), only a "#" with no quote before it on the line counts: it might sit in a string."""
    i = text.find("#", line_start, pos)
    while i != -1:
        if i == line_start or text[i - 1] in " \t":
            if known:
                at = (line, i - line_start)
                if not any(a <= at < b for a, b, _ in scalars):
                    return True
            elif '"' not in text[line_start:i] and "'" not in text[line_start:i]:
                return True
        i = text.find("#", i + 1, pos)
    return False


def _helm_template(text: str) -> ParseProblem | None:
    m = _template_action(text)
    if not m:
        return None
    breaks = list(LINE_BREAK.finditer(text, 0, m.start()))  # libyaml's line breaks, CR alone too
    line = len(breaks) + 1
    col = m.start() - (breaks[-1].end() if breaks else 0) + 1
    return ParseProblem(
        "template",
        "file holds Helm template syntax; lint the rendered output instead "
        "(helm template RELEASE CHART | linkerd-lint check -)",
        Span(line, col, line, col + 2),
    )


# Whether a text can hold Kubernetes objects at all: every object names its apiVersion and kind.
_MANIFEST_WORDS = pattern(r"""\bapiVersion\b|(?:^|[\s{,"'])kind["']?[ \t]*:""", re.M)
# kubectl's decoder (k8s.io/apimachinery util/yaml YAMLOrJSONDecoder) reads a stream whose first
# non-space character is "{" as JSON, strictly: whatever the file's extension.
_JSON_START = pattern(r"\s*\{")
_JSON_SPACE = pattern(r"[ \t\n\r]*")


def looks_like_manifest(text: str) -> bool:
    """False when ``text`` never mentions apiVersion or kind: it cannot hold an object."""
    return _MANIFEST_WORDS.search(text) is not None


def _json_stream(text: str) -> tuple:
    """(problem, values) of a text kubectl reads as a JSON stream: where it stops being JSON (the
    YAML reader accepts trailing commas, comments and missing values that kubectl refuses), or
    None; and the (start, end) offsets of the values read before that."""
    import json

    def refuse(name):
        raise ValueError(name)

    decoder = json.JSONDecoder(parse_constant=refuse)
    pos, end, values = 0, len(text), []
    try:
        while True:  # a stream of values, as json.Decoder reads it
            pos = _JSON_SPACE.match(text, pos).end()
            if pos >= end:
                return None, values
            _, after = decoder.raw_decode(text, pos)
            values.append((pos, after))
            pos = after
    except json.JSONDecodeError as e:
        line, col, msg = e.lineno, e.colno, e.msg[:1].lower() + e.msg[1:]
    except ValueError as e:  # NaN, Infinity: Python reads them, JSON has no such values
        at = text.find(str(e), pos)
        line = text.count("\n", 0, at) + 1
        col, msg = at - (text.rfind("\n", 0, at) + 1) + 1, f"{e} is not a JSON value"
    problem = ParseProblem(
        "json",
        f"not valid JSON ({msg}): kubectl reads a file that starts with '{{' as JSON and refuses it",
        Span(line, col, line, col + 1),
    )
    return problem, values


def _read_json(src: SourceFile, text: str) -> None:
    """A text that starts with "{": kubectl's view of it (JSON) decides what is wrong with it."""
    problem, values = _json_stream(text)
    yaml_failed = any(p.kind == "syntax" for p in src.problems)
    if problem is not None:
        if yaml_failed:  # one error, kubectl's, not also the YAML reader's
            src.problems = [p for p in src.problems if p.kind != "syntax"]
        src.problems.append(problem)
    elif yaml_failed and len(values) > 1:
        # Concatenated objects are a valid JSON stream but no YAML (no "---" between them):
        # read each value on its own, at its place.
        src.documents, src.problems = [], []
        for index, (start, end) in enumerate(values):
            line = text.count("\n", 0, start)
            col = start - (text.rfind("\n", 0, start) + 1)
            try:
                _compose_into(src, " " * col + text[start:end], line, index)
            except (yaml.YAMLError, _TooComplex, RecursionError) as err:  # pragma: no cover - JSON is YAML
                src.problems.append(ParseProblem("syntax", str(err).splitlines()[0], Span(line + 1, col + 1, line + 1, col + 2)))


def parse_text(path: str, text: str) -> SourceFile:
    src = SourceFile(path=path, text=text)
    if "{{" in text:
        problem = _helm_template(text)
        if problem is not None:
            src.problems.append(problem)
            return src
    # Reading makes a great many containers and no garbage cycles (a recursive alias is
    # refused), so the collector would only walk the growing tree again and again: a 10 MB
    # file took twice as long with it on.
    collecting = gc.isenabled()
    gc.disable()
    try:
        templated = not _read_documents(src, text)
    finally:
        if collecting:
            gc.enable()
    if "# Source: " in text and not templated:
        _attach_template_sources(src)
    if not templated and _JSON_START.match(text) and looks_like_manifest(text):
        _read_json(src, text)
    if src.documents and not text.endswith(("\n", "\r", "\x85", "\u2028", "\u2029")):
        _clamp_tail(src)
    return src


def _clamp_tail(src: SourceFile) -> None:
    """libyaml ends the collections still open at the end of a file without a final line break
    on the line after the last (found by fuzzing): pull those ends back to the end of the text."""
    lines = split_lines(src.text)
    last, width = len(lines), len(lines[-1]) + 1

    def clamp(span):
        if span is None or (span.end_line, span.end_col) <= (last, width):
            return span
        start = min((span.line, span.col), (last, width))
        return Span(start[0], start[1], last, width)

    doc = src.documents[-1]
    doc.span = clamp(doc.span)
    stack, seen = [doc.data], set()
    while stack:  # the last document only: earlier ones end before it starts
        node = stack.pop()
        if not isinstance(node, (YMap, YSeq)) or id(node) in seen:
            continue
        seen.add(id(node))
        node.span = clamp(node.span)
        if isinstance(node, YMap):
            for k, (ks, vs) in list(node.spans.items()):
                node.spans[k] = (clamp(ks), clamp(vs))
            stack.extend(node.values())
        else:
            node.spans[:] = [clamp(sp) for sp in node.spans]
            stack.extend(node)


def _read_documents(src: SourceFile, text: str) -> bool:
    """The documents and problems of ``text`` into ``src``; False: unparseable template syntax."""
    line_offset = 0
    chunk = text
    index = 0
    braces = None  # whether "{{" sits outside comments (asked after the first error)
    while True:
        try:
            index = _compose_into(src, chunk, line_offset, index)
            break
        except yaml.YAMLError as err:
            problem = _problem_from_error(err, line_offset)
            problem.span = _within(src, problem.span)
            if braces is None:  # asked once: a file may hold thousands of broken documents
                braces = "{{" in text and _braces_outside_comments(text)
            if braces:  # unparseable and templated: one LNK003, not a storm of errors
                src.problems = [p for p in src.problems if p.kind != "syntax"]
                src.problems.append(
                    ParseProblem(
                        "template",
                        "file holds template syntax that is not YAML; lint the rendered output instead "
                        "(helm template RELEASE CHART | linkerd-lint check -)",
                        problem.span,
                    )
                )
                return False
            src.problems.append(problem)
            # Resume at the next document so one broken document does not hide the others.
            # From a stream at that offset: slicing the text for each broken document made
            # a file of 5,000 of them take seconds per megabyte.
            resume = _next_doc_start(src, problem.span.line, line_offset)
            if resume is None:
                break
            line_offset, pos = resume
            if not isinstance(chunk, io.StringIO):
                chunk = io.StringIO(text, newline="")
            chunk.seek(pos)
            index += 1
        except _TooComplex as err:
            span = err.span or Span(line_offset + 1, 1, line_offset + 1, 1)
            src.problems.append(ParseProblem("too-complex", str(err), span))
            break
        except RecursionError:
            src.problems.append(
                ParseProblem("too-complex", "nesting too deep to read", Span(line_offset + 1, 1, line_offset + 1, 1))
            )
            break
    return True


def _within(src: SourceFile, span: Span) -> Span:
    """``span`` moved inside the text: libyaml reports an unexpected end of stream one past it."""
    lines = src.lines or [""]
    line = min(max(span.line, 1), len(lines))
    width = len(lines[line - 1]) + 1
    col = min(max(span.col, 1), width) if line == span.line else width
    end_col = min(span.end_col, width) if span.end_line == span.line == line else col
    return Span(line, col, line, max(col, end_col))


def _next_doc_start(src: SourceFile, error_line: int, line_offset: int) -> tuple | None:
    """(0-based line, character offset) of the first '---' marker on or after the 1-based line
    ``error_line`` and after the 0-based line ``line_offset`` (where the broken part started,
    so reading always moves on).  On it: an error reported at the marker itself (an unclosed
    bracket before it) is the end of the document before it, not of the one it starts."""
    pos = src.offset(error_line, 1)
    text = src.text
    while pos < len(text):
        m = _DOC_START.search(text, pos)
        if not m:
            return None
        import bisect  # only after a broken document

        line = bisect.bisect_right(src._line_starts, m.start()) - 1
        if line > line_offset:
            return line, m.start()
        pos = m.end()
    return None


def _compose_into(src: SourceFile, chunk: str, line_offset: int, index: int) -> int:
    for node in yaml.compose_all(chunk, Loader=_MemoLoader):
        conv = _Converter(line_offset, src.problems)
        if node is None:  # pragma: no cover - compose_all yields nodes only
            continue
        data, _ = conv.convert(node, ())
        src.documents.append(Document(index=index, data=data, span=conv.span(node)))
        src.shared.extend(conv.shared)
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


class FileTooLarge(OSError):
    def __init__(self, size: int):
        super().__init__(f"{size} bytes")
        self.size = size


def read_bytes(path: str, limit: int) -> bytes:
    """At most ``limit`` bytes of a file; ``FileTooLarge`` for a regular file of more.

    ``read(limit)`` alone would allocate ``limit`` bytes for every file (64 MiB: ~40 us a
    file, a tenth of a 10,000-file run): a regular file is read at about its size (a little
    more, should it grow meanwhile), anything else (a FIFO, /dev/zero named x.yaml) up to
    the limit."""
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        if stat.S_ISREG(st.st_mode):
            if st.st_size > limit:
                raise FileTooLarge(st.st_size)
            limit = min(limit, st.st_size + 65536)
        return fh.read(limit)


def read_file(path: str, display: str | None = None, limit: int = MAX_FILE_BYTES) -> SourceFile:
    """Read and parse one file; I/O and decoding problems become ParseProblems, never exceptions."""
    display = display or path
    try:
        raw = read_bytes(path, limit + 1)
    except FileTooLarge as e:
        return _too_large(display, e.size, limit)
    except OSError as e:
        src = SourceFile(path=display)
        src.problems.append(ParseProblem("io", f"cannot read file: {e.strerror or e}", Span(1, 1, 1, 1)))
        return src
    return parse_bytes(display, raw, limit)


def _mib(n: int) -> str:
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}" if n % size else f"{n // size} {unit}"
    return f"{n} bytes"


def _too_large(display: str, size: int | None, limit: int) -> SourceFile:
    src = SourceFile(path=display)
    what = f"file of {_mib(size)}" if size is not None else "file"
    src.problems.append(ParseProblem(
        "too-large",
        f"{what} is larger than max-file-size ({_mib(limit)}); not read: split it, or raise max-file-size "
        "in the configuration",
        Span(1, 1, 1, 1),
    ))
    return src


def parse_bytes(display: str, raw: bytes, limit: int = MAX_FILE_BYTES) -> SourceFile:
    if len(raw) > limit:
        return _too_large(display, len(raw) if len(raw) > limit + 1 else None, limit)
    text, problem = decode(raw)
    if problem is not None:
        src = SourceFile(path=display)
        src.problems.append(problem)
        return src
    return parse_text(display, text)


# Problems after which a file may hold objects the reader did not return.  (A binary file
# is no manifest; a duplicate key loses nothing but the object's validity.)
_LOSSY = frozenset({"syntax", "template", "too-complex", "encoding", "io", "too-large"})
_NAMESPACE_LINE = pattern(r"""^[ \t]*["']?namespace["']?[ \t]*:[ \t]*["']?([a-z0-9][-a-z0-9]*)["']?[ \t]*(?:#.*)?$""", re.M)


def unread_namespaces(src: SourceFile) -> tuple:
    """What a file whose objects were not all read may hold, for cross-resource rules that
    conclude something is absent: () when nothing was lost; else the namespaces its text
    names, "" for objects that name none, or ("*",) when its text is unknown."""
    if not any(p.kind in _LOSSY for p in src.problems):
        return ()
    if not src.text:
        return ("*",)
    return tuple(sorted({m.group(1) for m in _NAMESPACE_LINE.finditer(src.text)} | {""}))
