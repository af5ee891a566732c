"""Bringing papers in from the sources: an HF daily list, an arXiv listing, any feed, a list of
arXiv ids. Everything is fetched before anything is written: a failure changes nothing. What
was fetched is remembered, so that `refetch` (the TUI's `R`) asks the same sources again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

from storage.model.errors import PapershelfError
from storage.sources import arxiv, hf
from storage.sources.cache import LISTING_MAX_AGE
from storage.sources.convert import imported
from storage.sources.http import Client
from storage.sources.ids import arxiv_id
from storage.sources.record import SourcePaper

if TYPE_CHECKING:
    from storage.library import ImportResult, Library

RECENT = "recent_sources"  # the setting holding the fetches to repeat, newest first
RECENT_KEPT = 5
REFETCH_MAX_AGE = 60.0  # `refetch` is asked for: a listing cached more than a minute ago is asked again


class Fetched(NamedTuple):
    result: ImportResult
    missing: tuple[str, ...] = ()  # arXiv ids the source did not know

    def summary(self) -> str:
        line = self.result.summary()
        return line + (f"; not found on arXiv: {', '.join(self.missing)}" if self.missing else "")


def fetch_hf(library: Library, client: Client, *, date: str | None = None, week: str | None = None,
             month: str | None = None, trending: bool = False, limit: int | None = None,
             max_age: float = LISTING_MAX_AGE) -> Fetched:  # fmt: skip
    period = {k: v for k, v in (("date", date), ("week", week), ("month", month)) if v}
    with _explained("fetch hf"):
        hf.daily_papers_url(**period, trending=trending, limit=limit)
    if limit is not None and limit < 1:
        raise PapershelfError(f"fetch hf: --limit {limit}: expected a number of papers from 1 up")
    papers = hf.fetch_daily(client, **period, trending=trending, limit=limit, max_age=max_age)
    label = "Hugging Face " + (" ".join(period.values()) or ("trending" if trending else "daily papers"))
    return _save(library, papers, label, {"kind": "hf", **period, "trending": trending, "limit": limit})


def fetch_arxiv(library: Library, client: Client, categories: Iterable[str], max_age: float = LISTING_MAX_AGE) -> Fetched:
    categories = list(categories)
    with _explained("fetch arxiv"):
        arxiv.rss_url(categories)
    papers = arxiv.fetch_listing(client, categories, max_age=max_age)
    return _save(library, papers, "+".join(categories), {"kind": "arxiv", "categories": categories})


def fetch_feed(library: Library, client: Client, url: str, max_age: float = LISTING_MAX_AGE) -> Fetched:
    if urlsplit(url).scheme not in ("http", "https"):
        raise PapershelfError(f"{url}: expected an http(s) URL of an RSS or Atom feed")
    papers = arxiv.fetch_feed(client, url, max_age=max_age)
    parts = urlsplit(url)
    return _save(library, papers, parts.netloc + parts.path, {"kind": "feed", "url": url})


def add_ids(library: Library, client: Client, refs: Iterable[str]) -> Fetched:
    """The papers of arXiv ids, arXiv abs/pdf URLs and HF paper URLs, in one arXiv request per 100."""
    ids = list(dict.fromkeys(ids_of(refs)))
    papers = arxiv.fetch_ids(client, ids)
    found = {paper.arxiv_id for paper in papers}
    fetched = _save(library, papers, f"arXiv ({len(ids):,} {'id' if len(ids) == 1 else 'ids'})", None)
    return fetched._replace(missing=tuple(i for i in ids if i not in found))


def ids_of(refs: Iterable[str]) -> list[str]:
    """The versionless arXiv ids of `refs`; a ref that is none is refused before any request."""
    ids, bad = [], []
    for ref in refs:
        (ids if arxiv_id(ref) else bad).append(arxiv_id(ref) or ref)
    if bad:
        raise PapershelfError(f"not an arXiv id or paper URL: {', '.join(bad)} (expected e.g. 2403.01234, "
                              "https://arxiv.org/abs/2403.01234 or https://huggingface.co/papers/2403.01234)")
    if not ids:
        raise PapershelfError("no arXiv ids given")
    return ids


def refetch(library: Library, client: Client) -> list[Fetched]:
    """The sources fetched last, fetched again (newest first; listings cached over a minute ago asked again)."""
    age = REFETCH_MAX_AGE
    runs = {"hf": lambda a: fetch_hf(library, client, **{k: v for k, v in a.items() if k != "kind"}, max_age=age),
            "arxiv": lambda a: fetch_arxiv(library, client, a["categories"], max_age=age),
            "feed": lambda a: fetch_feed(library, client, a["url"], max_age=age)}  # fmt: skip
    return [runs[spec["kind"]](spec) for spec in recent(library) if spec.get("kind") in runs]


def recent(library: Library) -> list[dict[str, Any]]:
    value = library.get_setting(RECENT, [])
    return [spec for spec in value if isinstance(spec, dict)] if isinstance(value, list) else []


@contextmanager
def _explained(command: str) -> Iterator[None]:
    """An argument a source's URL cannot be made of, said as the command's error."""
    try:
        yield
    except ValueError as error:
        raise PapershelfError(f"{command}: {error}") from None


def _save(library: Library, papers: list[SourcePaper], label: str, spec: dict[str, Any] | None) -> Fetched:
    result = library.import_papers([imported(p) for p in papers if p.title], label)
    if spec is not None:
        kept = [spec, *(old for old in recent(library) if old != spec)][:RECENT_KEPT]
        library.set_setting(RECENT, kept)
    return Fetched(result)
