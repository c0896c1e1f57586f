"""Folder.stage and the export's splice write files whose blocks are allocated before the rename."""
from __future__ import annotations

import os

from site_builder.incremental.stored import _Splice
from site_builder.output.confine import Folder, preallocate


def test_staged_bytes_are_exact(tmp_path):
    folder = Folder(tmp_path)
    for data in (b"", b"x", b"<p>page</p>\n" * 5000):
        tmp, dest = folder.stage("page.html", data)
        os.replace(tmp, dest)
        assert (tmp_path / "page.html").read_bytes() == data


def test_preallocate_gives_the_size_and_no_other_bytes(tmp_path):
    path = tmp_path / "f"
    with open(path, "wb") as f:
        preallocate(f.fileno(), 10_000)
        f.write(b"y" * 10_000)
    assert path.read_bytes() == b"y" * 10_000


def test_splice_output_is_the_source_with_its_ranges_replaced(tmp_path):
    source = tmp_path / "summaries.json"
    lines = [b'{"id": "%d", "text": "%s"}' % (i, b"w" * (i * 37 % 500)) for i in range(400)]
    body = b"[\n" + b",\n".join(lines) + b"\n]\n"
    source.write_bytes(body)
    offset = body.index(lines[123])
    longer, shorter = b'{"id": "123", "text": "a longer line than before: ' + b"z" * 900 + b'"}', b'{"id": "7"}'
    second = body.index(lines[7])
    changes = sorted([(second, len(lines[7]), shorter), (offset, len(lines[123]), longer)])
    splice = _Splice(source, changes)
    tmp, dest = Folder(tmp_path).stage("out.json", splice)
    expected = body.replace(lines[123], longer).replace(lines[7], shorter)
    assert open(tmp, "rb").read() == expected == bytes(splice)
