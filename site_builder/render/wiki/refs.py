"""Footnotes: <ref> markers in the text, the numbered list at <references />."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass
class _Note:
    """One footnote."""

    number: int
    body: str | None = None  # wikitext, None until a <ref> with text is seen
    uses: int = 0


@dataclass
class Footnotes:
    """The footnotes of one page."""

    render: Callable[[str], str]  # note wikitext -> finished HTML
    notes: list[_Note] = field(default_factory=list)
    by_name: dict[str, _Note] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)  # defined in <references>

    def define(self, name: str | None, body: str) -> None:
        if name:
            self.pending[name] = body

    def cite(self, name: str | None, body: str) -> str:
        """The superscript marker for one <ref>; numbers follow first use."""
        note = self.by_name.get(name) if name else None
        if note is None:
            note = _Note(len(self.notes) + 1)
            self.notes.append(note)
            if name:
                self.by_name[name] = note
        if note.body is None and body.strip():
            note.body = body
        note.uses += 1
        n = note.number
        ref_id = f"cite_ref-{n}" if note.uses == 1 else f"cite_ref-{n}-{note.uses}"
        return f'<sup class="reference" id="{ref_id}"><a href="#cite_note-{n}">[{n}]</a></sup>'

    def render_list(self, warn: Callable[[str], None]) -> str:
        if not self.notes:
            return ""
        names = {id(note): name for name, note in self.by_name.items()}
        items = []
        for note in self.notes:
            body = note.body
            if body is None:
                body = self.pending.get(names.get(id(note), ""), None)
            if body is None:
                warn(f"footnote {names.get(id(note), note.number)} has no text")
                html = ""
            else:
                html = self.render(body)
            n = note.number
            items.append(f'<li id="cite_note-{n}"><a href="#cite_ref-{n}">^</a> {html}</li>')
        return '<ol class="references">' + "".join(items) + "</ol>"
