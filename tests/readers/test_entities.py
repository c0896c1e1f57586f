"""readers.entities.unescape gives exactly what html.unescape gives, quick path or not."""
import html
import random

from site_builder.readers import entities


def test_unescape_is_html_unescape():
    pieces = ["&lt;", "&gt;", "&amp;", "&quot;", "&#x27;", "&#39;", "&#039;", "&#X27;", "&lt", "&ltx", "&amp;lt;",
              "&amp;amp;", "&", "&&", "&#", "&#x", "&#60;", "&copy;", "&nbsp", "&LT;", "&quot", "a", " ", "<", ";",
              "lt;", "#39;", "x27;", "\n", "é", "&diff=", "&unknown;"]
    rng = random.Random(61)
    quick = 0
    for _ in range(30000):
        text = "".join(rng.choice(pieces[:6] if rng.random() < 0.4 else pieces) for _ in range(rng.randint(0, 12)))
        quick += text.count("&") > 0 and sum(text.count(r) for r, _ in entities._COMMON) == text.count("&")
        assert entities.unescape(text) == html.unescape(text), text
    assert quick > 5000  # the quick path really ran
    assert entities.unescape("a &amp;lt; b &lt;c&gt; &#x27;d&#39; &quot;") == "a &lt; b <c> 'd' \""


def test_control_characters_are_found_as_the_regex_finds_them():
    """readers._without_controls answers an ASCII text without control characters by deleting
    bytes; every text gets the answer the CONTROL regex gives."""
    from site_builder import readers
    from site_builder.text import CONTROL

    rng = random.Random(67)
    alphabet = [chr(c) for c in range(0, 0xa0)] + ["é", "\ufffe", "\uffff", "abc ", "\n", "\t", "\r"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet if rng.random() < 0.3 else alphabet[32:127]) for _ in range(rng.randint(0, 10)))
        out, diagnostics = readers._without_controls(text, "f.md")
        assert out == CONTROL.sub(" ", text)
        assert bool(diagnostics) == (CONTROL.search(text) is not None), repr(text)
