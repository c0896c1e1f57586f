"""Per-page output cache with recorded dependencies ("verifying traces").

While a page is rendered, what the template reads from the catalog is recorded
as steps: each catalog object it reads anything of (`("obj", ("P", id))`, with a
digest of all of that object's fields and properties), and each call into
Python such as `paper_links(paper)`, `tax.url(term)` or a `partial(...)`, with
a digest of the value it gave. On the next build a page is reused (its
published file hard-linked, not re-rendered) only if
  * its base is the same: template files, config, code, the page's own fields
    and data (by identity for catalog objects), and the plain globals; and
  * every step it recorded gives a value with the same digest in the new catalog.
So an edited summary re-renders exactly the pages that read an object or a
helper result that changed (its paper page, the listings whose entry changed,
pages whose related list changed, ...), whatever the templates or helpers look at.

What keeps it sound:
* catalog objects (papers, summaries, records, metadata, terms, taxonomies, the
  catalog) are tracked by a stable identity (e.g. ("P", paper id)); every
  attribute or item read from one goes through Jinja's getattr/getitem, which
  are hooked here. A read notes only the object (a set insertion: pages make
  millions of reads), and the object's digest covers everything a read could see;
* Python code called from a template (globals, methods of catalog objects,
  filters given catalog objects) is recorded as a call and re-run to verify it;
  built-in methods of str/list/dict and Jinja's own helpers are pure;
* reading an attribute of any object this module does not know, printing a
  catalog object, or a value it cannot digest makes the page uncacheable (it is
  simply rendered every time) instead of risking a stale page.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import types
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from jinja2 import Environment
from jinja2.filters import FILTERS as DEFAULT_FILTERS
from jinja2.tests import TESTS as DEFAULT_TESTS
from jinja2.runtime import Context, LoopContext, Macro, Namespace, Undefined
from markupsafe import Markup

from .. import config as config_module
from ..cache import page_ids
from ..catalog import Catalog
from .pages import Page, Pager
from .partials import Partials

if TYPE_CHECKING:
    from .staging import Stager

# Our filters that are pure functions of their (plain) arguments and the config.
PURE_FILTERS = {"slug", "excerpt", "date", "author", "reading_time"}
# Jinja filters that read attributes through environment.getattr/getitem (so are tracked) or only count.
ATTR_SAFE_FILTERS = {"length", "count", "first", "last", "sort", "map", "select", "reject", "selectattr",
                     "rejectattr", "groupby", "join", "list", "batch", "slice", "unique", "min", "max", "sum",
                     "attr", "default", "d", "reverse", "dictsort", "items"}
# Globals that are pure functions of their arguments and the config.
PURE_GLOBALS = {"url", "canonical", "range", "dict", "lipsum", "cycler", "joiner", "namespace"}
_PLAIN = (str, int, float, bool, type(None))
_EXACT_PLAIN = frozenset(_PLAIN)  # pictured as themselves; their subclasses (Markup) are not
_JINJA_RUNTIME = (LoopContext, Macro, Namespace, Undefined)
_NO_KWARGS = ("dict", ())  # World.v({})


_TRANSPARENT: dict[type, bool] = {}
@cache
def _properties(kind: type) -> list[str]:
    """Names of a class's properties (computed values a template reads like fields)."""
    return sorted({name for klass in kind.__mro__ for name, member in vars(klass).items() if isinstance(member, property)})


class Untrackable(Exception):
    pass


def _digest(data: bytes) -> str:
    """The recorder's digest of bytes: SHA-256 (the CPU's SHA instructions make it twice as fast
    as BLAKE2b here, and a page's summaries are tens of kB of HTML), 128 bits of it in hex."""
    return hashlib.sha256(data).hexdigest()[:32]


def _h(value: Any) -> str:
    """Digest of a picture (plain values in tuples, lists and dicts; see World.v).

    Its bytes are marshal's version 0: a typed, length-prefixed form made in C, a third of the
    time of repr() and encoding; version 0 has no back-references or interning marks, so equal
    values give equal bytes whatever objects they share, in any process.
    """
    return _digest(marshal.dumps(value, 0))


def _text_h(tag: bytes, text: str) -> str:
    """Digest of a string value as it is: no picture (which copies kilobytes of HTML once more).

    The NUL-led tag keeps it apart from every _h digest: marshal's bytes never start with NUL.
    """
    return _digest(tag + text.encode("utf-8", "surrogatepass"))


# What JSON can write: dicts, lists, tuples, str, int, float, bool, None (and their subclasses);
# not sets, bytes or objects. Used only to refuse what it cannot write.
_json_types_only = json.JSONEncoder(check_circular=False, ensure_ascii=False).encode


def _plain_bytes(value: Any) -> bytes | None:
    """marshal's version-0 bytes of a value made only of plain values in lists, tuples and dicts
    (a call's result such as a page's feed links or its neighbours): its own picture, made in C
    without walking it in Python. None when it holds anything else: marshal refuses a catalog
    object or a Markup (any subclass); a set it would write in the order of the process's string
    hashing, so bytes that may hold a set's type code (`<`, a frozenset's `>`: also a string's
    character or a length's byte, and then JSON, which cannot write a set, decides) are not used."""
    try:
        data = marshal.dumps(value, 0)
        if b"<" in data or b">" in data:
            _json_types_only(value)
    except (ValueError, TypeError, RecursionError):
        return None
    return data


def _passes_nothing(fn: Any) -> bool:
    """Whether Jinja's Context.call would call `fn` with just the template's arguments (no context,
    eval context or environment first): neither it nor its __call__ is marked by pass_context & co."""
    return getattr(fn, "jinja_pass_arg", None) is None and getattr(getattr(fn, "__call__", None), "jinja_pass_arg",
                                                                   None) is None


def identities(catalog: Catalog) -> dict[tuple, Any]:
    """Stable identity -> object, for everything a template can reach in the catalog."""
    out: dict[tuple, Any] = {("C",): catalog}
    for p in catalog.papers:
        out[("P", p.id)] = p
        out[("PM", p.id)] = p.meta
    for s in catalog.summaries:
        out[("S", s.id)] = s
        out[("R", s.id)] = s.record
        out[("RM", s.id)] = s.record.paper
    for tax in catalog.taxonomies.values():
        out[("X", tax.key)] = tax
        for term in tax.terms:
            out[("T", tax.key, term.key)] = term
    for c in catalog.collections:
        out[("K", c.key)] = c
    return out


@dataclass
class World:
    """One build's catalog as the tracker sees it: identities and value digests."""

    objects: dict[tuple, Any]
    env: Environment
    filters: dict[str, Callable]  # the unwrapped filters
    tests: dict[str, Callable] = field(default_factory=dict)  # the unwrapped tests
    config: Any = None  # in every page's base digest, so pictured by name only
    pages: dict[str, Page] = field(default_factory=dict)  # path -> page (a page's own fields are in its base)
    # id -> identity, and id -> ("ref", identity) (v's picture, made once); made from `objects` unless given
    # (a session store's objects are made as they are first referred to, and these grow with them).
    keys: dict[int, tuple] = None  # type: ignore[assignment]
    refs: dict[int, tuple] = None  # type: ignore[assignment]
    prints: dict[tuple, str] = field(default_factory=dict)  # identity -> digest of the object, this build
    load: Callable[[Any], Any] = lambda obj: obj  # an object's fields made present (incremental/ghosts.py)

    def __post_init__(self) -> None:
        if self.keys is None:
            self.keys = {id(o): k for k, o in self.objects.items()}
        if self.refs is None:
            self.refs = {i: ("ref", k) for i, k in self.keys.items()}

    def forget(self) -> None:
        """Drop the object digests: the catalog was edited in place (an incremental rebuild)."""
        self.prints.clear()

    def fingerprint(self, key: tuple) -> str:
        """Digest of everything a template can read of one catalog object: its fields and properties."""
        known = self.prints.get(key)
        if known is None:
            obj = self.load(self.objects[key])
            refs = self.refs
            parts = [type(obj).__qualname__.encode()]
            members = [*sorted(vars(obj).items()), *((name, getattr(obj, name)) for name in _properties(type(obj)))]
            for name, value in members:
                # Text (HTML, bodies: most of the bytes) as it is, with its length; the rest pictured
                # (marshal's bytes, as _h's, delimit themselves).
                if type(value) is str:
                    data = value.encode("utf-8", "surrogatepass")
                    parts += (b"\0", name.encode(), b"\0", str(len(data)).encode(), b":", data)
                else:
                    # (NUL, name, then 2: as it is, 1: its picture; another catalog object (a summary's
                    # paper) is pictured by name at once: marshal would refuse it)
                    data = _plain_bytes(value) if id(value) not in refs else None
                    parts += (b"\0", name.encode(), b"\1", marshal.dumps(self.v(value), 0)) if data is None else (
                        b"\0", name.encode(), b"\2", data)
            # One join and one hash call: a call per member was most of the time (40,000 objects per build).
            known = self.prints[key] = _digest(b"".join(parts))
        return known

    def v(self, x: Any) -> Any:
        """A plain, comparable picture of a value: catalog objects by identity, containers deeply."""
        kind = type(x)
        if kind in _EXACT_PLAIN:
            return x
        if kind is list or kind is tuple:  # (the usual values first: a call's results are mostly these)
            return self._sequence(kind, x)
        if kind is Markup:
            return ("markup", str(x))
        ref = self.refs.get(id(x))
        if ref is not None:
            return ref
        if isinstance(x, _PLAIN):  # other subclasses of str and numbers
            return ("markup", str(x))
        if isinstance(x, (list, tuple)):
            return self._sequence(kind, x)
        if isinstance(x, types.MethodType) and id(x.__self__) in self.keys:
            return ("method", self.keys[id(x.__self__)], x.__func__.__qualname__)
        if isinstance(x, dict):  # (mostly named by text: a page's data)
            plain, v = _EXACT_PLAIN, self.v
            return ("dict", tuple((k if type(k) in plain else v(k), val if type(val) in plain else v(val))
                                  for k, val in x.items()))
        if isinstance(x, (set, frozenset)):
            return ("set", tuple(sorted(repr(self.v(e)) for e in x)))
        if isinstance(x, Undefined):
            return ("undefined",)
        if isinstance(x, Page) and self.pages.get(x.path) is x:
            return ("page", x.path)
        if kind is Pager:  # its three fields are everything a template can read of it
            return ("pager", x.base, x.number, x.total)
        if x is self.config:
            return ("config",)
        raise Untrackable(type(x).__name__)

    def _sequence(self, kind: type, x: list | tuple) -> tuple:
        """v of a list or tuple: mostly of catalog objects (a listing's items, a term's papers, a
        call's arguments), looked up in C, or of plain values and Markup (a table of contents);
        only what is neither pictured by a call."""
        pictures = list(map(self.refs.get, map(id, x)))
        if None in pictures:
            plain = _EXACT_PLAIN
            if set(map(type, x)) <= plain:  # plain values only (a link's (URL, title)): themselves
                return (kind.__name__, tuple(x))
            v = self.v
            pictures = [p if p is not None else e if type(e) in plain else ("markup", str(e)) if type(e) is Markup
                        else v(e) for p, e in zip(pictures, x)]
        return (kind.__name__, tuple(pictures))

    def digest(self, value: Any) -> str:
        """Digest of a value's picture (what a step's result is compared by)."""
        kind = type(value)
        if kind is str:  # most results are text: a URL, a partial's HTML
            return _text_h(b"\0s", value)
        if kind is Markup:  # (encoded as it is: str() would copy a page's worth of HTML first)
            return _text_h(b"\0m", value)
        data = _plain_bytes(value)
        if data is not None:  # (tagged: the bytes of a picture of something else may be the same)
            return _digest(b"\0p" + data)
        return _h(self.v(value))

    def resolve(self, picture: Any) -> Any:
        """The object a picture stands for in this build (inverse of v for arguments)."""
        if isinstance(picture, tuple) and picture:
            tag = picture[0]
            if tag == "ref":
                return self.objects[picture[1]]
            if tag == "list":
                return [self.resolve(e) for e in picture[1]]
            if tag == "tuple":
                return tuple(self.resolve(e) for e in picture[1])
            if tag == "dict":
                return {self.resolve(k): self.resolve(v) for k, v in picture[1]}
            if tag == "markup":
                return Markup(picture[1])
            if tag == "page":
                return self.pages[picture[1]]
            if tag == "pager":
                return Pager(*picture[1:])
            if tag == "config":
                return self.config
            raise Untrackable(tag)
        return picture

    def function(self, ref: tuple) -> Callable:
        kind = ref[0]
        if kind == "global":
            return self.env.globals[ref[1]]
        if kind == "filter":
            return self.filters[ref[1]]
        if kind == "test":
            return self.tests[ref[1]]
        if kind == "method":
            return getattr(self.objects[ref[1]], ref[2])
        raise Untrackable(kind)

    def evaluate(self, step: tuple) -> str:
        """The digest the step gives in this build (raises when it cannot be evaluated)."""
        if step[0] == "obj":
            return self.fingerprint(step[1])
        if step[0] != "call":
            raise Untrackable(step[0])  # a kind of step an older version recorded
        _, ref, args, kwargs = step
        result = self.function(ref)(*self.resolve(args), **self.resolve(kwargs))
        return self.digest(result)


class Recorder:
    """Hooks an environment so rendering a page records its steps."""

    def __init__(self, world: World):
        self.world = world
        # Every step this process has recorded, (step, digest), numbered by position; a page's steps
        # are numbers into it (hashing a small int per read, not a nested tuple; and a worker sends
        # each step to the parent once, as the slice it has not sent yet).
        self.steps: list[tuple[tuple, str]] = []
        self.numbers: dict[tuple, int] = {}  # step -> its number in `steps`
        self.objects: dict[tuple, int] = {}  # object identity -> the number of its ("obj", identity) step
        self.calls: dict[tuple, tuple[tuple, int]] = {}  # (ref, argument ids) -> (arguments, step number)
        self.page: set[int | tuple] | None = None  # while rendering: step numbers and identities of objects read
        self.uncacheable = False
        env = world.env
        recorder = self
        global_names = {id(f): name for name, f in env.globals.items() if callable(f)}

        keys = world.keys

        transparent = self._transparent

        def note(page: set, obj: Any) -> None:
            """A read from `obj`: the catalog object's identity, or the page is uncacheable if `obj` is unknown."""
            key = keys.get(id(obj))
            if key is not None:
                page.add(key)
            elif not transparent(obj):
                recorder.uncacheable = True

        def getattr_hook(obj: Any, name: str) -> Any:
            # Environment.getattr's first try, and `note`, inlined: templates make a million attribute
            # reads at 10,000 pages (items by key, below, a tenth of that).
            try:
                value = getattr(obj, name)
            except AttributeError:
                value = Environment.getattr(env, obj, name)
            page = recorder.page
            if page is not None:
                key = keys.get(id(obj))
                if key is not None:
                    page.add(key)
                elif not transparent(obj):
                    recorder.uncacheable = True
            return value

        subscriptable: dict[type, bool] = {}

        def getitem_hook(obj: Any, name: Any) -> Any:
            key = keys.get(id(obj))
            if key is not None and type(name) is str:
                # A catalog object read by name (`selectattr("math_css")`, `x["title"]`): Environment.getitem
                # tries obj[name] first, which raises TypeError (caught: slow) when its class has no items.
                kind = type(obj)
                items = subscriptable.get(kind)
                if items is None:
                    items = subscriptable[kind] = hasattr(kind, "__getitem__")
                if not items:
                    try:
                        value = getattr(obj, name)
                    except AttributeError:
                        value = env.undefined(obj=obj, name=name)
                    if recorder.page is not None:
                        recorder.page.add(key)
                    return value
            value = Environment.getitem(env, obj, name)
            if recorder.page is not None:
                note(recorder.page, obj)
            return value

        # The globals, decided once (a template calls them hundreds of thousands of times): id -> (the
        # global, its step's ref or None when pure, whether Jinja passes it nothing: a plain call).
        known_globals = {id(f): (f, self.callable_ref(f, global_names), _passes_nothing(f))
                         for f in env.globals.values() if callable(f)}

        class TrackingContext(Context):
            def call(__self, __obj: Callable, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's signature)
                if type(__obj) is Macro:
                    # Template code (what it reads is recorded as it runs), which Context.call would call
                    # with just the template's arguments: called here, without its probes (a dozen a page).
                    if kwargs:
                        kwargs.pop("_block_vars", None)
                        kwargs.pop("_loop_vars", None)
                    try:
                        return __obj(*args, **kwargs)
                    except StopIteration:
                        return __self.environment.undefined(
                            "value was undefined because a callable raised a StopIteration exception")
                known = known_globals.get(id(__obj))
                if known is None or known[0] is not __obj:  # a method, a builtin, a macro subclass: Jinja's way
                    result = Context.call(__self, __obj, *args, **kwargs)
                    if recorder.page is None:
                        return result
                    ref = None if isinstance(__obj, Macro) else recorder.callable_ref(__obj, global_names)
                elif known[2]:
                    # Context.call would pass it nothing: called here, as Jinja would (url() is most calls)
                    if kwargs:
                        kwargs.pop("_block_vars", None)
                        kwargs.pop("_loop_vars", None)
                    try:
                        result = __obj(*args, **kwargs)
                    except StopIteration:
                        return __self.environment.undefined(
                            "value was undefined because a callable raised a StopIteration exception")
                    ref = known[1]
                else:
                    result = Context.call(__self, __obj, *args, **kwargs)
                    ref = known[1]
                if ref is not None and recorder.page is not None:
                    plain = {k: v for k, v in kwargs.items() if k not in ("_loop_vars", "_block_vars")} if kwargs \
                        else kwargs  # Jinja's own
                    recorder.note_call(ref, args, plain, result)
                return result

        def wrap_filter(name: str, fn: Callable) -> Callable:
            """`fn` recording its calls as steps; what to record is decided here, once per filter."""
            jinja_own = DEFAULT_FILTERS.get(name) is fn  # (`length` is the builtin len)
            if jinja_own and name in ATTR_SAFE_FILTERS:
                return fn  # reads attributes through the hooked getattr, or only counts: nothing to record
            # Jinja's other filters, and ours that are pure functions of plain values: recorded only
            # when given a catalog object; any other filter always.
            only_with_objects = jinja_own or name in PURE_FILTERS
            passed = getattr(fn, "jinja_pass_arg", None) is not None  # a context / environment comes first
            ref = ("filter", name)

            def tracked(*args: Any, **kwargs: Any) -> Any:
                result = fn(*args, **kwargs)
                if recorder.page is not None:
                    given = args[1:] if passed else args
                    if not only_with_objects or any(id(a) in keys for a in (*given, *kwargs.values())):
                        recorder.note_call(ref, given, kwargs, result)
                return result
            if passed:  # keep the pass_context / pass_environment marker
                tracked.jinja_pass_arg = fn.jinja_pass_arg  # type: ignore[attr-defined]
            return tracked

        def wrap_test(name: str, fn: Callable) -> Callable:
            def tracked(*args: Any, **kwargs: Any) -> Any:
                result = fn(*args, **kwargs)
                recorder.note_call(("test", name), args, kwargs, result)
                return result
            if hasattr(fn, "jinja_pass_arg"):
                tracked.jinja_pass_arg = fn.jinja_pass_arg  # type: ignore[attr-defined]
            return tracked

        previous_finalize = env.finalize

        def finalize(value: Any) -> Any:  # (called for every `{{ }}`: hundreds of times a page)
            if id(value) in keys:  # printing a catalog object reads all of it
                recorder.uncacheable = True
            return value

        if previous_finalize is not None:
            def finalize(value: Any, plain=finalize) -> Any:  # noqa: F811 (the theme's own first)
                return previous_finalize(plain(value))

        env.getattr = getattr_hook  # type: ignore[method-assign]
        env.getitem = getitem_hook  # type: ignore[method-assign]
        env.context_class = TrackingContext
        env.finalize = finalize
        env.filters = {name: wrap_filter(name, fn) for name, fn in world.filters.items()}
        # Jinja's own tests look at types and values only; any other test is Python code that may
        # read a catalog object, so it is recorded and re-run like a filter.
        env.tests = {name: fn if DEFAULT_TESTS.get(name) is fn else wrap_test(name, fn)
                     for name, fn in world.tests.items()}
        env.cache = {}  # compiled templates must see the new finalize
        partials = env.globals.get("partial")
        if isinstance(partials, Partials):  # its call is the step; what the macro reads inside is not
            partials.quiet = self.paused

    def forget(self) -> None:
        """Drop the steps' digests: the catalog was edited in place (an incremental rebuild)."""
        self.steps.clear()
        self.numbers.clear()
        self.objects.clear()
        self.calls.clear()

    # -- recording -------------------------------------------------------
    def note_call(self, ref: tuple, args: tuple, kwargs: dict, result: Any) -> None:
        if self.page is None:
            return
        if not kwargs:
            # A call made before with the same arguments (an entry's partial on each listing that
            # shows it, a taxonomy's url(term)...): its step by the arguments' identities.
            key = (ref, *map(id, args))
            known = self.calls.get(key)
            if known is not None:
                self.page.add(known[1])
                return
        try:
            step = ("call", ref, self.world.v(tuple(args)), self.world.v(dict(kwargs)) if kwargs else _NO_KWARGS)
        except Untrackable:
            self.uncacheable = True
            return
        number = self._add(step, result)
        if number is not None and not kwargs:
            # Only when each argument's picture is fixed by its identity: immutable plain values and
            # catalog objects (pictured by name), not lists a template may change. The arguments are
            # kept, so their ids cannot be taken by other objects while the entry lives.
            keys = self.world.keys
            if all(type(a) in _EXACT_PLAIN or id(a) in keys for a in args):
                self.calls[key] = (args, number)

    def callable_ref(self, fn: Any, global_names: dict[int, str]) -> tuple | None:
        if type(fn) is Macro or isinstance(fn, Macro):
            return None  # template code: its reads are recorded as it runs
        owner = getattr(fn, "__self__", None)
        if isinstance(fn, (types.BuiltinMethodType, types.MethodWrapperType)) and isinstance(
                owner, (str, list, tuple, dict, int, float)):
            return None  # str.lower(), dict.items(): a function of a value already recorded
        if isinstance(owner, _JINJA_RUNTIME):
            return None  # loop.cycle() and the like
        name = global_names.get(id(fn))
        if name is not None:
            return None if name in PURE_GLOBALS else ("global", name)
        if owner is not None and id(owner) in self.world.keys and isinstance(fn, types.MethodType):
            return ("method", self.world.keys[id(owner)], fn.__name__)
        self.uncacheable = True
        return None

    def _add(self, step: tuple, value: Any) -> int | None:
        """Note the step on the page: its number (None when its result cannot be digested)."""
        assert self.page is not None
        number = self.numbers.get(step)
        if number is None:
            try:
                digest = self.world.digest(value)
            except Untrackable:
                self.uncacheable = True
                return None
            number = self.numbers[step] = len(self.steps)
            self.steps.append((step, digest))
        self.page.add(number)
        return number

    def _object_step(self, key: tuple) -> int | None:
        """The number of the step for having read an object (None if its digest cannot be made)."""
        number = self.objects.get(key)
        if number is None:
            step = ("obj", key)
            try:
                entry = (step, self.world.fingerprint(key))
            except Untrackable:
                return None
            number = self.objects[key] = self.numbers[step] = len(self.steps)
            self.steps.append(entry)
        return number

    def _transparent(self, obj: Any) -> bool:
        """Objects whose content is in the page's base digest, or Jinja's own helpers."""
        kind = type(obj)
        known = _TRANSPARENT.get(kind)
        if known is None:  # decided by type alone, so once per type (this runs for every read)
            known = _TRANSPARENT[kind] = isinstance(obj, (*_PLAIN, Markup, list, tuple, dict, Page, Pager,
                                                          *_JINJA_RUNTIME)) or (
                kind.__module__ == config_module.__name__)
        return known

    @contextlib.contextmanager
    def paused(self):
        """Record nothing for a while (a partial: its call step is re-run to verify it)."""
        page, uncacheable = self.page, self.uncacheable
        self.page = None
        try:
            yield
        finally:
            self.page, self.uncacheable = page, uncacheable

    def render(self, page: Page) -> tuple[str, frozenset[int] | None]:
        """HTML of the page and its steps, as numbers into `steps` (None when it must not be cached)."""
        self.page, self.uncacheable = set(), False
        try:
            html = self.world.env.get_template(page.template).render(page=page, **page.data)
        finally:
            noted, self.page = self.page, None
        if self.uncacheable:
            return html, None
        # `noted` holds the numbers of call steps and the identities of the objects read (kept bare
        # while rendering: cheaper)
        steps = []
        objects = self.objects
        for item in noted:
            if type(item) is int:
                steps.append(item)
                continue
            number = objects.get(item)
            if number is None:
                number = self._object_step(item)
                if number is None:
                    return html, None
            steps.append(number)
        return html, frozenset(steps)


def number_steps(entries: Any, numbers: dict[tuple, int], table: list[tuple[tuple, str]]) -> list[int]:
    """The number in `table` of each (step, digest) entry; one `numbers` does not know yet is appended."""
    ids = []
    append, setdefault = table.append, numbers.setdefault
    for entry in entries:
        # One lookup (a step is a nested tuple, hashed again on every lookup: a cold build's parent
        # numbers about 90,000 a worker at 10,000 summaries): a number already given is below
        # len(table), so getting len(table) back means the step is new.
        new = len(table)
        i = setdefault(entry[0], new)
        if i == new:
            append(entry)
        ids.append(i)
    return ids


def tracker(env: Environment, pages: list[Page], catalog: Catalog, config: Any) -> tuple[World, "Recorder"]:
    """The world and recorder for `env` (before any hook), as render_cached makes them."""
    world = World(identities(catalog), env, dict(env.filters), dict(env.tests), config, {p.path: p for p in pages})
    return world, Recorder(world)


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


def base_digest(page: Page, world: World, context: str) -> str | None:
    """Everything about a page that is not read through the hooks: None if it cannot be pictured."""
    try:  # every field, so a field added to Page later is covered too
        own = [(name, world.v(getattr(page, name))) for name in _field_names(type(page))]
    except Untrackable:
        return None
    return _h((context, own))


def context_digest(env: Environment, world: World, config: Any, template_dirs: list[Path], salt: str) -> str | None:
    """Config, templates, code and the plain globals: when any changes, every page is rendered again."""
    templates = []
    for folder in template_dirs:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                templates.append((p.relative_to(folder).as_posix(), _h(p.read_bytes())))
    plain = {}
    for name, value in sorted(env.globals.items()):
        if callable(value):  # functions are recorded when called
            continue
        if type(value).__module__ == config_module.__name__:
            plain[name] = repr(value)
            continue
        try:
            plain[name] = world.v(value)
        except Untrackable:
            return None
    return _h((salt, repr(config), templates, plain))


def _unchanged_file(where: str, published: dict[str, tuple]) -> bool:
    """The published file is still exactly what the cache says was written there."""
    entry = published.get(where)
    if entry is None:
        return False
    try:
        st = os.stat(where)
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns, st.st_ino) == entry[1]


class Published:
    """A page whose published file is reused as it is (hard-linked by output/staging.Stager)."""

    __slots__ = ("hash",)

    def __init__(self, h: str):
        self.hash = h


def render_cached(env: Environment, pages: list[Page], catalog: Catalog, config: Any, template_dirs: list[Path],
                  output: Path, cache: Any, jobs: int, progress: Callable[[int], None] | None,
                  map_indexed: Callable, kept: dict | None = None,
                  sink: "Stager | None" = None) -> dict[str, "str | Published | None"]:
    """Render the pages whose recorded reads changed; reuse the published file of the others.

    `map_indexed` may yield results as they come (parallel.imap_indexed); with a
    `sink` (output/staging.Stager), each page is written to it by the process that
    rendered it, and its value in the result is None.

    `kept`, when given, receives the world, recorder and context digest (incremental rebuilds).
    """
    world = World(identities(catalog), env, dict(env.filters), dict(env.tests), config, {p.path: p for p in pages})
    context = context_digest(env, world, config, template_dirs, cache.salt)
    old_pages: dict[str, tuple] = cache.old.get("pages", {})
    old_steps: list[tuple[tuple, str]] = cache.old.get("page_steps", [])
    published = cache.old["outputs"]
    valid: dict[int, bool] = {}

    def still_valid(ids: frozenset[int]) -> bool:
        for i in ids:
            ok = valid.get(i)
            if ok is None:
                step, digest = old_steps[i]
                try:
                    ok = world.evaluate(step) == digest
                except Exception:  # gone, or no longer computable: it changed
                    ok = False
                valid[i] = ok
            if not ok:
                return False
        return True

    out: dict[str, str | Published] = {}
    bases: dict[str, str | None] = {}
    keep: dict[str, frozenset[int]] = {}
    todo: list[Page] = []
    for page in pages:
        if not old_pages:  # a cold build: every page is rendered (and its base made by the worker)
            out[page.file] = ""
            todo.append(page)
            continue
        where = str(output / page.file)
        old = old_pages.get(where)
        # With nothing to compare with, the worker rendering the page makes its base.
        base = bases[where] = base_digest(page, world, context) if context and old is not None else None
        if base is not None and old[0] == base and _unchanged_file(where, published) and still_valid(old[1]):
            out[page.file] = Published(published[where][0])
            if sink is not None:
                sink.text(page.file, out[page.file])
                out[page.file] = None
            keep[where] = old[1]
        else:
            out[page.file] = ""  # keeps page order; filled below
            todo.append(page)
    if progress and len(pages) > len(todo):
        progress(len(pages) - len(todo))

    recorder = Recorder(world)
    # Steps go back to the parent numbered per process (the recorder's numbers): a step many pages
    # read (a partial, a taxonomy's url) is sent once by each process, not pickled again with every page.
    sent = [0]  # in each process its own copy: how many of the recorder's steps it has sent

    def render(i: int) -> tuple[str | None, tuple[str, bool] | None, tuple | None, str | None]:
        """In a worker: the page rendered (and written, with a sink), its steps and base."""
        page = todo[i]
        html, steps = recorder.render(page)
        base = (bases.get(str(output / page.file)) if bases else None) or (
            base_digest(page, world, context) if context else None)
        recorded = None
        if steps is not None and base is not None:
            before, sent[0] = sent[0], len(recorder.steps)
            recorded = (os.getpid(), recorder.steps[before:], steps)
        if sink is not None:
            return None, sink.put(page.file, html), recorded, base
        return html, None, recorded, base

    # The new step table. Usually append-only: reused pages keep their step numbers (renumbering a
    # million steps costs seconds), rendered pages add theirs. Steps no page uses any more pile up,
    # so when the table has doubled since it was last compacted, it is rebuilt from the live pages.
    results = map_indexed(render, len(todo), jobs, progress)
    compacted = cache.old.get("page_steps_compacted", 0)
    compact = len(old_steps) > 2 * compacted or not keep
    table: list[tuple[tuple, str]] = [] if compact else list(old_steps)
    ids: dict[tuple, int] = {}
    new_pages: dict[str, tuple] = {}
    for where, old_ids in keep.items():
        new_pages[where] = (bases[where], page_ids(number_steps(map(old_steps.__getitem__, old_ids), ids, table))
                            if compact else old_ids)
    # The last build's recorded pages and steps are used up: let them go before the pages' results come
    # (those of pages rendered again are new, and many pages are when a summary is added or removed).
    cache.old["pages"], cache.old["page_steps"] = {}, []
    del old_pages, old_steps, keep
    valid.clear()
    numbers: dict[int, list[int]] = {}  # process -> its step numbers in the new table
    for page, (html, written, recorded, base) in zip(todo, results):
        if sink is not None:
            sink.note(page.file, *written)
            out[page.file] = None
        else:
            out[page.file] = html
        if recorded is not None:
            # A process sends a step with the first page that reads it, and results come in page
            # order, which is the order each process rendered its pages in: defined before used.
            pid, new, local = recorded
            mine = numbers.setdefault(pid, [])
            mine += number_steps(new, ids, table)
            new_pages[str(output / page.file)] = (base, page_ids([mine[j] for j in local]))
    cache.new["pages"] = new_pages
    cache.new["page_steps"] = table
    cache.new["page_steps_compacted"] = len(table) if compact else compacted
    cache.page_stats = (len(pages) - len(todo), len(todo))
    if kept is not None:
        kept.update(world=world, recorder=recorder, context=context)
    return out
