"""arXiv API answers (Atom with the arxiv: extensions), read with feedparser."""

from __future__ import annotations

import xml.sax
from typing import Any

import feedparser

from storage.sources.errors import SourceError
from storage.sources.ids import find_arxiv_id
from storage.sources.record import SourcePaper, source_paper

ARXIV_API = "arXiv API"


def parse_arxiv_atom(data: bytes, source: str = ARXIV_API) -> list[SourcePaper]:
    """Papers of an arXiv API answer; [] for zero results. An `Error` entry (as for a bad id)
    or XML that cannot be read raises SourceError."""
    feed = read_feed(data, source)
    for entry in feed.entries:
        if is_error_entry(entry):
            raise SourceError(source, f"error: {entry.get('summary') or 'unknown'}")
    return [arxiv_paper(entry) for entry in feed.entries]


def read_feed(data: bytes, source: str) -> Any:
    """feedparser's reading of a feed; malformed XML is an error, not a partial guess."""
    feed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    problem = feed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXException) or (feed.get("bozo") and not feed.get("version")):
        raise SourceError(source, f"malformed XML ({problem})")
    if not feed.get("version"):
        raise SourceError(source, "not an Atom or RSS feed")
    return feed


def error_message(data: bytes) -> str:
    """The explanation of an arXiv API error answer (its `Error` entry's summary), or ""."""
    feed = feedparser.parse(data)
    return next((entry.get("summary", "") for entry in feed.entries if is_error_entry(entry)), "")


def is_error_entry(entry: Any) -> bool:
    return entry.get("title") == "Error" and "/api/errors" in entry.get("id", "")


def arxiv_paper(entry: Any) -> SourcePaper:
    links = entry.get("links", [])
    return source_paper(
        "arxiv-api",
        entry.get("title"),
        abstract=entry.get("summary"),
        authors=[author.get("name") for author in entry.get("authors", [])],
        arxiv_id=find_arxiv_id(entry.get("id", "")),
        published=entry.get("published"),
        updated=entry.get("updated"),
        categories=[tag.get("term") for tag in entry.get("tags", [])],
        primary_category=(entry.get("arxiv_primary_category") or {}).get("term"),
        doi=entry.get("arxiv_doi"),
        journal_ref=entry.get("arxiv_journal_ref"),
        abs_url=next((link.get("href") for link in links if link.get("rel") == "alternate"), ""),
        pdf_url=next((link.get("href") for link in links if link.get("title") == "pdf"), ""),
    )
