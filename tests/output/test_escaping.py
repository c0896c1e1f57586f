"""The escape compiled theme templates print values through (output/escaping.py)."""
from __future__ import annotations

import markupsafe
import pytest
from markupsafe import Markup

from site_builder.output.escaping import escape
from site_builder.output.theme import make_environment


class HasHtml:
    def __html__(self) -> str:
        return "<b>own</b>"


@pytest.mark.parametrize("value", [
    "", "plain words", "/papers/a-slug/", "a & b", "<script>alert(1)</script>", "it's", 'say "x"', "a > b",
    "café ünïcode", "\ud800 lone surrogate", 42, 3.5, None, True, Markup("<p>kept</p>"), HasHtml(),
    type("S", (str,), {})("<subclass>"),
])
def test_same_as_markupsafe(value):
    ours, theirs = escape(value), markupsafe.escape(value)
    assert ours == theirs
    assert type(ours) is Markup


def test_markup_is_returned_as_it_is():
    html = Markup("<p>" + "x" * 1000 + "</p>")
    assert escape(html) is html


def test_templates_print_through_it(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "t.html").write_text("{{ a }}|{{ b }}|{{ c }}")
    env = make_environment(tmp_path)
    source = env.loader.get_source(env, "t.html")[0]
    assert "site_builder.output.escaping import escape" in env.compile(source, raw=True)
    out = env.get_template("t.html").render(a="<i>x</i> & 'y'", b=Markup("<em>safe</em>"), c="plain")
    assert out == "&lt;i&gt;x&lt;/i&gt; &amp; &#39;y&#39;|<em>safe</em>|plain"
