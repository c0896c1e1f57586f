"""`images: mirror` against a local image server: downloaded once, served from the site, offline after."""
from __future__ import annotations

import re
from urllib.parse import urlsplit
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.config import load_config
from site_builder.figures import mirror as mirror_module
from site_builder.net import Client
from site_builder.pipeline import MIRROR_FAILED, build

from ..http_server import FakeClock, Reply
from .images import GIF, SVG, png

RED = png(rgb=(200, 30, 30))


def image_routes(server) -> None:
    server.route("/img/red.png", Reply(200, RED, {"Content-Type": "image/png"}))
    server.route("/img/red-again.png", Reply(200, RED, {"Content-Type": "image/png"}))
    server.route("/img/dot.gif", Reply(200, GIF, {"Content-Type": "image/gif; charset=binary"}))
    server.route("/img/diagram.svg", Reply(200, SVG, {"Content-Type": "image/svg+xml"}))
    # a JPEG served under a wrong image type: the bytes decide the extension
    server.route("/img/photo", Reply(200, b"\xff\xd8\xff\xe0" + b"\0" * 64, {"Content-Type": "image/png"}))


def make_site(root: Path, server, body: str, config: str = "images: mirror\n") -> tuple[Path, Path]:
    content = root / "content"
    content.mkdir(parents=True)
    text = body.replace("SERVER", server.url("").rstrip("/"))
    (content / "figures.md").write_text(
        "---\ntitle: A Paper With Figures\nauthors: [Ada Quill]\nyear: 2019\ncontributor: tester\n---\n" + text,
        encoding="utf-8")
    (root / "site.yaml").write_text("search: false\nimages_max_mb: 1\n" + config, encoding="utf-8")
    return content, root / "site.yaml"


GOOD = """
![A red square](SERVER/img/red.png)

![](SERVER/img/dot.gif)

![A diagram](SERVER/img/diagram.svg) *The caption*

[![linked](SERVER/img/photo)](https://example.org/where)

Text with an inline ![same red](SERVER/img/red-again.png) image.
"""


@pytest.fixture
def no_sleep(monkeypatch):
    clock = FakeClock()
    real = mirror_module.make_client

    def fake(config):
        client = real(config)
        return Client(**{**{k: getattr(client, k) for k in ("default_interval", "retries", "contact", "max_bytes")},
                         "clock": clock, "sleep": clock.sleep, "timeout": 2})

    monkeypatch.setattr(mirror_module, "make_client", fake)
    return clock


def paper_html(out: Path) -> str:
    (page,) = (out / "papers").glob("*/index.html")
    return page.read_text(encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_figures_are_mirrored_and_served_from_the_site(tmp_path, fake_server, no_sleep):
    image_routes(fake_server)
    content, config_path = make_site(tmp_path, fake_server, GOOD)
    out = tmp_path / "out"
    report = build(content, out, load_config(config_path), tmp_path)
    assert not [w for w in report.render_warnings if w.startswith(MIRROR_FAILED)]
    figures = sorted(p.name for p in (out / "assets" / "figures").iterdir())
    assert sorted(f.rsplit(".", 1)[1] for f in figures) == ["gif", "jpg", "png", "svg"]  # red twice: one file
    assert all(re.fullmatch(r"[0-9a-f]{32}\.[a-z]+", f) for f in figures)
    png_name = next(f for f in figures if f.endswith(".png"))
    assert (out / "assets" / "figures" / png_name).read_bytes() == RED
    html = paper_html(out)
    assert "127.0.0.1" not in re.findall(r'<img src="([^"]*)"', html)[0]
    # an unlinked figure links its source; a linked one keeps its link; the inline image is local too
    assert f'<a href="{fake_server.url("/img/red.png")}" rel="nofollow ugc noopener"><img src="/assets/figures/{png_name}"' in html
    assert '<a href="https://example.org/where" rel="nofollow ugc noopener"><img src="/assets/figures/' in html
    assert all(src.startswith("/assets/figures/") for src in re.findall(r'<img src="([^"]*)"', html))
    assert len(fake_server.log) == 5  # each URL once
    # og:image points at the site's copy
    assert f'<meta property="og:image" content="http://localhost:8000/assets/figures/{png_name}">' in html


def test_a_warm_cache_needs_no_network(tmp_path, fake_server, no_sleep):
    image_routes(fake_server)
    content, config_path = make_site(tmp_path, fake_server, GOOD)
    config = load_config(config_path)
    first, second = tmp_path / "one", tmp_path / "two"
    build(content, first, config, tmp_path)
    fake_server.stop()  # nothing answers any more
    report = build(content, second, config, tmp_path, use_cache=False)
    assert report.render_warnings == [w for w in report.render_warnings if not w.startswith(MIRROR_FAILED)]
    assert tree(first) == tree(second)


def test_what_cannot_be_mirrored_stays_remote_with_a_warning(tmp_path, fake_server, no_sleep):
    fake_server.route("/img/page", Reply(200, "<html>login</html>", {"Content-Type": "text/html"}))
    fake_server.route("/img/lies.png", Reply(200, "<html>not a png</html>", {"Content-Type": "image/png"}))
    fake_server.route("/img/evil.svg", Reply(200, b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                                             {"Content-Type": "image/svg+xml"}))
    fake_server.route("/img/big.png", Reply(200, RED + b"\0" * (1024 * 1024 + 1), {"Content-Type": "image/png"}))
    body = "\n\n".join(f"![{n}](SERVER/img/{n})" for n in ("page", "lies.png", "evil.svg", "big.png", "gone.png"))
    content, config_path = make_site(tmp_path, fake_server, body)
    out = tmp_path / "out"
    report = build(content, out, load_config(config_path), tmp_path)
    failed = sorted(w for w in report.render_warnings if w.startswith(MIRROR_FAILED))
    assert len(failed) == 5 and all("the remote URL is kept" in w for w in failed)
    text = " ".join(failed)
    for words in ("served as text/html", "bytes are not an image", "not inert: it has an event handler",
                  "over the 1,048,576-byte limit", "HTTP 404"):
        assert words in text
    assert not (out / "assets" / "figures").exists()
    srcs = re.findall(r'<img src="([^"]*)"', paper_html(out))
    assert len(srcs) == 5 and all(s.startswith(fake_server.url("/img/")) for s in srcs)


def test_an_unreachable_host_is_not_asked_for_every_figure(tmp_path, fake_server, no_sleep):
    body = "\n\n".join(f"![f{i}](SERVER/img/f{i}.png)" for i in range(4))
    content, config_path = make_site(tmp_path, fake_server, body)
    fake_server.stop()
    report = build(content, tmp_path / "out", load_config(config_path), tmp_path)
    failed = [w for w in report.render_warnings if w.startswith(MIRROR_FAILED)]
    assert len(failed) == 4 and sum("could not be reached earlier in this build" in w for w in failed) == 3
    assert no_sleep.sleeps == [1.0, 2.0]  # one figure's retries, then the host is left alone


def test_link_mode_never_fetches(tmp_path, fake_server):
    image_routes(fake_server)
    content, config_path = make_site(tmp_path, fake_server, GOOD, config="")
    out = tmp_path / "out"
    build(content, out, load_config(config_path), tmp_path)
    assert fake_server.log == [] and not (out / "assets" / "figures").exists()
    assert fake_server.url("/img/red.png") in paper_html(out)


def test_cli_flag_sub_folder_and_retry_after_a_failure(tmp_path, fake_server, no_sleep):
    image_routes(fake_server)
    fake_server.route("/img/flaky.png", Reply(500), Reply(500), Reply(500), Reply(200, RED, {"Content-Type": "image/png"}))
    content, config_path = make_site(tmp_path, fake_server, GOOD + "\n\n![flaky](SERVER/img/flaky.png)\n", config="")
    out = tmp_path / "out"
    args = ["build", "--content", str(content), "--output", str(out), "--config", str(config_path),
            "--base-url", "https://example.org/sub/", "--mirror-images", "-q", "-j", "1"]
    assert main(args) == 0
    html = paper_html(out)
    assert '<img src="/sub/assets/figures/' in html and fake_server.url("/img/flaky.png") in html
    assert len(fake_server.hits("/img/flaky.png")) == 3
    # nothing changed, but a figure failed: the next build is not skipped as "unchanged", and tries it again
    assert main(args) == 0
    assert len(fake_server.hits("/img/flaky.png")) == 4
    assert fake_server.url("/img/flaky.png") not in re.findall(r'<img src="([^"]*)"', paper_html(out))
    assert len(fake_server.hits("/img/red.png")) == 1  # the rest came from the store


def test_the_failure_marker_is_shared():
    assert MIRROR_FAILED == mirror_module.FAILED


def test_an_edit_that_adds_a_figure_gets_it_mirrored(tmp_path, fake_server, no_sleep):
    from site_builder.incremental import Session

    image_routes(fake_server)
    content, config_path = make_site(tmp_path, fake_server, "![A red square](SERVER/img/red.png)\n")
    config = load_config(config_path)
    out = tmp_path / "out"
    session = Session(content, out, tmp_path)
    session.build(config)
    page = content / "figures.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n![dot](" + fake_server.url("/img/dot.gif") + ")\n",
                    encoding="utf-8")
    report = session.build(config)
    assert report.how.startswith("full build")  # the incremental path cannot copy a new figure in
    srcs = re.findall(r'<img src="([^"]*)"', paper_html(out))
    assert len(srcs) == 2 and all((out / s.lstrip("/")).is_file() for s in srcs)


def test_the_incremental_path_refuses_an_edit_that_adds_a_figure(tmp_path, fake_server, no_sleep):
    from site_builder.incremental import Session

    image_routes(fake_server)
    content, config_path = make_site(tmp_path, fake_server, "![A red square](SERVER/img/red.png)\n")
    config = load_config(config_path)
    session = Session(content, tmp_path / "out", tmp_path)
    session.build(config)
    assert session._new_figure("/assets/figures/" + "0" * 32 + ".png")
    (published,) = [p.name for p in (tmp_path / "out" / "assets" / "figures").iterdir()]
    assert not session._new_figure(f"/assets/figures/{published}")
    assert not session._new_figure("https://example.org/remote.png")


def test_wiki_file_figures_are_mirrored_from_the_wikis_upload_folder(tmp_path, fake_server, no_sleep):
    """A statwiki [[File:…]] figure: fetched from the wiki's images/h/hh/ folder, served from the site,
    its caption shown (thumb), its link the file's page on the wiki."""
    import html as html_module

    from site_builder.render.wiki.filepath import file_page_url, wiki_image_url

    base = fake_server.url("/w/")
    fake_server.route(urlsplit(wiki_image_url("Red square.png", base)).path, Reply(200, RED, {"Content-Type": "image/png"}))
    text = ("== Method ==\nThe model, drawn:\n[[File:Red square.png|thumb|center|The model at a glance]]\n"
            "and a figure that is gone: [[File:Missing one.png|frame|Gone]]\n")
    body = html_module.escape(text).replace("\n", "<br />")
    feed = (f"{base}api.php?action=feedcontributions header 2020-01-01T00:00:00Z MediaWiki "
            f"{base}index.php?title=cs999w19/Widget_Networks&diff=12 cs999w19/Widget Networks 2019-03-02T10:00:00Z "
            f"<p>Ed: edit</p> <hr /> <div>{body}</div> Ed")
    content = tmp_path / "content"
    content.mkdir()
    (content / "feed.txt").write_text(feed, encoding="utf-8")
    (tmp_path / "site.yaml").write_text("search: false\nimages: mirror\n", encoding="utf-8")
    out = tmp_path / "out"
    report = build(content, out, load_config(tmp_path / "site.yaml"), tmp_path)
    failed = [w for w in report.render_warnings if w.startswith(MIRROR_FAILED)]
    assert len(failed) == 1 and "Missing" in failed[0]  # the one the server does not have: stays remote
    (png_name,) = [p.name for p in (out / "assets" / "figures").iterdir()]
    assert (out / "assets" / "figures" / png_name).read_bytes() == RED
    html = paper_html(out)
    assert f'<img src="/assets/figures/{png_name}"' in html
    assert html_module.escape(file_page_url("Red square.png", base)) in html  # the figure links its page on the wiki
    assert "<figcaption>The model at a glance</figcaption>" in html
    assert html_module.escape(wiki_image_url("Missing one.png", base)) in html


@pytest.mark.parametrize("base, used", [
    ("https://a.example/w/", "https://a.example/w/"),
    ('https://evil.example/"><script>alert(1)</script>/', None),
    ("https://a.example/w?x=1/", None),
    ("https://a.example/w#frag/", None),
    ("http:///w/", None),
])
def test_a_wikis_base_is_taken_from_its_feed_only_when_it_is_a_plain_url(base, used):
    from site_builder.records import MARKUP_WIKITEXT, PaperMeta, SummaryRecord
    from site_builder.render.html import LinkContext
    from site_builder.render.summaries import wiki_base_of

    record = SummaryRecord(id="sw-1", source="statwiki", markup=MARKUP_WIKITEXT, body="x", origins=["f.txt"],
                           paper=PaperMeta(title="X"), source_url=f"{base}index.php?title=X")
    ctx = LinkContext()
    assert wiki_base_of(record, ctx) == (used or ctx.wiki_base)
