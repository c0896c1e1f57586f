"""Catalog objects taken up from the session store one at a time, when first used.

The store keeps every object the page recorder knows by identity
(output/pagecache.identities: ("P", id), ("S", id), ("T", taxonomy, term), ...)
as its own row: the object's fields, pickled, with each other such object in
them pickled as a reference (its class and identity). Taking up a session makes
no object at all; a reference becomes a *ghost*: an instance of a subclass of
the object's own class, with nothing in it. Its first attribute read or write
(any but `__class__`, which names its own class) loads its row, fills it and
turns it into a plain instance of its class. So
identity, `isinstance`, properties and dataclass methods behave as before, and
an edit loads only the objects its pages, feeds and related lists reach.

Nothing here knows the catalog's fields: an object is what its class and
`__dict__` say, as the page recorder sees it. Objects the recorder does not
know by identity are pickled by value inside the object that holds them.
"""
from __future__ import annotations

import io
import pickle
from collections.abc import Callable, Iterable
from typing import Any

from ..store import StoreError, unshared

_GHOST: dict[type, type] = {}  # class -> its ghost class
_REAL: dict[type, type] = {}  # ghost class -> class
_PENDING: dict[int, tuple["Ghosts", tuple]] = {}  # id(ghost) -> (its registry, identity), until loaded
_LATER: dict[int, tuple["Ghosts", tuple, tuple[str, ...]]] = {}  # id -> (registry, identity, long lists not loaded)
_LOADING: list["Ghosts"] = []  # the registry whose rows are being unpickled (references resolve there)
LONG = 64  # a list of more items is kept apart in its object's row, and loaded when first read


def real_class(kind: type) -> type:
    return _REAL.get(kind, kind)


def class_name(kind: type) -> str:
    kind = real_class(kind)
    return f"{kind.__module__}:{kind.__qualname__}"


def _class(name: str) -> type:
    module, _, qualname = name.partition(":")
    obj: Any = __import__(module, fromlist=["_"])
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not isinstance(obj, type):
        raise StoreError(f"{name} is not a class")
    return obj


def materialize(obj: Any) -> Any:
    """Load all of a ghost's fields now (nothing happens to any other object)."""
    _fields(obj)
    later = _LATER.pop(id(obj), None)
    if later is not None:
        registry, key, _ = later
        try:
            lists = registry.load_lists(key)
        except BaseException:
            _LATER[id(obj)] = later
            raise
        object.__getattribute__(obj, "__dict__").update(lists)
        object.__setattr__(obj, "__class__", _REAL[type(obj)])
    return obj


def _fields(obj: Any) -> None:
    """Load a ghost's fields but its long lists (then it is done, if it has none)."""
    owner = _PENDING.pop(id(obj), None)
    if owner is not None:
        registry, key = owner
        try:
            state, later = registry.load_state(key)
        except BaseException:
            _PENDING[id(obj)] = owner
            raise
        object.__getattribute__(obj, "__dict__").update(state)
        if later:
            _LATER[id(obj)] = (registry, key, later)
        else:
            object.__setattr__(obj, "__class__", _REAL[type(obj)])


def _getattribute(self: Any, name: str) -> Any:
    # Every read, not only of names the instance lacks: a dataclass field with a default is also a
    # class attribute, which a ghost's empty __dict__ would let through. Its class is known unloaded.
    if name == "__class__":
        return _REAL[type(self)]
    _fields(self)
    later = _LATER.get(id(self))
    if later is not None:
        if name not in later[2] and name != "__dict__":  # a field read already, a property, a method
            return object.__getattribute__(self, name)
        materialize(self)
    if type(self) in _REAL:  # its registry was closed before it was ever read
        raise StoreError("an object of a closed session store was read")
    return getattr(self, name)  # as its own class reads it, now that it is one


def _setattr(self: Any, name: str, value: Any) -> None:
    materialize(self)
    setattr(self, name, value)


def _delattr(self: Any, name: str) -> None:
    materialize(self)
    delattr(self, name)


def _reduce_ex(self: Any, protocol: int) -> Any:
    materialize(self)
    return self.__reduce_ex__(protocol)


def _eq(self: Any, other: Any) -> Any:
    materialize(self)
    return self == other


def _ghost_class(kind: type) -> type:
    ghost = _GHOST.get(kind)
    if ghost is None:
        ghost = type(kind.__name__, (kind,), {
            "__slots__": (), "__module__": kind.__module__, "__qualname__": kind.__qualname__,
            "__getattribute__": _getattribute, "__setattr__": _setattr, "__delattr__": _delattr,
            "__reduce_ex__": _reduce_ex, "__eq__": _eq, "__hash__": kind.__hash__,
        })
        _GHOST[kind], _REAL[ghost] = ghost, kind
    return ghost


def _ref(kind: type, key: tuple) -> Any:
    """What a reference unpickles to: the registry's object for `key` (a ghost if not loaded yet)."""
    if not _LOADING:
        raise StoreError("a stored object reference read outside a store")
    return _LOADING[-1].get(key, kind)


class _Pickler(pickle.Pickler):
    """Pickles catalog objects (those in `keys`) as references; everything else as usual."""

    def __init__(self, file: io.BytesIO, keys: dict[int, tuple]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.keys = keys

    def reducer_override(self, obj: Any) -> Any:  # not called for str, int, list, dict, ... (fast)
        key = self.keys.get(id(obj))
        if key is not None:
            return _ref, (real_class(type(obj)), key)
        return NotImplemented


def dumps(value: Any, keys: dict[int, tuple]) -> bytes:
    """`value` pickled with the catalog objects in it as references (`keys`: id -> identity)."""
    buf = io.BytesIO()  # a fresh pickler per value: reusing one for thousands of values was ten times slower
    _Pickler(buf, keys).dump(value)
    return buf.getvalue()


def row_of(obj: Any, keys: dict[int, tuple]) -> tuple[bytes, bytes | None]:
    """An object's row: its fields, with the other catalog objects in them as references; long
    lists apart (a term's papers: a page that reads its name need not make thousands of objects)."""
    return _row(materialize(obj).__dict__, keys)


def _row(state: dict, keys: dict[int, tuple]) -> tuple[bytes, bytes | None]:
    long = {k: v for k, v in state.items() if type(v) is list and len(v) > LONG}
    if not long:  # (texts as store.Utf8: pickling a str itself would leave a UTF-8 copy in it)
        return dumps((unshared(state), ()), keys), None
    return dumps((unshared({k: v for k, v in state.items() if k not in long}), tuple(long)), keys), dumps(long, keys)


class Ghosts:
    """The catalog objects of one stored session, by identity, made on first reference.

    `fetch(identity)` gives the stored (class name, fields) of an object, or None, and
    `fetch_lists(identity)` its long lists. `objects`, `keys` and `refs` are what the page
    recorder's World is made of.
    """

    def __init__(self, fetch: Callable[[tuple], tuple[str, bytes] | None],
                 fetch_lists: Callable[[tuple], bytes | None]) -> None:
        self.fetch, self.fetch_lists = fetch, fetch_lists
        self.objects = _Objects(self)
        self.keys: dict[int, tuple] = {}
        self.refs: dict[int, tuple] = {}
        self.blobs: dict[tuple, bytes] = {}  # identity -> the fields it was loaded from (to tell what changed)
        self.list_blobs: dict[tuple, bytes] = {}  # identity -> the long lists it was loaded from
        self._rows: dict[tuple, tuple[str, bytes]] = {}  # fetched for their class, not loaded yet

    def get(self, key: tuple, kind: type | None = None) -> Any:
        obj = dict.get(self.objects, key)
        if obj is None:
            if kind is None:
                row = self.fetch(key)
                if row is None:
                    raise KeyError(key)
                self._rows[key] = row
                kind = _class(row[0])
            obj = object.__new__(_ghost_class(kind))
            dict.__setitem__(self.objects, key, obj)
            self.keys[id(obj)] = key
            self.refs[id(obj)] = ("ref", key)
            _PENDING[id(obj)] = (self, key)
        return obj

    def load_state(self, key: tuple) -> tuple[dict, tuple[str, ...]]:
        row = self._rows.pop(key, None) or self.fetch(key)
        if row is None:
            raise StoreError(f"the session store has no object {key!r}")
        self.blobs[key] = row[1]
        state, later = self.loads(row[1])
        if not isinstance(state, dict):
            raise StoreError(f"object {key!r} is damaged in the session store")
        return state, tuple(later)

    def load_lists(self, key: tuple) -> dict:
        blob = self.fetch_lists(key)
        if blob is None:
            raise StoreError(f"the session store has not the lists of object {key!r}")
        self.list_blobs[key] = blob
        return self.loads(blob)

    def loads(self, blob: bytes) -> Any:
        """A value pickled by `dumps`, its references resolved here."""
        _LOADING.append(self)
        try:
            return pickle.loads(blob)
        finally:
            _LOADING.pop()

    def dumps(self, value: Any) -> bytes:
        return dumps(value, self.keys)

    def changed(self) -> Iterable[tuple[tuple, str, bytes, bytes | None, bool]]:
        """(identity, class name, fields, long lists, whether the lists are given) of every loaded
        object that is no longer what was loaded. Lists never loaded were not changed (a write
        loads them first): then only the fields are given."""
        for key, old in self.blobs.items():
            obj = dict.__getitem__(self.objects, key)
            later = _LATER.get(id(obj))
            if later is not None:  # its fields only, as _row made them
                value = dumps((unshared(object.__getattribute__(obj, "__dict__")), later[2]), self.keys)
                if value != old:
                    yield key, class_name(type(obj)), value, None, False
                continue
            value, lists = row_of(obj, self.keys)
            if value != old or lists != self.list_blobs.get(key):
                yield key, class_name(type(obj)), value, lists, True

    def forget_pending(self) -> None:
        """Drop this registry's unloaded ghosts from the module's tables (the session is done with)."""
        for obj in dict.values(self.objects):
            _PENDING.pop(id(obj), None)
            _LATER.pop(id(obj), None)


class _Objects(dict):
    """identity -> object; an identity not seen yet is looked up in the store (KeyError if it has none)."""

    def __init__(self, ghosts: Ghosts) -> None:
        super().__init__()
        self.ghosts = ghosts

    def __missing__(self, key: tuple) -> Any:
        return self.ghosts.get(key)
