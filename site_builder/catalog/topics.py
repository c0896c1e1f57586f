"""Keywords to topics: arXiv categories by name, free keywords tidied, noise dropped."""
from __future__ import annotations

import re

from ..config import SiteConfig
from .slugs import slugify, unique_slug

# The arXiv categories that occur in machine-learning summaries, by their official names.
ARXIV_CATEGORIES = {
    "cs.AI": "Artificial Intelligence",
    "cs.CL": "Computation and Language",
    "cs.CR": "Cryptography and Security",
    "cs.CV": "Computer Vision",
    "cs.CY": "Computers and Society",
    "cs.DC": "Distributed Computing",
    "cs.DS": "Data Structures and Algorithms",
    "cs.GT": "Game Theory",
    "cs.HC": "Human-Computer Interaction",
    "cs.IR": "Information Retrieval",
    "cs.IT": "Information Theory",
    "cs.LG": "Machine Learning",
    "cs.MA": "Multiagent Systems",
    "cs.MM": "Multimedia",
    "cs.NE": "Neural and Evolutionary Computing",
    "cs.RO": "Robotics",
    "cs.SD": "Sound",
    "cs.SI": "Social and Information Networks",
    "eess.AS": "Audio and Speech Processing",
    "eess.IV": "Image and Video Processing",
    "eess.SP": "Signal Processing",
    "math.OC": "Optimization and Control",
    "math.ST": "Statistics Theory",
    "q-bio.NC": "Neurons and Cognition",
    "q-bio.QM": "Quantitative Methods",
    "stat.AP": "Statistics Applications",
    "stat.CO": "Statistical Computation",
    "stat.ME": "Statistical Methodology",
    "stat.ML": "Machine Learning (Statistics)",
}
# Keywords that say where the metadata came from, not what the paper is about.
NOT_TOPICS = {"dblp", "arxiv", "bibsonomy", "paper", "papers", "toread", "imported"}
_YEARLIKE = re.compile(r"^(?:19|20)\d{2}$")
_ARXIV_LIKE = re.compile(r"^[a-z\-]+\.[A-Z]{2}$")


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


HYPHENATED_PREFIXES = ("semi", "self", "non", "multi", "pre", "co", "un", "re", "meta", "cross", "zero", "few", "one")
_ARXIV_NAMES = {slugify(name): name for name in ARXIV_CATEGORIES.values()}


def paper_topics(keywords: list[str], title: str, config: SiteConfig) -> list[str]:
    topics = [t for t in (keyword_topic(k, config) for k in keywords) if t]
    haystack = [k.lower() for k in keywords] + [title.lower()]
    for rule in config.topics:
        if any(m.lower() in h for m in rule.match for h in haystack):
            topics.append(rule.topic)
    # One topic per slug: the slug is the topic's page (and never shared by different names).
    unique = {}
    for t in topics:
        unique.setdefault(unique_slug(t), t)
    return sorted(unique.values(), key=str.lower)
