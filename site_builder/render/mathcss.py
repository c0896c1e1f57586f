"""The math stylesheet of a site: MathJax's complete CHTML stylesheet cut down to what its formulas use.

MathJax builds its CSS as it typesets (rules for each kind of element and each
character it met), which depends on what one process happened to typeset. Here
the complete stylesheet (render/typeset.py makes it once per MathJax version) is
cut down to the rules whose selectors name only elements and classes that the
site's typeset formulas contain, and the @font-face rules of the fonts those rules
use: the same formulas give the same bytes, whatever was cached or in which order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_ATTRIBUTE = re.compile(r"\[[^\]]*\]")
_PSEUDO = re.compile(r"::?[a-zA-Z-]+(?:\([^()]*\))?")
_ELEMENT = re.compile(r"(?<![\w.#-])(mjx-[\w-]+)")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_FAMILIES = re.compile(r"font-family:\s*([^;}]+)")
_FONT_FILE = re.compile(r'url\("([^"]+)"\)')
_CHAR_RULE = re.compile(r"mjx-c\.(mjx-c[0-9A-F]+)(?:\.([A-Za-z][\w-]*))?$")
_COMBINATOR = re.compile(r"\s*[>+~\s]\s*")
_SYNTAX = re.compile(r'[{}"\']|/\*')


@dataclass(frozen=True)
class Block:
    """One top-level piece of the stylesheet: `prelude { body }`, with its text as MathJax wrote it."""

    prelude: str
    body: str
    text: str


def blocks(css: str) -> list[Block]:
    """The top-level rules of `css` in order (braces inside strings and comments do not count)."""
    out: list[Block] = []
    n, start, depth, open_at = len(css), 0, 0, -1
    pos = 0
    while True:
        m = _SYNTAX.search(css, pos)
        if m is None:
            break
        c = m.group(0)
        pos = m.end()
        if c == "{":
            depth += 1
            if depth == 1:
                open_at = m.start()
        elif c == "}":
            depth -= 1
            if depth == 0:
                out.append(Block(css[start:open_at].strip(), css[open_at + 1:m.start()], css[start:pos].strip()))
                start = pos
        elif c.startswith("/*"):
            end = css.find("*/", pos)
            pos = n if end < 0 else end + 2
        else:  # a string: skip to its closing quote
            while pos < n and css[pos] != c:
                pos += 2 if css[pos] == "\\" else 1
            pos += 1
    return out


def _alternatives(selector: str) -> list[str]:
    parts, depth, last = [], 0, 0
    for k, c in enumerate(selector):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(selector[last:k].strip())
            last = k + 1
    parts.append(selector[last:].strip())
    return parts


class Used:
    """What typeset formulas contain: each element name (lower case) with each set of classes it was seen with."""

    def __init__(self, tokens: set[str] | frozenset[str]) -> None:
        self.classes: dict[str, list[frozenset[str]]] = {}
        for token in tokens:
            tag, *classes = token.split(".")
            self.classes.setdefault(tag, []).append(frozenset(classes))
        self.any_classes = [c for sets in self.classes.values() for c in sets]
        # Character rules (`mjx-c.mjx-c1D465` or `mjx-c.mjx-c1D465.NCM-I`) are nearly all of MathJax's
        # stylesheet: looked up by their one or two classes instead of matched one by one.
        self.chars = {c for have in self.classes.get("mjx-c", ()) for c in have}
        self.char_pairs = {(a, b) for have in self.classes.get("mjx-c", ()) for a in have for b in have}

    def matches(self, compound: str) -> bool:
        """Whether some element matches a compound selector such as `mjx-c.mjx-c1D465.NCM-I` or `.NCM-N`."""
        tags = _ELEMENT.findall(compound)
        need = frozenset(_CLASS.findall(compound))
        if tags:
            sets = self.classes.get(tags[0].lower())
            if sets is None:
                return False
        elif not need:
            return True
        else:
            sets = self.any_classes
        return not need or any(need <= have for have in sets)


def _satisfied(alternative: str, used: Used) -> bool:
    """Whether every compound of one selector alternative (attribute and pseudo parts aside) matches some element."""
    bare = _PSEUDO.sub("", _ATTRIBUTE.sub("", alternative))
    return all(used.matches(compound) for compound in _COMBINATOR.split(bare) if compound)


def _keep_rule(block: Block, used: Used) -> str | None:
    """The rule with only the selector alternatives `used` satisfies, or None."""
    char = _CHAR_RULE.match(block.prelude)
    if char is not None:
        one, two = char.groups()
        keep = one in used.chars if two is None else (one, two) in used.char_pairs
        return block.text if keep else None
    kept = [alt for alt in _alternatives(block.prelude) if _satisfied(alt, used)]
    if not kept:
        return None
    if len(kept) == len(_alternatives(block.prelude)):
        return block.text
    return f"{', '.join(kept)} {{{block.body}}}"


def _families(body: str) -> set[str]:
    return {f.strip().strip("\"'") for m in _FAMILIES.findall(body) for f in m.replace("!important", "").split(",")}


def shake(css: str, tokens: set[str] | frozenset[str], font_url: str = "woff2") -> tuple[str, list[str]]:
    """(stylesheet, font files) for formulas whose HTML holds the elements in `tokens`.

    `tokens`: `name.class1.class2` of each element (typeset.css_tokens). Font URLs
    in the result start with `font_url`; the files are returned by name.
    """
    used = Used(tokens)
    kept: list[tuple[Block | None, str]] = []
    families: set[str] = set()
    for block in blocks(css):
        if block.prelude.startswith("@font-face"):
            kept.append((block, ""))
            continue
        if block.prelude.startswith("@media"):
            inner = []
            for b in blocks(block.body):
                rule = _keep_rule(b, used)
                if rule is not None:
                    inner.append(rule)
                    families |= _families(b.body)
            if inner:
                kept.append((None, f"{block.prelude} {{\n" + "\n\n".join("  " + r.replace("\n", "\n  ") for r in inner)
                                   + "\n}"))
            continue
        rule = _keep_rule(block, used)
        if rule is not None:
            families |= _families(block.body)
            kept.append((None, rule))
    out: list[str] = []
    files: list[str] = []
    for block, text in kept:
        if block is None:
            out.append(text)
            continue
        if not _families(block.body) & families:
            continue
        text = block.text
        for url in _FONT_FILE.findall(block.body):
            name = url.rsplit("/", 1)[-1]
            files.append(name)
            text = text.replace(f'url("{url}")', f'url("{font_url.rstrip("/")}/{name}")')
        out.append(text)
    return "\n\n".join(out) + "\n", sorted(set(files))
