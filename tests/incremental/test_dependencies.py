"""The indexes in the cache file (`site-builder build`) answer exactly as those in memory (the server)."""
from __future__ import annotations

from pathlib import Path

from site_builder.cache import CACHE_DIR
from site_builder.incremental import stored
from site_builder.incremental.persist import SESSION_NAME, restore

from .test_session import config, start


def test_the_stored_indexes_answer_as_the_ones_in_memory(site: Path) -> None:
    session = start(site, config())  # its cache file is written by the build; the session file here
    st = session.state
    stored.write_session(site / CACHE_DIR / SESSION_NAME, st, site / "content", site / "out")
    taken = restore(site / "content", site / "out", site, config(), 1)
    assert taken is not None
    try:
        indexed, from_file = st.dependencies(), taken.state.dependencies()
        identities = sorted(set(st.kept["world"].keys.values()))
        asked = 0
        for key in identities:
            wanted = [key]
            steps = indexed.steps_of(wanted)
            assert from_file.steps_of(wanted) == steps
            assert from_file.readers_of(steps) == indexed.readers_of(steps)
            assert from_file.pages_showing(wanted) == indexed.pages_showing(wanted)
            asked += bool(steps)
        assert asked > len(identities) // 2  # most objects are read by some page: the answers are not all empty
        everything = identities[::3]
        assert from_file.steps_of(everything) == indexed.steps_of(everything)
        assert from_file.pages_showing(everything) == indexed.pages_showing(everything)
    finally:
        taken.state.close()


def test_readers_kept_compact_answer_as_sets() -> None:
    from site_builder.incremental.dependencies import Dependencies

    table = [(("obj", ("S", "a")), "v0"), (("obj", ("S", "b")), "v1"), (("obj", ("S", "a")), "v2")]
    deps = Dependencies(table, {"p1": ("base", frozenset({0, 1})), "p2": ("base", frozenset({1, 2}))}, [], {})
    assert deps.steps_of([("S", "a")]) == {0, 2} and deps.readers_of({1}) == {"p1", "p2"}
    assert deps.readers_of({0, 2}) == {"p1", "p2"}
    deps.remove_page("p1", {0, 1})  # a step left with no reader is no longer live
    assert deps.steps_of([("S", "a")]) == {2} and deps.readers_of({1}) == {"p2"}
    deps.add_page("p1", {0})
    deps.add_page("p1", {0})  # twice: still one reader
    assert deps.readers_of({0}) == {"p1"}
    table.append((("obj", ("S", "a")), "v3"))
    deps.index_steps()
    deps.add_page("p3", {3})
    assert deps.steps_of([("S", "a")]) == {0, 2, 3} and deps.readers_of({3}) == {"p3"}
