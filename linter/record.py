"""A small base for plain data classes on the start-up path, instead of ``dataclasses``.

``import dataclasses`` pulls in inspect, ast, dis and tokenize (~10 ms) and each
``@dataclass`` writes and compiles its methods at import (~0.3 ms a class): together
a tenth of ``linkerd-lint check`` on one file, which is what pre-commit and editors
run on every save.  A ``Record`` subclass declares ``__slots__`` (the fields, in
order) and writes its own ``__init__``; this base supplies what the dataclasses did:

* ``repr`` of every field (but those named in ``_hidden``), ``==`` over the fields
  for objects of the same class (``eq=False``: identity, as ``@dataclass(eq=False)``);
* ``hash`` over the fields for ``frozen=True`` classes, none for the mutable ones
  (immutability itself is by convention: nothing assigns to a frozen record);
* ``obj.replace(**changes)``, like ``dataclasses.replace`` (calls ``__init__``);
* pickling (``--jobs`` sends findings and kept objects between processes): the
  default protocol-2 form of a ``__slots__`` object, rebuilt without calling Python.

    class Edit(Record, frozen=True):
        __slots__ = ("span", "text")

        def __init__(self, span, text):
            self.span = span
            self.text = text
"""

from __future__ import annotations


class Record:
    __slots__ = ()
    _fields: tuple = ()  # every slot, base classes' first: the fields in __init__ order
    _hidden: tuple = ()  # fields left out of repr (a back-reference, a cache)

    def __init_subclass__(cls, *, frozen: bool = False, eq: bool = True, **kwargs):
        super().__init_subclass__(**kwargs)
        fields = []
        for klass in reversed(cls.__mro__):
            slots = klass.__dict__.get("__slots__", ())
            fields.extend((slots,) if isinstance(slots, str) else slots)
        cls._fields = tuple(fields)
        cls.__match_args__ = cls._fields
        if eq:
            cls.__eq__ = _eq
            cls.__hash__ = _hash if frozen else None
        else:  # identity, whatever a base class said
            cls.__eq__ = object.__eq__
            cls.__hash__ = object.__hash__

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields)

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields if n not in self._hidden)
        return f"{type(self).__qualname__}({shown})"

    def replace(self, **changes):
        """A copy with some fields changed (``dataclasses.replace``: goes through ``__init__``)."""
        unknown = set(changes) - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field(s) {', '.join(sorted(unknown))}")
        args = {n: changes[n] if n in changes else getattr(self, n) for n in self._fields}
        return type(self)(**args)


def _eq(self, other):
    if other.__class__ is self.__class__:
        return self._values() == other._values()
    return NotImplemented


def _hash(self):
    return hash(self._values())
