"""Rebuild the line structure of ShortScience summaries whose newlines were lost.

The scrape turned every summary into one long line, so ``#### Heading text * item``
no longer means anything to a Markdown parser. ``restore_markdown`` puts the line
breaks back. It works in three steps:

1. **Protect.** Fenced code, inline code, ``$$…$$``, ``\\begin{env}…\\end{env}``,
   inline ``$…$`` (same rule as the renderer: no space inside the dollars, no digit
   before the opening or after the closing one), Markdown links and images, bare
   URLs and ``\\cite{…}`` (left for the renderer) are swapped for placeholders,
   so a ``*``, ``-``, ``#``, ``1.`` or ``|`` inside them is never read as structure.
2. **Restructure** the placeholder text with these rules:

   - *Blocks.* Fenced code, display math, amsmath environments, tables, images
     with an image URL (``.png``/``.jpg``/``.jpeg``/``.gif``/…, i.imgur.com, imgur
     pages) and ``![alt](url) *caption*`` figures get their own block. Math and
     code inside a list item stay in the item (indented); figures and tables end
     the list. Punctuation right after display math moves into the math.
   - *Headings.* ``##``–``######`` followed by a space start a heading anywhere;
     ``#`` only at the start of a block or after ``.:?!)``. The heading text runs
     to the next block or list marker, but stops earlier

     a. after the first ``?``, ``:``, ``.`` or ``!`` that is followed by a capital,
        digit or other sentence start (``What is BN? Normalize…``), and then
     b. before a capitalised sentence opener (The, This, We, …) that is followed
        by a lowercase word (``Evaluation The learning rate…``), or else, when the
        heading would be longer than eight words, before its first capitalised
        word after the first (``Methodology Mask RCNN retains…``).

     A ``**bold**`` opening also ends a heading.
   - *Bullets.* ``* `` (preceded by a space or the start) is always an item unless
     it sits between two numbers (``3 * 4``); ``** `` (``*** ``) is a second-
     (third-) level item; there is no other way to see nesting in flat text.
     ``- `` is an item only at the start of a block, after ``:``, or, inside a
     dash list, when the item text does not start in lowercase — so a dash in
     prose ("Batch Norm - which…") stays prose. ``*emphasis*`` is never a marker.
   - *Ordered lists.* ``1.``/``1)`` starts a list at the start of a block or after
     ``.:?!)``; ``n.`` continues a list whose last item was ``n-1``.
   - *Quotes.* ``> `` at the start of a block or after ``.:?!``; the quote runs to
     the end of its first sentence or the next block, whichever comes first.
   - *Rules.* A run of four or more dashes is a horizontal rule.
   - *Tables.* A GFM delimiter row (``|---|---|``) with a header row of the same
     width before it becomes a table; the rows after it are cut every n+1 pipes.
3. **Restore** the placeholders. Python in fences gets its newlines back when the
   code splits into statements that compile; otherwise the code stays on one line.

Scrape residue (empty ``![]()``, a trailing `` |``) is removed first. Text that
already contains newlines is taken to be structured and returned as it is, which
also makes ``restore_markdown`` idempotent.
"""
from __future__ import annotations

import io
import keyword
import re
import tokenize
from dataclasses import dataclass, field
from functools import lru_cache

from .budget import charge
from .html import is_image_url
from .lexers import has_lexer

OPEN, CLOSE = "\ue000", "\ue001"  # private-use characters, removed from the input first
BLOCK_KINDS = {"code", "math", "env", "figure", "table"}
NESTABLE_KINDS = {"code", "math", "env"}  # may stay inside a list item

_EMPTY_IMAGE = re.compile(r" ?!\[\]\(\s*\)")
_URL_CHARS = r"[^\s<>\"'\[\]" + OPEN + CLOSE + r"]"
_LINK_DEST = r"\((?:[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\)"
_PROTECT = re.compile(
    # Every alternative starts with one of these characters: looking ahead for them
    # first lets the regex skip plain prose instead of trying ten alternatives per character.
    # No alternative rescans: a body that is never closed stops at the next opener of its
    # own kind (\\begin of the same environment, "{" in a \\cite), and an inline code span's
    # closing run is looked up, not searched for (see _tick_pairs).
    r"(?=[`$\\!\[<h])(?:"
    r"(?P<fence>```(?P<fbody>.*?)```)"
    r"|(?<!`)(?P<ticks>`++)(?=[^`])"
    r"|(?<!\\)\$\$(?P<dmath>.+?)(?<!\\)\$\$"
    r"|(?P<env>\\begin\{(?P<envname>(?:equation|align|alignat|flalign|gather|multline|eqnarray)\*?)\}"
    r"(?:(?!\\begin\{(?P=envname)\}).)*?\\end\{(?P=envname)\})"
    r"|(?P<imath>(?<![\\\d$])\$(?![\s$])(?:\\.|[^$\\])+?(?<!\s)\$(?!\d))"
    r"|(?P<image>!\[(?P<alt>[^\[\]]{0,300})\](?P<dest>" + _LINK_DEST + r"))"
    r"(?:\s+(?P<caption>\*(?![\s*])[^*]{1,600}?(?<!\s)\*(?!\*)))?"
    r"|(?P<link>\[[^\[\]]{0,300}\]" + _LINK_DEST + r")"
    r"|(?P<autolink><https?://[^>\s]+>)"
    r"|(?P<url>https?://" + _URL_CHARS + r"+)"
    r"|(?P<cite>\\cite[pt]?\*?\{[^{}]*\}))",
    re.S,
)
_TICK_RUN = re.compile(r"`+")


@dataclass
class _Span:
    """A stretch of the flattened text."""

    kind: str
    markdown: str
    indent: str = ""  # list-item indentation for block spans nested in an item


@dataclass
class _Protected:
    """Text kept apart while the rest is restored."""

    text: str
    spans: list[_Span] = field(default_factory=list)

    def add(self, kind: str, markdown: str) -> str:
        self.spans.append(_Span(kind, markdown))
        return f"{OPEN}{len(self.spans) - 1}{CLOSE}"

    def span_at(self, placeholder: str) -> _Span:
        return self.spans[int(placeholder[1:-1])]


def restore_markdown(flat: str) -> str:
    """Markdown with its line structure rebuilt from a summary flattened to one line."""
    text = flat.strip()
    if "\n" in text:
        return text
    charge(4 * len(text), "restoring flattened Markdown")  # its four passes, each linear
    text = _strip_residue(text.replace(OPEN, "").replace(CLOSE, ""))
    protected = _protect(text)
    protected.text = _rebuild_tables(protected)
    body = _Restructurer(protected).run()
    return _tidy(_unprotect(body, protected))


# --- residue -------------------------------------------------------------------------


def _strip_residue(text: str) -> str:
    if "![](" in text:  # what every match of _EMPTY_IMAGE holds (a search would try each space)
        text = _EMPTY_IMAGE.sub("", text)
    text = text.rstrip()
    if text.endswith(" |") or text == "|":
        text = text[:-1].rstrip()  # the scraper appends one " |" to every summary
    return text


# --- protection ----------------------------------------------------------------------


def _protect(text: str) -> _Protected:
    protected = _Protected("")
    out: list[str] = []
    pos = 0
    closing_runs = _tick_pairs(text) if "`" in text else {}
    while m := _PROTECT.search(text, pos):
        out.append(text[pos : m.start()])
        pos = m.end()
        if m.group("fence") is not None:
            out.append(protected.add("code", _fence(m.group("fbody"))))
        elif m.group("ticks") is not None:
            close = closing_runs.get(m.start())
            if close is None:  # a run of backticks that no run of the same length closes: text
                out.append(m.group(0))
                continue
            out.append(protected.add("inline", text[m.start() : close]))
            pos = close
        elif m.group("dmath") is not None:
            out.append(protected.add("math", m.group("dmath").strip()))
        elif m.group("env") is not None:
            out.append(protected.add("env", m.group("env")))
        elif m.group("image") is not None:
            out.append(_protect_image(protected, m))
        elif m.group("url") is not None:
            url, rest = _trim_url(m.group("url"))
            kind = "figure" if _is_image_link(url) else "inline"
            out.append(protected.add(kind, url) + rest)
        else:
            out.append(protected.add("inline", m.group(0)))
    out.append(text[pos:])
    protected.text = "".join(out)
    return protected


def _tick_pairs(text: str) -> dict[int, int]:
    """Start of each run of backticks -> end of the next run of the same length (CommonMark's
    code span), for the runs that have one; found in one pass from the end."""
    runs = [(m.start(), m.end()) for m in _TICK_RUN.finditer(text)]
    following: dict[int, int] = {}  # run length -> end of the nearest such run after this one
    pairs: dict[int, int] = {}
    for start, end in reversed(runs):
        close = following.get(end - start)
        if close is not None:
            pairs[start] = close
        following[end - start] = end
    return pairs


def _protect_image(protected: _Protected, m: re.Match) -> str:
    image, caption = m.group("image"), m.group("caption")
    url = (m.group("dest")[1:-1].split() or [""])[0]
    if caption:
        return protected.add("figure", f"{image}\n{caption}")
    return protected.add("figure" if _is_image_link(url) else "inline", image)


def _is_image_link(url: str) -> bool:
    return is_image_url(url) or re.match(r"https?://(?:www\.)?imgur\.com/", url) is not None


def _trim_url(url: str) -> tuple[str, str]:
    """Split trailing punctuation (and an unbalanced ")") off a bare URL."""
    rest = ""
    while url and url[-1] in ".,;:!?)":
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        rest = url[-1] + rest
        url = url[:-1]
    return url, rest


def _fence(body: str) -> str:
    lang, code = _fence_language(body)
    if lang.lower() in ("python", "py", "python3"):
        code = _reflow_python(code)
    return f"```{lang}\n{code}\n```"


def _fence_language(body: str) -> tuple[str, str]:
    """The info word glued to the opening fence, if it names a language."""
    m = re.match(r"([A-Za-z][\w+#.-]*)(?=\s|$)", body)
    if not m:
        return "", body.strip()
    rest = body[m.end() :].lstrip()
    if rest[:1] in ("=", "(", "[", ".", ":", ",") or rest[:2] in ("+=", "-="):
        return "", body.strip()  # "```c = 3```": the word is code, not a language
    if not has_lexer(m.group(1)):
        return "", body.strip()
    return m.group(1), rest.strip()


# --- python reflow -------------------------------------------------------------------

_INFIX_KEYWORDS = {"and", "or", "not", "in", "is", "if", "else", "for", "as", "from", "import", "async"}


def _reflow_python(code: str) -> str:
    """`_reflowed(code)`, kept per snippet (tokenizing and compiling are slow; a snippet may recur
    across summaries) when it is short."""
    return _reflowed(code) if len(code) <= 4096 else _reflowed.__wrapped__(code)


@lru_cache(maxsize=1024)
def _reflowed(code: str) -> str:
    """Python statements on their own lines, or the code unchanged when unsure.

    A statement boundary is where a name follows a complete value at bracket depth
    0 (``x = 1 y = 2``), or after a block header's ``:``. Code with a block header
    is only reflowed when it is a single ``def``/``class`` ending in ``return``
    (everything else would need guessing where the block ends). The result must
    compile.
    """
    if "\n" in code:
        return code
    statements = _split_statements(code)
    if statements is None or len(statements) < 2:
        return code
    headers = [i for i, s in enumerate(statements) if s.endswith(":")]
    if not headers:
        lines = statements
    elif headers == [0] and re.match(r"(def|class)\s", statements[0]) and statements[-1].startswith("return"):
        lines = [statements[0]] + ["    " + s for s in statements[1:]]
    else:
        return code
    result = "\n".join(lines)
    try:
        compile(result, "<summary code>", "exec")
    except (SyntaxError, ValueError):
        return code
    return result


def _split_statements(code: str) -> list[str] | None:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    cuts: list[int] = []
    depth = 0
    prev: tokenize.TokenInfo | None = None
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            return None  # a comment swallows the rest of the flattened line
        if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT):
            continue
        if depth == 0 and prev is not None:
            if prev.type == tokenize.OP and prev.string == ":":
                cuts.append(tok.start[1])
            elif tok.type == tokenize.NAME and tok.string not in _INFIX_KEYWORDS and _ends_value(prev):
                cuts.append(tok.start[1])
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth = max(0, depth - 1)
        prev = tok
    bounds = [0] + cuts + [len(code)]
    return [code[a:b].strip() for a, b in zip(bounds, bounds[1:]) if code[a:b].strip()]


def _ends_value(tok: tokenize.TokenInfo) -> bool:
    if tok.type == tokenize.NAME:
        return not keyword.iskeyword(tok.string) or tok.string in ("True", "False", "None")
    if tok.type in (tokenize.NUMBER, tokenize.STRING):
        return True
    return tok.type == tokenize.OP and tok.string in ")]}"


# --- tables --------------------------------------------------------------------------

_DELIMITER_ROW = re.compile(r"\|(?:[ ]*:?-+:?[ ]*\|)+")
_PIPE = re.compile(r"(?<!\\)\|")


def _rebuild_tables(protected: _Protected) -> str:
    text = protected.text
    out: list[str] = []
    done = 0  # text before this is in `out`; a table's header may not reach back past it
    search_from = 0
    while m := _DELIMITER_ROW.search(text, search_from):
        width = len(_PIPE.findall(m.group(0))) - 1
        header_start = _header_start(text, m.start(), width, done)
        if header_start is None:
            search_from = m.end()
            continue
        rows = [text[header_start : m.start()].strip(), m.group(0)]
        end = _collect_rows(text, m.end(), width, rows)
        table = "\n".join(_escape_cell_pipes(row, protected) for row in rows)
        out += [text[done:header_start], " ", protected.add("table", table), " "]
        done = search_from = end
    out.append(text[done:])
    return "".join(out)


def _header_start(text: str, delimiter_start: int, width: int, floor: int) -> int | None:
    """Start of the header row: the (width+1)-th pipe back from the delimiter row.

    Found by walking back from the delimiter (never past `floor`, the end of the last
    table), so each delimiter costs the length of its own header, not of the text before it.
    """
    end = delimiter_start
    while end > floor and text[end - 1].isspace():
        end -= 1
    if end <= floor or text[end - 1] != "|" or _escaped(text, end - 1):
        return None
    found, i = 0, end
    while i > floor:
        i -= 1
        if text[i] == "|" and not _escaped(text, i):
            found += 1
            if found == width + 1:
                return i if i == 0 or text[i - 1].isspace() else None
    return None


def _escaped(text: str, i: int) -> bool:
    return i > 0 and text[i - 1] == "\\"


def _collect_rows(text: str, pos: int, width: int, rows: list[str]) -> int:
    while True:
        start = pos
        while start < len(text) and text[start] == " ":
            start += 1
        if start >= len(text) or text[start] != "|":
            return pos
        pipes = []
        for p in _PIPE.finditer(text, start + 1):
            pipes.append(p.start())
            if len(pipes) == width:
                break
        if len(pipes) == width:
            end = pipes[-1] + 1
            if end < len(text) and not text[end].isspace():
                return pos
        elif len(pipes) == width - 1:
            end = len(text)  # last row lost its closing pipe with the scrape residue
        else:
            return pos
        rows.append(text[start:end].strip())
        pos = end


def _escape_cell_pipes(row: str, protected: _Protected) -> str:
    """Pipes inside inline code/math in a cell must be escaped or they split the cell."""
    for ph in re.findall(f"{OPEN}\\d+{CLOSE}", row):
        span = protected.span_at(ph)
        span.markdown = re.sub(r"(?<!\\)\|", r"\\|", span.markdown)
    return row


# --- restructuring -------------------------------------------------------------------

_MARKER = re.compile(
    rf"(?=[{OPEN}\-#*>\d])(?:"  # the first character of every alternative (as in _PROTECT)
    rf"(?P<ph>{OPEN}\d+{CLOSE})"
    r"|(?<!\S)(?:"
    r"(?P<hr>-{4,})(?!\S)"
    r"|(?P<hashes>\#{1,6})(?=[ ]\S)"
    r"|(?P<sub>\*{2,3})(?=[ ]\S)"
    r"|(?P<bullet>[*-])(?=[ ]\S)"
    r"|(?P<num>\d{1,3})(?P<delim>[.)])(?=[ ]\S)"
    r"|(?P<quote>>)(?=[ ]\S)"
    r"|(?P<bold>\*\*)(?=[^\s*])"
    r"))"
)
_SENTENCE_END = re.compile(rf"(?<=\S)[.!?:](?=[ ]+(?:[A-Z0-9\"'(\[*_`]|{OPEN}))")
_RUN_IN_BOLD = re.compile(r"\*\*([A-Z][^*]{0,60}?)(?<!\s)\*\*(?= +[A-Z])")
_ABBREVIATIONS = {"e.g", "i.e", "vs", "al", "etc", "fig", "eq", "cf", "approx", "resp", "sec", "no"}
_SENTENCE_OPENERS = {
    "The", "This", "These", "That", "Those", "We", "It", "In", "Our", "They", "Their",
    "There", "Here", "A", "An", "To", "For", "As", "When", "While", "Since", "Given",
    "Although", "However", "First", "Firstly", "Then", "One", "Each", "Using", "By",
    "If", "Most", "Some", "Both", "All", "Instead", "Unlike", "I", "You",
}
_LONG_HEADING_WORDS = 8
_MATH_PUNCTUATION = re.compile(r"\s*([.,;:])(?=\s|$)")


class _Restructurer:
    """Walks the placeholder text once, emitting Markdown with line breaks."""

    def __init__(self, protected: _Protected):
        self.p = protected
        self.text = protected.text
        self.out: list[str] = []
        self.block_start = True  # nothing but whitespace since the last block ended
        self.list_kind: str | None = None  # "*", "-" or "ol" while inside a list
        self.item_indent = ""  # content indentation of the current list item
        self.level1_indent = ""
        self.ol_next = 0
        self.last_char = ""
        self.at_line_start = True
        self.hard_found: dict[bool, tuple[int, int]] = {}  # see _hard_marker
        self.item_starts: list[int] = []  # where each item of the open list starts in self.out
        self.next_label = 0  # the number of the next "2 Label." when a heading ran into label 1

    def run(self) -> str:
        pos = 0
        while m := _MARKER.search(self.text, pos):
            self._emit_text(self.text[pos : m.start()])
            pos = self._handle(m)
        self._emit_text(self.text[pos:])
        self._end_list()
        return "".join(self.out)

    # markers ------------------------------------------------------------------

    def _handle(self, m: re.Match) -> int:
        if m.group("ph"):
            return self._placeholder(m)
        if m.group("hr"):
            self._break_block()
            self._emit_raw(m.group("hr") + "\n\n")
            return m.end()
        if m.group("hashes") and self._heading_allowed(m):
            return self._heading(m)
        if m.group("sub"):
            return self._item(m, "*", nested=True)
        if m.group("bullet") == "*" and not self._between_numbers(m):
            return self._item(m, "*")
        if m.group("bullet") == "-" and self._dash_item_allowed(m):
            return self._item(m, "-")
        if m.group("num") and self._ordered_allowed(m):
            return self._ordered(m)
        if m.group("quote") and (self.block_start or self.last_char in ".:?!"):
            return self._quote(m)
        if m.group("bold") and self._run_in_heading(m):
            self._break_block()
        self._emit_text(m.group(0))
        return m.end()

    def _placeholder(self, m: re.Match) -> int:
        span = self.p.span_at(m.group(0))
        if span.kind not in BLOCK_KINDS:
            self._emit_text(m.group(0))
            return m.end()
        end = m.end()
        if span.kind == "math":  # "…, $$x$$. Next" : the full stop belongs to the math
            punct = _MATH_PUNCTUATION.match(self.text, end)
            if punct:
                span.markdown += punct.group(1)
                end = punct.end()
        if self.list_kind and span.kind in NESTABLE_KINDS:
            span.indent = self.item_indent
            self._emit_raw(f"\n\n{self.item_indent}{m.group(0)}\n\n{self.item_indent}")
            self.last_char = CLOSE
            return end
        self._break_block()
        self._emit_raw(m.group(0) + "\n\n")
        return end

    def _hard_marker(self, start: int, bold: bool = False) -> int:
        """_next_hard_marker, remembering the last answer: a search from an earlier position
        that found a marker after `start` answers for `start` too (no marker lies between),
        so quotes and headings that stop early do not each search to the end again."""
        since, found = self.hard_found.get(bold, (-1, -1))
        if not since <= start <= found:
            found = _next_hard_marker(self.text, start, self.p, bold)
            self.hard_found[bold] = (start, found)
        return found

    def _heading_allowed(self, m: re.Match) -> bool:
        return len(m.group("hashes")) > 1 or self.block_start or self.last_char in ".:?!)"

    def _heading(self, m: re.Match) -> int:
        start = m.end() + 1
        hard = self._hard_marker(start, bold=True)
        end = _label_in_heading(self.text, start, hard)
        self.next_label = 2 if end is not None else 0
        if end is None:
            end = _heading_end(self.text, start, hard)
        if not self.text[start:end].strip():  # "## * item": nothing to title
            self._emit_text(m.group(0))
            return m.end()
        self._break_block()
        self._emit_raw(f"{m.group('hashes')} {self.text[start:end].strip()}\n\n")
        return end

    def _quote(self, m: re.Match) -> int:
        start = m.end() + 1
        hard = self._hard_marker(start)
        sentence = _first_sentence_end(self.text[start:hard])
        end = start + sentence if sentence is not None else hard
        self._break_block()
        self._emit_raw(f"> {self.text[start:end].strip()}\n\n")
        return end

    def _run_in_heading(self, m: re.Match) -> bool:
        """``… segmentation **RoIAlign** RoIPool first…``: a bold label opens a paragraph."""
        if self.list_kind or self.block_start:
            return False
        label = _RUN_IN_BOLD.match(self.text, m.start())
        return label is not None and len(label.group(1).split()) <= 4

    def _between_numbers(self, m: re.Match) -> bool:
        return _number_before(self.text, m.start()) and _number_after(self.text, m.end())

    def _dash_item_allowed(self, m: re.Match) -> bool:
        if self.block_start or self.last_char == ":":
            return True
        return self.list_kind == "-" and not self.text[m.end() + 1 : m.end() + 2].islower()

    def _ordered_allowed(self, m: re.Match) -> bool:
        n = int(m.group("num"))
        if n == self.ol_next and self.ol_next > 1:
            return True
        return n == 1 and (self.block_start or self.last_char in ".:?!)")

    def _item(self, m: re.Match, marker: str, nested: bool = False) -> int:
        if nested and self.list_kind:
            indent = self.level1_indent + "  " * (len(m.group("sub")) - 2)
            self._emit_raw(f"\n{indent}{marker} ")
            self.item_indent = indent + "  "
        else:
            if self.list_kind == marker:
                self._split_trailing_label()
            if self.list_kind not in (marker,):
                self._break_block(keep_numbering=True)
            else:
                self._emit_raw("\n")
            self._emit_raw(f"{marker} ")
            self.list_kind = marker
            self.item_indent = self.level1_indent = "  "
        self.item_starts.append(len(self.out))
        self.block_start = False
        return m.end() + 1

    def _ordered(self, m: re.Match) -> int:
        n = int(m.group("num"))
        label = f"{n}{m.group('delim')} "
        if self.list_kind == "ol":
            self._emit_raw("\n")
        else:
            self._break_block(keep_numbering=True)
        self._emit_raw(label)
        self.list_kind, self.ol_next = "ol", n + 1
        self.item_indent = self.level1_indent = " " * len(label)
        self.item_starts.append(len(self.out))
        self.block_start = False
        return m.end() + 1

    # output -------------------------------------------------------------------

    def _break_block(self, keep_numbering: bool = False) -> None:
        self._end_list()
        self._emit_raw("\n\n")
        self.list_kind = None
        self.item_indent = self.level1_indent = ""
        if not keep_numbering:
            self.ol_next = 0
        self.block_start = True

    def _split_trailing_label(self) -> None:
        """"* item 2 Domain-specific fine-tuning. * ...": after a heading that ran into label 1
        (_label_in_heading), the next label ends the item it was glued to, and the list."""
        if not self.next_label or not self.item_starts:
            return
        item = "".join(self.out[self.item_starts[-1]:]).rstrip()
        label = _NUMBERED_LABEL.search(item)
        if label is None or int(label.group("n")) != self.next_label or not item[:label.start()].strip():
            return
        self.next_label += 1
        self.out[self.item_starts[-1]:] = [item[:label.start()].rstrip(), "\n\n", label.group(0)]
        self._break_block(keep_numbering=True)

    def _end_list(self) -> None:
        """At the end of a list: a paragraph the scrape glued to its last item becomes a paragraph again."""
        starts, self.item_starts = self.item_starts, []
        if not starts:
            return
        last = "".join(self.out[starts[-1]:])
        others = ["".join(self.out[a:b]) for a, b in zip(starts, starts[1:])]
        cut = _paragraph_after_item(last, others)
        if cut is None:
            return
        rest = last[cut:].lstrip().replace("\n" + self.item_indent, "\n")
        self.out[starts[-1]:] = [last[:cut].rstrip(), "\n\n", _escape_line_start(rest)]
        self.last_char = rest.rstrip()[-1:] or self.last_char

    def _emit_raw(self, s: str) -> None:
        """Structure we add: after it, the next text starts a line (or an item)."""
        self.out.append(s)
        self.at_line_start = True

    def _emit_text(self, s: str) -> None:
        if self.at_line_start:
            s = _escape_line_start(s.lstrip())
        if not s:
            return
        self.out.append(s)
        if not s.strip():
            return
        self.block_start = self.at_line_start = False
        self.last_char = s.rstrip()[-1]


# "1 Supervised pre-training:", "2 Layer fc6": a numbered label the scrape lost the line of,
# at the end of the text before a list.
_LABEL = r"(?P<n>\d{1,2}) [^\s*:.!?\ue000\ue001]+(?: [^\s*:.!?\ue000\ue001]+){0,5}[:.]?"
_NUMBERED_LABEL = re.compile(rf"(?<= ){_LABEL}$")
_SECOND_LABEL = re.compile(r"(?<=[ \ue001])" + _LABEL.replace(r"(?P<n>\d{1,2})", "(?P<n>2)") + r"[ ]+(?=[*-] |\ue000)")
_NEXT_HEADING = re.compile(r"(?<!\S)#{1,6} ")
# A sentence opener after a word with no full stop: "... on size The authors argue ...".
_RUN_ON = re.compile(r"(?<=[a-z0-9)%])[ ]+(?=(?:" + "|".join(sorted(_SENTENCE_OPENERS - {"A", "I"})) + r") [a-z])")
_ITEM_SENTENCE_END = re.compile(r"(?<=\S)[.!?](?=[ ]+[A-Z\"'(])")


def _paragraph_after_item(item: str, others: list[str]) -> int | None:
    """Where the text of a list's last item stops being the item, or None.

    Flattening glued the paragraph after a list to its last item. The item ends
    a. where a sentence opener follows a word without a full stop ("... on size The
       authors argue that ..."): items often lack full stops, sentences in prose do not; or
    b. after its first sentence, when more sentences follow than any other item of
       the list has (one more sentence, or a follow-up question, is the item's own).

    Only the item's first line is read: what follows a block nested in it is its own.
    """
    line = item.split("\n", 1)[0]
    run_on = _RUN_ON.search(line)
    if run_on and line[: run_on.start()].strip():
        return run_on.start()
    ends = _sentence_ends(line)  # len(ends) sentences follow the first
    most = max((len(_sentence_ends(other)) + 1 for other in others), default=0)
    if len(ends) >= 2 and len(ends) > most:
        return ends[0]
    return None


def _sentence_ends(text: str) -> list[int]:
    """Ends of the sentences of `text` that another sentence follows."""
    return [m.end() for m in _ITEM_SENTENCE_END.finditer(text)
            if not (m.group(0) == "." and _abbreviation_before(text, m.start()))]


def _escape_line_start(s: str) -> str:
    """Text that lands at the start of a line must not turn into structure by accident."""
    if not s or not (s[0].isdecimal() or s[0] in "*+>#-="):  # (\\d is any Unicode decimal digit)
        return s
    m = re.match(r"(\d{1,9})([.)])(?=\s|$)", s)
    if m:
        return f"{m.group(1)}\\{m.group(2)}{s[m.end():]}"
    if re.match(r"(?:[*+>#-]|={2,})(?=\s|$)", s):
        return "\\" + s
    return s


def _is_number(word: str) -> bool:
    return _NUMBER.fullmatch(word) is not None


_NUMBER = re.compile(r"[.,]*\d[\d.,]*")


_NUMBER_CHARS = frozenset("0123456789.,")


def _number_before(text: str, end: int) -> bool:
    """The word before `end` (after any spaces) is a number; reads only that word."""
    while end and text[end - 1].isspace():
        end -= 1
    start = end
    while start and text[start - 1] in _NUMBER_CHARS:
        start -= 1
    return _is_number(text[start:end]) and (start == 0 or text[start - 1] == " ")


def _number_after(text: str, start: int) -> bool:
    """The word after `start` (after any spaces) is a number; reads only that word."""
    while start < len(text) and text[start].isspace():
        start += 1
    end = start
    while end < len(text) and text[end] in _NUMBER_CHARS:
        end += 1
    return _is_number(text[start:end]) and (end == len(text) or text[end] == " ")


def _next_hard_marker(text: str, start: int, protected: _Protected, bold: bool = False) -> int:
    """Where the next block or list begins; headings and quotes end there at the latest.

    With ``bold``, a ``**bold**`` opening counts too (a heading does not continue into one).
    """
    for m in _MARKER.finditer(text, start):
        if m.group("ph"):
            if protected.span_at(m.group(0)).kind in BLOCK_KINDS:
                return m.start()
            continue
        if m.group("hr") or m.group("hashes") or m.group("sub") or (bold and m.group("bold")):
            return m.start()
        if m.group("bullet") == "*":
            return m.start()
        if m.group("bullet") == "-" and not text[m.end() + 1 : m.end() + 2].islower():
            return m.start()
        if m.group("num") and int(m.group("num")) == 1:
            return m.start()
    return len(text)


def _first_sentence_end(segment: str) -> int | None:
    for m in _SENTENCE_END.finditer(segment):
        if m.group(0) == "." and _abbreviation_before(segment, m.start()):
            continue
        return m.end()
    return None


def _abbreviation_before(text: str, end: int) -> bool:
    """The word ending at `end` is an abbreviation or a single letter ("e.g", "Fig", "A")."""
    start = end
    while start and not (text[start - 1].isspace() or text[start - 1] == "("):
        start -= 1
        if end - start > 8:  # longer than any abbreviation
            return False
    word = text[start:end].lower()
    return word in _ABBREVIATIONS or len(word) == 1


def _label_in_heading(text: str, start: int, hard: int) -> int | None:
    """Where a heading stops when it ran into the first of a run of numbered labels, or None.

    "## Training 1 Supervised pre-training: * ... 2 Domain-specific fine-tuning. * ...":
    the heading's text ends with "1 <a few words>" right before a list, and a "2 <a few
    words>" label stands before a later list (or figure) of the same section.
    """
    segment = text[start:hard].rstrip()
    label = _NUMBERED_LABEL.search(segment)
    if label is None or label.group("n") != "1" or not segment[:label.start()].strip():
        return None
    if not text.startswith(("* ", "- "), hard):
        return None
    section_end = _NEXT_HEADING.search(text, hard)
    if _SECOND_LABEL.search(text, hard, section_end.start() if section_end else len(text)) is None:
        return None
    return start + label.start()


def _heading_end(text: str, start: int, hard: int) -> int:
    """End of a heading's text that starts at `start`; `hard` is the next block or list marker."""
    segment = text[start:hard]
    sentence = _first_sentence_end(segment)
    head = segment[:sentence] if sentence is not None else segment
    split = _title_split(head)
    if split is not None:
        return start + split
    return start + len(head)


def _title_split(head: str) -> int | None:
    """Where the body text starts inside a heading candidate, or None."""
    words = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", head)]
    for i in range(1, len(words) - 1):
        word, following = words[i][1], words[i + 1][1]
        if word in _SENTENCE_OPENERS and following[:1].islower():
            return words[i][0]
    if len(words) > _LONG_HEADING_WORDS:
        for pos, word in words[1:]:
            if word[:1].isupper():
                return pos
    return None


# --- restoring -----------------------------------------------------------------------

_PLACEHOLDER = re.compile(f"{OPEN}(\\d+){CLOSE}")


def _unprotect(text: str, protected: _Protected) -> str:
    def replace(m: re.Match) -> str:
        span = protected.spans[int(m.group(1))]
        body = _unprotect(_span_markdown(span), protected)
        return body.replace("\n", "\n" + span.indent) if span.indent else body

    return _PLACEHOLDER.sub(replace, text)


def _span_markdown(span: _Span) -> str:
    if span.kind == "math":
        return f"$$\n{span.markdown}\n$$"
    return span.markdown


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line.strip() and out and not out[-1].strip():
            continue
        out.append(line if line.strip() else "")
    return "\n".join(out).strip("\n")
