"""The math step's shortcuts give exactly what searching the HTML gives: the placeholders found once by the
worker that rendered a summary are replaced without searching again, and the summary's math_dense and
math_in_browser come from counts kept per piece instead of scanning its final HTML."""
import html
import random

from site_builder.render import formulas, typeset
from site_builder.render.sitepaths import under_base_path
from site_builder.render.typeset import Typeset

# The code these shortcuts replaced, kept here as the reference.
MATH_DENSE = 100


def reference_flags(fragment):
    """Summary.math_dense and .math_in_browser as properties of the final HTML (before issue 29's fourth round)."""
    return (fragment.count("<mjx-container") >= MATH_DENSE,
            '<span class="math inline">\\(' in fragment or '<div class="math display">\\' in fragment)


def reference_replace(fragment, results, build, base="/"):
    """formulas._replace before the placeholders were found once: a regex substitution over the HTML."""
    tokens = set()
    it = iter(results)

    def swap(m):
        result = next(it)
        if result.error is not None:
            tex, display = typeset._tex(m)
            code = f'<code class="math-error" title="{html.escape(result.error)}">{html.escape(tex)}</code>'
            return f'<pre class="math-error-block">{code}</pre>' if display else code
        if not build:
            return m.group(0)
        out = under_base_path(result.html, base)
        if m.group("inline") is not None:
            wide = " wide wider" if result.width > formulas.WIDER_EM else " wide" if result.width > formulas.WIDE_EM else ""
            return f'<span class="math inline{wide}">{out}</span>'
        return f'<div class="math display">{out}</div>'

    out = typeset._MATH.sub(swap, fragment)
    if build:
        for result in {id(r): r for r in results if r.error is None}.values():
            tokens.update(result.tokens)
    return out, tuple(sorted(tokens))


PIECES = [
    '<span class="math inline">\\(x &lt; y\\)</span>', '<span class="math inline">\\(a\\)</span>',
    '<div class="math display">\\[\\sum_i x_i\\]</div>', '<div class="math display">\\begin{align}a&amp;=b\\end{align}</div>',
    '<span class="math inline">\\(\\newcommand{\\R}{\\mathbb{R}}\\)</span>', '<span class="math inline">\\(\\R\\)</span>',
    '<span class="math inline">\\(', '\\)</span>', '<div class="math display">\\', '</div>', '<div class="math display">',
    '<span class="math inline">', '</span>', '\\(', '\\)', '\\[', '\\]', '<mjx-container class="x">', '</mjx-container>',
    '<mjx-container', '<mjx-', '<p>', '</p>', 'text ', '\n', '<a href="/papers/x/">', '</a>', '<img src="/i.png">',
    '<code>&lt;span class="math inline"&gt;\\(</code>', '<span class="math inline">\\(<mjx-container>\\)</span>',
    '<span class="math inline">\\(\\)</span>', '<div class="math display">\\x</div>', '<<', '>',
    '<span class="math inline">\\(a\\)</span\n>', '<span class="math inline wide">\\(b\\)</span>',
]
RESULTS = [
    Typeset('<mjx-container class="MathJax" jax="CHTML"><mjx-math>x</mjx-math></mjx-container>', None,
            (), ("mjx-container.mathjax", "mjx-math"), 3.0),
    Typeset('<mjx-container><a href="/papers/p/">l</a></mjx-container>' + '<mjx-container></mjx-container>' * 60,
            None, ("said",), ("mjx-c.a",), 20.0),
    Typeset('<mjx-container>' * 99, None, (), ("mjx-c.b",), 45.0),
    Typeset('<mjx-container><span class="math inline">\\(odd\\)</span></mjx-container>', None, (), (), 1.0),
    Typeset('<mjx-container><div class="math display">\\odd</div></mjx-container>', None, (), (), 1.0),
    Typeset(None, "TeX error: undefined <macro> & \"quotes\""),
]


def test_placeholders_are_the_formulas_found_by_the_regex():
    rng = random.Random(41)
    found = 0
    for _ in range(6000):
        fragment = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 18)))
        p = typeset.placeholders(fragment)
        matches = list(typeset._MATH.finditer(fragment))
        assert p.items == typeset.with_preludes(typeset.formulas(fragment)), fragment
        assert p.starts == [m.start() for m in matches], fragment
        assert p.ends == [m.end() for m in matches], fragment
        found += len(matches)
    assert found > 5000


def test_replacing_at_the_found_places_gives_the_substitution_and_the_flags_of_its_result():
    rng = random.Random(43)
    typeset_some = 0
    for n in range(6000):
        fragment = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 18)))
        if n % 3 == 0:  # dense summaries: around the threshold of MATH_DENSE
            fragment = "".join(rng.choice(PIECES[:6]) for _ in range(rng.randint(0, 6))) + fragment
        p = typeset.placeholders(fragment)
        # As in formulas._typeset: one result per distinct item (the same object wherever it recurs).
        per_item = {}
        for item in p.items:
            per_item.setdefault(item, rng.choice(RESULTS))
        results = [per_item[item] for item in p.items]
        for build in (True, False):
            for base in ("/", "/sub/"):
                swaps = {}
                got = formulas._replace_at(fragment, p, results, build, base, swaps)
                want_html, want_tokens = reference_replace(fragment, results, build, base)
                assert got[:2] == (want_html, want_tokens), (fragment, build, base)
                assert got[2:] == reference_flags(want_html), (fragment, build, base)
                # The kept swaps serve the next fragment as well as fresh ones.
                assert formulas._replace_at(fragment, p, results, build, base, swaps) == got
        typeset_some += bool(p.starts)
    assert typeset_some > 3000


def test_dense_threshold_and_placeholders_left_for_the_browser():
    inline = '<span class="math inline">\\(x\\)</span>'
    p = typeset.placeholders(inline * 3)
    dense = Typeset('<mjx-container></mjx-container>' * 34, None)
    assert formulas._replace_at(inline * 3, p, [dense] * 3, True, "/", {})[2:] == (True, False)  # 102 elements
    assert formulas._replace_at(inline * 2, typeset.placeholders(inline * 2), [dense] * 2, True, "/", {})[2:] == (False, False)
    assert formulas._replace_at(inline * 3, p, [dense] * 3, False, "/", {})[2:] == (False, True)  # math: client
    assert formulas.math_flags(inline) == (False, True) == reference_flags(inline)
