"""What the content folder may publish: no symlink out of it, only the listed file types,
SVG only without script; and an unreadable file, folder or special file costs only itself."""
from __future__ import annotations

import os
import pathlib
from pathlib import Path

import pytest

from site_builder.config import SiteConfig
from site_builder.output.assets import CONTENT_ASSET_SUFFIXES
from site_builder.pipeline import build
from tests.conftest import ROOT
from tests.robustness.inputs import md_record

GOOD = md_record("A Good Paper", "A good summary with a figure ![f](figures/ok.svg).", year="2020")
SAFE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
            '<defs><circle id="c" r="4"/></defs><use xlink:href="#c"/><a href="#top"><text>t</text></a>'
            '<style>circle { fill: red }</style></svg>')
BAD_SVGS = {
    "script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "namespaced-script": '<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:script>alert(1)</s:script></s:svg>',
    "onload": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "javascript-href": '<svg xmlns="http://www.w3.org/2000/svg"><a href=" JavaScript:alert(1)"><text>x</text></a></svg>',
    "xlink-javascript": ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                         '<a xlink:href="javascript:alert(1)"><text>x</text></a></svg>'),
    "external-use": '<svg xmlns="http://www.w3.org/2000/svg"><use href="https://evil.example/x.svg#a"/></svg>',
    "external-image": '<svg xmlns="http://www.w3.org/2000/svg"><image href="//evil.example/p.png"/></svg>',
    "css-import": '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/a.css);</style></svg>',
    "css-url": '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(https://evil.example/x)"/></svg>',
    "foreign-object": ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">'
                       '<iframe src="x"/></div></foreignObject></svg>'),
    "set-href": ('<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" to="javascript:alert(1)"/>'
                 '<text>x</text></a></svg>'),
    "stylesheet-pi": '<?xml-stylesheet href="https://evil.example/s.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    "entity-bomb": ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
                    '<svg xmlns="http://www.w3.org/2000/svg"><text>&d;&d;&d;&d;</text></svg>'),
    "external-entity": ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'),
    "not-xml": '<svg xmlns="http://www.w3.org/2000/svg"><g></svg>',
    "html-in-svg": '<svg xmlns="http://www.w3.org/2000/svg"><iframe xmlns="http://www.w3.org/1999/xhtml" src="x"/></svg>',
}


def make_content(root: Path) -> Path:
    content = root / "content"
    (content / "figures").mkdir(parents=True)
    (content / "good.md").write_text(GOOD, encoding="utf-8")
    (content / "figures" / "ok.svg").write_text(SAFE_SVG, encoding="utf-8")
    (content / "figures" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return content


def run_build(content: Path, out: Path):
    config = SiteConfig(title="Files")
    config.search = False
    config.mathjax.self_host = False
    return build(content, out, config, ROOT, use_cache=False)


def messages(report) -> list[str]:
    return [str(d) for d in report.diagnostics]


def test_symlinks_that_leave_the_content_folder_are_not_followed(tmp_path):
    content = make_content(tmp_path)
    secret = tmp_path / "private"
    secret.mkdir()
    (secret / "diary.md").write_text(md_record("My Private Diary", "Secret text."), encoding="utf-8")
    (secret / "id.png").write_bytes(b"\x89PNG secret")
    os.symlink(secret / "diary.md", content / "diary.md")
    os.symlink(secret / "id.png", content / "figures" / "id.png")
    os.symlink(secret, content / "linked-folder")
    os.symlink(content / "good.md", content / "alias.md")  # inside the content folder: followed
    os.symlink(content, content / "figures" / "loop")  # a loop inside: walked once
    out = tmp_path / "site"
    report = run_build(content, out)
    published = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert not any("diary" in p or "id.png" in p or "linked-folder" in p for p in published), published
    assert "Secret text" not in "".join(p.read_text(errors="replace") for p in out.rglob("*.html"))
    assert {"figures/ok.svg", "figures/photo.png"} <= published
    found = messages(report)
    for name in ("diary.md", "figures/id.png", "linked-folder"):
        assert any(m.startswith(f"{name}: warning: symlink") and "leaves the content folder" in m for m in found), found
    assert (out / "papers" / "a-good-paper" / "index.html").is_file()


@pytest.mark.parametrize("kind", list(BAD_SVGS))
def test_unsafe_svg_is_refused_with_a_warning(tmp_path, kind):
    content = make_content(tmp_path)
    (content / "figures" / "bad.svg").write_text(BAD_SVGS[kind], encoding="utf-8")
    out = tmp_path / "site"
    report = run_build(content, out)
    assert not (out / "figures" / "bad.svg").exists()
    assert (out / "figures" / "ok.svg").read_text(encoding="utf-8") == SAFE_SVG
    assert any(m.startswith("figures/bad.svg: warning: SVG") for m in messages(report)), messages(report)


def test_only_the_listed_file_types_are_published(tmp_path):
    content = make_content(tmp_path)
    for name in ("page.html", "tool.js", "run.php", "style.css", "doc.pdf"):
        (content / name).write_text("x")
    out = tmp_path / "site"
    run_build(content, out)
    assert (out / "doc.pdf").is_file()
    for name in ("page.html", "tool.js", "run.php", "style.css"):
        assert not (out / name).exists(), name
    assert ".js" not in CONTENT_ASSET_SUFFIXES and ".svg" in CONTENT_ASSET_SUFFIXES


def test_a_fifo_in_the_content_folder_is_skipped_not_waited_on(tmp_path):
    content = make_content(tmp_path)
    os.mkfifo(content / "pipe.md")
    os.mkfifo(content / "figures" / "pipe.png")
    report = run_build(content, tmp_path / "site")
    found = messages(report)
    assert any(m.startswith("pipe.md: warning: not a regular file") for m in found), found
    assert (tmp_path / "site" / "papers" / "a-good-paper" / "index.html").is_file()


def test_unreadable_files_and_folders_cost_only_themselves(tmp_path, monkeypatch):
    """Tests run as root, who can read anything: the refusals are simulated where the reads happen."""
    content = make_content(tmp_path)
    (content / "locked.md").write_text(md_record("Locked", "Cannot be read."), encoding="utf-8")
    (content / "figures" / "locked.png").write_bytes(b"\x89PNG locked")
    (content / "closed").mkdir()
    (content / "closed" / "inside.md").write_text(md_record("Inside", "Behind a closed door."), encoding="utf-8")
    real_open, real_scandir = open, os.scandir

    def refuse(path):
        return os.fspath(path).endswith(("locked.md", "locked.png"))

    def fake_open(file, *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and refuse(file):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    def fake_scandir(path="."):
        if not isinstance(path, int) and os.fspath(path).endswith("closed"):  # (shutil.rmtree scans by fd)
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr("builtins.open", fake_open)
    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: (_ for _ in ()).throw(
        PermissionError(13, "Permission denied", str(self))) if refuse(self) else real_open(self, "rb").read())
    monkeypatch.setattr(os, "scandir", fake_scandir)
    out = tmp_path / "site"
    report = run_build(content, out)
    found = messages(report)
    assert any(m.startswith("locked.md: error: cannot be read: Permission denied") for m in found), found
    assert any(m.startswith("figures/locked.png: warning: cannot be read: Permission denied") for m in found), found
    assert any(m.startswith("closed: warning: folder cannot be read: Permission denied") for m in found), found
    assert (out / "papers" / "a-good-paper" / "index.html").is_file() and (out / "figures" / "photo.png").is_file()
    assert not (out / "figures" / "locked.png").exists()
