"""The development server over real HTTP on 127.0.0.1: types, folders, 404, traversal, reload."""
from __future__ import annotations

import threading
import time

import pytest

from site_builder.server.livereload import MARKER

from .conftest import NOTE, serving


def test_pages_and_assets_have_the_right_types(served_once):
    status, headers, body = served_once.request("/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert body.lower().startswith(b"<!doctype html>") and b"Learning to Count Pebbles" in body
    assert int(headers["content-length"]) == len(body)
    for path, kind in [("/assets/style.css", "text/css; charset=utf-8"),
                       ("/assets/site.js", "text/javascript; charset=utf-8"),
                       ("/assets/favicon.svg", "image/svg+xml; charset=utf-8"),
                       ("/api/papers.json", "application/json; charset=utf-8")]:
        status, headers, body = served_once.request(path)
        assert (status, headers["content-type"]) == (200, kind), path
        assert body == (served_once.output / path.lstrip("/")).read_bytes()  # only HTML is touched


def test_head_sends_headers_only(served_once):
    status, headers, body = served_once.request("/assets/style.css", method="HEAD")
    assert status == 200 and body == b""
    assert int(headers["content-length"]) == (served_once.output / "assets" / "style.css").stat().st_size


def test_folders_redirect_and_serve_their_index(served_once):
    status, headers, _ = served_once.request("/papers?page=2")
    assert status == 301 and headers["location"] == "/papers/?page=2"
    status, _, body = served_once.request("/papers/learning-to-count-pebbles/")
    assert status == 200 and b"Learning to Count Pebbles" in body


def test_missing_paths_get_the_site_404_page(served_once):
    status, headers, body = served_once.request("/no/such/page/")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert (served_once.output / "404.html").read_bytes().split(b"</body>")[0] in body


def test_no_way_out_of_the_output_folder(served_once):
    served = served_once
    tmp_path = served.output.parent
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    (served.output / "link.txt").symlink_to(secret)
    (served.output / "up").symlink_to(tmp_path)
    rel = secret.relative_to(served.output.parent).as_posix()
    for path in [f"/../{rel}", f"/%2e%2e/{rel}", f"/%2E%2E%2F{rel}", f"/assets/..%2f..%2f{rel}",
                 "/../../../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                 str(secret), "/" + str(secret), "/link.txt", "/up/secret.txt", "/..%5c" + rel]:
        status, _, body = served.request(path)
        assert status == 404, path
        assert b"TOP-SECRET-VALUE" not in body and b"root:" not in body, path


def test_reload_script_is_only_in_responses_never_on_disk(served_once):
    for path in ["/", "/papers/", "/no-such-page"]:
        assert MARKER.encode() in served_once.request(path)[2]
    assert MARKER.encode() not in served_once.request("/assets/site.js")[2]
    for file in served_once.output.rglob("*"):
        if file.is_file():
            assert MARKER.encode() not in file.read_bytes(), file


def test_editing_a_summary_sends_a_reload_and_serves_the_new_page(served):
    page = "/papers/learning-to-count-pebbles/"
    version = served.page_version(page)
    served.note.write_text(NOTE.format(extra="Then it counts them again, faster."), encoding="utf-8")
    started = time.monotonic()
    new_version = served.wait_for_reload(version)
    assert new_version != version
    assert time.monotonic() - started < 5
    status, _, body = served.request(page)
    assert status == 200 and b"counts them again, faster" in body
    assert "rebuilt in " in served.out.getvalue() and "(1 file changed)" in served.out.getvalue()


def test_a_burst_of_saves_is_one_rebuild(served):
    version = served.page_version()
    for i in range(5):
        (served.site / "content" / f"extra-{i}.md").write_text(
            NOTE.replace("Pebbles", f"Pebbles {i}").format(extra=""), encoding="utf-8")
    served.wait_for_reload(version)
    time.sleep(0.5)  # room for a second rebuild, which must not come
    lines = [l for l in served.out.getvalue().splitlines() if l.startswith("rebuilt")]
    assert lines == [lines[0]] and "(5 files changed)" in lines[0]


def test_a_build_error_is_shown_until_the_next_good_build(served):
    config = served.site / "site.yaml"
    good = config.read_text(encoding="utf-8")
    version = served.page_version()
    config.write_text(good + "title: [unclosed\n", encoding="utf-8")
    version = served.wait_for_reload(version)
    for path in ["/", "/papers/", "/missing"]:
        status, _, body = served.request(path)
        assert status == 500 and b"Build failed" in body, path
        assert b"site.yaml:4:" in body and b"invalid YAML" in body  # file and position
        assert MARKER.encode() in body  # so the page comes back by itself
    assert served.request("/assets/style.css")[0] == 200  # the last good files are still there
    config.write_text(good, encoding="utf-8")
    served.wait_for_reload(version)
    status, _, body = served.request("/")
    assert status == 200 and b"Build failed" not in body


def test_error_text_from_input_is_escaped(served):
    version = served.page_version()
    (served.site / "site.yaml").write_text("title: x\n'<script>alert(1)</script>': 1\n", encoding="utf-8")
    served.wait_for_reload(version)
    body = served.request("/")[2]
    assert b"unknown key &#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27;" in body
    assert b"<script>alert" not in body


def test_requests_during_a_rebuild_wait_for_it(tmp_path):
    with serving(tmp_path, build_delay=0.6) as s:
        version = s.page_version()
        s.note.write_text(NOTE.format(extra="A sentence added while serving."), encoding="utf-8")
        # The rebuild starts after the watcher and debounce fire; poll until it is under way.
        deadline = time.monotonic() + 5
        while not s.server.state.is_building and time.monotonic() < deadline:
            time.sleep(0.01)
        assert s.server.state.is_building
        results = []
        threads = [threading.Thread(target=lambda: results.append(s.request("/papers/learning-to-count-pebbles/")))
                   for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(status == 200 and b"A sentence added while serving." in body for status, _, body in results)
        assert s.wait_for_reload(version) != version


@pytest.mark.parametrize("name, body, expected", [
    ("404.html", "{% if %}", b"404.html:3: template error:"),  # a syntax error
    ("about.html", "{{ no_such_value }}", b"about.html:3: template error: &#x27;no_such_value&#x27; is undefined"),  # at render time
])
def test_a_template_error_names_the_template_and_line(served, name, body, expected):
    templates = served.site / "templates"
    templates.mkdir()
    version = served.page_version()
    (templates / name).write_text('{% extends "base.html" %}\n{% block content %}\n' + body + '\n{% endblock %}\n')
    served.wait_for_reload(version)
    status, _, page = served.request("/")
    assert status == 500 and expected in page and b"Traceback" not in page
