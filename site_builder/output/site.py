"""Write the whole site: pages, JSON, static files. Atomically.

Everything goes into a staging folder beside the output folder; only when all of
it is written does the staging folder replace the output folder, so a failed or
killed build leaves the previous site as it was.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .. import __version__
from ..catalog import Catalog
from ..config import SiteConfig
from .api import api_files
from .filters import install as install_filters
from .assets import content_assets, mathjax_files, mathjax_urls, pygments_css, static_files
from .pages import Page, build_pages
from .theme import make_environment


@dataclass
class WriteStats:
    pages: int
    files: int


def url_helpers(config: SiteConfig):
    base_path = urlsplit(config.root_url).path or "/"

    def url(path: str) -> str:
        """A site path as a link: prefixed with the base URL's path (sub-folder hosting)."""
        if "://" in path:
            return path
        return base_path + path.lstrip("/")

    def canonical(path: str) -> str:
        return config.root_url + path.lstrip("/")

    return url, canonical


def render_pages(catalog: Catalog, config: SiteConfig, site_root: Path) -> dict[str, str]:
    """Output file -> HTML for every page of the site."""
    env = make_environment(site_root)
    url, canonical = url_helpers(config)
    env.globals.update(
        site=config,
        catalog=catalog,
        taxonomies=catalog.taxonomies,
        url=url,
        canonical=canonical,
        mathjax=mathjax_urls(config, url),
        generator=f"site-builder {__version__}",
    )
    install_filters(env, catalog, config)
    out: dict[str, str] = {}
    for page in build_pages(catalog, config):
        template = env.get_template(page.template)
        out[page.file] = template.render(page=page, **page.data)
    return out


def write_site(catalog: Catalog, config: SiteConfig, site_root: Path, output: Path, content: Path | None = None) -> WriteStats:
    html = render_pages(catalog, config, site_root)
    texts = {**html, **api_files(catalog), "assets/pygments.css": pygments_css()}
    copies = {**content_assets(content), **static_files(site_root), **mathjax_files(site_root, config)}
    copies = {k: v for k, v in copies.items() if k not in texts}

    output = output.resolve()
    staging = output.with_name(f".{output.name}.staging")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        for rel in sorted(texts):
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(texts[rel], encoding="utf-8")
        for rel in sorted(copies):
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(copies[rel], dest)
        swap_into_place(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteStats(pages=len(html), files=len(texts) + len(copies))


def swap_into_place(staging: Path, output: Path) -> None:
    """Replace `output` by `staging` with renames only (no half-written state)."""
    old = output.with_name(f".{output.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if output.exists():
        os.replace(output, old)
    os.replace(staging, output)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
