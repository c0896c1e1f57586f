"""A content folder that puts every XSS payload through every reader, and its build."""
from __future__ import annotations

import html
import json
from pathlib import Path

from site_builder.config import load_config
from site_builder.pipeline import build
from tests.conftest import ROOT
from tests.robustness.inputs import WIKI, feed, feed_entry, listing, listing_block
from tests.robustness.xss_payloads import ALL, HTML, MATH, URLS


def _front(data: dict) -> str:
    return "---\n" + "".join(f"{k}: {json.dumps(v)}\n" for k, v in data.items()) + "---\n"


def markdown_records() -> dict[str, str]:
    md_links = "\n\n".join(f"[link {i}]({u}) ![image {i}]({u}) <{u}> [ref {i}][r{i}]\n\n[r{i}]: {u}" for i, u in enumerate(URLS))
    return {
        "md-html.md": _front({
            "title": "Markdown payloads " + " ".join(HTML[:6]),
            "summary_title": HTML[6],
            "authors": HTML[7:10],
            "keywords": HTML[10:12],
            "venue": HTML[12],
            "abstract": " ".join(HTML),
            "contributor": HTML[13],
            "year": 2020,
        }) + "\n\n".join(HTML) + "\n",
        "md-urls.md": _front({
            "title": "Markdown URL payloads",
            "links": {"paper": URLS[0], "arxiv": URLS[1], "pdf": URLS[9], "doi": URLS[10], "openreview": URLS[7]},
            "source_url": URLS[3],
            "aliases": [URLS[2]],
        }) + md_links + "\n",
        "md-math.md": _front({"title": "Markdown math payloads " + " ".join(f"${m}$" for m in MATH)})
        + "\n\n".join(f"Inline ${m}$ and display:\n\n$$\n{m}\n$$\n\n\\begin{{align}}\n{m}\n\\end{{align}}" for m in MATH) + "\n",
    }


def shortscience_listing() -> str:
    flat_links = " ".join(f"[link {i}]({u}) ![image {i}]({u}) {u}" for i, u in enumerate(URLS))
    flat_math = " ".join(f"${m}$ $${m}$$" for m in MATH)
    return listing(
        listing_block(" ".join(HTML) + " " + flat_links, title="Listing payloads " + HTML[1], authors=HTML[4] + " and " + HTML[5],
                      venue=HTML[6] + " - 2019 via Local arXiv"),
        listing_block("#### Heading " + HTML[0] + " * item " + HTML[2] + " ```python " + HTML[3] + " ``` " + flat_math),
    )


def statwiki_feed() -> str:
    raw = "\n".join(HTML)
    refs = " ".join(f"Claim<ref>{p}</ref>" for p in HTML[:10]) + "\n<references />"
    maths = "\n".join(f"<math>{m}</math>\n:<math>{m}</math>" for m in MATH)
    table = "{| class=\"wikitable\" onclick=\"alert(70)\"\n|-\n! style=\"x\" onmouseover=\"alert(71)\" | head\n" + "".join(
        f"|-\n| {p} || [[{p}]]\n" for p in HTML[:8]) + "|}"
    links = "\n".join(f"* [{u} text {i}] [[File:pic.png|thumb|link={u}|caption {i}]] [[Other page|{HTML[i % len(HTML)]}]]"
                      for i, u in enumerate(URLS))
    tags = "\n".join(f"<span onmouseover=\"alert(72)\">{p}</span> <pre>{p}</pre> <code>{p}</code> <nowiki>{p}</nowiki>"
                     for p in HTML[:6])
    payload_title = html.escape(HTML[5])
    user = html.escape("<script>alert(73)</script>")
    entries = [
        feed_entry("Wiki raw payloads", 101, raw),
        feed_entry("Wiki refs and math", 102, refs + "\n" + maths),
        feed_entry("Wiki table payloads", 103, table),
        feed_entry("Wiki link payloads", 104, links),
        feed_entry("Wiki tag payloads", 105, tags),
        f"{WIKI}?title=Payload_title&diff=106 {payload_title} 2024-02-02T10:00:00Z <p>{user}: x</p> <hr /> <div>Body.</div> x",
    ]
    return feed(*entries)


def write_content(content: Path) -> None:
    content.mkdir(parents=True, exist_ok=True)
    for name, text in markdown_records().items():
        (content / name).write_text(text, encoding="utf-8")
    (content / "listing.txt").write_text(shortscience_listing(), encoding="utf-8")
    (content / "feed.txt").write_text(statwiki_feed(), encoding="utf-8")


def build_payload_site(root: Path, *, clean: bool = False, search: bool = False, math: str = "build") -> Path:
    """Build the payload site under `root` (`clean`: one harmless record instead, same
    config, to learn what the theme itself writes); MathJax self-hosted when npm installed it.
    `search`: with the Pagefind index and the search page (their own browser test).
    `math`: "build" (formulas typeset by the build) or "client" (by MathJax in the browser)."""
    if clean:
        (root / "content").mkdir(parents=True)
        (root / "content" / "plain.md").write_text(_front({"title": "Plain", "year": 2020}) + "Plain $x$ text.\n", encoding="utf-8")
    else:
        write_content(root / "content")
    self_host = (ROOT / "node_modules" / "mathjax").is_dir()
    (root / "site.yaml").write_text(
        f"title: XSS payloads\nsearch: {str(search).lower()}\nmath: {math}\n"
        f"mathjax:\n  self_host: {str(self_host).lower()}\n  npm_root: {json.dumps(str(ROOT))}\n",
        encoding="utf-8")
    config = load_config(root / "site.yaml")
    build(root / "content", root / "site", config, root)
    return root / "site"


assert len(ALL) >= 50
