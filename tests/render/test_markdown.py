"""render_markdown / render_flat_markdown: HTML structure, links, math, figures, safety.

Unit tests use invented text about a made-up "Glimmer network" paper. The seed
tests read ShortScience listing pages from ../shared/seeds and check the structure
of five summaries against counts taken by reading their source text.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_builder.render.html import LinkContext, safe_url
from site_builder.render.markdown import render_flat_markdown, render_markdown

# --- a tiny DOM for assertions -----------------------------------------------------

VOID = {"img", "br", "hr", "input", "meta", "link", "source"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Node | None"):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def elements(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.elements()

    def find_all(self, tag: str, cls: str | None = None) -> list["Node"]:
        return [
            e for e in self.elements()
            if e.tag == tag and (cls is None or cls in (e.attrs.get("class") or "").split())
        ]

    def items(self) -> list["Node"]:
        """Direct <li> children of a list."""
        return [c for c in self.children if isinstance(c, Node) and c.tag == "li"]


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("root", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def dom(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    return builder.root


def top_lists(root: Node) -> list[Node]:
    """<ul>/<ol> elements that are not nested in another list, in document order."""
    return [e for e in root.elements() if e.tag in ("ul", "ol") and not _inside_list(e)]


def _inside_list(node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in ("ul", "ol"):
            return True
        parent = parent.parent
    return False


# --- headings, paragraphs, lists --------------------------------------------------


def test_headings_get_deterministic_ids_and_are_collected():
    result = render_markdown("# Glimmer\n\n## Setup\n\n## Setup\n\n### $x$ only")
    root = dom(result.html)
    assert [h.attrs.get("id") for h in root.find_all("h2")] == ["setup", "setup-1"]
    assert root.find_all("h1")[0].attrs["id"] == "glimmer"
    assert result.headings == ["Glimmer", "Setup", "Setup", "x only"]
    assert render_markdown("## Setup").html == render_markdown("## Setup").html


def test_flat_headings_lists_and_text_after_them():
    flat = "Intro. #### Pros * fast * small #### Cons * slow to tune ## Verdict The small net wins."
    root = dom(render_flat_markdown(flat).html)
    assert [h.text() for h in root.find_all("h4")] == ["Pros", "Cons"]
    assert [len(ul.items()) for ul in top_lists(root)] == [2, 1]
    assert [h.text() for h in root.find_all("h2")] == ["Verdict"]
    assert root.find_all("p")[-1].text() == "The small net wins."


def test_nested_double_star_items():
    root = dom(render_flat_markdown("* Encoder ** conv ** pool * Decoder ** upsample").html)
    (outer,) = top_lists(root)
    assert len(outer.items()) == 2
    assert [len(li.find_all("li")) for li in outer.items()] == [2, 1]


def test_ordered_list_and_prose_number():
    root = dom(render_flat_markdown("Steps: 1. embed 2. pool 3. classify").html)
    (ol,) = root.find_all("ol")
    assert [li.text() for li in ol.items()] == ["embed", "pool", "classify"]
    assert "<ol" not in render_flat_markdown("We use version 2. The rest is old.").html


def test_dash_in_prose_and_emphasis_are_not_lists():
    html = render_flat_markdown("The gate - which is cheap - helps, and *this* is **key**.").html
    assert "<li>" not in html
    assert "<em>this</em>" in html and "<strong>key</strong>" in html


# --- code --------------------------------------------------------------------------


def test_fenced_code_is_highlighted_with_its_language():
    root = dom(render_markdown("```python\nx = 1  # set\n```").html)
    (block,) = root.find_all("div", "highlight")
    assert block.attrs["data-lang"] == "python"
    assert block.find_all("pre")
    assert [s.text() for s in block.find_all("span", "c1")] == ["# set"]


def test_flat_python_code_block():
    root = dom(render_flat_markdown("Code: ```python x = 1 y = x * 2``` done").html)
    (block,) = root.find_all("div", "highlight")
    assert block.attrs["data-lang"] == "python"
    assert block.find_all("pre")[0].text() == "x = 1\ny = x * 2\n"


def test_unknown_language_is_plain_escaped_pre():
    html = render_markdown("```glimmerscript\n<b>a</b>\n```").html
    assert html == "<pre><code>&lt;b&gt;a&lt;/b&gt;\n</code></pre>\n"


def test_inline_code_is_untouched():
    html = render_flat_markdown("Call `a * b - c | d` now.").html
    assert "<code>a * b - c | d</code>" in html


# --- math --------------------------------------------------------------------------


def test_inline_math_keeps_emphasis_and_table_characters():
    html = render_markdown("Take $a_1 * b_2 | c*$ and $d_1$ here.").html
    assert '<span class="math inline">\\(a_1 * b_2 | c*\\)</span>' in html
    assert "<em>" not in html and "<table" not in html


def test_display_math_from_flat_text():
    root = dom(render_flat_markdown("The loss $$ L = \\sum_i a_i * b_i $$ is convex.").html)
    (div,) = root.find_all("div", "math")
    assert "display" in div.attrs["class"]
    assert div.text() == "\\[L = \\sum_i a_i * b_i\\]"


def test_dollar_amounts_stay_text():
    result = render_markdown("It costs $5 and $10 per run.")
    assert "math" not in result.html
    assert "$5 and $10" in result.html
    assert result.warnings == []


def test_align_environment_renders_as_display_math():
    root = dom(render_markdown("\\begin{align*} a &= b_1 \\\\ c &= d^* \\end{align*}").html)
    (div,) = root.find_all("div", "math")
    assert div.text() == "\\begin{align*} a &= b_1 \\\\ c &= d^* \\end{align*}"


def test_unbalanced_dollar_warns():
    assert render_markdown("A stray $ sign.").warnings == ['unbalanced $ in text (line 1 of the summary, near "A stray $ sign.")']
    assert render_markdown("Escaped \\$ and `$` are fine.").warnings == []


# --- tables, figures, quotes, rules ----------------------------------------------------


def test_table_is_wrapped():
    root = dom(render_flat_markdown("| model | acc | |---|---| | Glimmer | $p(a|b)$ | | Base | 2 |").html)
    (wrap,) = root.find_all("div", "table-wrap")
    (table,) = wrap.find_all("table")
    assert len(table.find_all("tr")) == 3
    assert [td.text() for td in table.find_all("td")][:2] == ["Glimmer", "\\(p(a|b)\\)"]


def test_bare_image_url_is_a_figure():
    result = render_flat_markdown("Plot: https://i.imgur.com/Abc123x.png next.")
    (fig,) = dom(result.html).find_all("figure")
    assert fig.find_all("img")[0].attrs["src"] == "https://i.imgur.com/Abc123x.png"
    assert result.figures == ["https://i.imgur.com/Abc123x.png"]


def test_imgur_page_is_a_figure_linking_to_the_page():
    (fig,) = dom(render_markdown("https://imgur.com/Abc123x").html).find_all("figure")
    assert fig.find_all("a")[0].attrs["href"] == "https://imgur.com/Abc123x"
    assert fig.find_all("img")[0].attrs["src"] == "https://i.imgur.com/Abc123x.png"


def test_image_with_caption_is_a_figure_with_figcaption():
    flat = 'Before. ![Gates](https://ex.org/g.png "Gates") *Gate values, $t$ in steps.* After.'
    root = dom(render_flat_markdown(flat).html)
    (fig,) = root.find_all("figure")
    assert fig.find_all("img")[0].attrs["alt"] == "Gates"
    assert fig.find_all("figcaption")[0].text() == "Gate values, \\(t\\) in steps."


def test_other_bare_urls_are_links():
    html = render_markdown("See https://ex.org/page for more.").html
    assert '<a href="https://ex.org/page" rel="nofollow ugc noopener">https://ex.org/page</a>' in html
    assert "<a" not in render_markdown("Edit model.py now.").html


def test_block_quote_and_rule():
    root = dom(render_flat_markdown("They say: > Gates help. We agree. ------ Done.").html)
    assert root.find_all("blockquote")[0].text().strip() == "Gates help."
    assert len(root.find_all("hr")) == 1


# --- links -------------------------------------------------------------------------


def test_cite_becomes_a_link_to_shortscience_or_the_resolved_page():
    ctx = LinkContext(resolve_bibtex_key=lambda key: "/papers/glimmer/" if key == "conf/x/Glim20" else None,
                      cited_title=lambda key: "Glimmer: <Light>" if key == "conf/x/Glim20" else None)
    text = "See \\cite{conf/x/Glim20}, \\cite{journals/corr/BahdanauCB14} and \\cite{journals/y/Other_19}."
    root = dom(render_markdown(text, ctx).html)
    links = root.find_all("a")
    # Named by the title we know, else by what the key says, else by the key itself; linked as before.
    assert [(a.attrs["href"], a.find_all("cite")[0].text()) for a in links] == [
        ("/papers/glimmer/", "Glimmer: <Light>"),
        ("https://www.shortscience.org/paper?bibtexKey=journals/corr/BahdanauCB14", "Bahdanau et al. 2014"),
        ("https://www.shortscience.org/paper?bibtexKey=journals/y/Other_19", "journals/y/Other_19"),
    ]


def test_cite_inside_math_is_moved_out_of_the_tex():
    html = render_markdown("We have $a = b \\cite{k1}$ here.").html
    assert '<span class="math inline">\\(a = b\\)</span>' in html
    assert "<cite>k1</cite>" in html


def test_bibtex_key_links_are_rewritten_when_resolved():
    ctx = LinkContext(resolve_bibtex_key=lambda key: "/papers/dense/" if key == "journals/corr/1111.22222" else None)
    text = (
        "[known](http://www.shortscience.org/paper?bibtexKey=journals/corr/1111.22222) "
        "[unknown](https://www.shortscience.org/paper?bibtexKey=conf/z/Q1)"
    )
    hrefs = [a.attrs["href"] for a in dom(render_markdown(text, ctx).html).find_all("a")]
    assert hrefs == ["/papers/dense/", "https://www.shortscience.org/paper?bibtexKey=conf/z/Q1"]


def test_scholarly_links_are_collected_canonically():
    text = (
        "[a](https://arxiv.org/pdf/2001.01234v2.pdf) [b](http://arxiv.org/abs/2001.01234) "
        "[c](https://doi.org/10.1000/xyz) [d](https://openreview.net/pdf?id=AbC_1) "
        "[e](https://ex.org/paper.pdf) [f](https://ex.org/)"
    )
    assert render_markdown(text).links == {
        "arxiv": ["https://arxiv.org/abs/2001.01234"],
        "doi": ["https://doi.org/10.1000/xyz"],
        "openreview": ["https://openreview.net/forum?id=AbC_1"],
        "pdf": ["https://ex.org/paper.pdf"],
    }


def test_external_links_are_marked_as_user_content_and_relative_ones_are_not():
    root = dom(render_markdown("[a](https://ex.org) [b](/papers/x/)").html)
    assert [a.attrs.get("rel") for a in root.find_all("a")] == ["nofollow ugc noopener", None]


# --- safety ------------------------------------------------------------------------

XSS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x](vbscript:msgbox(1))",
    "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/png;base64,AAAA)",
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "<a href='javascript:alert(1)'>x</a>",
    "<javascript:alert(1)>",
    "[x]: javascript:alert(1)\n\n[x]",
    '![x](https://ex.org/a.png "a\\" onerror=\\"alert(1)")',
]


@pytest.mark.parametrize("text", XSS)
def test_no_executable_output(text):
    for html in (render_markdown(text).html, render_flat_markdown(text).html):
        root = dom(html)
        for element in root.elements():
            assert element.tag not in ("script", "iframe", "object", "embed")
            for name, value in element.attrs.items():
                assert not name.startswith("on"), html
                if name in ("href", "src"):
                    assert safe_url(value) is not None, html
                    assert not re.match(r"\s*(javascript|data|vbscript):", value or "", re.I), html


def test_raw_html_is_shown_as_text():
    html = render_markdown("<b>bold</b> text").html
    assert html == "<p>&lt;b&gt;bold&lt;/b&gt; text</p>\n"


# --- seeds -------------------------------------------------------------------------

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def seed_summary(prefix: str, index: int) -> str:
    """The index-th summary on a seed listing page (the line after each "[link]")."""
    if not SEEDS.is_dir():
        pytest.skip("seed folder ../shared/seeds not present")
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    lines = path.read_text(encoding="utf-8").split("\n")
    summaries = [lines[i + 1] for i, line in enumerate(lines[:-1]) if line.strip() == "[link]"]
    return summaries[index]


@pytest.mark.seeds
def test_seed_h4_headings_star_lists_and_cite():
    result = render_flat_markdown(seed_summary("000", 0))
    root = dom(result.html)
    assert result.headings == ["What is BN?", "What do we gain?", "What follows?", "Like", "Dislike"]
    assert [len(ul.items()) for ul in top_lists(root)] == [4, 3]
    (cite,) = root.find_all("cite")
    assert cite.parent.attrs["href"].endswith("paper?bibtexKey=journals/tnn/BengioSF94")
    assert cite.text() == "Bengio et al. 1994"
    assert result.figures == [] and result.warnings == []
    assert "|" not in root.text() and "![]()" not in result.html


@pytest.mark.seeds
def test_seed_python_code_display_math_align_and_images():
    result = render_flat_markdown(seed_summary("000", 2))
    root = dom(result.html)
    blocks = root.find_all("div", "highlight")
    assert [b.attrs["data-lang"] for b in blocks] == ["python"] * 6
    display = root.find_all("div", "math")
    assert len(display) == 9
    assert sum(d.text().startswith("\\begin{align*}") for d in display) == 2
    assert len(root.find_all("figure")) == 5
    assert all(f.startswith("https://i.imgur.com/") for f in result.figures)
    assert len(root.find_all("blockquote")) == 2
    assert result.headings == []
    assert result.links == {
        "openreview": ["https://openreview.net/forum?id=SylkYeHtwr"],
        "arxiv": ["https://arxiv.org/abs/1906.03708"],
    }
    # the first block is a single def: it gets its lines back
    assert blocks[0].find_all("pre")[0].text().count("\n") == 5


@pytest.mark.seeds
def test_seed_h3_headings_nested_items_and_captioned_figure():
    result = render_flat_markdown(seed_summary("001", 0))
    root = dom(result.html)
    assert result.headings == [
        "What is BN:", "How its calculated:", "Theoretical effects:", "Practical effects:",
        "Rough chapter-wise notes",
    ]
    lists = top_lists(root)
    assert [len(ul.items()) for ul in lists] == [3, 3, 3, 4, 55]
    nested = {li.text().split("\n")[0].strip(): len(li.find_all("li")) for li in lists[-1].items() if li.find_all("li")}
    assert list(nested.values()) == [4, 7, 2]
    (fig,) = root.find_all("figure")
    assert fig.find_all("figcaption")[0].text().startswith("BN applied to MNIST")
    assert len(root.find_all("hr")) == 1


@pytest.mark.seeds
def test_seed_imgur_urls_numbered_lists_and_mixed_headings():
    result = render_flat_markdown(seed_summary("001", 1))
    root = dom(result.html)
    assert result.headings == [
        "Object detection system overview.",
        "There is a 2 challenges faced in object detection",
        "Object detection with R-CNN",
        "Training",  # the numbered labels the scrape ran into these three are paragraphs now
        "Results on PASCAL VOC 201012",
        "Performance layer-by-layer, without fine-tuning",
        "Performance layer-by-layer, with fine-tuning",
        "Network architectures",
        "CNN features for segmentation.",
    ]
    assert [len(h) for h in (root.find_all(f"h{n}") for n in (1, 2, 3, 4))] == [1, 3, 2, 3]
    assert [len(ol.items()) for ol in root.find_all("ol")] == [4, 2]
    assert len(root.find_all("figure")) == 4 and len(result.figures) == 4


@pytest.mark.seeds
def test_seed_h2_headings_and_bibtex_link_rewriting():
    ctx = LinkContext(resolve_bibtex_key=lambda key: "/papers/densenet/" if key == "journals/corr/1608.06993" else None)
    result = render_flat_markdown(seed_summary("004", 0), ctx)
    root = dom(result.html)
    assert result.headings == ["Evaluation", "See also"]
    assert [len(ul.items()) for ul in top_lists(root)] == [4, 5, 1]
    (a,) = root.find_all("a")
    assert a.attrs["href"] == "/papers/densenet/" and "rel" not in a.attrs
    assert len(root.find_all("span", "math")) == 1


@pytest.mark.seeds
def test_seed_image_url_then_dash_list():
    result = render_flat_markdown(seed_summary("004", 2))
    root = dom(result.html)
    assert len(root.find_all("figure")) == 1
    assert [len(ul.items()) for ul in top_lists(root)] == [4]
    assert result.headings == []
