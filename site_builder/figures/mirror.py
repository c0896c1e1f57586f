"""Download the remote figures the store lacks: the only network use of `build`, and only with `images: mirror`.

Each URL is fetched once (then served from the store), politely (net.Client: one
request at a time per host, a pause between them, retries, timeouts), and kept only
when the server calls it `image/*`, its bytes sniff as an image type we serve, it is
under `images_max_mb`, and (for SVG) it is inert. A figure that fails keeps its remote
URL and gives a warning; a host that cannot be reached is not asked again in the build.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from ..config import SiteConfig
from ..net import Client, FetchError, host_of
from ..output.svgsafe import svg_problem
from .sniff import sniff
from .store import ImageStore, store_dir

FIGURE_DIR = "assets/figures"
FAILED = "figure not mirrored"  # every mirroring warning starts so (pipeline.py: such a build is not "unchanged")
HOST_INTERVAL = 0.2  # seconds between two downloads from one host


def is_remote(url: str) -> bool:
    return url.lower().startswith(("http://", "https://", "//"))


def make_client(config: SiteConfig) -> Client:
    """The downloader (a seam: tests give it a fake clock)."""
    return Client(default_interval=HOST_INTERVAL, retries=2, contact=config.enrich.mailto,
                  max_bytes=config.images_max_mb * 1024 * 1024)


def mirror(urls: Iterable[str], config: SiteConfig, site_root: Path,
           advance: Callable[[int], None] | None = None) -> tuple[dict[str, str], list[str]]:
    """Remote URL -> stored file name for every figure that is (or now gets) mirrored; and warnings."""
    store = ImageStore(store_dir(site_root))
    found: dict[str, str] = {}
    todo: list[str] = []
    for url in dict.fromkeys(urls):
        if not is_remote(url):
            continue
        name = store.lookup(url)
        if name is not None:
            found[url] = name
        else:
            todo.append(url)
    warnings: list[str] = []
    if todo:
        client = make_client(config)
        unreachable: dict[str, str] = {}
        for url in todo:
            host = host_of(_absolute(url))
            if host in unreachable:
                warnings.append(f"{FAILED}: {url}: {unreachable[host]} earlier in this build; the remote URL is kept")
            else:
                name, problem = _fetch(client, url, store, config.images_max_mb * 1024 * 1024)
                if name is not None:
                    found[url] = name
                else:
                    warnings.append(f"{FAILED}: {url}: {problem}; the remote URL is kept")
                    if problem.startswith(("connection", "host not found", "timed out")):
                        unreachable[host] = f"{host} could not be reached"
            if advance is not None:
                advance(1)
        store.save()
    return found, warnings


def _fetch(client: Client, url: str, store: ImageStore, limit: int) -> tuple[str | None, str]:
    try:
        response = client.get(_absolute(url), accept="image/*", max_bytes=limit)
    except FetchError as exc:
        return None, exc.reason
    served_as = response.content_type or "no type"
    if not served_as.startswith("image/"):
        return None, f"served as {served_as}, not as an image"
    ext = sniff(response.body)
    if ext is None:
        return None, f"served as {served_as} but its bytes are not an image type the site serves"
    if ext == "svg":
        problem = svg_problem(response.body)  # the content folder's SVGs pass the same check
        if problem:
            return None, f"an SVG that is not inert: it {problem}"
    return store.add(url, response.body, ext), ""


def _absolute(url: str) -> str:
    return "https:" + url if url.startswith("//") else url
