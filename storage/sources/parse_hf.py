"""Hugging Face papers: API JSON (daily_papers, papers/{id}, papers/search) and saved HTML pages."""

from __future__ import annotations

import json
from typing import Any

from storage.sources.errors import SourceError
from storage.sources.ids import arxiv_id
from storage.sources.record import HF_PAPER_PAGE, SourcePaper, source_paper, text

HF = "Hugging Face"


def parse_hf_json(data: bytes, source: str = HF) -> list[SourcePaper]:
    """Papers of an HF API answer: a list of daily/search items ({"paper": {...}, ...}), one such
    item, or one paper object (/api/papers/{id}). An {"error": ...} answer raises SourceError."""
    return papers_of(load_json(data, source), source)


def parse_hf_html(data: bytes, source: str = HF) -> list[SourcePaper]:
    """Papers of a saved HF papers page: the `data-props` JSON of its DailyPapers element."""
    from bs4 import BeautifulSoup  # (only saved pages need it: an API fetch does not pay its import)

    element = BeautifulSoup(data, "html.parser").find(attrs={"data-target": "DailyPapers"})
    props = element.get("data-props") if element else None
    if not isinstance(props, str):
        raise SourceError(source, "not a Hugging Face papers page (no DailyPapers list in it)")
    try:
        items = json.loads(props).get("dailyPapers")
    except (ValueError, AttributeError):
        items = None
    if not isinstance(items, list):
        raise SourceError(source, "the page's DailyPapers list cannot be read")
    return papers_of(items, source)


def load_json(data: bytes, source: str) -> Any:
    try:
        return json.loads(data)
    except ValueError as error:
        head = data.lstrip()[:200].lower()
        if head.startswith((b"<!doctype html", b"<html")) or b"<head" in head:
            raise SourceError(source, "answered with an HTML page where JSON was expected") from None
        raise SourceError(source, f"malformed JSON ({error})") from None


def papers_of(value: Any, source: str) -> list[SourcePaper]:
    if isinstance(value, dict) and "error" in value and not is_item(value):
        raise SourceError(source, f"error: {text(value['error']) or 'unknown'}")
    items = value if isinstance(value, list) else [value]
    if not all(is_item(item) for item in items):
        raise SourceError(source, "not a Hugging Face papers answer (items without a paper)")
    return [hf_paper(item) for item in items]


def is_item(value: Any) -> bool:
    """A daily/search item ({"paper": {...}}) or a paper object ({"id": ..., "title": ...})."""
    if not isinstance(value, dict):
        return False
    paper = value.get("paper", value)
    return isinstance(paper, dict) and isinstance(paper.get("id"), str) and "title" in paper


def hf_paper(item: dict[str, Any]) -> SourcePaper:
    paper = item.get("paper", item)
    paper_id = arxiv_id(text(paper.get("id")))
    authors = [author.get("name") for author in paper.get("authors") or () if isinstance(author, dict)]
    return source_paper(
        "hf",
        paper.get("title") or item.get("title"),
        abstract=paper.get("summary") or item.get("summary"),
        authors=authors,
        arxiv_id=paper_id,
        published=paper.get("publishedAt") or item.get("publishedAt"),
        listed=paper.get("submittedOnDailyAt") or item.get("submittedOnDailyAt"),
        upvotes=paper.get("upvotes"),
        github_repo=paper.get("githubRepo"),
        github_stars=paper.get("githubStars"),
        project_page=paper.get("projectPage"),
        hf_url=HF_PAPER_PAGE.format(paper_id) if paper_id else "",
    )
