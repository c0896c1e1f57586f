from site_builder.catalog.model import Paper, Summary
from site_builder.catalog.topics import assign_topics, paper_topics, stems
from site_builder.config import SiteConfig, TopicRule
from site_builder.records import PaperMeta, SummaryRecord


def topics(title, keywords=(), config=None, body=""):
    paper = Paper(id="p", meta=PaperMeta(title=title, keywords=list(keywords)))
    paper.summaries = [Summary(record=SummaryRecord(id="s", source="markdown", markup="markdown", body=body))]
    assign_topics(paper, config or SiteConfig())
    return paper


def test_rules_match_whole_words_only():
    assert "Generative Models" in topics("Conditional GANs for widgets").topics
    assert "Generative Models" not in topics("An organ transplant model").topics  # "gan" in "organ"
    assert "Graph Learning" in topics("Graph attention for sprockets").topics
    assert "Graph Learning" not in topics("Paragraphs as units of text").topics
    assert stems("GANs, Policies!") == " gan policie "


def test_default_taxonomy_covers_the_main_areas():
    cases = {
        "Policy gradients with learned rewards": "Reinforcement Learning",
        "Neural machine translation of rare words": "Natural Language Processing",
        "Deep sets of images for object detection": "Computer Vision",
        "On the convergence of Adam": "Optimization",
        "Message passing on graphs": "Graph Learning",
    }
    for title, topic in cases.items():
        assert topic in topics(title).topics, title


def test_keywords_name_arxiv_categories_and_the_source_is_kept():
    p = topics("Widgets", keywords=["cs.CV", "dblp", "2019"])
    assert p.topics == ["Computer Vision"] and p.topic_sources == {"Computer Vision": "keywords (cs.CV)"}


def test_text_gives_a_topic_only_when_nothing_else_did_and_it_is_mentioned_a_lot():
    body = "The agent learns a policy from the reward. " * 5
    p = topics("Untitled widgets", body=body)
    assert p.topics == ["Reinforcement Learning"] and "mentions" in p.topic_sources["Reinforcement Learning"]
    assert topics("Untitled widgets", body="One policy, once.").topics == []
    assert topics("Graph widgets", body=body).topics == ["Graph Learning"]


def test_site_yaml_extends_or_replaces_the_taxonomy():
    config = SiteConfig(topics=[TopicRule(topic="Widgets", match=["widget"])])
    assert topics("Widget GANs", config=config).topics == ["Generative Models", "Widgets"]
    config = SiteConfig(topics=[TopicRule(topic="Widgets", match=["widget"])], default_topics=False)
    assert topics("Widget GANs", config=config).topics == ["Widgets"]
    assert paper_topics(["cs.LG"], "Widget GANs", config) == ["Machine Learning", "Widgets"]


def test_phrase_counts_are_those_of_the_stemmed_words():
    """phrase_counts picks and stems only the words of the rules' phrases (and reads ASCII text
    by translating it): the counts, in their order, are those of stemming every word first."""
    import random
    import re

    from site_builder.catalog.topics import phrase_counts, rules_for, stem_words
    from site_builder.config import SiteConfig

    def reference(text: str, rules, which: int) -> dict[str, int]:
        words = [w[:-1] if len(w) > 3 and w[-1] == "s" and w[-2] != "s" else w
                 for w in re.findall(r"[0-9a-z]+", text.lower())]
        phrases = {p for rule in rules for p in rule[which]}
        single = {p.split()[0] for p in phrases if len(p.split()) == 1}
        longer: dict[str, set[int]] = {}
        for p in phrases:
            if len(p.split()) > 1:
                longer.setdefault(p.split()[0], set()).add(len(p.split()))
        out = {f" {w} ": n for w, n in __import__("collections").Counter(w for w in words if w in single).items()}
        for i, w in enumerate(words):
            for n in sorted(longer.get(w, ())):
                phrase = " " + " ".join(words[i:i + n]) + " "
                out[phrase] = out.get(phrase, 0) + 1
        return out

    rules = rules_for(SiteConfig())
    vocab = sorted({w for rule in rules for p in rule[1] + rule[2] for w in p.split()})
    extra = [w + "s" for w in vocab] + [w + "ss" for w in vocab] + [
        "class", "bus", "is", "A-B", "K\u212a", "é", "x_y", "\t", "İs", "GANs,", "Σ", "3d", "."]
    rng = random.Random(17)
    for _ in range(3000):
        text = " ".join(rng.choice(vocab + extra) for _ in range(rng.randint(0, 14)))
        if rng.random() < 0.3:
            text += "".join(chr(rng.randint(0, 400)) for _ in range(rng.randint(0, 12)))
        assert stem_words(text) == [w[:-1] if len(w) > 3 and w[-1] == "s" and w[-2] != "s" else w
                                    for w in re.findall(r"[0-9a-z]+", text.lower())], text
        for which in (1, 2):
            got, want = phrase_counts(text, rules, which), reference(text, rules, which)
            assert list(got.items()) == list(want.items()), text
