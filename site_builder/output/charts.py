"""The home page's charts: summaries per year and per topic, drawn as inline SVG at build time.

No chart library reaches the browser: each chart is a small SVG whose colours are
the theme's CSS variables (classes `chart-*` in style.css, so dark mode and print
restyle it), with a title and a description for screen readers (role="img"), and
the same numbers as rows the template shows as a table. Made once per build from
the catalog's counts: linear in the papers.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from ..catalog import Catalog
from ..catalog.slugs import slugify

WIDTH = 420  # viewBox units; the figure is at most 34rem wide, so text stays 10-16 px from phone to desktop
TOP_TOPICS = 10
MAX_FILLED_SPAN = 40  # years between the first and last shown with every year in between (zeros too)


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    path: str  # site path of the listing the row stands for
    muted: bool = False  # "year unknown": drawn apart from the real years


def home_charts(catalog: Catalog) -> list[dict]:
    """The charts, each a plain dict (the page cache pictures page data): `key`, `title`, `desc`,
    `svg` (Markup), `rows` ((label, count, path), ...) and `more` (how many rows were left out)."""
    charts = []
    years = year_rows(catalog)
    if any(r.count for r in years):
        charts.append(_chart("years", "Summaries per year", "year", years, 0))
    topics, more = topic_rows(catalog)
    if topics:
        charts.append(_chart("topics", "Summaries per topic", "topic", topics, more))
    return charts


def _chart(key: str, title: str, what: str, rows: list[Row], more: int) -> dict:
    desc = describe(rows, what, more)
    draw = column_chart if key == "years" else bar_chart
    return {"key": key, "title": title, "desc": desc, "svg": Markup(draw(rows, key, title, desc)),
            "rows": [(r.label, r.count, r.path) for r in rows], "more": more}


def year_rows(catalog: Catalog) -> list[Row]:
    """Summaries by their paper's year, oldest first, empty years inside the range included; then unknown."""
    counts: dict[int, int] = {}
    unknown = len(catalog.unidentified)
    for paper in catalog.papers:
        if paper.year:
            counts[paper.year] = counts.get(paper.year, 0) + len(paper.summaries)
        else:
            unknown += len(paper.summaries)
    years = sorted(counts)
    if years and years[-1] - years[0] <= MAX_FILLED_SPAN:
        years = list(range(years[0], years[-1] + 1))
    rows = [Row(str(y), counts.get(y, 0), f"/years/{y}/") for y in years]
    if unknown:
        rows.append(Row("unknown", unknown, "/years/unknown/", muted=True))
    return rows


def topic_rows(catalog: Catalog) -> tuple[list[Row], int]:
    """The topics with the most summaries (ties A to Z), and how many other topics there are."""
    topics = catalog.taxonomies.get("topics")
    if topics is None:
        return [], 0
    rows = [Row(t.name, sum(len(p.summaries) for p in t.papers) + len(t.summaries), topics.url(t)) for t in topics.terms]
    rows = [r for r in rows if r.count]
    rows.sort(key=lambda r: (-r.count, slugify(r.label), r.label))
    return rows[:TOP_TOPICS], max(0, len(rows) - TOP_TOPICS)


def describe(rows: list[Row], what: str, more: int) -> str:
    """One sentence a screen reader says for the chart (the table beside it has every number)."""
    real = [r for r in rows if not r.muted]
    total = sum(r.count for r in rows)
    parts = [f"{total} summar{'y' if total == 1 else 'ies'}"]
    if real:
        top = max(real, key=lambda r: r.count)
        parts.append(f"the most for {what} {top.label} ({top.count})")
        if what == "year" and len(real) > 1:
            parts.append(f"from {real[0].label} to {real[-1].label}")
    muted = [r for r in rows if r.muted]
    if muted:
        parts.append(f"{muted[0].count} of papers whose year is not known")
    if more:
        parts.append(f"{more} more topic{'s' if more != 1 else ''} not drawn")
    return "; ".join(parts) + "."


def _ticks(top: int) -> list[int]:
    """Up to four round values for the grid lines (0 included)."""
    if top <= 0:
        return [0]
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if top / step <= 4:
            break
    else:
        step = 10 ** len(str(top // 4))
    return list(range(0, top + step, step)) if top % step else list(range(0, top + 1, step))


def _svg_open(key: str, height: float, title: str, desc: str) -> str:
    """The opening tag with the SVG's own title and description: the accessible name and description
    of role="img" (aria-labelledby as well, for the screen readers that ignore <title>)."""
    return (f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {height:g}" role="img" '
            f'aria-labelledby="chart-{key}-title" aria-describedby="chart-{key}-desc">'
            f'<title id="chart-{key}-title">{escape(title)}</title><desc id="chart-{key}-desc">{escape(desc)}</desc>')


def column_chart(rows: list[Row], key: str, title: str, desc: str) -> str:
    """Vertical bars along a time axis (years), the count over each bar."""
    left, right, top, bottom, height = 30, 6, 18, 26, 200
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    ticks = _ticks(max(r.count for r in rows))
    peak = ticks[-1] or 1
    slot = plot_w / len(rows)
    bar = max(2.0, min(slot * 0.72, 48.0))
    every = max(1, -(-len(rows) * 44 // plot_w))  # a label every `every` bars: room for 4 digits at 15 px
    parts = [_svg_open(key, height, title, desc)]
    for t in ticks:
        y = top + plot_h - plot_h * t / peak
        parts.append(f'<line class="chart-rule" x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="chart-tick" x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">{t}</text>')
    for i, r in enumerate(rows):
        x = left + slot * i + (slot - bar) / 2
        h = plot_h * r.count / peak
        y = top + plot_h - h
        cls = "chart-bar chart-bar-muted" if r.muted else "chart-bar"
        parts.append(f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" rx="2"/>')
        cx = x + bar / 2
        if r.count and bar >= 12:
            parts.append(f'<text class="chart-value" x="{cx:.1f}" y="{y - 4:.1f}" text-anchor="middle">{r.count}</text>')
        if i % every == 0 or r.muted:
            parts.append(f'<text class="chart-label" x="{cx:.1f}" y="{height - 8}" text-anchor="middle">{escape(r.label)}</text>')
    parts.append(f'<line class="chart-axis" x1="{left}" x2="{WIDTH - right}" y1="{top + plot_h}" y2="{top + plot_h}"/>')
    return "".join(parts) + "</svg>"


def bar_chart(rows: list[Row], key: str, title: str, desc: str) -> str:
    """Horizontal bars, one per row, the label above its bar and the count after it."""
    pad, row_h, bar_h, label_room = 4, 36, 14, 40
    height = pad * 2 + row_h * len(rows)
    peak = max(r.count for r in rows) or 1
    span = WIDTH - label_room
    parts = [_svg_open(key, height, title, desc)]
    for i, r in enumerate(rows):
        y = pad + row_h * i
        w = max(2.0, span * r.count / peak)
        parts.append(f'<text class="chart-label" x="0" y="{y + 13}">{escape(_short(r.label))}</text>')
        parts.append(f'<rect class="chart-bar" x="0" y="{y + 18}" width="{w:.1f}" height="{bar_h}" rx="2"/>')
        parts.append(f'<text class="chart-value" x="{w + 6:.1f}" y="{y + 30}">{r.count}</text>')
    return "".join(parts) + "</svg>"


def _short(label: str, limit: int = 52) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"

