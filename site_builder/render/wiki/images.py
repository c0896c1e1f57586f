"""[[File:...]] links and <gallery> blocks -> <figure> elements."""
from __future__ import annotations

import re
from html import unescape

from mwparserfromhell.nodes import Text

from ..html import figure, safe_url
from . import bounds, inline
from .filepath import file_page_url, wiki_image_url
from .quotes import do_quotes, finish_flow
from .state import State, block

# Options that size, place or frame an image; none of them is a caption.
_LAYOUT = re.compile(
    r"^(?:\d*\s*x?\s*\d+\s*px|thumb|thumbnail|frame|framed|frameless|border|left|right|center|"
    r"centre|none|baseline|middle|sub|super|top|text-top|bottom|text-bottom|"
    r"upright(?:\s*=?\s*[\d.]*)?)$",
    re.I,
)
_KEYED = re.compile(
    r"^(alt|link|page|class|lang|thumb|thumbnail|upright|start|end|loop|muted)\s*=(.*)$", re.I | re.S
)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.I)


def image_url(state: State, name: str) -> str:
    return wiki_image_url(name, state.ctx.wiki_base)


def file_page(state: State, name: str) -> str:
    return file_page_url(name, state.ctx.wiki_base)


def render_file_link(state: State, name: str, options, *, marked: bool = True) -> str:
    """[[File:name|options...|caption]] -> a figure (block-marked unless marked=False)."""
    name = name.strip()
    caption_nodes, alt, target = None, "", None
    for segment in _split_options(options):
        source = "".join(str(n) for n in segment).strip()
        if not source or _LAYOUT.match(source):
            continue
        keyed = _KEYED.match(source)
        if keyed:
            key, value = keyed.group(1).lower(), unescape(keyed.group(2)).strip()
            if key == "alt":
                alt = value
            elif key == "link":
                target = value
            continue
        caption_nodes = segment  # the last plain option is the caption
    caption = finish_flow(inline.render_nodes(state, caption_nodes)) if caption_nodes else ""
    src = image_url(state, name)
    state.add_figure(src)
    html = figure(src, caption, alt=alt, href=_figure_href(state, name, target))
    return block(html) if marked else html


def _figure_href(state: State, name: str, target: str | None) -> str | None:
    """link= if it is a safe external URL or a page; "link=" means no link."""
    if target is None:
        return file_page(state, name)
    if target == "":
        return None
    if _SCHEME.match(target) and not target.lower().startswith(("file:", "image:")):
        return target if safe_url(target) and target.lower().startswith(("http:", "https:", "ftp:")) \
            else file_page(state, name)
    return inline.page_href(state, target)


def _split_options(options):
    """The node lists between top-level '|' in a file link's text."""
    segments = [[]]
    if options is None:
        return []
    for node in options.nodes:
        if isinstance(node, Text) and "|" in str(node):
            parts = str(node).split("|")
            segments[-1].append(Text(parts[0]))
            for part in parts[1:]:
                segments.append([Text(part)])
        else:
            segments[-1].append(node)
    return segments


def media_link(state: State, name: str, text_html: str) -> str:
    """[[Media:x.png]] links straight to the file."""
    return inline.anchor(image_url(state, name), text_html)


def render_gallery(state: State, body: str) -> str:
    """<gallery> lines "File:x.png|caption" -> a div of figures."""
    figures = []
    for line in body.split("\n"):
        line = line.strip()
        if not line:
            continue
        name, _, rest = line.partition("|")
        name = re.sub(r"^(?:file|image)\s*:", "", name.strip(), flags=re.I).strip()
        if not name:
            continue
        options = bounds.parse(do_quotes(rest), inline.STRAY_TAG) if rest else None
        figures.append(render_file_link(state, name, options, marked=False))
    return block('<div class="gallery">' + "".join(figures) + "</div>")
