"""The Hugging Face papers API: daily lists, one paper, search. No token needed."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote, urlencode

from storage.sources import endpoints
from storage.sources.errors import SourceError
from storage.sources.cache import LISTING_MAX_AGE
from storage.sources.http import Client
from storage.sources.parse_hf import HF, parse_hf_json
from storage.sources.record import SourcePaper


def daily_papers_url(
    *,
    date: str | None = None,
    week: str | None = None,
    month: str | None = None,
    trending: bool = False,
    page: int | None = None,
    limit: int | None = None,
) -> str:
    """/api/daily_papers with at most one of date (YYYY-MM-DD), week (YYYY-Www), month (YYYY-MM)."""
    periods = {name: value for name, value in (("date", date), ("week", week), ("month", month)) if value}
    if len(periods) > 1:
        raise ValueError("give at most one of date, week and month")
    _check_period(periods)
    query = dict(periods)
    if trending:
        query["sort"] = "trending"
    if page is not None:
        query["p"] = str(page)
    if limit is not None:
        query["limit"] = str(limit)
    return f"{endpoints.hf_url()}/api/daily_papers" + (f"?{urlencode(query)}" if query else "")


def paper_url(arxiv_id: str) -> str:
    return f"{endpoints.hf_url()}/api/papers/{quote(arxiv_id, safe='')}"


def search_url(query: str) -> str:
    return f"{endpoints.hf_url()}/api/papers/search?{urlencode({'q': query})}"


def fetch_daily(client: Client, *, max_age: float | None = LISTING_MAX_AGE, **period: object) -> list[SourcePaper]:
    """The papers of one HF daily list (arguments as daily_papers_url)."""
    return client.get_parsed(daily_papers_url(**period), parse_hf_json, source=HF, max_age=max_age)  # type: ignore[arg-type]


def fetch_paper(client: Client, arxiv_id: str) -> SourcePaper | None:
    """The HF page of one paper, or None if HF does not know it (HTTP 404)."""
    try:
        papers = client.get_parsed(paper_url(arxiv_id), parse_hf_json, source=HF)
    except SourceError as error:
        if error.status == 404:
            return None
        raise
    return papers[0] if papers else None


def search(client: Client, query: str) -> list[SourcePaper]:
    """HF's paper search for `query` (candidates only: the caller decides what matches)."""
    return client.get_parsed(search_url(query), parse_hf_json, source=HF)


_PERIOD_FORMATS = {"date": "%Y-%m-%d", "week": "%G-W%V-%u", "month": "%Y-%m"}
_PERIOD_EXAMPLES = {"date": "YYYY-MM-DD, e.g. 2024-03-05", "week": "YYYY-Www, e.g. 2024-W10", "month": "YYYY-MM, e.g. 2024-03"}
_PERIOD_SHAPES = {"date": r"\d{4}-\d{2}-\d{2}", "week": r"\d{4}-W\d{2}", "month": r"\d{4}-\d{2}"}


def _check_period(periods: dict[str, str]) -> None:
    """Each period is a real day, ISO week or month (ValueError saying what was expected)."""
    for name, value in periods.items():
        try:
            if not re.fullmatch(_PERIOD_SHAPES[name], value):
                raise ValueError
            datetime.strptime(value + ("-1" if name == "week" else ""), _PERIOD_FORMATS[name])
        except ValueError:
            raise ValueError(f"--{name} {value!r}: expected {_PERIOD_EXAMPLES[name]}") from None
