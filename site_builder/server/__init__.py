"""`site-builder serve`: a local HTTP server for the built site that rebuilds on edits.

paths.py      map a request path to a file inside the output folder, or refuse
state.py      build gate (requests wait for a rebuild), generation counter, last error
rebuild.py    one rebuild: call the pipeline, catch and describe errors, print a line
watch.py      watchfiles threads + a debounce queue feeding the rebuild loop
livereload.py the Server-Sent Events endpoint's script, injected into HTML in memory
errorpage.py  the page shown instead of every HTML page while the last build failed
handler.py    the request handler
app.py        ties them together: bind, first build, watch, serve, stop
"""
from .app import DevServer

__all__ = ["DevServer"]
