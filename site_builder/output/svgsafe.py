"""Is an SVG from the content folder safe to publish? Parsed, never pattern-matched.

An SVG opened on its own (its URL, not an <img>) runs its scripts with the site's
origin, so one is published only when it holds no script, no event handler, no
`javascript:` URL, no reference to anything outside itself (href other than a
`#fragment`, CSS `url(...)` or `@import`, an xml-stylesheet instruction), no
foreignObject (HTML inside) and no HTML elements. The parser is defusedxml with
DTDs forbidden: no entity expansion bombs, no external entities.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException, DTDForbidden

SVG_NS = "http://www.w3.org/2000/svg"
_FORBIDDEN = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener", "audio", "video"}
# A backslash counts too: a CSS escape can spell either ("\\75rl(" is "url(").
_CSS_OUTSIDE = re.compile(r"@import|url\(\s*['\"]?\s*(?!#)|\\", re.I)
_SPACE = re.compile(r"[\x00-\x20]+")


def _local(name: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag or attribute name."""
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ns, local
    return "", name


def svg_problem(data: bytes) -> str | None:
    """Why this SVG must not be published (a phrase), or None when it is safe."""
    if b"<?xml-stylesheet" in data:
        return "has an xml-stylesheet instruction (a reference outside itself)"
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DTDForbidden:
        return "has a DOCTYPE (its entities could expand without end or read other files)"
    except (DefusedXmlException, ET.ParseError, ValueError) as exc:
        return f"is not well-formed XML ({exc})"
    if _local(root.tag) != (SVG_NS, "svg"):
        return "is not an <svg> document"
    for el in root.iter():
        ns, tag = _local(el.tag)
        if ns not in (SVG_NS, "") or tag.lower() in _FORBIDDEN:
            return f"has a <{tag}> element"
        if tag == "style" and _CSS_OUTSIDE.search(el.text or ""):
            return "has a stylesheet that loads something outside itself"
        for name, value in el.attrib.items():
            attr = _local(name)[1].lower()
            plain = _SPACE.sub("", value).lower()
            if attr.startswith("on"):
                return f"has an event handler ({attr})"
            if "javascript:" in plain or "vbscript:" in plain:
                return "has a javascript: URL"
            if attr == "href" and not value.strip().startswith("#"):
                return f"refers to {value.strip()[:60]!r} outside itself"
            if attr == "attributename" and (plain.rpartition(":")[2] in ("href", "src") or plain.startswith("on")):
                return f"animates its {value.strip()} attribute"
            if attr == "style" and _CSS_OUTSIDE.search(value):
                return "has a style that loads something outside itself"
    return None
