"""<syntaxhighlight>/<source> code through Pygments, styled by class names only."""
from __future__ import annotations

from html import escape

from ..lexers import highlighted, lexer_named


def highlight_block(code: str, lang: str) -> str:
    """<div class="highlight"><pre>...</pre></div>; unknown languages stay plain."""
    return highlighted("wiki-block", lang, code, lambda: _block(code, lang))


def _block(code: str, lang: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import TextLexer

    lexer = (lexer_named(lang.strip().lower()) if lang.strip() else None) or TextLexer()
    return highlight(code.strip("\n"), lexer, HtmlFormatter(cssclass="highlight")).strip()  # classes, no styles


def highlight_inline(code: str) -> str:
    return f"<code>{escape(code.strip(), quote=False)}</code>"
