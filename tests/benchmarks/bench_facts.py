"""The filter tokens on facts (author:, cat:, year:, has:arxiv) on a generated library:
`uv run python -m tests.benchmarks.bench_facts [--sizes 10000,100000]`.

The papers of bench_query.generate, 60% of them given what a source gives (3-8 authors, some
names accented, an arXiv id, a date in 2019-2025, 1-3 categories); prints ms per query, cold
(caches cleared) and per keystroke while a token is typed. Budget as bench_query's: a keystroke
<= 30 ms at 10,000 papers, <= 100 ms at 100,000.
"""

from __future__ import annotations

import argparse
import random
import statistics
from dataclasses import replace

from storage.model.records import Entry
from storage.search.index import SearchIndex
from storage.search import matching
from tests.benchmarks.bench_query import cold, generate, timed, typing

FIRST = "Ana Jonas Mei Rafael Priya Tomás Zoë Jürgen Łukasz Amara Kenji Olga Sven Inés Noam Ashish Grace Alan".split()
LAST = "Okafor Müller Chen Díaz Raman Novák Smith de·la·Cruz Kaiser Vaswani Hopper Turing Sato Ivanova Berg Gödel".split()
CATEGORIES = ["cs.LG", "cs.CL", "cs.CV", "cs.AI", "stat.ML", "math.OC", "cs.RO", "eess.SP", "q-bio.NC", "physics.comp-ph"]

QUERIES = {
    "author": "author:muller",
    "author, accented": "author:müller",
    "author, two words": 'author:"de la cruz"',
    "no such author": "author:zzxqv",
    "archive": "cat:cs",
    "category": "cat:cs.lg",
    "year": "year:2024",
    "year range": "year:2020..2022",
    "has:arxiv": "has:arxiv",
    "-has:arxiv": "-has:arxiv",
    "negated author": "-author:smith",
    "author + word": "author:chen learning",
    "cat + year + word": "cat:cs year:2023.. reinforcement",
}
TYPED = ("author:müller", "cat:cs.lg learning", "year:2024 author:chen")


def with_facts(entries: list[Entry], seed: int = 3) -> list[Entry]:
    rng = random.Random(seed)
    out = []
    for n, entry in enumerate(entries):
        if rng.random() >= 0.6:
            out.append(entry)
            continue
        authors = tuple(f"{rng.choice(FIRST)} {rng.choice(LAST).replace('·', ' ')}" for _ in range(rng.randint(3, 8)))
        year = rng.randint(2019, 2025)
        paper = replace(
            entry.paper,
            authors=authors,
            arxiv_id=f"{year % 100:02d}{rng.randint(1, 12):02d}.{n:05d}",
            published=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            categories=tuple(rng.sample(CATEGORIES, rng.randint(1, 3))),
        )
        out.append(Entry(paper, entry.shelf))
    return out


def run(size: int) -> None:
    entries = with_facts(generate(size))
    ms, index = timed(lambda: SearchIndex(entries))
    print(f"\n== {size:,} papers, {sum(1 for e in entries if e.paper.authors):,} with facts")
    print(f"build index            {ms:8.1f} ms")
    print(f"{'cold query':22s} {'ms':>8s}  results")
    matching._FOLDED_AUTHORS.clear()  # the first author: query after the library opens folds every name once
    ms, found = timed(lambda: index.search(QUERIES["author"]))
    print(f"{'author, first ever':22s} {ms:8.1f}  {len(found):>7,}   {QUERIES['author']}")
    for label, query in QUERIES.items():
        ms, found = cold(index, query)
        print(f"{label:22s} {ms:8.1f}  {found:>7,}   {query}")
    print(f"{'typing':22s} {'max':>8s} {'median':>8s} {'erase max':>10s}")
    for query in TYPED:
        typed, erased = typing(index, query)
        print(f"{query:22s} {max(typed):8.1f} {statistics.median(typed):8.1f} {max(erased):10.1f}")
        print("    per key:", " ".join(f"{t:.0f}" for t in typed), " erase:", " ".join(f"{t:.0f}" for t in erased))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated library sizes")
    for size in (int(s) for s in parser.parse_args().sizes.split(",")):
        run(size)


if __name__ == "__main__":
    main()
