"""The commands that bring papers in from the sources: fetch, add, enrich."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from storage import Library, printable

if TYPE_CHECKING:
    import argparse

HELP = {
    "fetch": "fetch papers: `fetch hf [--date D|--week W|--month M] [--trending]`, `fetch arxiv CATEGORY...`, `fetch URL`",
    "add": "add papers by arXiv id or URL (arXiv abs/pdf, Hugging Face paper pages)",
    "enrich": "fill in authors, arXiv ids and dates of papers known only by title (exact title matches only)",
}


def add_parsers(sub) -> None:
    fetch = sub.add_parser("fetch", help=HELP["fetch"], description=HELP["fetch"])
    fetch.add_argument("source", metavar="SOURCE", help="hf, arxiv, or the URL of an RSS/Atom feed")
    fetch.add_argument("categories", nargs="*", default=[], metavar="CATEGORY", help="arXiv categories, e.g. cs.LG cs.AI")
    period = fetch.add_mutually_exclusive_group()
    period.add_argument("--date", metavar="YYYY-MM-DD", help="HF: the daily papers of that day")
    period.add_argument("--week", metavar="YYYY-Www", help="HF: the papers of that ISO week")
    period.add_argument("--month", metavar="YYYY-MM", help="HF: the papers of that month")
    fetch.add_argument("--trending", action="store_true", help="HF: sorted by trending")
    fetch.add_argument("--limit", type=int, metavar="N", help="HF: at most N papers")
    add = sub.add_parser("add", help=HELP["add"], description=HELP["add"])
    add.add_argument("refs", nargs="+", metavar="ID_OR_URL")
    enrich = sub.add_parser("enrich", help=HELP["enrich"], description=HELP["enrich"])
    enrich.add_argument("query", nargs="*", help="only papers matching this filter")


def run(library: Library, args: argparse.Namespace) -> int:
    from storage import Client

    with Client() as client:
        if args.command == "enrich":
            return _enrich(library, client, " ".join(args.query))
        if args.command == "add":
            from storage import add_ids

            fetched = add_ids(library, client, args.refs)
        else:
            fetched = _fetch(library, client, args)
    print(printable(fetched.summary()))
    library.save_last_command()
    return 0


def _fetch(library: Library, client, args: argparse.Namespace):
    from storage import PapershelfError, fetch_arxiv, fetch_feed, fetch_hf

    hf_only = [f"--{name}" for name in ("date", "week", "month", "limit") if getattr(args, name) is not None]
    if args.trending:
        hf_only.append("--trending")
    if args.source == "hf":
        if args.categories:
            raise PapershelfError(f"fetch hf: unexpected {' '.join(args.categories)}")
        return fetch_hf(library, client, date=args.date, week=args.week, month=args.month,
                        trending=args.trending, limit=args.limit)  # fmt: skip
    if hf_only:
        raise PapershelfError(f"fetch {args.source}: {', '.join(hf_only)} only go with `fetch hf`")
    if args.source == "arxiv":
        if not args.categories:
            raise PapershelfError("fetch arxiv: name at least one category, e.g. `papershelf fetch arxiv cs.LG`")
        return fetch_arxiv(library, client, args.categories)
    if args.categories:
        raise PapershelfError(f"fetch {args.source}: unexpected {' '.join(args.categories)}")
    return fetch_feed(library, client, args.source)


def _enrich(library: Library, client, query: str) -> int:
    from storage import enrich

    def progress(done: int, total: int, what: str) -> None:
        print(printable(f"[{done:,}/{total:,}] {what}"), file=sys.stderr, flush=True)

    result = enrich(library, client, query, progress)
    print(printable(result.summary()))
    for entry in result.unmatched:
        print(printable(f"  no exact match: {entry.id}  {entry.paper.title}"))
    return 0
