"""Is an SVG inert? Served from the site's own origin, an SVG opened as a page runs its scripts.

Parsed (defusedxml: no DTDs, no entities), then every element is checked. Refused:
<script>, <foreignObject> and embedding elements, any on* event attribute, any
href/xlink:href/src that is not a same-document "#fragment", animations that set an
href, style that imports or points url() outside the document, and stylesheet
processing instructions. Anything unparsable is refused too.
"""
from __future__ import annotations

import re

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from xml.etree.ElementTree import ParseError

SVG_NS = "{http://www.w3.org/2000/svg}"
_FORBIDDEN = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "canvas", "handler",
              "listener"}
_ANIMATION = {"set", "animate", "animatetransform", "animatemotion"}
_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.I)


def unsafe_reason(data: bytes) -> str | None:
    """Why this SVG may not be served, or None when it is inert."""
    if re.search(rb"<\?xml-stylesheet", data[:65536], re.I):
        return "it links a stylesheet"
    try:
        root = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        return f"it is not well-formed SVG ({type(exc).__name__})"
    if _local(root.tag) != "svg":
        return "its root element is not <svg>"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = _local(element.tag).lower()
        if name in _FORBIDDEN:
            return f"it contains <{name}>"
        for attr, value in element.attrib.items():
            key = _local(attr).lower()
            if key.startswith("on"):
                return f"it has an event handler ({key})"
            if key in ("href", "src") and not value.strip().startswith("#"):
                return f"it refers to {value.strip()[:60]!r}"
            if name in _ANIMATION and key == "attributename" and _local(value).lower() in ("href", "src"):
                return "an animation changes a link"
            if key == "style" and _external_style(value):
                return "its style refers outside the file"
        if name == "style" and _external_style("".join(element.itertext())):
            return "its style refers outside the file"
    return None


def _external_style(css: str) -> bool:
    if "@import" in css.lower() or "\\" in css:  # an escape could spell url( or @import
        return True
    return any(not target.startswith("#") for target in _URL.findall(css))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
