"""Compare reference-string parsers on the self-citations the catalog finds in a content folder.

    python benchmarks/identity_report.py ../shared/seeds --compare \\
        [--refextract-python /path/to/venv-with-refextract/bin/python]

For each paper whose summary cites itself, the citation string is given to
  * ours: site_builder.catalog.citations.parse (which knows the paper's title), and
  * refextract (INSPIRE's reference extractor, extract_references_from_string), run in the
    Python given (refextract pulls in ~90 MB of dependencies, so it is not a project
    dependency: install it in a separate virtualenv).
Each is scored against EXPECTED: the family name of the first author, the number of
authors and the year, as we read them off each citation by hand (only for the seed pages;
other content is reported without a score).
"""
from __future__ import annotations

import json
import subprocess
import sys
import unicodedata

from site_builder.catalog import selfcite
from site_builder.catalog.citations import parse

# paper title (normalised) -> (first author's family name, number of authors, year)
EXPECTED = {
    "a neural representation of sketch drawings": ("ha", 2, 2018),
    "do deep neural networks suffer from crowding": ("volokitin", 3, 2017),
    "dynamic routing between capsules": ("sabour", 3, 2017),
    "implicit causal models for genome wide association studies": ("tran", 2, 2017),
    "improving gans using optimal transport": ("salimans", 4, 2018),
    "marrnet 3d shape reconstruction via 2 5d sketches": ("wu", 6, 2017),
    "maskrnn instance level video object segmentation": ("hu", 3, 2017),
    "multi scale dense networks for resource efficient image classification": ("huang", 6, 2018),
    "neural audio synthesis of musical notes with wavenet autoencoders": ("engel", 7, 2017),
    "on the convergence of adam and beyond": ("reddi", 3, 2018),
    "one shot imitation learning": ("duan", 8, 2017),
    "rethinking the smaller norm less informative assumption in channel pruning of convolutional layers": ("ye", 4, 2018),
    "self normalizing neural networks": ("klambauer", 4, 2017),
    "synthetic and natural noise both break neural machine translation": ("belinkov", 2, 2017),
    "tensorized lstms": ("he", 6, 2017),
    "understanding image motion with group representations": ("jaegle", 1, 2018),
    "wasserstein auto encoders": ("tolstikhin", 4, 2017),
}

REFEXTRACT = r"""
import json, sys
from refextract import extract_references_from_string
out = []
for ref in json.load(sys.stdin):
    got = extract_references_from_string(ref, is_only_references=True)
    out.append(got[0] if got else {})
json.dump(out, sys.stdout)
"""


def key(title: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in title.lower()).split())


def family(name: str) -> str:
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    name = name.replace(",", " ").replace(".", " ").split()
    return name[-1] if name else ""


def citations(catalog) -> list[tuple[str, str]]:
    """(paper title, the citation line the catalog used) for every self-cited paper."""
    out = []
    for p in catalog.papers:
        if p.meta.sources.get("authors") != "self-citation":
            continue
        for s in p.summaries:
            for unit in selfcite.units(s.record.body):
                cite = parse(unit, p.title) if len(unit) < 2000 else None
                if cite is not None and cite.authors == p.meta.authors:
                    out.append((p.title, unit))
                    break
            else:
                continue
            break
    return out


def score(title: str, authors: list[str], year) -> tuple[bool, bool] | None:
    exp = EXPECTED.get(key(title)) or next((v for k, v in EXPECTED.items() if k in key(title)), None)
    if exp is None:
        return None
    ok_authors = bool(authors) and family(authors[0]) == exp[0] and len(authors) == exp[1]
    return ok_authors, year == exp[2]


def refextract_authors(ref: dict) -> list[str]:
    """refextract gives the author string as one piece; split it the plain way."""
    raw = " ".join(ref.get("author", []))
    raw = raw.replace(" & ", ", ").replace(" and ", ", ")
    return [a.strip() for a in raw.split(",") if a.strip() and not a.strip().endswith(".") or len(a.strip()) > 3]


def compare(catalog, python: str | None = None) -> None:
    pairs = citations(catalog)
    refs = [line for _, line in pairs]
    theirs: list[dict] = []
    python = python or next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--refextract-python=")), None)
    if python:
        done = subprocess.run([python, "-c", REFEXTRACT], input=json.dumps(refs), capture_output=True, text=True)
        theirs = json.loads(done.stdout) if done.returncode == 0 else []
        if done.returncode:
            print("refextract failed:", done.stderr[-500:])
    totals = {"ours": [0, 0, 0], "refextract": [0, 0, 0]}
    print(f"\n{'paper':60} {'ours: authors/year/title':26} refextract: authors/year/title")
    for i, (title, line) in enumerate(pairs):
        ours = parse(line, title)
        s1 = score(title, ours.authors, ours.year)
        row = [f"{title[:58]:60}"]
        if s1 is None:
            continue
        totals["ours"][0] += s1[0]
        totals["ours"][1] += s1[1]
        totals["ours"][2] += 1  # the title is given to ours: it is always "found"
        row.append(f"{'ok' if s1[0] else '--'} / {'ok' if s1[1] else '--'} / ok")
        if theirs:
            r = theirs[i]
            years = r.get("year", [])
            s2 = score(title, refextract_authors(r), int(years[0]) if years else None)
            found_title = any(key(t) == key(title) or key(title) in key(t) for t in r.get("title", []))
            totals["refextract"][0] += s2[0]
            totals["refextract"][1] += s2[1]
            totals["refextract"][2] += found_title
            row.append(f"{'':14}{'ok' if s2[0] else '--'} / {'ok' if s2[1] else '--'} / {'ok' if found_title else '--'}")
        print(" ".join(row))
    n = sum(1 for t, _ in pairs if score(t, ["x"], 0) is not None)
    for name, (a, y, t) in totals.items():
        if name == "refextract" and not theirs:
            print("refextract: not run (give --refextract-python=PATH to a Python that has it)")
            continue
        print(f"{name:11} authors right {a}/{n}, year right {y}/{n}, title found {t}/{n}")
