"""A site's own templates/ and static/ files override the default theme by name."""
import subprocess
import sys
import zipfile

from site_builder.config import SiteConfig
from site_builder.pipeline import build
from tests.conftest import CONTENT, ROOT


def test_site_files_override_the_theme(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "about.html").write_text(
        '{% extends "base.html" %}{% block content %}<p id="own">Our own about page</p>{% endblock %}', encoding="utf-8")
    (tmp_path / "static" / "assets").mkdir(parents=True)
    (tmp_path / "static" / "assets" / "style.css").write_text("body { color: red; }\n", encoding="utf-8")
    (tmp_path / "static" / "extra.txt").write_text("kept\n", encoding="utf-8")
    out = tmp_path / "out"
    build(CONTENT, out, SiteConfig(), tmp_path)
    assert '<p id="own">Our own about page</p>' in (out / "about" / "index.html").read_text(encoding="utf-8")
    assert (out / "assets" / "style.css").read_text(encoding="utf-8") == "body { color: red; }\n"
    assert (out / "extra.txt").is_file()
    # Everything not overridden still comes from the default theme.
    assert (out / "assets" / "site.js").is_file()
    assert "breadcrumbs" in (out / "papers" / "index.html").read_text(encoding="utf-8")


def test_wheel_carries_the_default_theme(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("site_builder-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ["site_builder/_theme/templates/base.html", "site_builder/_theme/templates/paper.html",
                 "site_builder/_theme/static/assets/style.css", "site_builder/render/typeset.cjs", "site_builder/render/tex_safety.js"]:
        assert name in names
