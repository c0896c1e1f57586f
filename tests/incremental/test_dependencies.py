"""The one-pass Scan (`site-builder build`) answers exactly as the indexes (the server) do."""
from __future__ import annotations

from pathlib import Path

from site_builder.incremental.dependencies import Dependencies, Scan

from .test_session import config, start


def test_scan_answers_as_the_indexes(site: Path) -> None:
    session = start(site, config())
    st = session.state
    where_of = session._maps(st)[1]

    def args():
        return (st.cache.new["page_steps"], st.cache.new["pages"],
                ((where_of[p.path], p) for p in st.kept["pages"]), st.kept["world"].keys)

    indexed, scan = Dependencies(*args()), Scan(*args())
    keys = st.kept["world"].keys
    identities = sorted(set(keys.values()))
    asked = 0
    for key in identities:
        wanted = [key]
        steps = indexed.steps_of(wanted)
        assert scan.steps_of(wanted) == steps
        assert scan.readers_of(steps) == indexed.readers_of(steps)
        assert scan.pages_showing(wanted) == indexed.pages_showing(wanted)
        asked += bool(steps)
    assert asked > len(identities) // 2  # most objects are read by some page: the answers are not all empty
    everything = identities[::3]
    assert scan.steps_of(everything) == indexed.steps_of(everything)
    assert scan.pages_showing(everything) == indexed.pages_showing(everything)
