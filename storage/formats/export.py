"""Entries -> Markdown / BibTeX / CSV / JSON text: the choice of format. Pure: no files.

Each format is its own module (markdown.py, bibtex.py, csv.py, papershelf_json.py), which
escapes every string for its own syntax: every string in an entry came from outside.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from storage.formats.bibtex import to_bibtex
from storage.formats.csv import to_csv
from storage.formats.markdown import to_markdown
from storage.formats.papershelf_json import to_json
from storage.model.records import Entry

FORMATS = ("md", "bib", "csv", "json")


def export(
    entries: Sequence[Entry], fmt: str, scope: str = "all papers", now: datetime | None = None
) -> str:
    """The entries as text in `fmt` (one of FORMATS)."""
    writers: dict[str, Callable[[], str]] = {
        "md": lambda: to_markdown(entries, scope, now),
        "bib": lambda: to_bibtex(entries),
        "csv": lambda: to_csv(entries),
        "json": lambda: to_json(entries, now),
    }
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return writers[fmt]()
