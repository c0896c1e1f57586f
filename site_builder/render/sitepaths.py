"""Root-relative links in summaries ("/images/x.svg", a wiki link resolved to
"/papers/y/") point into this site, which may be hosted under a sub-folder: they
get the base URL's path, as the templates' url() gives every other link."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

# Inside a tag only: text never holds a raw "<", so a match is a real attribute.
_ROOT_RELATIVE = re.compile(r'(<[a-zA-Z][a-zA-Z0-9]*\s[^<>]*?\b(?:href|src)=")/(?!/)')


def base_path(root_url: str) -> str:
    return urlsplit(root_url).path or "/"


def under_base_path(html: str, path: str) -> str:
    if path == "/":
        return html
    return _ROOT_RELATIVE.sub(lambda m: m.group(1) + path, html)
