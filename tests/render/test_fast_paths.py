"""The shortcuts taken for speed give exactly what the general code gives."""
import random
import re

from site_builder.render import plaintext, restore
from site_builder.render.markdown import render_markdown


def _events(fragment, fast):
    """The text parts from the regex's reading of the tags (None where it declines), or from HTMLParser's."""
    if fast:
        flat = plaintext._simple_tags(fragment)
        return None if flat is None else plaintext._collect(flat, raw=True)
    parser = plaintext._tokens()()
    parser.feed(fragment)
    parser.close()
    return plaintext._collect(parser.flat, raw=False)


PIECES = ['<p>', '</p>', '<br>', '<br/>', '<br />', '<span class="math inline">', '</span>', '\\(a&lt;b\\)',
          '<div class="math display">', '</div>', '&amp;', '&', '&#x27;', '&copy', 'x y', '\n', '<li>', '</li>',
          '<a href="x&amp;y" rel="noopener">', '</a>', '<img src="a" alt="" loading="lazy">', '<img src="a" alt/>',
          '<P CLASS="Math">', '</P >', '<td>', '<em>', '</em>', '<template>', '</template>', '<pre><code>',
          '</code></pre>', '&lt;p&gt;', '<h2 id="a">', '</h2>', '<script>', '</script>', '<!-- c -->', '<', '>',
          '<x-y>', '<a\tb="1"\nc>', '<p\x0bclass="x">', '<a b="x"c>', '<a b ="x">', '<style>', '<?pi?>',
          # how the class attribute is found: any case, the last one wins, bare, unescaped, inside other values
          '<span class="x" CLASS="math">', '<span class="math" class="x">', '<span class>', '<span class="">',
          '<span class="&#109;ath">', '<span data-class="math">', '<span title="class math">', '<em class="y math">',
          '<template/>', '<li class="math">', '<br class="math"/>', '<td class="math">', '</td>', '<th>', '</th>',
          '<span title="a<b">']


def test_simple_html_gives_the_parsers_events():
    rng = random.Random(7)
    fast = 0
    for _ in range(40000):
        fragment = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 20)))
        got = _events(fragment, fast=True)
        if got is not None:
            fast += 1
            assert got == _events(fragment, fast=False), fragment
    assert fast > 2000  # the comparison really ran


def test_anything_unusual_goes_to_the_parser():
    for fragment in ['<!-- x -->', 'a < b', '<script>x<p></script>', '<STYLE>p{}</STYLE>', '<textarea><b>x</b></textarea>',
                     '<a b="x"c>', '<x-y>']:
        assert _events(fragment, fast=True) is None
    assert plaintext.html_to_text('<p>a<!-- x --> &amp; <span class="math inline">\\(\\alpha\\)</span></p>') == "a & α"


def test_plain_text_of_blocks_lists_tables_hidden_content_and_math():
    html = ('<h2 id="x">Title</h2><p>One &amp; two <em>three</em> .</p><ul><li>first</li><li>second</li></ul>'
            '<table><tr><th>a</th><td>b</td></tr></table><template><p>hidden</p></template>'
            '<p>Let <span class="math inline">\\(\\beta\\)</span> be small<br/>and <b>bold</b></p>'
            '<div class="math display"><span>\\[x^2\\]</span></div>')
    assert _events(html, fast=True) is not None  # read by the regex
    expected = "Title\nOne & two three.\n• first\n• second\na b\nLet β be small\nand bold\nx^2"
    assert plaintext.html_to_text(html) == expected
    # Script and style content, and comments, are dropped by HTMLParser's reading, with the same result.
    for extra in ("<script>alert('<p>x</p>')</script>", "<style>p { color: red }</style>", "<!-- a <b> -->"):
        assert _events(html + extra, fast=True) is None
        assert plaintext.html_to_text(html + extra) == expected, extra


def _without_lookahead(pattern: re.Pattern) -> re.Pattern:
    """The same alternation without the leading first-character lookahead."""
    m = re.match(r"\(\?=\[[^\]]*\]\)\(\?:", pattern.pattern)
    assert m and pattern.pattern.endswith(")")
    return re.compile(pattern.pattern[m.end():-1], pattern.flags)


def test_first_character_lookaheads_change_no_match():
    rng = random.Random(11)
    o, c = restore.OPEN, restore.CLOSE
    alphabet = list("`$\\!{}[]()<>h ttps:/ab*c1-#.)\n\"'٣") + [
        "\\begin{align}", "\\end{align}", "http://x.png", "\\cite{k}", "$$", "```", "![a](u.png) *cap*",
        "----", "**", "## ", f"{o}7{c}", "1. ", "* x", "- y", "> q"]
    for pattern in (restore._PROTECT, restore._MARKER):
        plain = _without_lookahead(pattern)
        for _ in range(5000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
            pos = rng.randint(0, len(text))
            assert [(m.span(), m.groupdict()) for m in pattern.finditer(text, pos)] == \
                   [(m.span(), m.groupdict()) for m in plain.finditer(text, pos)], text


def test_linkify_still_finds_links_and_only_links():
    html = render_markdown("See https://example.org/a and <https://b.org> but not model.py or www.example.com.").html
    assert '<a href="https://example.org/a" rel="nofollow ugc noopener">' in html
    assert 'href="https://b.org"' in html
    assert "model.py" in html and 'href="http://www.example.com' not in html



MARKDOWN_PIECES = [
    "word ", "\n", "\n\n", "| a | b |\n| - | - |\n| 1 | 2 |\n", "|", "> quote\n", ">", "[l]: /u\n", "]:", "[x]",
    "[^1]", "[^1]: note\n", "^[inline note]", "$$\nx^2\n$$\n", "$$", "$a$", "$", "\\begin{align}a\\end{align}\n",
    "\\begin{equation}", "```python\nx = 1\n```\n", "```", "~~~\ncode\n~~~\n", "# Head\n", "#", "Title\n===\n",
    "=", "---\n", "-", "- item\n", "* item\n", "1. item\n", "\\cite{a2017}", "\\", "\\*", "`code`", "`", "~~del~~",
    "~", "*em*", "**strong**", "_u_", "*", "_", "[link](http://a.org)", "[", "]", "![img](a.png)", "!", "![",
    "<http://a.org>", "<b>", "<", "&amp;", "&#36;", "&", "http://x.org/p", "://", "mailto:a@b.c", "//a.org/b",
    "    indented\n", "\t", "&#42;", "a_b_c", "x<y", "(", ")", "\\$", "  \n",
]


def test_markdown_without_needless_rules_gives_the_same_html():
    """Parsing with the rules a text has no marker for switched off (markdown._needless_rules)
    gives the HTML, warnings, links and figures of the parser with every rule on."""
    from markdown_it.main import MarkdownIt

    from site_builder.render import markdown

    full: MarkdownIt = markdown._parser.__wrapped__(())
    full.enable(["html_block", "html_inline"])  # html is off: they never match, as the parser with them on shows

    def render(parser: MarkdownIt, text: str):
        result = markdown.RenderedMarkup(html="")
        env = {"ctx": markdown.LinkContext(), "result": result, "open_links": [], "seen_links": set()}
        result.html = parser.render(text, env)
        return result

    rng = random.Random(29)
    switched_off = 0
    for _ in range(2000):
        text = "".join(rng.choice(MARKDOWN_PIECES) for _ in range(rng.randint(0, 25)))
        needless = markdown._needless_rules(text)
        switched_off += len(needless)
        assert render(markdown._parser(needless), text) == render(full, text), text
    assert switched_off > 2000 * 5  # most texts lack most markers: the gated parsers really ran


def test_wikitext_without_tokenizer_markers_is_one_text_node_as_the_parser_makes_it():
    """bounds.parse makes the text node itself where mwparserfromhell's tokenizer would find
    nothing to stop at; whatever it is given, the nodes are the parser's."""
    import mwparserfromhell

    from site_builder.render.wiki import bounds
    from site_builder.render.wiki.inline import STRAY_TAG

    def nodes(code):
        return [(type(n).__name__, str(n)) for n in code.nodes], str(code)

    rng = random.Random(31)
    alphabet = [chr(c) for c in range(0x250)] + [
        "\ue000", "\ue001", "\ue010", "\ue020", "\u2028", "\U0001d465", "http", "www.", "__TOC__", "~~~~",
        "ISBN ", "RFC 1", "prose with words. ", "\r", "\t", " "]
    fast = 0
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        safe, _ = bounds.prepare(text, STRAY_TAG)
        fast += bounds._TOKENIZER_MARKERS.search(safe) is None
        assert nodes(bounds.parse(text, STRAY_TAG)) == nodes(mwparserfromhell.parse(safe, skip_style_tags=True)), text
    assert fast > 5000  # the shortcut really ran


def test_wiki_finish_without_marks_gives_what_the_token_loop_gives(monkeypatch):
    """quotes.finish returns a text without sentinels or marks as one piece; the loop over
    _TOKENS gives the same for every text (made to run here by a pre-check that always says yes)."""
    from site_builder.render.wiki import quotes
    from site_builder.render.wiki.state import BLOCK_END, BLOCK_START, EDGE_END, EDGE_START

    class Always:
        def search(self, text):
            return True

    pieces = [BLOCK_START, BLOCK_END, EDGE_START, EDGE_END, quotes.B_OPEN, quotes.B_CLOSE, quotes.I_OPEN,
              quotes.I_CLOSE, "<b>", "</b>", "<i>", "</i>", " ", "x", "<p>", "\n"]
    rng = random.Random(37)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(20000)]
    quick = [quotes.finish(t) for t in texts]
    monkeypatch.setattr(quotes, "_ANY_MARK", Always())
    assert quick == [quotes.finish(t) for t in texts]


def test_word_count_is_that_of_the_words_of_the_text():
    """text_and_words counts the words of the text it gives by its separators; the same as split()."""
    rng = random.Random(41)
    pieces = PIECES + [" ,", " .", " ;", " :", " !", " ?", " )", ",", ".", "\u00a0", "\u2028", "\t", "\x1c",
                       "\u3000", "  ", "a b", "<li>x</li>", "<p> . </p>", "\x85", "\u2029"]
    for _ in range(20000):
        fragment = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        text, words = plaintext.text_and_words(fragment)
        assert text == plaintext.html_to_text(fragment)
        assert words == len(text.split()), fragment


def test_plain_links_skip_markdown_its_normalize_link_with_the_same_result():
    """markdown._normalize_link returns the plain URLs (_PLAIN_LINK) unchanged, which is what
    markdown-it's normalizeLink gives for each of them; every other URL goes to it."""
    from markdown_it.common.normalize_url import normalizeLink

    from site_builder.render import markdown

    rng = random.Random(43)
    label = "abz09-"
    kept = "abcXYZ019-._~/?#=&+"
    rest = kept + "%:@![]()'*;,$ \u00e9"
    plain = 0
    for _ in range(60000):
        host = ".".join("".join(rng.choice(label + ("Aé_" if rng.random() < 0.1 else ""))
                                for _ in range(rng.choice([0, 1, 1, 4, 4, 63, 64] if rng.random() < 0.2 else [1, 4])))
                        for _ in range(rng.randint(1, 9)))
        if rng.random() < 0.05:
            host = "xn--" + host
        url = rng.choice(["http://", "https://", "HTTPS://", "http:/", "ftp://", "//"]) + host + \
            rng.choice(["", "/", "?", "#", ":80/"]) + "".join(rng.choices(rng.choice([kept, rest]), k=rng.randint(0, 12)))
        plain += bool(markdown._PLAIN_LINK.fullmatch(url))
        assert markdown._normalize_link(url) == normalizeLink(url), url
    assert plain > 2000  # the shortcut really ran
    for url in ("https://arxiv.org/abs/1809.10000", "http://a.org/x?y=1&z=2#frag", "https://b.org/a-b_c~d/e.png"):
        assert markdown._PLAIN_LINK.fullmatch(url) and normalizeLink(url) == url


def test_spaces_before_marks_go_in_one_pass_as_mark_by_mark():
    """html_to_text drops the space before , . ; : ! ? ) with one regex; the same as replacing mark by mark."""
    def mark_by_mark(text):
        for mark in ",.;:!?)":
            text = text.replace(" " + mark, mark)
        return text

    rng = random.Random(47)
    pieces = ["a", "bc", ",", ".", ";", ":", "!", "?", ")", "(", "…", "1"]
    for _ in range(20000):
        lines = [" ".join("".join(rng.choice(pieces) for _ in range(rng.randint(1, 3)))
                          for _ in range(rng.randint(1, 6))) for _ in range(rng.randint(1, 3))]
        text = "\n".join(lines)  # as html_to_text has it: words parted by one space or newline
        assert plaintext._SPACE_BEFORE_MARK.sub("", text) == mark_by_mark(text), text
    assert plaintext.html_to_text("<p>a , b . c ) d ; e : f ! g ? h</p>") == "a, b. c) d; e: f! g? h"


def test_plain_back_translates_only_where_a_stand_in_is():
    from site_builder.render.wiki import state

    rng = random.Random(53)
    pieces = ["a", "<", "é", "\ue000", "\ue001", state.PLAIN_LT, state.PLAIN_BRACKET, state.PLAIN_BRACE,
              state.PLAIN_EQUALS, "\ue044", "&lt;", "[", "{", "="]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert state.plain_back(text) == text.translate(state.PLAIN_BACK), text


def test_verbatim_openers_found_as_with_the_bracket_inside_each_alternative():
    """protect._VERBATIM_OPEN starts with its "<" (which makes the search jump between them);
    it finds what the pattern with the "<" inside each alternative found, from any position."""
    from site_builder.render.wiki import protect

    before = re.compile(
        r"(?P<comment><!--)"
        r"|(?P<center><center\s*+>\s*+<math(?P<cattrs>\s[^<>]*+)?>)"
        r"|<(?P<tag>nowiki|pre|math|syntaxhighlight|source)(?P<attrs>\s[^<>]*?)?(?P<end>/>|>)",
        re.I,
    )
    pieces = ["<", ">", "!--", "<!--", "-->", "<center>", "<CENTER >", " ", "\n", "<math", "<Math>", "</math>",
              " display=block", "<nowiki", "<pre", "<source", "<syntaxhighlight", " lang=\"py\"", "/>", "x", "<<"]
    rng = random.Random(59)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        pos = rng.randint(0, len(text))
        new, old = protect._VERBATIM_OPEN.search(text, pos), before.search(text, pos)
        assert (new is None) == (old is None), text
        if new is not None:
            assert new.span() == old.span(), text
            assert new.group("tag", "attrs", "end", "cattrs") == old.group("tag", "attrs", "end", "cattrs"), text
            assert (new.group("comment") is None, new.group("center") is None) == \
                   (old.group("comment") is None, old.group("center") is None), text


def test_normalize_is_skipped_only_where_markdown_its_would_change_nothing():
    """markdown._normalize_rule runs markdown-it's normalize only for a text with CR or NUL: on random
    Markdown (with CR LF, CR and NUL among the pieces) the source it leaves is always markdown-it's."""
    from markdown_it.rules_core import StateCore, normalize

    from site_builder.render import markdown

    parser = markdown._parser.__wrapped__(())
    rng = random.Random(43)
    pieces = MARKDOWN_PIECES + ["- a\n\n  > b\n", "\r\n", "\r", "\0", "a\r\rb", "\0\r\n"]
    skipped = 0
    for _ in range(1200):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        state, expected = StateCore(text, parser, {}), StateCore(text, parser, {})
        markdown._normalize_rule(state)
        normalize(expected)
        assert state.src == expected.src, text
        skipped += "\r" not in text and "\0" not in text
    assert 100 < skipped < 1100  # both cases were tried


def test_dollar_balance_skips_only_paragraphs_without_a_dollar():
    """markdown._dollar_balance_rule reads the text children only of inline tokens whose content has
    a "$": the same warnings as reading every one, also where links, entities and escapes are made."""
    from site_builder.render import markdown

    gated = markdown._parser.__wrapped__(())
    plain = markdown._parser.__wrapped__(())
    plain.core.ruler.at("dollar_balance", lambda state: markdown._dollar_balance_rule(state, every_paragraph=True))

    def warnings(parser, text):
        result = markdown.RenderedMarkup(html="")
        env = {"ctx": markdown.LinkContext(), "result": result, "open_links": [], "seen_links": set()}
        parser.render(text, env)
        return result.warnings

    rng = random.Random(47)
    pieces = MARKDOWN_PIECES + ["http://x.org/%24a ", "<http://a.org/$b>", "http://x.org/$c ", "&#36;", "&dollar;",
                                "\\$", "$", "$x$", "[a$](http://b.org)", "![a$](c.png)", "[^n]: $ note\n", "xn--$-a.org/"]
    warned = 0
    for _ in range(1000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        got = warnings(gated, text)
        assert got == warnings(plain, text), text
        warned += bool(got)
    assert warned > 60
