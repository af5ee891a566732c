"""Merging imported papers into the library: one record per paper, new papers after the
last position, the text and facts of known papers refreshed. Pure: the time of the import is
handed in.

A paper from any source is the library's paper with the same arXiv id, else the one with the
same normalised title (its id is the title's hash), unless both have arXiv ids and they differ:
then they are two papers. Existing ids never change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import NamedTuple

from storage.model.ids import is_placeholder_title, normalise_title, paper_id
from storage.model.imported import ImportedPaper
from storage.model.records import Details, Entry, Paper, Shelf, make_paper
from storage.model.text import clean_line, is_web_link


class ImportPlan(NamedTuple):
    """What an import changes: the Paper records to write, the ids of the papers new to the
    library (in input order) and the shelves the input carries for untouched papers."""

    papers: list[Paper]
    added: tuple[str, ...]
    shelves: dict[str, Shelf]
    total: int = 0  # distinct papers in the input

    @property
    def new_papers(self) -> tuple[Paper, ...]:
        added = set(self.added)
        return tuple(p for p in self.papers if p.id in added)


def plan(unique: Mapping[str, ImportedPaper], known: Mapping[str, Entry], saved: Mapping[str, Shelf],
         source: str, stamp: str) -> ImportPlan:  # fmt: skip
    """Merge `unique` (see `by_id`) into a library holding `known` (paper id -> entry) whose
    shelves on disk are `saved` (paper id -> shelf, papers no longer in the catalogue included)."""
    added = tuple(pid for pid in unique if pid not in known)
    return ImportPlan(merged_papers(unique, known, source, stamp), added, carried_shelves(unique, saved), len(unique))


def cleaned(item: ImportedPaper) -> ImportedPaper:
    """Outside text, whoever hands it in: no escapes or controls."""
    title, abstract, listed = clean_line(item.title), clean_line(item.abstract), clean_line(item.listed)
    links = tuple(link for link in map(clean_line, item.links) if link)
    facts = {"authors": _cleaned_names(item.authors, distinct=False), "categories": _cleaned_names(item.categories),
             "arxiv_id": clean_line(item.arxiv_id), "published": clean_line(item.published),
             "details": _cleaned_details(item.details)}
    if (title is item.title and abstract is item.abstract and listed is item.listed and links == item.links
            and all(value == getattr(item, name) for name, value in facts.items())):
        return item  # already clean (clean_line hands back the very string then)
    return replace(item, title=title, abstract=abstract, links=links, listed=listed, **facts)


def _cleaned_details(details: Details) -> Details:
    """Text cleaned; a link that is not http(s) dropped (it would be offered by `o`)."""
    texts = {name: clean_line(getattr(details, name)) for name in ("doi", "journal_ref", "primary_category")}
    links = {name: link if is_web_link(link := clean_line(getattr(details, name))) else ""
             for name in ("code_url", "project_url", "hf_url")}  # fmt: skip
    cleaned = replace(details, **texts, **links)
    return details if cleaned == details else cleaned


def _cleaned_names(names: tuple[str, ...], distinct: bool = True) -> tuple[str, ...]:
    """Cleaned and non-empty; each once if `distinct` (not for authors: two may share a name)."""
    cleaned = [name for name in map(clean_line, names) if name]
    return tuple(dict.fromkeys(cleaned)) if distinct else tuple(cleaned)


def by_id(imported: Iterable[ImportedPaper], known: Mapping[str, Entry] | None = None) -> dict[str, ImportedPaper]:
    """The papers with a title by the id of the paper they are (in `known`, or new), in input
    order; of several that are the same paper, the last read counts (at the place of the first)."""
    if not known:
        known = {}
    by_arxiv = {e.paper.arxiv_id: pid for pid, e in known.items() if e.paper.arxiv_id}
    unique: dict[str, ImportedPaper] = {}
    for item in imported:
        if item.title:
            pid = _identify(item, known, by_arxiv)
            unique[pid] = item
            if item.arxiv_id:
                by_arxiv.setdefault(item.arxiv_id, pid)
    return unique


def _identify(item: ImportedPaper, known: Mapping[str, Entry], by_arxiv: dict[str, str]) -> str:
    if item.arxiv_id and item.arxiv_id in by_arxiv:
        return by_arxiv[item.arxiv_id]
    pid = paper_id(item.title)
    other = known[pid].paper.arxiv_id if pid in known else ""
    if item.arxiv_id and other and other != item.arxiv_id:  # same title, another paper
        return paper_id(f"{item.title} arXiv:{item.arxiv_id}")
    return pid


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
            out.append(make_paper(pid, item.title, item.abstract, item.links, item.listed, item.first_seen or stamp,
                                  position, source, item.authors, item.arxiv_id, item.published, item.categories,
                                  item.details))
        elif (newest := refreshed(old.paper, item)) != old.paper:
            out.append(newest)
    return out


def refreshed(old: Paper, item: ImportedPaper) -> Paper:
    """A known paper with what the input says of it: its title if it is the same title (matched
    by arXiv id, a source may spell it otherwise: the library's title is the paper's identity);
    its abstract, links and facts where the input has them (old links kept, after the new ones)."""
    links = tuple(dict.fromkeys(item.links + old.links)) if item.arxiv_id or item.authors else item.links or old.links
    return replace(
        old, title=item.title if _same_title(old, item) else old.title, abstract=item.abstract or old.abstract, links=links,
        authors=item.authors or old.authors, arxiv_id=old.arxiv_id or item.arxiv_id,
        published=item.published or old.published, categories=item.categories or old.categories,
        details=old.details.merged(item.details),
    )  # fmt: skip


def _same_title(old: Paper, item: ImportedPaper) -> bool:
    """The input's title may replace the library's: the same title, or a real one for a paper
    known only by its arXiv id until now."""
    return normalise_title(item.title) == normalise_title(old.title) or is_placeholder_title(old.title, old.arxiv_id)


def carried_shelves(unique: Mapping[str, ImportedPaper], saved: Mapping[str, Shelf]) -> dict[str, Shelf]:
    """Annotations carried by the input (a papershelf export) for papers whose shelf on disk
    (`saved`) is missing or blank: a blank shelf is filled, an annotated one never overwritten,
    even one whose paper had left the catalogue."""
    return {
        pid: item.shelf
        for pid, item in unique.items()
        if item.shelf is not None and not item.shelf.is_blank and (pid not in saved or saved[pid].is_blank)
    }
