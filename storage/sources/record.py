"""SourcePaper: what one source knows of one paper, cleaned, with where the facts came from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from storage.model.text import clean_block, clean_line, is_web_link

from storage.sources.ids import find_arxiv_id

SOURCES = ("hf", "arxiv-api", "arxiv-rss", "feed", "id-list")
HF_PAPER_PAGE = "https://huggingface.co/papers/{}"
ARXIV_ABS_PAGE = "https://arxiv.org/abs/{}"
ARXIV_PDF = "https://arxiv.org/pdf/{}"


@dataclass(frozen=True, slots=True)
class SourcePaper:
    """One paper as a source describes it. Build it with `source_paper()`, which cleans every field.

    Dates are ISO dates (YYYY-MM-DD) or "". `listed` is the day a listing showed the paper (the HF
    daily page's `submittedOnDailyAt`). Links are http(s) only, "" where unknown; a paper with an
    arXiv id has the canonical versionless abstract page and PDF (https://arxiv.org/abs|pdf/ID).
    """

    title: str
    source: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    arxiv_id: str = ""
    published: str = ""
    updated: str = ""
    listed: str = ""
    categories: tuple[str, ...] = ()
    primary_category: str = ""
    doi: str = ""
    journal_ref: str = ""
    upvotes: int | None = None
    github_repo: str = ""
    github_stars: int | None = None
    project_page: str = ""
    abs_url: str = ""
    pdf_url: str = ""
    hf_url: str = ""

    @property
    def links(self) -> tuple[str, ...]:
        """Every link of the paper, abstract page first, without duplicates."""
        links = (self.abs_url, self.pdf_url, self.hf_url, self.github_repo, self.project_page)
        return tuple(dict.fromkeys(link for link in links if link))


def source_paper(source: str, title: Any, **fields: Any) -> SourcePaper:
    """A SourcePaper from raw values (any type: outside data): text cleaned, ids normalised, dates
    made ISO, numbers checked, links kept only if http(s); abs and pdf links built from the arXiv id."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    arxiv = find_arxiv_id(text(fields.get("arxiv_id")))
    return SourcePaper(
        title=clean_line(text(title)),
        source=source,
        abstract=clean_block(text(fields.get("abstract"))),
        authors=names(fields.get("authors", ()), distinct=False),  # two co-authors may share a name
        arxiv_id=arxiv,
        published=iso_date(fields.get("published")),
        updated=iso_date(fields.get("updated")),
        listed=iso_date(fields.get("listed")),
        categories=names(fields.get("categories", ())),
        primary_category=clean_line(text(fields.get("primary_category"))),
        doi=clean_line(text(fields.get("doi"))),
        journal_ref=clean_line(text(fields.get("journal_ref"))),
        upvotes=count(fields.get("upvotes")),
        github_repo=web_link(fields.get("github_repo")),
        github_stars=count(fields.get("github_stars")),
        project_page=web_link(fields.get("project_page")),
        abs_url=ARXIV_ABS_PAGE.format(arxiv) if arxiv else web_link(fields.get("abs_url")),
        pdf_url=ARXIV_PDF.format(arxiv) if arxiv else web_link(fields.get("pdf_url")),
        hf_url=web_link(fields.get("hf_url")),
    )


def text(value: Any) -> str:
    """A string value, or "" for anything else (None, numbers, lists from a malformed answer)."""
    return value if isinstance(value, str) else ""


def names(values: Any, distinct: bool = True) -> tuple[str, ...]:
    """Cleaned, non-empty strings of a list (anything else is ignored), each once if `distinct`."""
    if not isinstance(values, (list, tuple)):
        return ()
    cleaned = [name for name in (clean_line(text(v)) for v in values) if name]
    return tuple(dict.fromkeys(cleaned)) if distinct else tuple(cleaned)


def count(value: Any) -> int | None:
    """A non-negative whole number, or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def web_link(value: Any) -> str:
    """The link if it is an http(s) URL without spaces, else ""."""
    link = clean_line(text(value))
    return link if is_web_link(link) else ""


def iso_date(value: Any) -> str:
    """YYYY-MM-DD from an ISO timestamp ("2024-03-04T18:59:57.000Z"), an RFC 822 date
    ("Mon, 11 Mar 2024 00:00:00 -0400") or a time.struct_time; "" if it is none of these."""
    if hasattr(value, "tm_year"):
        return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}"
    value = text(value).strip()
    if re.match(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return datetime.fromisoformat(value[:10]).date().isoformat()
        except ValueError:
            return ""
    try:
        return parsedate_to_datetime(value).date().isoformat() if value else ""
    except (TypeError, ValueError):
        return ""
