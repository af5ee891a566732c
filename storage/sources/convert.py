"""From what a source says of a paper (SourcePaper) to what the library imports (ImportedPaper),
with where each fact came from."""

from __future__ import annotations

from dataclasses import replace

from storage.model.ids import placeholder_title
from storage.model.imported import ImportedPaper
from storage.model.records import Details
from storage.sources.record import SourcePaper, source_paper

# The facts a source can give, as named in the library's records.
_FACTS = ("authors", "arxiv_id", "published", "categories", "doi", "journal_ref", "primary_category",
          "upvotes", "github_stars", "code_url", "project_url", "hf_url")  # fmt: skip


def imported(paper: SourcePaper) -> ImportedPaper:
    """The paper as the library imports it: its facts, and `origin` naming the source of each."""
    details = Details(
        doi=paper.doi, journal_ref=paper.journal_ref, primary_category=paper.primary_category,
        upvotes=paper.upvotes, github_stars=paper.github_stars, code_url=paper.github_repo,
        project_url=paper.project_page, hf_url=paper.hf_url,
    )  # fmt: skip
    known = [name for name in _FACTS if _value(paper, details, name) not in ("", None, ())]
    origin = tuple(sorted((name, paper.source) for name in known))
    categories = tuple(dict.fromkeys((paper.primary_category, *paper.categories) if paper.primary_category else paper.categories))
    return ImportedPaper(
        title=paper.title, abstract=paper.abstract, links=paper.links, listed=paper.listed,
        authors=paper.authors, arxiv_id=paper.arxiv_id, published=paper.published,
        categories=categories, details=replace(details, origin=origin),
    )  # fmt: skip


def placeholder(arxiv_id: str) -> ImportedPaper:
    """A paper known only by its arXiv id, until `enrich` fetches its record."""
    return imported(source_paper("id-list", placeholder_title(arxiv_id), arxiv_id=arxiv_id))


def _value(paper: SourcePaper, details: Details, name: str) -> object:
    return getattr(paper, name) if hasattr(paper, name) else getattr(details, name)
