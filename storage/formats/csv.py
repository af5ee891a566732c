"""Entries -> CSV (RFC 4180), one row per paper. Export only.

The columns of earlier versions come first, in their order; the facts from sources follow
(lists joined with "; ", the url the paper's page: its arXiv abstract page or first web link).
Spreadsheets run a cell that starts like a formula: such a cell gets a leading quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from storage.formats.shared import arxiv_of, paper_url
from storage.model.records import Entry

CSV_COLUMNS = (
    "id", "title", "read", "starred", "tags", "notes", "links", "listed", "first_seen", "abstract",
    "authors", "arxiv_id", "published", "categories", "doi", "url",
)  # fmt: skip
LIST_SEPARATOR = "; "  # between the authors, and the categories, of one cell
# Spreadsheets run a cell starting with one of these as a formula (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a would-be formula gets a leading single quote."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _csv_row(entry: Entry) -> list[str]:
    paper, shelf = entry.paper, entry.shelf
    return [
        paper.id,
        paper.title,
        "true" if shelf.read else "false",
        "true" if shelf.starred else "false",
        ";".join(shelf.tags),
        shelf.notes,
        " ".join(paper.links),
        paper.listed,
        paper.first_seen,
        paper.abstract,
        LIST_SEPARATOR.join(paper.authors),
        arxiv_of(paper),
        paper.published,
        LIST_SEPARATOR.join(paper.categories),
        paper.details.doi,
        paper_url(entry),
    ]


def to_csv(entries: Sequence[Entry]) -> str:
    """A header row and one RFC 4180 row per paper."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow([csv_cell(value) for value in _csv_row(entry)])
    return out.getvalue()
