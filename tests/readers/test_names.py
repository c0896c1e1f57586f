from site_builder.readers.names import display_name, last_first, parse_authors


def test_last_first_lists_become_display_names():
    assert parse_authors("Doe, Jane and Müller, Jürgen A. and Roe, Richard") == ["Jane Doe", "Jürgen A. Müller", "Richard Roe"]


def test_first_last_lists_are_kept():
    assert parse_authors("Jane Doe and Ana  María López") == ["Jane Doe", "Ana María López"]


def test_particles_in_family_names_are_kept_for_sorting():
    assert display_name("van der Berg, Anna") == "Anna van der Berg"
    assert last_first("Anna van der Berg") == "van der Berg, Anna"
    assert last_first("Plato") == "Plato"
