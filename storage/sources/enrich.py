"""`papershelf enrich`: fill in papers known only by their title (a copied trending page) or only
by their arXiv id (an id list). Never guess: a title matches only when the normalised titles
are equal. Each match is saved as soon as it is found, so an interrupted run loses nothing and
a rerun (its answers cached) starts where it stopped.

For a paper with only a title: the HF list of its own day, then an arXiv title search; then one
arXiv id_list request per 100 papers for what arXiv knows (categories, DOI, journal reference).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from storage.model.ids import is_placeholder_title, normalise_title
from storage.sources import arxiv, hf
from storage.sources.convert import imported
from storage.sources.errors import SourceError
from storage.sources.http import Client
from storage.sources.cache import LISTING_MAX_AGE
from storage.sources.record import SourcePaper

if TYPE_CHECKING:
    from storage.library import Library
    from storage.model.records import Entry

Progress = Callable[[int, int, str], None]  # (done, total, what happened)


class Enriched(NamedTuple):
    enriched: tuple[str, ...]  # ids of the papers given facts
    unmatched: tuple[Entry, ...]  # papers no source knows by this exact title (or id)
    later: tuple[Entry, ...] = ()  # papers not looked up this time (`title_searches`)

    def summary(self) -> str:
        total = len(self.enriched) + len(self.unmatched) + len(self.later)
        return f"enriched {len(self.enriched):,} of {total:,} papers" + (
            f"; {len(self.unmatched):,} with no exact match, unchanged" if self.unmatched else "") + (
            f"; {len(self.later):,} left for the next run" if self.later else "")


def needs_facts(entry: Entry) -> bool:
    """A paper known only by its title, or only by its arXiv id, or not yet by arXiv itself (no
    categories: from HF, or a run stopped before its id_list request)."""
    paper = entry.paper
    return not paper.arxiv_id or not paper.categories or is_placeholder_title(paper.title, paper.arxiv_id)


def enrich(library: Library, client: Client, query: str = "", progress: Progress | None = None,
           title_searches: int | None = None) -> Enriched:  # fmt: skip
    """Enrich the papers matching `query` (all if empty) that need it; see the module's doc.
    `title_searches` caps the arXiv title searches (3 s each): the rest wait for the next run."""
    report = progress or (lambda done, total, what: None)
    chosen = [m.entry for m in library.search(query)] if query.strip() else library.entries()
    todo = [e for e in chosen if needs_facts(e)]
    titled = [e for e in todo if not e.paper.arxiv_id]
    run = _Run(library, client, report, len(todo))
    run.to_complete = {e.paper.arxiv_id: e.id for e in todo if e.paper.arxiv_id}
    left = run.from_hf_days(titled)
    searched = left[:title_searches] if title_searches is not None else left
    later = left[len(searched):]
    left = run.from_title_search(searched)
    missing = run.from_id_lists()
    unmatched = left + [e for e in todo if e.id in missing]
    return Enriched(tuple(dict.fromkeys(run.enriched)), tuple(unmatched), tuple(later))


class _Run:
    def __init__(self, library: Library, client: Client, report: Progress, total: int) -> None:
        self.library, self.client, self.report, self.total = library, client, report, total
        self.enriched: list[str] = []  # ids of papers given facts
        self.to_complete: dict[str, str] = {}  # arXiv id -> paper id, for the arXiv API to complete

    def from_hf_days(self, titled: list[Entry]) -> list[Entry]:
        """Match each paper in the HF list of the day it was listed; the rest are returned."""
        left = []
        for day, entries in _by_day(titled).items():
            if day is None:
                left += entries
                continue
            listing = self._hf_day(day)
            matches = [(e.id, listing[normalise_title(e.paper.title)]) for e in entries
                       if normalise_title(e.paper.title) in listing]  # fmt: skip
            self._save(matches, f"Hugging Face {day}")
            self.to_complete |= {paper.arxiv_id: pid for pid, paper in matches if paper.arxiv_id}
            matched = {pid for pid, _ in matches}
            left += [e for e in entries if e.id not in matched]
        return left

    def from_title_search(self, titled: list[Entry]) -> list[Entry]:
        left = []
        for entry in titled:
            wanted = normalise_title(entry.paper.title)
            candidates = arxiv.search_title(self.client, entry.paper.title)
            match = next((c for c in candidates if normalise_title(c.title) == wanted), None)
            if match is None:
                left.append(entry)
                self.report(len(self.enriched), self.total, f"no exact match: {entry.paper.title}")
            else:
                self._save([(entry.id, match)], "arXiv")
        return left

    def from_id_lists(self) -> set[str]:
        """Complete papers from the arXiv API; returns the paper ids of those arXiv did not know."""
        ids = list(self.to_complete)
        missing: set[str] = set()
        for start in range(0, len(ids), arxiv.BATCH):
            batch = ids[start : start + arxiv.BATCH]
            papers = [p for p in arxiv.fetch_ids(self.client, batch) if p.arxiv_id in self.to_complete]
            self._save([(self.to_complete[p.arxiv_id], p) for p in papers], "arXiv")
            missing |= {self.to_complete[i] for i in set(batch) - {p.arxiv_id for p in papers}}
        return missing

    def _hf_day(self, day: date) -> dict[str, SourcePaper]:
        """Normalised title -> paper of HF's list of `day` ({} if HF has none for that day)."""
        past = day < date.today()
        try:
            papers = hf.fetch_daily(self.client, date=day.isoformat(), max_age=None if past else LISTING_MAX_AGE)
        except SourceError as error:
            if error.status in (400, 404):
                return {}
            raise
        return {normalise_title(p.title): p for p in papers if p.title}

    def _save(self, matches: list[tuple[str, SourcePaper]], label: str) -> None:
        """Save what the sources say of these papers (paper id, what a source says of it), at once."""
        matches = [(pid, paper) for pid, paper in matches if paper.title]
        if not matches:
            return
        self.library.import_papers([imported(paper) for _, paper in matches], label)
        self.enriched += [pid for pid, _ in matches if pid not in self.enriched]
        self.report(len(self.enriched), self.total, f"{label}: {len(matches):,} matched")


_MONTH_DAY = re.compile(r"([A-Z][a-z]{2})\w*\.? (\d{1,2})")


def listed_day(listed: str, first_seen: str) -> date | None:
    """The day a page listed a paper: an ISO date, or a label like "Mar 11" in the year of the
    import (the year before if that day would be after the import)."""
    try:
        return date.fromisoformat(listed[:10])
    except ValueError:
        pass
    match = _MONTH_DAY.fullmatch(listed.strip())
    try:
        seen = datetime.fromisoformat(first_seen).date()
        day = datetime.strptime(f"{match.group(1)} {match.group(2)} {seen.year}", "%b %d %Y").date() if match else None
    except ValueError:
        return None
    if day is not None and day > seen:
        day = day.replace(year=day.year - 1)
    return day


def _by_day(entries: list[Entry]) -> dict[date | None, list[Entry]]:
    days: dict[date | None, list[Entry]] = {}
    for entry in entries:
        days.setdefault(listed_day(entry.paper.listed, entry.paper.first_seen), []).append(entry)
    return days
