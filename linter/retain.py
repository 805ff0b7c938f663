"""What the engine keeps of an object for the inventory-scope rules, and in which form.

Every object of a kind an inventory rule asked for (``Rule.kinds``) is kept until the
inventory pass, so on a large repository the kept objects are most of the memory, and
with ``--jobs`` they are what worker processes send back.  Two things keep them small:

*Pruning* (the contract, also in docs/writing-rules.md).  Objects with a pod template
are most of a repository and most of its bytes (env, probes, resources, volumes…), so
they are kept with only what the inventory rules read:

* the object's ``apiVersion``, ``kind`` and ``metadata``;
* the maps that lead to the template (``spec``, ``spec.jobTemplate``…), each with only
  the key that leads on;
* the template's ``metadata`` and, of its ``spec``, ``POD_SPEC_KEYS``;
* of each container and init container, ``CONTAINER_KEYS`` (``ports`` whole).

Every other kind is kept whole.  Positions, field paths and key order are those of the
file.  An inventory rule that needs more adds the key here (and to the document).

*A compact form*.  Kept maps and sequences become ``KeptMap``/``KeptSeq``: still
``YMap``/``YSeq`` with the same API, but their positions are one tuple of small ints
instead of two ``Span`` objects and a tuple per key (a third of the memory of a parsed tree),
they share keys (interned by the reader) and values with the parsed file, and pickle as plain tuples (cheap to send from a worker).

Both are applied with ``--jobs 1`` exactly as in worker processes, so output never
depends on the number of jobs.  tests/test_parallel.py runs every rule with this on and
off (``LINKERD_LINT_KEEP_WHOLE=1``) and with one and two processes, and fails when the
outputs differ.
"""

from __future__ import annotations

import copyreg
import os
import struct
from array import array
from itertools import chain

from linter.located import Span, YMap, YSeq, format_path
from linter.model import POD_TEMPLATE_PATHS, Resource

POD_SPEC_KEYS = frozenset(
    {"containers", "initContainers", "hostNetwork", "serviceAccountName", "serviceAccount"}
)
CONTAINER_KEYS = frozenset({"name", "image", "ports", "restartPolicy"})
ROOT_KEYS = frozenset({"apiVersion", "kind", "metadata", "spec"})

# Off switch for the equivalence test (and for a user who suspects the pruning).
ENABLED = os.environ.get("LINKERD_LINT_KEEP_WHOLE", "") not in ("1", "true", "yes")
# Tests: a read of a pruned field raises PrunedFieldRead (an internal error naming the rule).
STRICT = os.environ.get("LINKERD_LINT_STRICT_KEEP", "") in ("1", "true", "yes")

_new_span = tuple.__new__  # Span(*four) without the Python-level namedtuple constructor
_unpack4 = struct.Struct("=4I").unpack_from
_flat = chain.from_iterable
if array("I").itemsize != 4:  # pragma: no cover - no such platform in use
    raise ImportError("linter.retain needs 32-bit unsigned ints in array('I')")


def _span_of(packed: bytes, at: int) -> Span:
    """The Span at the ``at``-th number of a packed map or sequence."""
    return _new_span(Span, _unpack4(packed, 4 * at))


def _packed(span, numbers) -> bytes:
    """A span and more numbers as bytes (native order: only this machine's processes read them)."""
    out = array("I", span)
    out.extend(numbers)
    return out.tobytes()


class _Packed:
    """The container's own span: the first four packed numbers."""

    __slots__ = ()

    @property
    def span(self):
        return _span_of(self._packed, 0)


class KeptMap(_Packed, YMap):
    """A read-only ``YMap`` of a kept object.

    ``_packed`` holds the map's own span then, per key in order, the key's and the
    value's spans: 4 + 8n unsigned 32-bit numbers.  ``spans`` is rebuilt on demand for the rare caller
    that wants the dict (fix builders).
    """

    __slots__ = ("_packed",)

    def _at(self, key) -> int:
        if key not in self:
            return -1
        return 4 + 8 * list(dict.keys(self)).index(key)

    def key_span(self, key):
        at = self._at(key)
        return _span_of(self._packed, at) if at >= 0 else None

    def value_span(self, key):
        at = self._at(key)
        return _span_of(self._packed, at + 4) if at >= 0 else None

    @property
    def spans(self) -> dict:
        p = self._packed
        return {k: (_span_of(p, 4 + 8 * i), _span_of(p, 8 + 8 * i)) for i, k in enumerate(dict.__iter__(self))}

    def __reduce__(self):
        # NEWOBJ, SETITEMS and BUILD: unpickled without a Python-level call per map (the
        # parent of --jobs workers unpickles every kept object of the run).
        return (copyreg.__newobj__, (KeptMap,), (None, {"path": self.path, "_packed": self._packed}), None,
                iter(dict.items(self)))


class PrunedFieldRead(Exception):
    """Strict mode (tests): a rule read a field the engine does not keep for the inventory pass.

    Not a LookupError on purpose: a rule's ``except KeyError`` must not swallow it."""


class _StrictKeptMap(KeptMap):
    """A pruned map that refuses to be read where it was pruned (``STRICT``, for the tests)."""

    __slots__ = ("_dropped",)

    def _check(self, key):
        if key in self._dropped:
            raise PrunedFieldRead(f"{format_path(self.path + (key,))} is not kept for inventory rules (linter/retain.py)")

    def _whole(self, *_):
        raise PrunedFieldRead(f"{format_path(self.path) or 'the object'} was iterated, but only part of it is kept "
                              "for inventory rules (linter/retain.py)")

    def get(self, key, default=None):
        self._check(key)
        return dict.get(self, key, default)

    def __getitem__(self, key):
        self._check(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        self._check(key)
        return dict.__contains__(self, key)

    __iter__ = keys = items = values = _whole

    def __reduce__(self):
        return (_strict_kept_map, (self.path, tuple(dict.items(self)), self._packed, self._dropped))


def _strict_kept_map(path, items, packed, dropped) -> _StrictKeptMap:
    m = _StrictKeptMap.__new__(_StrictKeptMap)
    dict.update(m, items)
    m.path, m._packed, m._dropped = path, packed, dropped
    return m


class KeptSeq(_Packed, YSeq):
    """A read-only ``YSeq`` of a kept object: its span then each item's, packed as ints."""

    __slots__ = ("_packed",)

    def item_span(self, index: int):
        if 0 <= index < len(self):
            return _span_of(self._packed, 4 + 4 * index)
        return None

    @property
    def spans(self) -> list:
        p = self._packed
        return [_span_of(p, 4 + 4 * i) for i in range(len(self))]

    def __reduce__(self):
        return (copyreg.__newobj__, (KeptSeq,), (None, {"path": self.path, "_packed": self._packed}), iter(self))


_CONTAINERS = frozenset({YMap, YSeq, KeptMap, KeptSeq, _StrictKeptMap})


def _kept_map(path, items, packed) -> KeptMap:
    m = KeptMap.__new__(KeptMap)
    dict.update(m, items)
    m.path = path
    m._packed = packed
    return m


def _kept_seq(path, items, packed) -> KeptSeq:
    s = KeptSeq.__new__(KeptSeq)
    list.extend(s, items)
    s.path = path
    s._packed = packed
    return s


_PATHS: dict = {}


def _path(path: tuple) -> tuple:
    """One tuple per distinct field path: most repeat in every object of a run (("metadata",
    "labels"), ("spec", "template", "spec", "containers", 0)...)."""
    hit = _PATHS.get(path)
    if hit is None:
        if len(_PATHS) >= 20_000:
            _PATHS.clear()  # a bound, not a cache policy: paths with names in them are many
        hit = _PATHS[path] = path
    return hit


class _Packer:
    """Copies a tree into KeptMap/KeptSeq; aliases stay shared (a memo by identity)."""

    def __init__(self):
        self.memo: dict = {}

    def value(self, v):
        if isinstance(v, YMap):
            return self.map(v, None)
        if isinstance(v, YSeq):
            return self.seq(v, None)
        return v

    def map(self, m: YMap, keys, transform=None):
        """``m`` packed; with ``keys``, only those keys; ``transform`` (key -> fn) for values."""
        plain = keys is None and transform is None
        if plain:
            hit = self.memo.get(id(m))
            if hit is not None:
                return hit[1]
        if isinstance(m, KeptMap) or m.span is None:
            return m  # packed already, or a hand-built map without positions
        spans = m.spans
        names = list(m) if keys is None else [k for k in m if k in keys]
        try:
            packed = _packed(m.span, _flat(_flat(spans[k] for k in names)))
        except (KeyError, TypeError, OverflowError):  # a key without positions: keep the original
            return m
        if transform is None and _CONTAINERS.isdisjoint(map(type, m.values())):
            # A leaf (labels, annotations, a port): copied in C.  Keys come interned from the
            # reader; values are shared with the parsed file.
            items = zip(names, map(m.__getitem__, names)) if keys is not None else m.items()
        else:
            value = self.value
            items = []
            for k in names:
                v = m[k]
                fn = transform.get(k) if transform else None
                if fn is not None:
                    v = fn(v)
                elif isinstance(v, (YMap, YSeq)):
                    v = value(v)
                items.append((k, v))
        if STRICT and keys is not None and len(names) < len(m):
            out = _strict_kept_map(_path(m.path), items, packed, frozenset(k for k in m if k not in keys))
        else:
            out = _kept_map(_path(m.path), items, packed)
        if plain:
            self.memo[id(m)] = (m, out)  # m kept alive by the memo: ids stay unique
        return out

    def seq(self, s: YSeq, each=None):
        if each is None:
            hit = self.memo.get(id(s))
            if hit is not None:
                return hit[1]
        if isinstance(s, KeptSeq) or s.span is None or len(s.spans) != len(s):
            return s
        try:
            packed = _packed(s.span, _flat(s.spans))
        except (TypeError, OverflowError):
            return s
        out = _kept_seq(_path(s.path), tuple(map(each or self.value, s)), packed)
        if each is None:
            self.memo[id(s)] = (s, out)
        return out

    # -- pod templates ------------------------------------------------------------------

    def container(self, c):
        return self.map(c, CONTAINER_KEYS) if isinstance(c, YMap) else self.value(c)

    def containers(self, items):
        return self.seq(items, self.container) if isinstance(items, YSeq) else self.value(items)

    def pod_spec(self, spec):
        if not isinstance(spec, YMap):
            return self.value(spec)
        return self.map(spec, POD_SPEC_KEYS, {"containers": self.containers, "initContainers": self.containers})

    def down(self, path: tuple):
        """A transform that keeps, along ``path``, only the key that leads on, then the pod template."""
        if not path:
            return {"spec": self.pod_spec}
        head, rest = path[0], path[1:]

        def step(child):
            if not isinstance(child, YMap):
                return self.value(child)
            if rest:
                return self.map(child, {rest[0]}, self.down(rest))
            return self.map(child, {"metadata", "spec"}, {"spec": self.pod_spec})

        return {head: step}


def compact(res: Resource) -> Resource:
    """The object as kept for the inventory pass (see the module docstring)."""
    if not ENABLED:
        return res
    packer = _Packer()
    if res.pod_template is None:
        data = packer.map(res.data, None)
    else:
        tpath = () if res.kind == "Pod" else POD_TEMPLATE_PATHS[res.kind]
        data = packer.map(res.data, ROOT_KEYS, packer.down(tpath))
    if data is res.data:
        return res
    return Resource(
        file=res.file,
        doc_index=res.doc_index,
        data=data,
        api_version=res.api_version,
        kind=res.kind,
        name=res.name,
        namespace=res.namespace,
        namespace_written=res.namespace_written,
        template_source=res.template_source,
        item_path=res.item_path,
    )
