"""Topics: arXiv categories and keywords by name, and the taxonomy's rules over title and text.

The default taxonomy (catalog/data/topics.yaml) names the arXiv categories and has rules for
the main areas of machine learning and its neighbours; site.yaml's `topics:` rules extend it
(a rule for a topic the taxonomy has replaces that topic's title phrases) and
`default_topics: false` drops the built-in rules. Phrases match whole words: "gan" finds
"GANs" but not "organ".
"""
from __future__ import annotations

import re
from collections import Counter
from itertools import compress
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


@lru_cache(maxsize=1)  # (made when first needed: a build that reads no keyword need not load the table)
def _arxiv_names() -> dict[str, str]:
    return {slugify(name): name for name in arxiv_categories().values()}


def keyword_topic(keyword: str, config: SiteConfig) -> str | None:
    """The topic a keyword stands for, or None when it is not a topic."""
    kw = keyword.strip()
    if not kw or kw.lower() in NOT_TOPICS or _YEARLIKE.match(kw):
        return None
    if kw in config.topic_names:
        return config.topic_names[kw]
    categories = arxiv_categories()
    if kw in categories:
        return categories[kw]
    if _ARXIV_LIKE.match(kw):
        return kw  # an arXiv category we have no name for: show the code itself
    # "machine-learning" -> "Machine learning", but "semi-supervised" keeps its hyphen.
    words = re.sub(r"_+", " ", kw)
    words = re.sub(r"(?<![A-Za-z])(?!(?:%s)-)([A-Za-z]+)-(?=[A-Za-z])" % "|".join(HYPHENATED_PREFIXES), r"\1 ", words)
    words = " ".join(words.split())
    name = words[:1].upper() + words[1:]
    # A free keyword that spells an arXiv category's name is that category.
    return _arxiv_names().get(slugify(name), name)


@lru_cache(maxsize=65536)  # topic names and keywords recur across thousands of papers
def stem_key(text: str) -> str:
    return stems(text)


_TOKEN = re.compile(r"[0-9a-z]+")
# ASCII text: every character but [0-9a-z] to a space, so that str.split gives what _TOKEN finds.
_ASCII_SPACES = str.maketrans({chr(c): " " for c in range(128) if not re.fullmatch(_TOKEN, chr(c))})


def _tokens(text: str) -> list[str]:
    """`_TOKEN.findall(text.lower())`, at C speed for ASCII (the lowered text: "\u212a" lowers to "k")."""
    low = text.lower()
    return low.translate(_ASCII_SPACES).split() if low.isascii() else _TOKEN.findall(low)


def stem_words(text: str) -> list[str]:
    """The words of `text`, lower case, a plural "s" dropped ("GANs" -> "gan", "class" stays)."""
    return [w[:-1] if len(w) > 3 and w[-1] == "s" and w[-2] != "s" else w for w in _tokens(text)]


def stems(text: str) -> str:
    """' word word ' with case, punctuation and a plural "s" gone (the form phrases are matched in)."""
    return " " + " ".join(stem_words(text)) + " "


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


_INDEXES: dict[tuple[int, int], tuple] = {}


def _stem(word: str) -> str:
    """One word of `_TOKEN` as stem_words gives it."""
    return word[:-1] if len(word) > 3 and word[-1] == "s" and word[-2] != "s" else word


def _surfaces(stemmed: set[str]) -> dict[str, str]:
    """Every word whose stem is one of `stemmed` -> that stem: the stem itself (unless _stem would
    shorten it) and the stem with a plural "s" (when _stem takes it off again)."""
    return {w: s for s in stemmed for w in (s, s + "s") if _stem(w) == s}


def _phrase_index(rules: list, which: int) -> tuple[dict[str, str], dict[str, str], dict[str, tuple[int, ...]]]:
    """For the rules' title (which=1) or text (which=2) phrases: the words that are a one-word
    phrase once stemmed (word -> stem), the words that start a longer phrase once stemmed, and
    first word (stemmed) -> lengths of the longer ones. Kept per rules list (rules_for caches those)."""
    hit = _INDEXES.get((id(rules), which))
    if hit is not None and hit[0] is rules:
        return hit[1], hit[2], hit[3]
    single, longer = set(), {}
    for rule in rules:
        for p in rule[which]:
            w = p.split()
            if len(w) == 1:
                single.add(w[0])
            elif w:
                longer.setdefault(w[0], set()).add(len(w))
    index = (_surfaces(single), _surfaces(set(longer)), {k: tuple(sorted(v)) for k, v in longer.items()})
    _INDEXES[(id(rules), which)] = (rules, *index)
    return index


def phrase_counts(text: str, rules, which: int = 2) -> dict[str, int]:
    """How often each phrase of `rules` (text phrases; which=1: title phrases) occurs in `text`,
    keyed in phrase (stems) form. One pass at C speed: the words of one-word phrases are picked
    out and counted (as stems) by Counter; a longer phrase is tried only where its first word is,
    and only its words are stemmed."""
    single, starts, longer = _phrase_index(rules, which)
    words = _tokens(text)
    counts = Counter(map(single.__getitem__, filter(single.__contains__, words)))
    out = {f" {w} ": n for w, n in counts.items()}
    for i in compress(range(len(words)), map(starts.__contains__, words)):
        first = starts[words[i]]
        for n in longer[first]:
            phrase = " " + " ".join([first, *map(_stem, words[i + 1:i + n])]) + " "
            out[phrase] = out.get(phrase, 0) + 1
    return out


_OWNERS: dict[int, tuple] = {}


def _owners(rules: list) -> dict[int, dict[str, list[tuple[int, int, str, str]]]]:
    """Phrase -> (rule index, phrase index, topic, phrase) of the rules that list it, for the
    title phrases (1) and the text phrases (2)."""
    hit = _OWNERS.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    owners: dict[int, dict[str, list]] = {1: {}, 2: {}}
    for r, rule in enumerate(rules):
        for which in (1, 2):
            for k, phrase in enumerate(rule[which]):
                owners[which].setdefault(phrase, []).append((r, k, rule[0], phrase))
    _OWNERS[id(rules)] = (rules, owners)
    return owners


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
                kw_stem = stem_key(kw)
                t = next((topic for topic, _, _ in rules if stem_key(topic).startswith(kw_stem)), t)
                add(t, f"{prov.KEYWORDS} ({kw})")
        for source, topics in paper.entry_topics:
            for t in topics:
                add(t, source)
        owners = _owners(rules)
        in_meta = phrase_counts(" ".join([paper.title, *paper.meta.keywords, paper.meta.abstract]), rules, 1)
        hits = sorted(pos for phrase in in_meta for pos in owners[1].get(phrase, ()))
        for _, _, topic, phrase in hits:  # in the rules' order, each topic's first phrase
            add(topic, f"{prov.TOPIC_RULES} ('{phrase.strip()}' in the title, keywords or abstract)")
        if not found:  # only when the title, keywords and abstract said nothing: the text
            body = " ".join(s.record.body for s in paper.summaries)
            need = max(TEXT_HITS, TEXT_DENSITY * len(body.split()) / 1000)
            per_topic: dict[str, int] = {}
            for phrase, n in phrase_counts(body, rules).items():
                for _, _, topic, _ in owners[2].get(phrase, ()):
                    per_topic[topic] = per_topic.get(topic, 0) + n
            counted = sorted((-n, topic) for topic, n in per_topic.items() if n >= need)
            for n, topic in counted[:MAX_TEXT_TOPICS]:
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
