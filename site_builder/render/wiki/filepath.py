"""Where MediaWiki keeps pages and uploaded files, computed from their titles."""
from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

# statwiki runs with $wgCapitalLinks = false: its feed spells titles such as
# "stat946w18/..." and "File:mnist.png" with a lower-case first letter, which a wiki
# with capital links would never do. Its files are therefore stored (and hashed)
# under the name exactly as written. Set True for a wiki with MediaWiki's default.
CAPITAL_LINKS = False

# MediaWiki's wfUrlencode leaves these readable in URLs.
_URL_SAFE = ";:@$!*(),/"


def normalize_title(title: str) -> str:
    """A title as MediaWiki compares it: underscores are spaces, runs of space are one."""
    return re.sub(r"[\s_]+", " ", title).strip()


def db_key(title: str, capital_links: bool = CAPITAL_LINKS) -> str:
    """The stored form of a title: spaces become underscores."""
    key = normalize_title(title).replace(" ", "_")
    if capital_links and key:
        key = key[0].upper() + key[1:]
    return key


def wiki_image_url(name: str, wiki_base: str, *, capital_links: bool = CAPITAL_LINKS) -> str:
    """URL of an uploaded file: {base}images/{h}/{hh}/{Name}, h/hh from md5(Name)."""
    key = db_key(name, capital_links)
    digest = hashlib.md5(key.encode("utf-8")).hexdigest()
    return f"{wiki_base}images/{digest[0]}/{digest[:2]}/{quote(key, safe=_URL_SAFE)}"


def file_page_url(name: str, wiki_base: str, *, capital_links: bool = CAPITAL_LINKS) -> str:
    """The wiki's description page of an uploaded file."""
    return wiki_page_url("File:" + db_key(name, capital_links), wiki_base, capital_links=False)


def wiki_page_url(
    title: str, wiki_base: str, fragment: str = "", *, capital_links: bool = CAPITAL_LINKS
) -> str:
    """index.php?title=Page_title, with an optional #fragment."""
    url = f"{wiki_base}index.php?title={quote(db_key(title, capital_links), safe=_URL_SAFE)}"
    if fragment.strip():
        url += "#" + quote(db_key(fragment, False), safe=_URL_SAFE)
    return url
