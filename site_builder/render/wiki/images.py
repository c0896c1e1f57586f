"""[[File:...]] links and <gallery> blocks -> <figure> elements."""
from __future__ import annotations

import re
from html import escape, unescape

from mwparserfromhell.nodes import Text

from ..html import EXTERNAL_REL, figure, image, safe_url
from . import bounds, inline
from .filepath import file_page_url, wiki_image_url
from .quotes import do_quotes, finish, finish_flow
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


FRAMED = {"thumb", "thumbnail", "frame", "framed"}  # MediaWiki shows the caption of these only
ALIGNED = {"left", "right", "center", "centre", "none"}  # a block of its own; otherwise the image is inline


def render_file_link(state: State, name: str, options, *, marked: bool = True, gallery: bool = False) -> str:
    """[[File:name|options...|caption]] -> a figure (block-marked unless marked=False).

    As in MediaWiki, only a thumbnail or framed image shows its caption; any other uses
    it as alt text and tooltip. A plain image (neither framed nor aligned) is inline in
    MediaWiki: paragraph_blocks makes it an inline <img> when text shares its line.
    """
    name = name.strip()
    caption_nodes, alt, target = None, "", None
    framed = aligned = False
    for segment in _split_options(options):
        source = "".join(str(n) for n in segment).strip()
        if not source:
            continue
        if _LAYOUT.match(source):
            framed = framed or source.lower() in FRAMED
            aligned = aligned or source.lower() in ALIGNED
            continue
        keyed = _KEYED.match(source)
        if keyed:
            key, value = keyed.group(1).lower(), unescape(keyed.group(2)).strip()
            if key == "alt":
                alt = value
            elif key == "link":
                target = value
            elif key in ("thumb", "thumbnail"):
                framed = True
            continue
        caption_nodes = segment  # the last plain option is the caption
    caption = finish_flow(inline.render_nodes(state, caption_nodes)) if caption_nodes else ""
    src = image_url(state, name)
    state.add_figure(src)
    href = _figure_href(state, name, target)
    alt = alt or ("" if caption else f"Figure: {_readable(name)}")
    html = figure(src, caption, alt=alt, href=href, show_caption=framed or gallery)
    if not marked:
        return html
    if not (framed or aligned):
        img = image(src, caption, alt=alt, tooltip=True, css_class="inline-figure")
        if img is not None:
            state.inline_images[html] = f'<a href="{escape(href)}" rel="{EXTERNAL_REL}">{img}</a>' if href else img
    return block(html)


def _readable(name: str) -> str:
    """A file name as words: "MSDNet_anytime.png" -> "MSDNet anytime"."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return " ".join(stem.replace("_", " ").split()) or name


# A line holding only [[File:…]] / [[Image:…]] links (captions may hold one level of [[links]]).
_IMAGE_LINE = re.compile(
    r"^\s*(?:\[\[\s*(?:file|image)\s*:[^\[\]]*(?:\[\[[^\[\]]*\]\][^\[\]]*)*\]\]\s*)+$", re.I)


def paragraph_blocks(state: State, lines: list[str]) -> list[str]:
    """A paragraph's lines as blocks, its images placed as MediaWiki would place them.

    A line of images only gives their figures, side by side in a `figure-row` (a
    wrapping flex row) when there are several. In lines with text, a plain image
    (neither framed nor aligned) is an inline image within the text; a framed or
    aligned one is a block between paragraphs, as before.
    """
    out: list[str] = []
    text: list[str] = []
    for line in lines:
        if _IMAGE_LINE.match(line):
            if text:
                out += _arrange(state, finish(inline.render_inline(state, "\n".join(text))))
                text = []
            figures = [html for is_block, html in finish(inline.render_inline(state, line)) if is_block]
            out += ['<div class="figure-row">' + "".join(figures) + "</div>"] if len(figures) > 1 else figures
        else:
            text.append(line)
    if text:
        out += _arrange(state, finish(inline.render_inline(state, "\n".join(text))))
    return out


def _arrange(state: State, pieces: list[tuple[bool, str]]) -> list[str]:
    """Text runs as <p> with plain images inline in them; other blocks alone."""
    out: list[str] = []
    run: list[str] = []
    for is_block, html in pieces:
        if is_block and html in state.inline_images:
            is_block, html = False, state.inline_images[html]
        if not is_block:
            run.append(html)
            continue
        joined = "".join(run).strip()
        if joined:
            out.append(f"<p>{joined}</p>")
        run = []
        out.append(html)
    joined = "".join(run).strip()
    if joined:
        out.append(f"<p>{joined}</p>")
    return out


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
        figures.append(render_file_link(state, name, options, marked=False, gallery=True))
    return block('<div class="gallery">' + "".join(figures) + "</div>")
