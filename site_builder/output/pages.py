"""Which pages the site has: one Page per output HTML file, with its template and data."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..catalog import Catalog, Paper, Summary, Taxonomy, Term
from ..catalog.order import newest_paper_first
from ..config import SiteConfig
from ..render.plaintext import excerpt
from .charts import home_charts

Crumb = tuple[str, str]  # (name, site path)


@dataclass
class Page:
    """One output HTML file: its path, template and the data the template gets."""

    path: str  # site path of the page, e.g. "/papers/x/"; "/404.html" for files
    template: str
    title: str
    description: str = ""
    crumbs: list[Crumb] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    # False for pages that repeat another page's content (other sort orders):
    # kept out of the sitemap and marked noindex.
    indexable: bool = True

    @property
    def file(self) -> str:
        """Output file relative to the site root (clean URLs: dir/index.html)."""
        rel = self.path.lstrip("/")
        return rel if rel.endswith(".html") else rel + "index.html"


def paginate(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _paged(base: Page, items: list, size: int) -> list[Page]:
    """`base` split into pages of `size` items: /x/, /x/page/2/, ..."""
    chunks = paginate(items, size)
    pages = []
    for n, chunk in enumerate(chunks, 1):
        path = base.path if n == 1 else f"{base.path}page/{n}/"
        data = dict(base.data, items=chunk, pager=Pager(base.path, n, len(chunks)))
        title = base.title if n == 1 else f"{base.title} (page {n})"
        pages.append(Page(path, base.template, title, base.description, base.crumbs, data, base.indexable))
    return pages


def _item_title(x: Paper | Summary) -> str:
    return (x.title if isinstance(x, Paper) else x.display_title).lower()


def _item_year(x: Paper | Summary) -> int | None:
    return x.year if isinstance(x, Paper) else None


# Listing orders: (name, sub-path, label, sort key). The first is the listing's own URL.
SORTS: list[tuple[str, str, str, Any]] = [
    ("newest", "", "Newest", lambda x: (*newest_paper_first(x), _item_title(x), x.id)),
    ("year", "by-year/", "By year", lambda x: (_item_year(x) is None, -(_item_year(x) or 0), _item_title(x), x.id)),
    ("title", "a-z/", "A to Z", lambda x: (_item_title(x), x.id)),
]


def memoized(sorts: list) -> list:
    """The same orders, each key worked out once per item: a paper is in a dozen listings
    (its year, venue, authors, topics...), each sorted two or three ways (0.7 s at 10,000 summaries)."""
    return [(name, sub, label, _once(key)) for name, sub, label, key in sorts]


def _once(key: Callable[[Any], Any]) -> Callable[[Any], Any]:
    known: dict[int, Any] = {}

    def once(x: Any) -> Any:
        k = known.get(id(x))  # by identity: the items are the catalog's, alive while the pages are made
        if k is None:
            k = known[id(x)] = key(x)
        return k

    return once


def sorted_listing(base: Page, items: list, size: int, sorts: list = SORTS) -> list[Page]:
    """`base` sorted newest first, with the other orders of `sorts` on offer.

    A listing that fits on one page is re-sorted in the browser (site.js), so
    it needs no extra pages. A longer one gets a page series per order under
    `by-year/` and `a-z/`; those repeat the listing, so they are noindex.
    """
    if len(items) < 2:
        sorts = sorts[:1]
    if len(items) <= size:
        choices = [(label, name) for name, _, label, _ in sorts] if len(sorts) > 1 else []
        data = dict(base.data, sorts=choices, sort_label=sorts[0][2], client_sort=True)
        return _paged(Page(base.path, base.template, base.title, base.description, base.crumbs, data, base.indexable),
                      sorted(items, key=sorts[0][3]), size)
    choices = [(label, base.path + sub) for _, sub, label, _ in sorts]
    pages = []
    for i, (_, sub, label, key) in enumerate(sorts):
        variant = Page(base.path + sub, base.template, base.title, base.description, base.crumbs,
                       dict(base.data, sorts=choices, sort_label=label, client_sort=False), indexable=i == 0)
        pages += _paged(variant, sorted(items, key=key), size)
    return pages


@dataclass(frozen=True)
class Pager:
    """A listing page's place in its series, as templates read it: `pager.number`, `.total`,
    `.prev` and `.next` (site paths, or None) and `.pages` ((number, path) of every page).

    The links are worked out when read, from the three fields: held in each page's data,
    a series of n pages had n² of them (and the page cache pictured them all per page).
    """

    base: str  # site path of the series' first page
    number: int
    total: int

    def _at(self, k: int) -> str:
        return self.base if k == 1 else f"{self.base}page/{k}/"

    @property
    def prev(self) -> str | None:
        return self._at(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self._at(self.number + 1) if self.number < self.total else None

    @property
    def pages(self) -> list[tuple[int, str]]:
        return [(k, self._at(k)) for k in range(1, self.total + 1)]


def listing_items(term: Term) -> list[Paper | Summary]:
    return [*term.papers, *term.summaries]


def paper_description(paper: Paper) -> str:
    first = paper.summaries[0].text if paper.summaries else ""
    return excerpt(paper.meta.abstract or first, 160)


HOME: Crumb = ("Home", "/")


def paper_page(paper: Paper) -> Page:
    return Page(paper.url, "paper.html", paper.title, paper_description(paper), [HOME, ("Papers", "/papers/")],
                {"paper": paper})


def summary_page(s: Summary) -> Page:
    """The page of a summary whose paper is unknown."""
    return Page(s.url, "summary.html", s.display_title, excerpt(s.text, 160), [HOME, ("Papers", "/papers/")],
                {"summary": s})


def build_pages(catalog: Catalog, config: SiteConfig) -> list[Page]:
    home = HOME
    pages: list[Page] = []
    everything: list[Paper | Summary] = [*catalog.papers, *catalog.unidentified]
    sorts = memoized(SORTS)
    pages.append(Page("/", "home.html", config.title, config.description, [], {
        "recent": sorted(everything, key=sorts[0][3])[: config.home_recent],
        "charts": home_charts(catalog),
    }))
    pages += sorted_listing(Page("/papers/", "list.html", "All papers", "Every paper and summary on this site.",
                                 [home], {"heading": "All papers"}), everything, config.page_size, sorts)
    pages += [paper_page(paper) for paper in catalog.papers]
    pages += [summary_page(s) for s in catalog.unidentified]
    for tax in catalog.taxonomies.values():
        pages += taxonomy_pages(tax, config, home, sorts)
    pages.append(Page("/about/", "about.html", "About", f"About {config.title}", [home], {}))
    if config.search:  # the Pagefind UI; its index is written by output/search.py
        pages.append(Page("/search/", "search.html", "Search", f"Search {config.title}", [home], {}, indexable=False))
    pages.append(Page("/404.html", "404.html", "Page not found", "", [home], {}))
    return pages


def taxonomy_pages(tax: Taxonomy, config: SiteConfig, home: Crumb, orders: list = SORTS) -> list[Page]:
    pages = [Page(tax.url(), "taxonomy.html", tax.plural, f"Papers by {tax.singular.lower()}.", [home],
                  {"taxonomy": tax})]
    for term in tax.terms:
        base = Page(tax.url(term), "term.html", f"{term.name}", f"{term.count} papers in {tax.singular.lower()} {term.name}.",
                    [home, (tax.plural, tax.url())], {"taxonomy": tax, "term": term})
        # A year's papers all share the year, so "by year" adds nothing there.
        sorts = [o for o in orders if o[0] != "year"] if tax.key == "years" else orders
        pages += sorted_listing(base, listing_items(term), config.page_size, sorts)
    return pages
