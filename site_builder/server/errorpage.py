"""The page served in place of every HTML page while the last build failed.

The message can quote scraped input, so everything is escaped; the page itself has
no script besides the live-reload one added like on any other page.
"""
from __future__ import annotations

from html import escape

from .state import BuildFailure

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed - site-builder</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }}
h1 {{ color: #b00020; font-size: 1.4rem; }}
pre {{ background: #f6f6f6; border-left: 4px solid #b00020; padding: 1rem; white-space: pre-wrap; overflow-wrap: anywhere; }}
</style>
</head>
<body>
<h1>Build failed</h1>
<pre class="build-error">{message}</pre>
{detail}<p>Fix the file and save it: this page reloads with the next good build.</p>
</body>
</html>
"""


def error_page(failure: BuildFailure) -> bytes:
    detail = f"<details><summary>Traceback</summary><pre>{escape(failure.detail)}</pre></details>\n" if failure.detail else ""
    return TEMPLATE.format(message=escape(failure.message), detail=detail).encode("utf-8")
