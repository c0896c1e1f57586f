"""Fake arXiv and OpenAlex answers, written by us in the formats their documentation gives.

Every paper here is invented. `ScholarlyApis` installs both services on a FakeServer:
arXiv at /api/query (id_list -> Atom feed), OpenAlex at /works/doi:… and
/works?filter=title.search:… (JSON).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape
from urllib.parse import unquote

from ..http_server import FakeServer, Reply, Request


@dataclass
class Paper:
    title: str
    authors: list[str]
    year: int
    arxiv: str | None = None
    doi: str | None = None
    venue: str | None = None
    venue_type: str = "conference"
    published: str = ""
    categories: list[str] = field(default_factory=lambda: ["cs.LG"])
    journal_ref: str = ""
    abstract: str = "We study a made-up problem and report made-up results."


PAPERS = [
    Paper("Spectral Pruning of Recurrent Gates", ["Ada Quill", "Bram Ostrow"], 2018, arxiv="1811.01234",
          doi="10.5555/spr.2018.7", venue="Conference on Imaginary Learning", published="2018-11-03",
          categories=["cs.LG", "stat.ML"]),
    Paper("Lattice Attention for Sparse Sequences", ["Corin Vale"], 2019, arxiv="1902.04321",
          published="2019-02-11", categories=["cs.CL"], journal_ref="Workshop on Fictional Language 2019"),
    Paper("Warm Starts for Cold Bandits", ["Dita Moor", "Egon Fray"], 2016, doi="10.5555/wscb.16",
          venue="Journal of Pretend Decisions", venue_type="journal", published="2016-06-01"),
    Paper("Curriculum Distillation with Noisy Teachers", ["Faye Lund", "Gus Orrin"], 2020, arxiv="2003.05555",
          doi="10.5555/cdnt.20", venue="Symposium on Invented Vision", published="2020-03-12"),
]


def atom_feed(papers: list[Paper]) -> str:
    entries = []
    for p in papers:
        authors = "".join(f"<author><name>{escape(a)}</name></author>" for a in p.authors)
        cats = "".join(f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in p.categories)
        doi = f"<arxiv:doi>{p.doi}</arxiv:doi><link title=\"doi\" href=\"https://doi.org/{p.doi}\" rel=\"related\"/>" \
            if p.doi else ""
        jref = f"<arxiv:journal_ref>{escape(p.journal_ref)}</arxiv:journal_ref>" if p.journal_ref else ""
        # titles and summaries arrive hard-wrapped, as arXiv sends them
        title = escape(p.title).replace(" ", "\n  ", 1)
        entries.append(f"""
  <entry>
    <id>http://arxiv.org/abs/{p.arxiv}v2</id>
    <updated>{p.published}T10:00:00Z</updated>
    <published>{p.published}T09:30:00Z</published>
    <title>{title}</title>
    <summary>  {escape(p.abstract)}\n  </summary>
    {authors}
    {doi}
    <link href="http://arxiv.org/abs/{p.arxiv}v2" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{p.arxiv}v2" rel="related" type="application/pdf"/>
    {jref}
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="{p.categories[0]}"
      scheme="http://arxiv.org/schemas/atom"/>
    {cats}
  </entry>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
      xmlns:arxiv="http://arxiv.org/schemas/atom">
  <link href="http://arxiv.org/api/query?id_list=x" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: id_list</title>
  <id>http://arxiv.org/api/fake</id>
  <updated>2024-01-01T00:00:00-05:00</updated>
  <opensearch:totalResults>{len(papers)}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <opensearch:itemsPerPage>{len(papers)}</opensearch:itemsPerPage>{"".join(entries)}
</feed>
"""


def arxiv_error_feed(message: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>ArXiv Query</title>
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format</id>
    <title>Error</title>
    <summary>{escape(message)}</summary>
    <updated>2024-01-01T00:00:00-05:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format" rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>
</feed>
"""


def work_json(p: Paper, *, preprint: bool = False) -> dict:
    words = p.abstract.split()
    index: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        index.setdefault(w, []).append(i)
    if preprint:
        doi = f"https://doi.org/10.48550/arxiv.{p.arxiv}"
        source = {"id": "https://openalex.org/S1", "display_name": "arXiv (Cornell University)", "type": "repository"}
    else:
        doi = f"https://doi.org/{p.doi}" if p.doi else None
        source = {"id": "https://openalex.org/S2", "display_name": p.venue, "type": p.venue_type} if p.venue else None
    locations = [{"is_oa": True, "landing_page_url": doi, "pdf_url": None, "source": source}]
    if p.arxiv:
        locations.append({"is_oa": True, "landing_page_url": f"https://arxiv.org/abs/{p.arxiv}",
                          "pdf_url": f"https://arxiv.org/pdf/{p.arxiv}", "source": None})
    return {
        "id": f"https://openalex.org/W{abs(hash((p.title, preprint))) % 10**9}",
        "doi": doi,
        "title": p.title,
        "display_name": p.title,
        "publication_year": p.year,
        "publication_date": p.published or f"{p.year}-01-01",
        "ids": {"openalex": "https://openalex.org/W1", **({"doi": doi} if doi else {})},
        "type": "preprint" if preprint else "article",
        "authorships": [{"author_position": "first" if i == 0 else "middle",
                         "author": {"id": f"https://openalex.org/A{i}", "display_name": a, "orcid": None},
                         "institutions": [], "raw_author_name": a} for i, a in enumerate(p.authors)],
        "primary_location": locations[0],
        "locations": locations,
        "best_oa_location": locations[-1] if p.arxiv else None,
        "abstract_inverted_index": index,
    }


class ScholarlyApis:
    """Both services on one FakeServer; `papers` is what they know."""

    def __init__(self, server: FakeServer, papers: list[Paper] | None = None) -> None:
        self.server, self.papers = server, list(PAPERS if papers is None else papers)
        self.extra_works: list[dict] = []  # more title-search hits (near misses, other versions)
        server.route("/api/query", self.arxiv)
        server.route("/works", self.search)
        self.doi_routes()

    @property
    def arxiv_base(self) -> str:
        return self.server.url("/api/query")

    @property
    def openalex_base(self) -> str:
        return self.server.url("")

    def config_yaml(self, mailto: str = "") -> str:
        extra = f", mailto: {mailto}" if mailto else ""
        return f"enrich: {{arxiv: '{self.arxiv_base}', openalex: '{self.openalex_base}'{extra}}}\n"

    def arxiv(self, req: Request) -> Reply:
        ids = [i for i in req.query.get("id_list", "").split(",") if i]
        if any(not i[0].isdigit() for i in ids):
            return Reply(400, arxiv_error_feed(f"incorrect id format for {ids[0]}"),
                         {"Content-Type": "application/atom+xml"})
        found = [p for p in self.papers if p.arxiv in ids]
        return Reply(200, atom_feed(found), {"Content-Type": "application/atom+xml; charset=utf-8"})

    def doi_routes(self) -> None:
        for p in self.papers:
            if p.doi:
                self.server.route(f"/works/doi:{p.doi}",
                                  lambda req, p=p: Reply(200, json.dumps(work_json(p)),
                                                         {"Content-Type": "application/json"}))

    def search(self, req: Request) -> Reply:
        words = unquote(req.query.get("filter", "")).removeprefix("title.search:").lower().split()
        hits = []
        for p in self.papers:
            title = p.title.lower()
            if sum(w in title for w in words) >= max(1, len(words) // 2):
                hits.append(work_json(p))
                if p.arxiv:
                    hits.append(work_json(p, preprint=True))
        for w in self.extra_works:
            if sum(x in w["title"].lower() for x in words) >= max(1, len(words) // 2):
                hits.append(w)
        return Reply(200, json.dumps({"meta": {"count": len(hits), "page": 1, "per_page": 8},
                                      "results": hits[:8], "group_by": []}),
                     {"Content-Type": "application/json"})
