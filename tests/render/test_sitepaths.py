"""Root-relative links inside summaries follow the site into its sub-folder."""
from site_builder.render.sitepaths import base_path, under_base_path


def test_root_relative_href_and_src_get_the_base_path():
    html = ('<p><a href="/papers/x/#s">x</a> <img alt="f" src="/images/f.svg"> '
            '<a href="//cdn.example/a">cdn</a> <a href="https://e.org/">e</a> <a href="rel/">r</a></p>')
    assert under_base_path(html, "/notes/") == (
        '<p><a href="/notes/papers/x/#s">x</a> <img alt="f" src="/notes/images/f.svg"> '
        '<a href="//cdn.example/a">cdn</a> <a href="https://e.org/">e</a> <a href="rel/">r</a></p>')


def test_text_that_looks_like_an_attribute_is_left_alone():
    html = '<p>write href="/x" in &lt;a href="/y"&gt;</p>'
    assert under_base_path(html, "/notes/") == html


def test_site_at_the_root_is_unchanged():
    assert base_path("http://localhost:8000/") == "/"
    assert base_path("https://a.org/notes/") == "/notes/"
    assert under_base_path('<a href="/x">', "/") == '<a href="/x">'
