"""`images: mirror`: remote figures downloaded once into the build cache and served from the site.

sniff.py says what an image is from its bytes (output/svgsafe.py whether an SVG is inert
enough to serve, as for the content folder's), store.py keeps the downloads content-addressed in
`.site-builder-cache/images/`, mirror.py fetches what the store lacks (the only
network use of `build`, and only when asked), localize.py points the summaries' <img>
at `/assets/figures/<hash>.<ext>`; output/site.py copies those files into the site.
"""
