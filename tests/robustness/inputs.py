"""Builders for small, hand-written inputs of every format (good and broken).

Tests write these into a content folder; nothing here comes from real scrapes.
"""
from __future__ import annotations

import html
import json

WIKI = "http://wiki.example.org/w/index.php"
FEED_HEADER = "http://wiki.example.org/w/api.php?action=feedcontributions&feedformat=atom Example wiki 2024-01-01T00:00:00Z MediaWiki"


def feed_entry(title: str, rev: int, wikitext: str, *, ts: str = "2024-02-01T10:00:00Z", user: str = "Robin") -> str:
    """One Atom entry as the flattened feed holds it (wikitext HTML-escaped, newlines as <br />)."""
    body = html.escape(wikitext).replace("\n", "<br />")
    return f"{WIKI}?title={title.replace(' ', '_')}&diff={rev} {title} {ts} <p>{user}: edit</p> <hr /> <div>{body}</div> {user}"


def feed(*entries: str) -> str:
    return " ".join([FEED_HEADER, *entries]) + "\n"


def listing_block(summary: str, *, title: str = "", authors: str = "", venue: str = "") -> str:
    """A ShortScience listing block: optional metadata (title, authors, venue line) then [link] + summary."""
    meta = ""
    if title:
        meta = f"{title}\n\n{authors}\n\n{venue}\n\nKeywords: cs.LG\n\n{authors}\n\n{venue}\n\nKeywords: cs.LG\n\n"
    return f"{meta}[link]\n{summary}\n1 Comment\n|\n\n"


def listing(*blocks: str) -> str:
    return "Welcome to ShortScience.org! |\n\n" + "".join(blocks)


def md_record(title: str, body: str, **front: str) -> str:
    lines = [f"title: {json.dumps(title)}"] + [f"{k}: {v}" for k, v in front.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"
