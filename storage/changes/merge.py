"""Merging imported papers into the library: one record per paper id, new papers after the
last position, the text of known papers refreshed. Pure: the time of the import is handed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import NamedTuple

from storage.model.ids import paper_id
from storage.model.imported import ImportedPaper
from storage.model.records import Entry, Paper, Shelf, make_paper
from storage.model.text import clean_line


class ImportPlan(NamedTuple):
    """What an import changes: the Paper records to write, the ids of the papers new to the
    library (in input order) and the shelves the input carries for untouched papers."""

    papers: list[Paper]
    added: tuple[str, ...]
    shelves: dict[str, Shelf]

    @property
    def new_papers(self) -> tuple[Paper, ...]:
        added = set(self.added)
        return tuple(p for p in self.papers if p.id in added)


def plan(unique: Mapping[str, ImportedPaper], known: Mapping[str, Entry], saved: Mapping[str, Shelf],
         source: str, stamp: str) -> ImportPlan:  # fmt: skip
    """Merge `unique` (see `by_id`) into a library holding `known` (paper id -> entry) whose
    shelves on disk are `saved` (paper id -> shelf, papers no longer in the catalogue included)."""
    added = tuple(pid for pid in unique if pid not in known)
    return ImportPlan(merged_papers(unique, known, source, stamp), added, carried_shelves(unique, saved))


def cleaned(item: ImportedPaper) -> ImportedPaper:
    """Outside text, whoever hands it in: no escapes or controls."""
    title, abstract, listed = clean_line(item.title), clean_line(item.abstract), clean_line(item.listed)
    links = tuple(link for link in map(clean_line, item.links) if link)
    if title is item.title and abstract is item.abstract and listed is item.listed and links == item.links:
        return item  # already clean (clean_line hands back the very string then)
    return replace(item, title=title, abstract=abstract, links=links, listed=listed)


def by_id(imported: Iterable[ImportedPaper]) -> dict[str, ImportedPaper]:
    """The papers with a title by id, in input order; of several with the same id, the last
    read counts (at the place of the first)."""
    return {paper_id(p.title): p for p in imported if p.title}


def merged_papers(unique: Mapping[str, ImportedPaper], known: Mapping[str, Entry], source: str, stamp: str) -> list[Paper]:
    """The Paper records to write: papers new to the library (`known`), numbered after its
    last position and first seen at `stamp` unless the input says when; and known papers
    whose text changed (an empty abstract or no links keeps the old ones). The first-seen
    date, position and source of a known paper never change."""
    position = max((e.paper.position for e in known.values()), default=0)
    out = []
    for pid, item in unique.items():
        old = known.get(pid)
        if old is None:
            position += 1
            out.append(make_paper(pid, item.title, item.abstract, item.links, item.listed,
                                  item.first_seen or stamp, position, source))
        elif (item.title, item.abstract, item.links) != (old.paper.title, old.paper.abstract, old.paper.links):
            newest = replace(old.paper, title=item.title, abstract=item.abstract or old.paper.abstract,
                             links=item.links or old.paper.links)
            if newest != old.paper:
                out.append(newest)
    return out


def carried_shelves(unique: Mapping[str, ImportedPaper], saved: Mapping[str, Shelf]) -> dict[str, Shelf]:
    """Annotations carried by the input (a papershelf export) for papers whose shelf on disk
    (`saved`) is missing or blank: a blank shelf is filled, an annotated one never overwritten,
    even one whose paper had left the catalogue."""
    return {
        pid: item.shelf
        for pid, item in unique.items()
        if item.shelf is not None and not item.shelf.is_blank and (pid not in saved or saved[pid].is_blank)
    }
