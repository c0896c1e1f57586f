"""Live reload over Server-Sent Events.

Every HTML response gets a small script (added in memory, never to the files on
disk) that opens an EventSource on EVENTS_PATH with the site version the page was
served from. The server sends `reload` as soon as the version differs, so a rebuild
that finished between page load and connect is not missed.
"""
from __future__ import annotations

import json
import re

EVENTS_PATH = "/__site-builder/events"
MARKER = "data-site-builder-live-reload"

SCRIPT = """<script {marker}>
(() => {{
  const source = new EventSource({url});
  source.addEventListener("reload", () => {{ source.close(); location.reload(); }});
}})();
</script>
"""

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def script(version: str) -> bytes:
    url = json.dumps(f"{EVENTS_PATH}?v={version}")
    return SCRIPT.format(marker=MARKER, url=url).encode("utf-8")


def inject(html: bytes, version: str) -> bytes:
    """`html` with the reload script before its last </body> (or at the end)."""
    tag = script(version)
    ends = list(_BODY_END.finditer(html))
    if not ends:
        return html + tag
    at = ends[-1].start()
    return html[:at] + tag + html[at:]


def event(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode("utf-8")
