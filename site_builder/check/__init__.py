"""Checks of a built site, used by `site-builder check` and by the test-suite alike.

links.py  every internal URL (links, images, scripts, canonical and og: URLs) names a file of
          the output, and every #fragment an id of that page
feeds.py  every .xml file is well-formed; Atom feeds have what readers need and their entries
          link to pages that exist; the sitemap lists pages that exist
html.py   the W3C Nu HTML Checker (vnu.jar from npm, on the machine's Java), when both are there

Each returns how much it checked and its problems, one line each, naming the page and the target.
"""
