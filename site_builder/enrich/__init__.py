"""`site-builder enrich`: look papers up in public scholarly APIs, once, and write the answers down.

The catalog is built offline (the same readers and merge as `build`); each paper that
lacks a year, authors, a venue or an identifier is looked up: arXiv for arXiv ids
(wanted.py, arxiv.py), OpenAlex for DOIs and titles (openalex.py), and a title-search
hit is taken only when its title really is the paper's (titles.py). What was found is
written to `content/papers.enriched.yaml` (store.py) for the user to review and commit;
every later build reads that file and needs no network. run.py ties them together.
"""
