from site_builder.catalog.ownlink import own_link
from site_builder.render.plaintext import derive_title


def test_never_cut_at_an_abbreviation():
    assert derive_title("Doe et al. propose a widget. It works.") == "Doe et al. propose a widget"
    assert derive_title("• They model gears, i.e. toothed wheels, for clocks. More.") == \
        "They model gears, i.e. toothed wheels, for clocks"
    assert derive_title("Dr. Byron builds engines. Then more.") == "Dr. Byron builds engines"
    assert derive_title("We use e.g. sprockets here.") == "We use e.g. sprockets here"


def test_long_sentences_are_cut_at_a_word_with_an_ellipsis():
    title = derive_title("This work expands on prior techniques for designing widgets that can be stored using "
                         "fewer parameters and run faster.")
    assert title.endswith("…") and len(title) <= 73 and not title[:-1].endswith(" ")


def test_generic_headings_are_skipped():
    assert derive_title("Introduction\nSetup\nWidgets turn sprockets. More.") == "Widgets turn sprockets"
    assert derive_title("# Summary\n## Gear trains revisited\ntext") == "Gear trains revisited"
    assert derive_title("Summary\n") == ""


def test_own_link_only_for_the_summarys_own_paper():
    assert own_link("In this note I implement [the method](https://openreview.net/forum?id=Ab-1) on toys.") == \
        ("openreview", "https://openreview.net/forum?id=Ab-1")
    assert own_link("Widgets are great. " * 30 + "Paper: https://arxiv.org/abs/1901.01234") == \
        ("arxiv", "https://arxiv.org/abs/1901.01234")
    # a numbered reference, "et al." and a See also section cite other papers
    assert own_link("Doe et al. propose gears. [1] A. Roe. Sprockets. arXiv abs/1712.01234, 2017.") is None
    assert own_link("Doe et al. https://arxiv.org/abs/1901.01234 is prior work") is None
    assert own_link("Gears. ## See also * [Sprockets](https://arxiv.org/abs/1901.01234)") is None
    # two different papers in the opening: not sure which, so neither
    assert own_link("We compare https://arxiv.org/abs/1901.01234 and https://arxiv.org/abs/1901.04321.") is None


def test_a_leading_the_does_not_make_a_generic_heading_specific():
    assert derive_title("#### The idea\nGears and sprockets mesh well. More.") == "Gears and sprockets mesh well"
