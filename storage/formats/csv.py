"""Entries -> CSV (RFC 4180), one row per paper. Export only.

Spreadsheets run a cell that starts like a formula: such a cell gets a leading quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from storage.model.records import Entry

CSV_COLUMNS = (
    "id", "title", "read", "starred", "tags", "notes", "links", "listed", "first_seen", "abstract"
)  # fmt: skip
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
    ]


def to_csv(entries: Sequence[Entry]) -> str:
    """A header row and one RFC 4180 row per paper."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow([csv_cell(value) for value in _csv_row(entry)])
    return out.getvalue()
