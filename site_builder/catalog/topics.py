"""Topics: arXiv categories and keywords by name, and the taxonomy's rules over title and text.

The default taxonomy (catalog/data/topics.yaml) names the arXiv categories and has rules for
the main areas of machine learning and its neighbours; site.yaml's `topics:` rules extend it
(a rule for a topic the taxonomy has replaces that topic's title phrases) and
`default_topics: false` drops the built-in rules. Phrases match whole words: "gan" finds
"GANs" but not "organ".
"""
from __future__ import annotations

import re
from functools import lru_cache

from .. import provenance as prov
from ..config import SiteConfig
from .model import Paper
from .slugs import slugify, unique_slug
from .tables import load

TEXT_HITS = 4        # mentions of a topic's text phrases before the text alone gives the topic,
TEXT_DENSITY = 3.0   # and at least this many per 1,000 words of the summaries
MAX_TEXT_TOPICS = 1  # topics a paper with no other topic gets from its summaries' text

# Keywords that say where the metadata came from, not what the paper is about.
NOT_TOPICS = {"dblp", "arxiv", "bibsonomy", "paper", "papers", "toread", "imported"}
_YEARLIKE = re.compile(r"^(?:19|20)\d{2}$")
_ARXIV_LIKE = re.compile(r"^[a-z\-]+\.[A-Z]{2}$")
HYPHENATED_PREFIXES = ("semi", "self", "non", "multi", "pre", "co", "un", "re", "meta", "cross", "zero", "few", "one")


def arxiv_categories() -> dict[str, str]:
    return load("topics")["arxiv"]


ARXIV_CATEGORIES = arxiv_categories()
_ARXIV_NAMES = {slugify(name): name for name in ARXIV_CATEGORIES.values()}


def keyword_topic(keyword: str, config: SiteConfig) -> str | None:
    """The topic a keyword stands for, or None when it is not a topic."""
    kw = keyword.strip()
    if not kw or kw.lower() in NOT_TOPICS or _YEARLIKE.match(kw):
        return None
    if kw in config.topic_names:
        return config.topic_names[kw]
    if kw in ARXIV_CATEGORIES:
        return ARXIV_CATEGORIES[kw]
    if _ARXIV_LIKE.match(kw):
        return kw  # an arXiv category we have no name for: show the code itself
    # "machine-learning" -> "Machine learning", but "semi-supervised" keeps its hyphen.
    words = re.sub(r"_+", " ", kw)
    words = re.sub(r"(?<![A-Za-z])(?!(?:%s)-)([A-Za-z]+)-(?=[A-Za-z])" % "|".join(HYPHENATED_PREFIXES), r"\1 ", words)
    words = " ".join(words.split())
    name = words[:1].upper() + words[1:]
    # A free keyword that spells an arXiv category's name is that category.
    return _ARXIV_NAMES.get(slugify(name), name)


def stems(text: str) -> str:
    """' word word ' with case, punctuation and a plural "s" gone (the form phrases are matched in)."""
    out = []
    for w in re.split(r"[^0-9a-z]+", text.lower()):
        if w:
            out.append(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w)
    return " " + " ".join(out) + " "


@lru_cache(maxsize=8)
def _rules(key: tuple) -> list[tuple[str, list[str], list[str]]]:
    """(topic, title phrases, text phrases), phrases in stems() form."""
    default_on, extra = key
    rules: dict[str, tuple[list[str], list[str]]] = {}
    if default_on:
        for r in load("topics")["rules"]:
            rules[r["topic"]] = ([stems(p) for p in r.get("title", [])], [stems(p) for p in r.get("text", [])])
    for topic, phrases in extra:
        text = rules[topic][1] if topic in rules else []
        rules[topic] = ([stems(p) for p in phrases], text)
    return [(t, title, text) for t, (title, text) in rules.items()]


def rules_for(config: SiteConfig) -> list[tuple[str, list[str], list[str]]]:
    return _rules((config.default_topics, tuple((r.topic, tuple(r.match)) for r in config.topics)))


def phrase_counts(text: str, rules) -> dict[str, int]:
    """How often each text phrase of `rules` occurs in `text`: one pass over its words,
    looking up the 1- to 4-word sequences that start at each (a set look-up each)."""
    wanted = {p for _, _, text_phrases in rules for p in text_phrases}
    longest = max((len(p.split()) for p in wanted), default=0)
    words = stems(text).split()
    counts: dict[str, int] = {}
    for i in range(len(words)):
        for n in range(1, longest + 1):
            phrase = " " + " ".join(words[i:i + n]) + " "
            if phrase in wanted:
                counts[phrase] = counts.get(phrase, 0) + 1
    return counts


def assign_topics(paper: Paper, config: SiteConfig) -> None:
    """paper.topics and paper.topic_sources, from keywords, entries and rules (the user's entry wins)."""
    found: dict[str, str] = {}

    def add(topic: str, source: str) -> None:
        found.setdefault(topic, source)

    user = [topics for source, topics in paper.entry_topics if source == prov.USER]
    if user:
        for t in user[-1]:
            add(t, prov.USER)
    else:
        rules = rules_for(config)
        for kw in paper.meta.keywords:
            t = keyword_topic(kw, config)
            if t:
                # a keyword that starts a rule's topic name ("semi-supervised") is that topic
                t = next((topic for topic, _, _ in rules if stems(topic).startswith(stems(kw))), t)
                add(t, f"{prov.KEYWORDS} ({kw})")
        for source, topics in paper.entry_topics:
            for t in topics:
                add(t, source)
        meta_text = stems(" ".join([paper.title, *paper.meta.keywords, paper.meta.abstract]))
        for topic, title_phrases, _ in rules:
            hit = next((p for p in title_phrases if p in meta_text), None)
            if hit:
                add(topic, f"{prov.TOPIC_RULES} ('{hit.strip()}' in the title, keywords or abstract)")
        if found:
            body = ""  # the title, keywords or abstract said what the paper is about
        else:
            body = " ".join(s.record.body for s in paper.summaries)
        counts = phrase_counts(body, rules)
        need = max(TEXT_HITS, TEXT_DENSITY * len(body.split()) / 1000)
        counted = []
        for topic, _, text_phrases in rules:
            if topic in found or not text_phrases:
                continue
            n = sum(counts.get(p, 0) for p in text_phrases)
            if n >= need:
                counted.append((-n, topic))
        for n, topic in sorted(counted)[:MAX_TEXT_TOPICS]:
            add(topic, f"{prov.TOPIC_RULES} ({-n} mentions in the summaries)")
    # One topic per slug: the slug is the topic's page (and never shared by different names).
    unique: dict[str, str] = {}
    for t in found:
        unique.setdefault(unique_slug(t), t)
    paper.topics = sorted(unique.values(), key=str.lower)
    paper.topic_sources = {t: found[t] for t in paper.topics}


def paper_topics(keywords: list[str], title: str, config: SiteConfig) -> list[str]:
    """Topics from keywords and title alone (no summaries): for callers without a Paper."""
    from ..records import PaperMeta
    paper = Paper(id="", meta=PaperMeta(title=title, keywords=list(keywords)))
    assign_topics(paper, config)
    return paper.topics
