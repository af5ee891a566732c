"""The facts of a BibTeX entry: authors, publication date, arXiv id and class, DOI, journal.

Reads what papershelf writes (`eprint` with `archivePrefix = {arXiv}`, `primaryClass`, `date`)
and the common forms of other tools: biblatex `eprinttype` and `eprintclass`, an arXiv URL, Google
Scholar's `journal = {arXiv preprint arXiv:ID}`, names written "Last, First".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from storage.formats.latex import latex_to_text
from storage.formats.shared import is_published_date
from storage.model.records import Details
from storage.model.text import clean_line
from storage.sources.ids import arxiv_id

ORIGIN = "bibtex"  # where the facts of a BibTeX import came from, in `Details.origin`
_MONTHS = "january february march april may june july august september october november december".split()
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_ARXIV_PREPRINT = re.compile(r"arxiv preprint (?:arxiv:)?(\S+)", re.IGNORECASE)


class BibFacts(NamedTuple):
    authors: tuple[str, ...]
    arxiv_id: str
    published: str
    categories: tuple[str, ...]
    details: Details


def bib_facts(values: Mapping[str, str]) -> BibFacts:
    """The facts of an entry from its field values (lower-case field names, raw LaTeX values)."""
    authors = split_names(values.get("author", ""))
    arxiv = _arxiv_id(values)
    published = _published(values)
    primary_class = values.get("primaryclass", "") or values.get("eprintclass", "")  # BibTeX, biblatex
    primary = clean_line(latex_to_text(primary_class)) if arxiv else ""
    journal = clean_line(latex_to_text(values.get("journal", "")))
    if _ARXIV_PREPRINT.fullmatch(journal):
        journal = ""  # "arXiv preprint arXiv:ID" says where, not which journal
    details = Details(doi=doi_of(values.get("doi", "")), journal_ref=journal, primary_category=primary)
    facts = BibFacts(authors, arxiv, published, (primary,) if primary else (), details)
    return facts._replace(details=details.merged(Details(origin=_origin(facts))))


def _origin(facts: BibFacts) -> tuple[tuple[str, str], ...]:
    known = {"authors": facts.authors, "arxiv_id": facts.arxiv_id, "published": facts.published,
             "categories": facts.categories, "doi": facts.details.doi,
             "journal_ref": facts.details.journal_ref, "primary_category": facts.details.primary_category}  # fmt: skip
    return tuple(sorted((name, ORIGIN) for name, value in known.items() if value))


# --- authors ----------------------------------------------------------------------------


def split_names(value: str) -> tuple[str, ...]:
    """An `author` value -> names as "First Last": split at `and` outside braces; "Last, First"
    and "Last, Jr, First" turned around; "others" (et al.) dropped."""
    names = []
    for raw in _top_level_split(value, _AND):
        parts = [part.strip() for part in _top_level_split(raw, re.compile(","))]
        if len(parts) == 2:
            parts = [parts[1], parts[0]]
        elif len(parts) == 3:
            parts = [f"{parts[2]} {parts[0]},", parts[1]]
        name = clean_line(latex_to_text(" ".join(parts)))
        if name and raw.strip().lower() != "others":
            names.append(name)
    return tuple(names)  # two authors may share a name


def _top_level_split(value: str, separator: re.Pattern[str]) -> list[str]:
    """`value` split where `separator` matches outside braces."""
    depth_at, depth = [], 0
    for char in value:
        depth_at.append(depth)
        depth += {"{": 1, "}": -1}.get(char, 0)
    parts, start = [], 0
    for match in separator.finditer(value):
        if depth_at[match.start()] == 0:
            parts.append(value[start : match.start()])
            start = match.end()
    parts.append(value[start:])
    return parts


# --- dates ------------------------------------------------------------------------------


def _published(values: Mapping[str, str]) -> str:
    """The `date` field (biblatex, ISO; the start of a range), else `year` and `month`:
    "2024-03-11", "2024-03" or "2024"; "" if none is readable."""
    date = clean_line(latex_to_text(values.get("date", ""))).split("/")[0]
    if is_published_date(date):
        return date
    year = clean_line(latex_to_text(values.get("year", "")))
    if not (re.fullmatch(r"\d{4}", year) and is_published_date(year)):
        return ""
    month = month_number(values.get("month", ""))
    return f"{year}-{month:02d}" if month else year


def month_number(value: str) -> int:
    """1-12 from `mar`, `March`, `3` or `03`; 0 if none of these."""
    text = clean_line(latex_to_text(value)).lower().rstrip(".")
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else 0
    for number, name in enumerate(_MONTHS, 1):
        if text in (name, name[:3]):
            return number
    return 0


# --- arXiv and DOI ----------------------------------------------------------------------


def _arxiv_id(values: Mapping[str, str]) -> str:
    """From `eprint` (when the archive is arXiv or unnamed), else an arXiv URL, else
    `journal = {arXiv preprint arXiv:ID}`; "" if none of them is an arXiv id."""
    archive = clean_line(values.get("archiveprefix", "") or values.get("eprinttype", "")).lower()
    if archive in ("", "arxiv") and (found := arxiv_id(_plain(values.get("eprint", "")))):
        return found
    if found := arxiv_id(_plain(values.get("url", ""))):
        return found
    preprint = _ARXIV_PREPRINT.fullmatch(clean_line(latex_to_text(values.get("journal", ""))))
    return arxiv_id(preprint[1]) if preprint else ""


def doi_of(value: str) -> str:
    """The DOI itself ("10.1000/x"), also when written as a doi.org URL or `doi:10...`."""
    doi = _plain(value)
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", doi, flags=re.IGNORECASE)


def _plain(value: str) -> str:
    """A verbatim value (URL, id, DOI): escapes of the specials undone, one line."""
    return clean_line(re.sub(r"\\([_&%#$~])", r"\1", value))
