"""markdown-it-py's HTML renderer with its commonest steps done in fewer Python operations.

A summary's Markdown is about 60 block and 40 inline tokens, mostly paragraphs, list items,
headings and text: `RendererHTML` sends each text token through a rule call and each tag
through the general `renderToken` (neighbour checks, an attribute list built even when there
is none). This subclass (`MarkdownIt(renderer_cls=...)`, markdown-it-py's documented hook)
writes the same strings with less work per token: text tokens are escaped in the loop when
the `text` rule is markdown-it's own, and `renderToken` skips the attribute step for tokens
without attributes. The output is byte for byte RendererHTML's
(tests/render/test_fast_paths.py renders random Markdown with both).
"""
from __future__ import annotations

from collections.abc import Sequence

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict


class FastRendererHTML(RendererHTML):
    def render(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        out: list[str] = []
        rules = self.rules
        for i, token in enumerate(tokens):
            kind = token.type
            if kind == "inline":
                if token.children:
                    out.append(self.renderInline(token.children, options, env))
            elif kind in rules:
                out.append(rules[kind](tokens, i, options, env))
            else:
                out.append(self.renderToken(tokens, i, options, env))
        return "".join(out)

    def renderInline(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        out: list[str] = []
        rules = self.rules
        # markdown-it's own text rule is escapeHtml of the content; another one (a plugin's) is called
        own_text = getattr(rules.get("text"), "__func__", None) is RendererHTML.text
        for i, token in enumerate(tokens):
            kind = token.type
            if kind == "text" and own_text:
                out.append(escapeHtml(token.content))
            elif kind in rules:
                out.append(rules[kind](tokens, i, options, env))
            else:
                out.append(self.renderToken(tokens, i, options, env))
        return "".join(out)

    def renderToken(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """RendererHTML.renderToken, step for step."""
        token = tokens[idx]
        if token.hidden:
            return ""
        nesting = token.nesting
        block = token.block
        # a newline between a hidden paragraph and a following opening block tag
        result = "\n<" if block and nesting != -1 and idx and tokens[idx - 1].hidden else "<"
        if nesting == -1:
            result += "/"
        result += token.tag
        if token.attrs:
            result += self.renderAttrs(token)
        if nesting == 0 and options["xhtmlOut"]:
            result += " /"
        if block:
            if nesting == 1 and idx + 1 < len(tokens):
                following = tokens[idx + 1]
                if following.type == "inline" or following.hidden or (
                        following.nesting == -1 and following.tag == token.tag):
                    return result + ">"  # a block tag holding inline content, or an empty pair: no newline
            return result + ">\n"
        return result + ">"
