"""Rendered HTML to readable plain text, with TeX turned into Unicode.

Used wherever HTML cannot go: <title>, meta descriptions, feed summaries, the
search index and the JSON `text` field. Math comes out as readable text
("α + β²"), not TeX soup, thanks to pylatexenc.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice
from html import unescape
from typing import TYPE_CHECKING

from pylatexenc import __version__ as _PYLATEXENC

from .memo import remembered

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "pre", "blockquote", "figure", "figcaption", "table", "br", "dd", "dt", "hr"}
_SKIP = {"script", "style", "template"}


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    from pylatexenc.latex2text import LatexNodes2Text  # (here: a build that converts no formula need not load it)

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


# pylatexenc takes more than linear time on long input; a formula longer than this (no real
# one is) is shown in plain text as its TeX.
MAX_FORMULA_CHARS = 20_000


def math_to_text(tex: str) -> str:
    """`\\alpha_i + \\frac{1}{2}` -> `α_i + 1/2`; never raises. Remembered between builds (memo.py)."""
    return remembered("tex-text", (_PYLATEXENC, tex), lambda: _math_to_text(tex))


@lru_cache(maxsize=65536)  # formulas repeat a lot across summaries; pylatexenc is slow
def _math_to_text(tex: str) -> str:
    tex = re.sub(r"^\\[\[(]|\\[\])]$", "", tex.strip())
    # the argument stops at "{" too, so "\\label{" repeated is not rescanned
    tex = re.sub(r"\\(?:label|tag|cite|nonumber|notag)\b(?:\{[^{}]*\})?", "", tex)
    if len(tex) > MAX_FORMULA_CHARS:
        return " ".join(tex.split())
    try:
        text = _converter().latex_to_text(tex)
    except Exception:  # pylatexenc is lenient, but math from the web can be anything
        text = tex
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _tokens() -> type:
    """HTMLParser's reading, for the HTML the quick reading below leaves to it (made when first needed:
    importing html.parser compiles a dozen regular expressions)."""
    from html.parser import HTMLParser

    class _Tokens(HTMLParser):
        """What HTMLParser finds, in the shape `_TAG.split` gives (see _collect): the text before
        the first tag, then per tag its end name, start name, class, "/" if self-closing, and the
        text after it. Here text comes unescaped and the class as its value."""

        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.flat: list[str | None] = [""]

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.flat += (None, tag, dict(attrs).get("class") or "", "", "")

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.flat += (None, tag, dict(attrs).get("class") or "", "/", "")

        def handle_endtag(self, tag: str) -> None:
            self.flat += (tag, None, None, None, "")

        def handle_data(self, data: str) -> None:
            self.flat[-1] += data  # type: ignore[operator]

    return _Tokens


# The tags our renderers write: a name, `name="value"` or bare attributes, optional `/`.
# Whitespace is spelled out because HTMLParser ends a tag name only at these characters.
_NAME = r"[a-zA-Z][a-zA-Z0-9]*"
_TAG = re.compile(
    rf'<(?:/(?P<end>{_NAME})[ \t\n\r\f]*'
    rf'|(?P<start>{_NAME})(?P<attrs>(?:[ \t\n\r\f]+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"]*")?)*)[ \t\n\r\f]*(?P<empty>/?))>'
)
_ATTR = re.compile(r'[ \t\n\r\f]+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?')
# Elements whose content HTMLParser (some Python versions) does not parse as tags.
_RAW_TEXT = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"}


def _collect(flat: list, raw: bool) -> list[str] | None:
    """The text parts of a fragment, from its tags and texts as `_TAG.split` gives them.

    `raw`: straight from the regex, so texts are still escaped and a tag's attributes are
    one string; None then for elements such as script whose content HTMLParser does not
    parse as HTML (html_to_text hands those to it). Otherwise from _Tokens. What the parts
    are: block tags start and end lines, list items get a bullet, table cells a space,
    script/style/template content is dropped and math elements become Unicode text.
    """
    parts: list[str] = []
    add = parts.append
    skip = depth = 0
    math: list[str] | None = None
    text = flat[0]
    if text:
        add(unescape(text) if raw and "&" in text else text)
    groups = iter(flat)
    next(groups)
    for closing, tag, attrs, empty, text in zip(groups, groups, groups, groups, groups):
        if closing is None:  # a start tag
            tag = tag.lower()
            if raw and tag in _RAW_TEXT:
                return None
            if tag in _SKIP:
                skip += 1
            else:
                if math is not None:
                    depth += 1
                elif attrs and (not raw or "class" in attrs.lower()) and (
                        "math" in (_class_of(attrs) if raw else attrs).split()):
                    math, depth = [], 1
                if tag in _BLOCKS:
                    add("\n")
                if tag == "li":
                    add("• ")
            closing = tag if empty else None  # <br/>: ended at once, as HTMLParser's handle_startendtag does
        else:
            closing = closing.lower()
        if closing is not None:  # an end tag
            if closing in _SKIP:
                skip = max(0, skip - 1)
            elif math is not None:
                depth -= 1
                if depth == 0:
                    add(" " + math_to_text("".join(math)) + " ")
                    math = None
            elif closing in _BLOCKS:
                add("\n")
            elif closing == "td" or closing == "th":
                add(" ")
        if text and not skip:
            if raw and "&" in text:
                text = unescape(text)
            if math is None:
                add(text)
            else:
                math.append(text)
    return parts


def _simple_tags(fragment: str) -> list | None:
    """`_TAG.split(fragment)` when every `<` opens a simple tag (as our renderers write them), else None.

    HTMLParser spends most of the plain-text step on generality our HTML never needs.
    """
    flat = _TAG.split(fragment)
    return flat if len(flat) // 5 == fragment.count("<") else None


@lru_cache(maxsize=4096)  # the same few attribute strings (class="math inline") recur thousands of times
def _class_of(attrs: str) -> str:
    """The class attribute as HTMLParser gives it (names lowercased, the last one wins, unescaped)."""
    value = ""
    for a in _ATTR.finditer(attrs):
        if a.group(1).lower() == "class":
            value = unescape(a.group(2)) if a.group(2) else ""
    return value


_SPACE_BEFORE_MARK = re.compile(" (?=[,.;:!?)])")


def html_to_text(fragment: str) -> str:
    return text_and_words(fragment)[0]


def text_and_words(fragment: str) -> tuple[str, int]:
    """html_to_text's text and how many words it has (`len(text.split())`, without that list)."""
    flat = _simple_tags(fragment)
    parts = _collect(flat, raw=True) if flat is not None else None
    if parts is None:  # comments, a `<` in text, script and the like: HTMLParser's reading
        parser = _tokens()()
        parser.feed(fragment)
        parser.close()
        parts = _collect(parser.flat, raw=False)
        assert parts is not None
    words = map(str.split, "".join(parts).splitlines())
    text = "\n".join([" ".join(w) for w in words if w])
    # Every space left is one, between two other characters: the one before a punctuation mark goes
    # (one pass; removing such a space never puts another before a mark).
    text = _SPACE_BEFORE_MARK.sub("", text)
    # Words are parted by exactly one space or newline (a space dropped above joined two words).
    return text, (text.count(" ") + text.count("\n") + 1 if text else 0)


def excerpt(text: str, limit: int = 200) -> str:
    """The first `limit` characters, cut at a word boundary."""
    head = text[: limit * 2 + 64]  # listings ask for excerpts of long texts many times
    flat = " ".join(head.split())
    if len(flat) <= limit and len(head) < len(text):
        flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "…"


# Words a sentence does not end at although a full stop follows them ("Lee et al. propose").
ABBREVIATIONS = frozenset("""
al etc i.e e.g cf vs viz dr mr mrs ms prof fig figs eq eqs sec ch vol no pp approx resp incl ca
st jr sr inc ltd co corp dept univ jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
# Headings that say where in a summary one is, not what it is about.
GENERIC_HEADINGS = frozenset("""
summary|introduction|intro|overview|abstract|setup|set up|background|motivation|tldr|tl;dr|tl dr|notes|note|
contents|table of contents|key points|main points|main idea|idea|ideas|contribution|contributions|method|methods|
approach|results|result|experiments|conclusion|conclusions|discussion|details|problem|problem statement|
paper summary|summary of the paper|paper|key idea|key ideas|main ideas|short summary|in short|
what|why|how|goal|goals|model|architecture|evaluation|takeaways|takeaway|pros|cons|limitations|related work
""".replace("\n", "").split("|"))


def _sentence_end(text: str) -> int:
    """Index just after the first sentence's final punctuation, or -1 (one pass, no regex)."""
    for i, ch in enumerate(text):
        if ch not in ".!?" or (i + 1 < len(text) and not text[i + 1].isspace()):
            continue
        if ch == ".":
            j = i
            while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
                j -= 1
            word = text[j:i].lower().strip(".")
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue  # "et al.", "i.e.", "e.g.", "Dr.", an initial: not an end
            nxt = text[i + 1:i + 3].strip()
            if nxt[:1].islower() or nxt[:1].isdigit():
                continue  # "approx. 5", "vs. the": the sentence goes on
        return i + 1
    return -1


def derive_title(text: str, limit: int = 72) -> str:
    """A title for a summary whose paper is not known: its first real heading or sentence.

    Never a generic heading ("Introduction", "Summary"), never a sentence cut at an
    abbreviation ("Lee et al."): a long sentence is cut at a word and ends with "…".
    """
    lines = (ln.lstrip("• ").strip() for ln in text.splitlines() if ln.strip())
    for line in islice(lines, 50):  # (lazily: a title is nearly always in the first lines)
        bare = line.strip(" #*:-").strip()
        heading = bare.lower().rstrip(".:?!").strip()
        heading = heading[4:] if heading.startswith("the ") else heading
        if not bare or heading in GENERIC_HEADINGS or len(bare) < 3:
            continue
        end = _sentence_end(bare[: limit * 4])
        sentence = bare[:end] if end > 0 else bare
        sentence = sentence.rstrip(":").strip()
        if sentence.endswith(".") and not sentence.endswith(".."):
            sentence = sentence[:-1]
        return excerpt(sentence, limit)
    return ""
