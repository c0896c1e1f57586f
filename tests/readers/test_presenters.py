from site_builder.readers.names import person_name, same_person
from site_builder.readers.presenters import merge_presenters, page_presenters, split_people


def test_presented_by_sections_and_lines():
    assert page_presenters("= Presented by =\n\nByron, Ada(Countess)\n\n= Introduction =\ntext") == ["Ada (Countess) Byron"]
    assert page_presenters("== Presenters ==\n# turing, alan\n# Grace Hopper\n== Next ==") == ["Alan Turing", "Grace Hopper"]
    assert page_presenters("'''Presented by:''' Ada Byron and [[User:Gh|Grace Hopper]]\n\nText") == ["Ada Byron", "Grace Hopper"]
    assert page_presenters("= Introduction =\nWe presented by example how widgets work.") == []
    # a "section" that is prose is not a list of names
    assert page_presenters("= Presented by =\nThis paper was presented in class by the two of us, with slides.\n") == []


def test_names_in_every_order():
    assert split_people("Ada Byron, Alan Turing & Grace Hopper") == ["Ada Byron", "Alan Turing", "Grace Hopper"]
    assert split_people("Turing, Alan") == ["Alan Turing"]
    assert split_people("Alan T.") == ["Alan T."]
    assert person_name("Hinton, G. E.") == "G. E. Hinton" and person_name("Blei D M") == "D. M. Blei"
    assert same_person("Xia Fan", "Fan Xia") and not same_person("Ada Byron", "Ada Lovelace")


def test_the_course_table_spelling_wins_and_the_page_adds_people():
    assert merge_presenters(["Fan Xia"], ["Xia Fan"]) == ["Fan Xia"]
    assert merge_presenters(["Ada Byron"], ["Ada Byron", "Alan Turing"]) == ["Ada Byron", "Alan Turing"]


def test_hostile_sections_are_bounded():
    import time
    text = "=" + " " * 200_000 + "\n" + ("=Presented by=\n" + "a, " * 100_000)
    started = time.perf_counter()
    page_presenters(text)
    page_presenters("'''" * 100_000)
    assert time.perf_counter() - started < 2
