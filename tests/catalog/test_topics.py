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
