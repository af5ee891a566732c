"""The arXiv API (id lists, title search) and arXiv's RSS listings, paced as arXiv asks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlencode

from storage.sources import endpoints
from storage.sources.errors import SourceError
from storage.sources.cache import LISTING_MAX_AGE
from storage.sources.http import Client
from storage.sources.record import SourcePaper

ARXIV_API = "arXiv API"  # (also in parse_arxiv, which is imported only when an answer is read)
ARXIV_RSS = "arXiv RSS"
BATCH = 100  # ids per id_list request
_CATEGORY = re.compile(r"[a-z-]+(?:\.[A-Za-z-]+)?")


def id_list_urls(ids: Iterable[str], batch: int = BATCH) -> list[str]:
    """One API query per `batch` ids (duplicates removed, order kept)."""
    unique = list(dict.fromkeys(ids))
    chunks = [unique[start : start + batch] for start in range(0, len(unique), batch)]
    return [_query_url({"id_list": ",".join(chunk), "max_results": str(len(chunk))}) for chunk in chunks]


def title_search_url(title: str, max_results: int = 5) -> str:
    """An API query for papers whose title holds these words (punctuation dropped: the query
    language gives it meaning)."""
    words = " ".join(re.sub(r"[^\w]+", " ", title).split())
    return _query_url({"search_query": f'ti:"{words}"', "max_results": str(max_results)})


def rss_url(categories: Iterable[str]) -> str:
    """The RSS listing of these categories (cs.LG, math.AG, ...), joined with '+'."""
    categories = list(categories)
    bad = [category for category in categories if not _CATEGORY.fullmatch(category)]
    if not categories or bad:
        raise ValueError(f"not an arXiv category: {', '.join(bad) or '(none given)'} (expected e.g. cs.LG, math.AG, hep-th)")
    return f"{endpoints.arxiv_rss_url()}/{'+'.join(categories)}"


def fetch_ids(client: Client, ids: Iterable[str]) -> list[SourcePaper]:
    """The arXiv API's record of each id (ids arXiv does not know are simply absent)."""
    return [paper for url in id_list_urls(ids) for paper in _api(client, url)]


def search_title(client: Client, title: str, max_results: int = 5) -> list[SourcePaper]:
    """Candidates for a title (the caller decides what matches)."""
    return _api(client, title_search_url(title, max_results))


def fetch_listing(client: Client, categories: Iterable[str], max_age: float | None = LISTING_MAX_AGE) -> list[SourcePaper]:
    """Today's RSS listing of these categories ([] on days without announcements)."""
    from storage.sources.parse_feed import parse_feed

    url = rss_url(categories)
    return client.get_parsed(url, parse_feed, source=ARXIV_RSS, interval=endpoints.arxiv_delay(), max_age=max_age)


def fetch_feed(client: Client, url: str, max_age: float | None = LISTING_MAX_AGE) -> list[SourcePaper]:
    """The papers of any RSS or Atom feed."""
    from storage.sources.parse_feed import parse_feed

    return client.get_parsed(url, parse_feed, source=url, max_age=max_age)


def _api(client: Client, url: str) -> list[SourcePaper]:
    from storage.sources.parse_arxiv import error_message, parse_arxiv_atom

    try:
        return client.get_parsed(url, parse_arxiv_atom, source=ARXIV_API, interval=endpoints.arxiv_delay())
    except SourceError as error:
        explained = error_message(error.body) if error.status == 400 else ""
        if explained:
            raise SourceError(ARXIV_API, f"error: {explained}", status=400) from None
        raise


def _query_url(query: dict[str, str]) -> str:
    return f"{endpoints.arxiv_api_url()}?{urlencode(query)}"
