"""The JSON export's framing: one record per line, the same from text and from UTF-8 lines."""
import json

from site_builder.output.api import join_lines, record_line


def test_join_lines_frames_records_one_per_line():
    records = [{"id": "a", "title": "Über"}, {"id": "b"}, {"id": "c", "n": 3}]
    for n in range(len(records) + 1):
        lines = [record_line(r) for r in records[:n]]
        text = join_lines(lines)
        assert json.loads(text) == records[:n]
        assert text == ("[]\n" if n == 0 else "[\n" + ",\n".join(lines) + "\n]\n")
        if lines:  # kept encoded by an incremental rebuild: the same bytes
            assert join_lines([line.encode() for line in lines]) == text.encode()
