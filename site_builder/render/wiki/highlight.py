"""<syntaxhighlight>/<source> code through Pygments, styled by class names only."""
from __future__ import annotations

from html import escape

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(cssclass="highlight")  # CSS classes, no inline styles


def highlight_block(code: str, lang: str) -> str:
    """<div class="highlight"><pre>...</pre></div>; unknown languages stay plain."""
    try:
        lexer = get_lexer_by_name(lang.strip().lower()) if lang.strip() else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    return highlight(code.strip("\n"), lexer, _FORMATTER).strip()


def highlight_inline(code: str) -> str:
    return f"<code>{escape(code.strip(), quote=False)}</code>"
