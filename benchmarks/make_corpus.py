"""Write a deterministic benchmark corpus of N summaries, for site-builder and for Hugo.

    python benchmarks/make_corpus.py N DIR

DIR/site/   content/ in all three of our input formats + site.yaml (search off)
DIR/hugo/   the same summaries as plain Markdown pages of a minimal Hugo site
            with equivalent taxonomies (tags, years)

Every word comes from the word list below through a seeded random generator, so
the same N gives byte-identical files and nothing is copied from real summaries.
Mix (by summary number): 40 % Markdown records, 20 % ShortScience listings with
paper metadata, 10 % flattened ShortScience listings without it, 30 % statwiki
feed entries (a third of those pages also carry an older revision). Every
seventh Markdown record is a second summary of an earlier paper (shared papers).
"""
from __future__ import annotations

import argparse
import html
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

WORDS = """
model network layer training loss gradient weight bias input output feature
representation attention encoder decoder sequence token batch dataset sample
noise prior posterior likelihood estimate variance mean kernel convolution pool
residual depth width scale rate step update momentum optimiser schedule warmup
regularise dropout normalise embedding vector matrix tensor projection subspace
graph node edge message policy reward value agent environment state action
return baseline critic actor trajectory horizon discount search tree planning
language vision speech image pixel patch object region detection segmentation
translation generation sampling diffusion adversarial discriminator generator
latent code entropy divergence bound objective constraint margin ranking metric
accuracy precision recall benchmark ablation experiment result table figure
method approach idea argument proof lemma theorem claim assumption limitation
simple robust efficient sparse dense linear nonlinear stochastic deterministic
deep shallow large small fast slow stable unstable local global hidden visible
""".split()
TOPICS = ["cs.LG", "cs.CV", "cs.CL", "cs.AI", "stat.ML", "cs.NE", "cs.RO", "cs.IR"]
EXTRA_KEYWORDS = ["attention", "optimization", "generative", "reinforcement", "graphs", "robustness",
                  "normalization", "transformers", "vision", "theory", "sparsity", "retrieval"]
VENUES = ["Neural Information Processing Systems", "International Conference on Machine Learning",
          "International Conference on Learning Representations", "Computer Vision and Pattern Recognition",
          "Association for Computational Linguistics", "Journal of Machine Learning Research"]
FIRST = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Goran", "Hana", "Ivo", "Jun", "Kemal", "Lena",
         "Mira", "Noor", "Omar", "Pia", "Quinn", "Ravi", "Sara", "Tomas", "Uma", "Vera", "Wei", "Yara"]
LAST = ["Abbott", "Berg", "Castro", "Dietz", "Engel", "Fujita", "Garcia", "Haas", "Ito", "Jensen", "Kovac",
        "Lind", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Rossi", "Sato", "Tanaka", "Ueda",
        "Varga", "Weber", "Yilmaz", "Zhou", "Novak", "Silva", "Kim", "Park", "Singh"]
COURSES = ["stat946w18", "stat441w24", "stat940f21"]


@dataclass
class Paper:
    title: str
    authors: list[str]
    venue: str
    year: int
    keywords: list[str]
    arxiv: str


@dataclass
class Item:
    n: int
    kind: str  # markdown | ss-meta | ss-flat | statwiki
    paper: Paper
    body: str  # Markdown (flattened by the listing writer) or wikitext
    date: str
    contributor: str
    old_body: str | None = None  # an older statwiki revision
    extra: dict = field(default_factory=dict)


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def sentence(rng: random.Random) -> str:
    s = words(rng, rng.randint(8, 18))
    return s[0].upper() + s[1:] + "."


def paragraph(rng: random.Random, inline_math: bool = True) -> str:
    parts = [sentence(rng) for _ in range(rng.randint(2, 4))]
    if inline_math:
        k = rng.randrange(len(parts))
        var = rng.choice("xyzwhk")
        parts[k] = parts[k][:-1] + f" with ${var}_{{t+1}} = {var}_t - \\eta \\nabla L({var}_t)$."
    return " ".join(parts)


def make_paper(rng: random.Random, n: int) -> Paper:
    title = " ".join(w.capitalize() for w in words(rng, rng.randint(4, 8)).split()) + f" {n}"
    authors = sorted({f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 5))})
    year = rng.randint(2012, 2024)
    kw = sorted({rng.choice(TOPICS), rng.choice(TOPICS), rng.choice(EXTRA_KEYWORDS)})
    arxiv = f"{year % 100:02d}{rng.randint(1, 12):02d}.{10000 + n:05d}"
    return Paper(title, authors, rng.choice(VENUES), year, kw, arxiv)


def markdown_body(rng: random.Random, n: int, papers: list[Paper]) -> str:
    """4-6 KB of Markdown: headings, lists, inline and display math, code, links, an image."""
    out = [paragraph(rng)]
    sections = ["Idea", "Method", "Details", "Experiments", "Discussion", "Limitations"]
    for title in sections[: rng.randint(3, 5)]:
        out.append(f"### {title}")
        out.append(paragraph(rng))
        choice = rng.randrange(4)
        if choice == 0:
            out.append("\n".join(f"* {sentence(rng)}" for _ in range(rng.randint(3, 5))))
        elif choice == 1:
            out.append("\n".join(f"{i}. {sentence(rng)}" for i in range(1, rng.randint(3, 5))))
        elif choice == 2:
            out.append("$$\\mathcal{L}(\\theta) = \\sum_{i=1}^{N} \\log p_\\theta(y_i \\mid x_i) - "
                       f"\\lambda \\lVert \\theta \\rVert_{rng.randint(1, 2)}^2$$")
        else:
            var = rng.choice(["x", "h", "z"])
            out.append(f"```python\ndef step({var}, lr={rng.randint(1, 9)}e-3):\n"
                       f"    return {var} - lr * grad({var})\n```")
        if rng.random() < 0.5:
            out.append(paragraph(rng, inline_math=False))
    other = papers[rng.randrange(len(papers))] if papers else None
    if other is not None:
        out.append(f"Compare with [an earlier paper](https://arxiv.org/abs/{other.arxiv}) and "
                   f"the [project page](https://example.org/project/{n}).")
    out.append(f"![Figure {n}](https://example.org/figures/{n}.png)")
    body = "\n\n".join(out)
    while len(body.encode()) < 4096 + rng.randrange(1536):
        body += "\n\n" + paragraph(rng)
    return body


def flatten(md: str) -> str:
    """What a ShortScience scrape looks like: the newlines are gone."""
    return " ".join(line.strip() for line in md.splitlines() if line.strip())


def wikitext_body(rng: random.Random, n: int, papers: list[Paper]) -> str:
    out = ["= Presented by =", f"{rng.choice(FIRST)} {rng.choice(LAST)}", "= Introduction =", wiki_par(rng)]
    for title in ["Model", "Training", "Results", "Critique", "Related work"][: rng.randint(3, 5)]:
        out.append(f"== {title} ==")
        out.append(wiki_par(rng))
        if rng.random() < 0.5:
            out.append("\n".join(f"* {sentence(rng)}" for _ in range(rng.randint(2, 4))))
        else:
            out.append(":<math>\\hat{y} = \\operatorname{softmax}(W h + b)</math>")
        out.append(wiki_par(rng))
    other = papers[rng.randrange(len(papers))] if papers else None
    if other is not None:
        out.append(f"See the [https://arxiv.org/abs/{other.arxiv} arXiv page] of a related paper.")
    text = "\n".join(out)
    while len(text.encode()) < 4096 + rng.randrange(1536):
        text += "\n" + wiki_par(rng)
    return text


def wiki_par(rng: random.Random) -> str:
    s = " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))
    return s + f" The rate is <math>\\alpha_{rng.randint(1, 9)}</math> and '''{rng.choice(WORDS)}''' matters."


def make_items(n_items: int, seed: int = 6) -> list[Item]:
    rng = random.Random(seed)
    papers: list[Paper] = []
    items: list[Item] = []
    for n in range(n_items):
        slot = n % 10
        kind = "markdown" if slot < 4 else "ss-meta" if slot < 6 else "ss-flat" if slot == 6 else "statwiki"
        if kind == "markdown" and n % 7 == 0 and papers:
            paper = papers[rng.randrange(len(papers))]  # a second summary of a known paper
        else:
            paper = make_paper(rng, n)
            papers.append(paper)
        date = f"20{rng.randint(15, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        contributor = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if kind == "statwiki":
            body = wikitext_body(rng, n, papers)
            old = body[: len(body) // 2] if n % 3 == 0 else None
            items.append(Item(n, kind, paper, body, date, contributor, old))
        else:
            items.append(Item(n, kind, paper, markdown_body(rng, n, papers), date, contributor))
    return items


def yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def markdown_record(item: Item) -> str:
    p = item.paper
    front = [
        "---",
        f"title: {yaml_str(p.title)}",
        f"authors: [{', '.join(yaml_str(a) for a in p.authors)}]",
        f"venue: {yaml_str(p.venue)}",
        f"year: {p.year}",
        f"keywords: [{', '.join(p.keywords)}]",
        f"links: {{arxiv: \"https://arxiv.org/abs/{p.arxiv}\"}}",
        f"contributor: {yaml_str(item.contributor)}",
        f"date: {item.date}",
        "---",
    ]
    return "\n".join(front) + "\n" + item.body + "\n"


def listing_entry(item: Item, with_meta: bool) -> str:
    p = item.paper
    out = []
    if with_meta:
        authors = " and ".join(f"{a.split()[-1]}, {' '.join(a.split()[:-1])}" for a in p.authors)
        out += [p.title, "", authors, "", f"{p.venue} - {p.year} via Local arXiv", "",
                f"Keywords: {', '.join(p.keywords)}", "",
                f"**First published:** {p.year}/{p.arxiv[2:4]}/15 (a while ago)", "",
                f"**Abstract:** {p.title} is studied here.", "more", "less", ""]
    out += ["[link]", flatten(item.body) + " ![]() |", f"{item.n % 5} Comments", "|", ""]
    return "\n".join(out)


def statwiki_entry(item: Item, revision: int, body: str) -> str:
    course = COURSES[item.n % len(COURSES)]
    page = f"{course}/{item.paper.title}"
    url = f"http://wiki.example.edu/statwiki/index.php?title={page.replace(' ', '_')}&diff={revision}"
    escaped = html.escape(body, quote=True).replace("\n", "<br />")
    user = item.contributor.split()[0]
    return (f"{url} {page} {item.date}T12:00:00Z <p>{user}: /* Critique */</p> <hr /> "
            f"<div>{escaped}</div> {user}")


def write_site_inputs(items: list[Item], root: Path, npm_root: Path) -> None:
    content = root / "content"
    for sub in ("summaries", "shortscience", "statwiki"):
        (content / sub).mkdir(parents=True, exist_ok=True)
    groups: dict[str, list[Item]] = {"ss-meta": [], "ss-flat": [], "statwiki": []}
    for item in items:
        if item.kind == "markdown":
            (content / "summaries" / f"s{item.n:06d}.md").write_text(markdown_record(item), encoding="utf-8")
        else:
            groups[item.kind].append(item)
    for kind, members in groups.items():
        for start in range(0, len(members), 10):  # ten summaries per scraped file
            chunk = members[start:start + 10]
            if kind == "statwiki":
                head = ("http://wiki.example.edu/statwiki/api.php?action=feedcontributions&user=Bench&feedformat=atom "
                        "statwiki - User contributions [en] 2024-03-01T00:00:00Z User contributions MediaWiki 1.28.3")
                entries = []
                for it in chunk:
                    entries.append(statwiki_entry(it, 100000 + 2 * it.n + 1, it.body))
                    if it.old_body:
                        entries.append(statwiki_entry(it, 100000 + 2 * it.n, it.old_body))
                text = head + " " + " ".join(entries) + "\n"
                (content / "statwiki" / f"feed-{start // 10:05d}.txt").write_text(text, encoding="utf-8")
            else:
                text = "Welcome to ShortScience.org! |\n\n" + "\n".join(listing_entry(it, kind == "ss-meta") for it in chunk)
                (content / "shortscience" / f"{kind}-{start // 10:05d}.txt").write_text(text, encoding="utf-8")
    (root / "site.yaml").write_text(
        "title: Benchmark corpus\nbase_url: http://localhost:8000/\nsearch: false\n"
        f"mathjax:\n  npm_root: {yaml_str(str(npm_root))}\n", encoding="utf-8")


HUGO_CONFIG = """baseURL = "http://localhost:8000/"
title = "Benchmark corpus"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[taxonomies]
  tag = "tags"
  year = "years"
[pagination]
  pagerSize = 50
[markup.goldmark.renderer]
  unsafe = false
"""
HUGO_LAYOUTS = {
    "baseof.html": '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>'
                   '<body><header><a href="/">{{ site.Title }}</a> <a href="/tags/">tags</a> <a href="/years/">years</a></header>'
                   '<main>{{ block "main" . }}{{ end }}</main><footer>{{ len site.RegularPages }} summaries</footer></body></html>\n',
    # data-pagefind-*: what Pagefind indexes when run over Hugo's output (compare.py's search row):
    # the summary pages only, with a title, year, venue and topics, as site-builder's index has.
    "single.html": '{{ define "main" }}<article data-pagefind-body><h1 data-pagefind-meta="title">{{ .Title }}</h1>'
                   '<p>{{ delimit .Params.authors ", " }} · <span data-pagefind-filter="venue">{{ .Params.venue }}</span>'
                   '{{ range .Params.years }} <span data-pagefind-filter="year" data-pagefind-meta="year">{{ . }}</span>{{ end }}</p>'
                   '<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}" data-pagefind-filter="topic">{{ .LinkTitle }}</a></li>{{ end }}</ul>'
                   '{{ .Content }}</article>{{ end }}\n',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">'
                 '{{ .Title }}</a> {{ .Params.year }}<p>{{ .Summary | plainify | truncate 220 }}</p></li>{{ end }}</ul>'
                 '{{ template "_internal/pagination.html" . }}{{ end }}\n',
    "terms.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">'
                  '{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}\n',
    "home.html": '{{ define "main" }}<h1>{{ site.Title }}</h1><ul>{{ range first 12 site.RegularPages.ByDate.Reverse }}'
                 '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n',
}


def write_hugo_site(items: list[Item], root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = root / "layouts"
    layouts.mkdir(parents=True, exist_ok=True)
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    pages = root / "content" / "summaries"
    pages.mkdir(parents=True, exist_ok=True)
    for item in items:
        p = item.paper
        front = [
            "---", f"title: {yaml_str(p.title)}", f"date: {item.date}",
            f"authors: [{', '.join(yaml_str(a) for a in p.authors)}]", f"venue: {yaml_str(p.venue)}",
            f"tags: [{', '.join(yaml_str(k) for k in p.keywords)}]", f"years: [\"{p.year}\"]", "---",
        ]
        # Wikitext bodies go to Hugo as they are: Hugo has no wikitext renderer, only the size matters.
        (pages / f"s{item.n:06d}.md").write_text("\n".join(front) + "\n" + item.body + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of summaries")
    ap.add_argument("dir", type=Path, help="folder to write (replaced if it exists)")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--npm-root", type=Path, default=Path(__file__).resolve().parent.parent,
                    help="folder whose node_modules holds mathjax (default: this repository)")
    args = ap.parse_args(argv)
    if args.dir.exists():
        shutil.rmtree(args.dir)
    items = make_items(args.n, args.seed)
    write_site_inputs(items, args.dir / "site", args.npm_root.resolve())
    write_hugo_site(items, args.dir / "hugo")
    print(f"wrote {args.n} summaries to {args.dir}/site and {args.dir}/hugo")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
