"""<syntaxhighlight>/<source> code through Pygments, styled by class names only."""
from __future__ import annotations

from html import escape

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer

from ..lexers import lexer_named

_FORMATTER = HtmlFormatter(cssclass="highlight")  # CSS classes, no inline styles
_TEXT = TextLexer()


def highlight_block(code: str, lang: str) -> str:
    """<div class="highlight"><pre>...</pre></div>; unknown languages stay plain."""
    lexer = (lexer_named(lang.strip().lower()) if lang.strip() else None) or _TEXT
    return highlight(code.strip("\n"), lexer, _FORMATTER).strip()


def highlight_inline(code: str) -> str:
    return f"<code>{escape(code.strip(), quote=False)}</code>"
