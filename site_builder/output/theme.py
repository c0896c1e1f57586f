"""The theme: Jinja templates and static files, the site's own overriding ours by name."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment, TemplateError

# Jinja is imported where it is used: the theme's folders are also what a build that finds
# nothing changed stats, and it should not pay for loading Jinja.

_PACKAGE = Path(__file__).resolve().parent.parent


def theme_dir(kind: str) -> Path:
    """Where the default theme's `templates` or `static` folder is.

    An installed wheel carries it inside the package (site_builder/_theme); a
    source checkout or editable install uses the repository's top-level folders.
    """
    bundled = _PACKAGE / "_theme" / kind
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / kind


def template_dirs(site_root: Path) -> list[Path]:
    own = site_root / "templates"
    return [d for d in (own, theme_dir("templates")) if d.is_dir()]


def static_dirs(site_root: Path) -> list[Path]:
    """Theme first, then the site's own: later folders win when names collide."""
    own = site_root / "static"
    return [d for d in (theme_dir("static"), own) if d.is_dir()]


def make_environment(site_root: Path, compiled: Path | None = None) -> Environment:
    """The theme's environment; `compiled`: a folder to keep compiled templates in between builds."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape

    env = _environment_class()(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs(site_root)]),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # An environment lives for one build (a template edit makes the next build a full one, with a new
        # environment), so Jinja need not stat the template file again on every get_template.
        auto_reload=False,
        # Compiled templates kept between builds: compiling the theme took a command-line edit longer than
        # rendering the pages it rewrites.
        bytecode_cache=_bytecode_cache(compiled) if compiled is not None else None,
    )
    return env


@functools.cache
def _environment_class() -> type[Environment]:
    """Jinja's Environment, whose templates' globals answer `keys()` with a set.

    A template's globals are a ChainMap (its own over the environment's); Jinja subtracts
    their keys from a set on every render and every `{% from ... import %}`, which with a
    ChainMap's keys view is a Python-level membership test per name (some 70 names, a few
    times a page); a set makes it one C operation. Nothing else about them changes.
    """
    from collections import ChainMap

    from jinja2 import Environment

    class Globals(ChainMap):
        def keys(self) -> set:  # type: ignore[override]
            return set().union(*self.maps)

    class ThemeEnvironment(Environment):
        code_generator_class = _code_generator_class()

        def make_globals(self, d: Any) -> Any:
            return Globals({} if d is None else d, self.globals)

    return ThemeEnvironment


def _code_generator_class() -> type:
    """Jinja's code generator, whose templates print values through output/escaping.py's escape.

    The compiled module imports Jinja's runtime names in one line; the import added after it
    rebinds `escape` (what each `{{ }}` calls when autoescaping) for that module only.
    """
    from jinja2.compiler import CodeGenerator

    class ThemeCodeGenerator(CodeGenerator):
        def writeline(self, x: str, node: Any = None, extra: int = 0) -> None:
            super().writeline(x, node, extra)
            if x.startswith("from jinja2.runtime import "):
                super().writeline("from site_builder.output.escaping import escape")

    return ThemeCodeGenerator


def _bytecode_cache(folder: Path) -> Any:
    """Jinja's file cache of compiled templates, in `folder` (beside the build cache's file).

    A template is found by its name, file and source (Jinja's own key); to that this adds
    whatever else the compiled code depends on: Jinja's version, this package's code (which
    sets the environment's options) and whether the environment has a `finalize` (the page
    recorder sets one, and Jinja compiles calls to it into the template).
    """
    import jinja2
    from jinja2.bccache import Bucket, FileSystemBytecodeCache

    from ..cache import code_salt

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only site: compile every time
        return None
    salt = f"{jinja2.__version__}|{code_salt()}"

    class Compiled(FileSystemBytecodeCache):
        def get_bucket(self, environment: Any, name: str, filename: str | None, source: str) -> Bucket:
            key = self.get_cache_key(f"{salt}|{environment.finalize is not None}|{name}", filename)
            bucket = Bucket(environment, key, self.get_source_checksum(source))
            self.load_bytecode(bucket)
            return bucket

    return Compiled(str(folder), "%s.jinja")


def template_error() -> type[TemplateError]:
    """Jinja's base error, for an `except` clause (evaluated only once an exception is raised)."""
    from jinja2 import TemplateError

    return TemplateError


def template_error_message(exc: TemplateError) -> str:
    """One line naming the template that failed, the file (and line) that refers to it, and why.

    Jinja rewrites tracebacks so that frames of compiled templates carry the template's
    file name and line; the innermost such frame is the file that made the reference.
    """
    from jinja2 import TemplateNotFound, TemplateSyntaxError

    where = ""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    # Raised in a forked worker (parallel.py): its frames came back as a list.
    for filename, line in frames + list(getattr(exc, "worker_frames", [])):
        if filename.endswith((".html", ".xml", ".txt", ".j2")) and Path(filename).is_file():
            where = f"{filename}:{line}"
    if isinstance(exc, TemplateSyntaxError):
        return f"{exc.filename or exc.name}:{exc.lineno}: template error: {exc.message}"
    if isinstance(exc, TemplateNotFound):
        names = ", ".join(f"'{n}'" for n in getattr(exc, "templates", None) or [exc.name])
        referrer = f"{where}: " if where else ""
        return f"{referrer}template {names} not found in the site's templates/ folder or the default theme"
    return f"{where + ': ' if where else ''}template error: {exc}"

