"""Ask the APIs about the wanted papers and turn the answers into entries of the enriched file.

Order of questions, each at most once per paper:
  1. arXiv, for every paper with an arXiv id, in batches of up to 100 ids;
     when arXiv gives a DOI and the paper still lacks a venue, OpenAlex by that DOI
     (the published version's venue and year), else arXiv's journal reference;
  2. OpenAlex by DOI for papers with a DOI and no arXiv id;
  3. OpenAlex title search for the rest (titles.choose decides).
A service that refuses (HTTP 403/429 after retries) or cannot be reached is not asked
again in this run: its remaining papers are reported as errors and are not written,
so the next run asks for them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Callable

from ..config import EnrichConfig
from ..net import Client, FetchError
from . import arxiv, openalex
from .store import Enriched, paper_entry, unresolved_entry
from .titles import choose, describe, unrelated
from .wanted import Wanted
from .work import Work

FOUND, AMBIGUOUS, NOT_FOUND, ERROR = "found", "ambiguous", "not-found", "error"
_STOP_STATUSES = (403, 429)


@dataclass
class Outcome:
    wanted: Wanted
    status: str  # FOUND | AMBIGUOUS | NOT_FOUND | ERROR
    detail: str = ""
    entry: dict | None = None
    source: str = ""
    candidates: list[str] = field(default_factory=list)


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    answered_before: int = 0
    interrupted: bool = False  # Ctrl-C: the outcomes are those answered until then

    def having(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]


class Enricher:
    def __init__(self, config: EnrichConfig, client: Client, *, api_key: str = "",
                 today: dt.date | None = None, advance: Callable[[int], None] | None = None) -> None:
        self.config, self.client, self.api_key = config, client, api_key
        self.today = today or dt.datetime.now(dt.timezone.utc).date()
        self.advance = advance or (lambda n: None)
        self.stopped: dict[str, str] = {}  # service -> why it is not asked again
        self.report = Report()
        client.set_interval(config.arxiv, arxiv.INTERVAL)
        client.set_interval(config.openalex, openalex.INTERVAL)

    def run(self, wanted: list[Wanted]) -> Report:
        """Every wanted paper's outcome; after Ctrl-C, those answered so far (`report.interrupted`)."""
        by_arxiv = [w for w in wanted if w.arxiv]
        by_doi = [w for w in wanted if not w.arxiv and w.doi]
        by_title = [w for w in wanted if not w.arxiv and not w.doi]
        try:
            for start in range(0, len(by_arxiv), arxiv.BATCH):
                self._arxiv_batch(by_arxiv[start:start + arxiv.BATCH])
            for w in by_doi:
                self._by_doi(w)
            for w in by_title:
                self._by_title(w)
        except KeyboardInterrupt:
            self.report.interrupted = True
        return self.report

    def apply(self, enriched: Enriched) -> None:
        """Found and unresolved entries into `enriched`; errors leave it as it was (asked next time)."""
        for o in self.report.outcomes:
            if o.status == FOUND and o.entry is not None:
                enriched.forget(o.wanted.keys())
                enriched.put_paper(o.entry)
            elif o.status in (AMBIGUOUS, NOT_FOUND):
                enriched.forget(o.wanted.keys())
                enriched.put_unresolved(unresolved_entry(o.wanted.match, o.status, o.candidates, self.today))

    # -- the three kinds of question ----------------------------------------------------
    def _arxiv_batch(self, batch: list[Wanted]) -> None:
        ids = list(dict.fromkeys(arxiv.canonical_id(w.arxiv) for w in batch if w.arxiv))
        url, params = arxiv.query(self.config.arxiv, ids)
        data = self._get("arXiv", url, params, "application/atom+xml")
        if data is None:
            for w in batch:
                self._done(Outcome(w, ERROR, self.stopped.get("arXiv", "arXiv could not be asked")))
            return
        works, warnings = arxiv.parse(data)
        self.report.warnings += warnings
        found = {arxiv.canonical_id(w.arxiv): w for w in works if w.arxiv}
        unusable = not works and warnings
        for w in batch:
            work = found.get(arxiv.canonical_id(w.arxiv or ""))
            if work is not None:
                self._done(self._completed(w, work))
            elif unusable:
                self._done(Outcome(w, ERROR, "arXiv's answer could not be read"))
            else:
                self._done(Outcome(w, NOT_FOUND, f"arXiv has no paper {w.arxiv}"))

    def _completed(self, wanted: Wanted, work: Work) -> Outcome:
        """An arXiv answer, with the published version's venue from OpenAlex when arXiv gives a DOI."""
        source = "arxiv"
        if "venue" in wanted.missing and work.doi and "OpenAlex" not in self.stopped:
            published = self._openalex_doi(work.doi)
            if published is not None and published.venue and not published.venue_is_repository:
                work = replace(work, venue=published.venue, year=published.year or work.year,
                               authors=work.authors or published.authors)
                source = "arxiv+openalex"
        if not work.venue and work.journal_ref:
            work = replace(work, venue=work.journal_ref)
        return self._found(wanted, work, source)

    def _by_doi(self, wanted: Wanted) -> None:
        if "OpenAlex" in self.stopped:
            self._done(Outcome(wanted, ERROR, self.stopped["OpenAlex"]))
            return
        try:
            work = self._openalex_doi(wanted.doi or "", strict=True)
        except _NotFound:
            self._done(Outcome(wanted, NOT_FOUND, f"OpenAlex has no work with DOI {wanted.doi}"))
            return
        if work is None:
            self._done(Outcome(wanted, ERROR, self.stopped.get("OpenAlex", "OpenAlex's answer could not be used")))
            return
        self._done(self._found(wanted, _repository_venue_dropped(work), "openalex"))

    def _by_title(self, wanted: Wanted) -> None:
        if "OpenAlex" in self.stopped:
            self._done(Outcome(wanted, ERROR, self.stopped["OpenAlex"]))
            return
        url, params = openalex.title_request(self.config.openalex, wanted.title)
        data = self._get("OpenAlex", url, {**params, **self._auth()}, "application/json")
        if data is None:
            self._done(Outcome(wanted, ERROR, self.stopped.get("OpenAlex", "OpenAlex could not be asked")))
            return
        works, warnings = openalex.parse_list(data)
        self.report.warnings += [f"{w} (title search for {wanted.title[:60]!r})" for w in warnings]
        if warnings and not works:
            self._done(Outcome(wanted, ERROR, "OpenAlex's answer could not be read"))
            return
        verdict = choose(wanted.title, works, year=wanted.year, authors=wanted.authors)
        if verdict.work is None:
            detail = "several works fit or nearly fit" if verdict.reason == AMBIGUOUS else "no work with this title"
            self._done(Outcome(wanted, verdict.reason or NOT_FOUND, detail, candidates=verdict.candidates))
            return
        self._done(self._found(wanted, _repository_venue_dropped(verdict.work), "openalex"))

    # -- plumbing ---------------------------------------------------------------------------
    def _found(self, wanted: Wanted, work: Work, source: str) -> Outcome:
        if unrelated(wanted.title, work.title):  # asked by id, answered with another paper: reported, not taken
            return Outcome(wanted, AMBIGUOUS, f"the {source.split('+')[0]} answer for its id has another title",
                           candidates=describe([work]))
        entry = paper_entry(wanted.match, work, source, self.today)
        return Outcome(wanted, FOUND, work.title, entry=entry, source=source)

    def _openalex_doi(self, doi: str, strict: bool = False) -> Work | None:
        url, params = openalex.doi_request(self.config.openalex, doi)
        data = self._get("OpenAlex", url, {**params, **self._auth()}, "application/json", missing_ok=True)
        if data is _MISSING:
            if strict:
                raise _NotFound()
            return None
        if data is None:
            return None
        work, warnings = openalex.parse_one(data)
        self.report.warnings += [f"{w} (DOI {doi})" for w in warnings]
        return work

    def _auth(self) -> dict[str, str]:
        return openalex.auth_params(self.config.mailto, self.api_key)

    def _get(self, service: str, url: str, params: dict[str, str], accept: str, missing_ok: bool = False):
        """The body, None after a failure (reported; the service may be stopped), _MISSING for a 404."""
        if service in self.stopped:
            return None
        try:
            return self.client.get(url, params=params, accept=accept).body
        except FetchError as exc:
            if missing_ok and exc.status == 404:
                return _MISSING
            if exc.status in _STOP_STATUSES or exc.status is None or exc.status >= 500:
                hint = " (an OPENALEX_API_KEY raises OpenAlex's daily allowance)" if service == "OpenAlex" \
                    and exc.status in _STOP_STATUSES else ""
                self.stopped[service] = f"{service} not asked again in this run: {exc.reason}{hint}"
                self.report.warnings.append(f"{service}: {_without_key(str(exc))}{hint}; not asked again in this run")
            else:
                self.report.warnings.append(f"{service}: {_without_key(str(exc))}")
            return None

    def _done(self, outcome: Outcome) -> None:
        self.report.outcomes.append(outcome)
        self.advance(1)


class _NotFound(Exception):
    pass


_MISSING = b"\0missing"


def _repository_venue_dropped(work: Work) -> Work:
    """A preprint server is where a paper was posted, not where it was published."""
    return replace(work, venue="") if work.venue_is_repository else work


def _without_key(text: str) -> str:
    """Error messages quote URLs: an API key in them is not printed."""
    import re

    return re.sub(r"(api_key=)[^&\s]+", r"\1…", text)
