"""Triage helpers for the main screen, free of widgets: the next unread row, saved filters,
sorted rows, "more like this" queries, bulk toggles and the extras of the counts line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from storage import PapershelfError
from storage import Library
from storage import Entry
from storage import DEFAULT_SORT, SORTS, sort_matches
from tui.keys import FILTER_SLOTS
from tui.widgets.paper_list import PaperRows

if TYPE_CHECKING:  # the query module pulls in rapidfuzz: not needed for the first screen
    from storage import Match

SORT_SETTING = "sort"
SAVED_FILTERS_SETTING = "saved_filters"
SLOTS = FILTER_SLOTS  # the digit keys, in keyboard order
BULK_CONFIRM_OVER = 5  # a bulk change to more papers than this asks first
LIKE_LIMIT = 30
_LIKE = re.compile(r"(?<!\S)like:(\S*)", re.IGNORECASE)


# --- moving through unread papers ---------------------------------------------------------


def next_unread(entries: Sequence[Entry], row: int, step: int = 1) -> int | None:
    """The row of the nearest unread paper after `row` (step 1) or before it (step -1),
    wrapping around the list; never `row` itself. None when no other paper is unread."""
    count = len(entries)
    for offset in range(1, count):
        candidate = (row + step * offset) % count
        if not entries[candidate].shelf.read:
            return candidate
    return None


# --- sorting --------------------------------------------------------------------------------


def sort_order(library: Library) -> str:
    order = library.get_setting(SORT_SETTING, DEFAULT_SORT)
    return order if order in SORTS else DEFAULT_SORT


def sort_label(order: str) -> str:
    return SORTS.get(order, SORTS[DEFAULT_SORT])


# --- saved filters ----------------------------------------------------------------------------


def saved_filters(library: Library) -> dict[str, str]:
    """Slot digit -> filter text, in keyboard order; anything malformed in the setting is ignored."""
    stored = library.get_setting(SAVED_FILTERS_SETTING, {})
    if not isinstance(stored, dict):
        return {}
    return {slot: stored[slot] for slot in SLOTS if isinstance(stored.get(slot), str) and stored[slot].strip()}


def save_filter(library: Library, slot: str, text: str) -> None:
    """Keep `text` under `slot` (an empty text forgets the slot). Raises PapershelfError."""
    if slot not in SLOTS or len(slot) != 1:
        raise PapershelfError(f"saved filter slot {slot!r}: expected one digit 0-9")
    saved = saved_filters(library)
    if text.strip():
        saved[slot] = text.strip()
    else:
        saved.pop(slot, None)
    library.set_setting(SAVED_FILTERS_SETTING, {s: saved[s] for s in SLOTS if s in saved})


# --- the rows of a query: filter, "more like this", sort --------------------------------------


def split_like(text: str) -> tuple[str | None, str]:
    """`like:ID rest` -> (ID, rest); a query without `like:` -> (None, text)."""
    found = _LIKE.search(text)
    if found is None:
        return None, text
    rest = (text[: found.start()] + text[found.end() :]).strip()
    return found.group(1), rest


def like_query(paper_id: str) -> str:
    return f"like:{paper_id}"


def find(library: Library, text: str, order: str) -> Sequence[Match]:
    """What the filter bar shows for `text`: runs in the filter's worker thread.
    "More like this" is always most alike first: that order is its point."""
    like, rest = split_like(text)
    if like is not None:
        return similar(library, like, rest)
    return sort_matches(library.search_lazily(text), order)


def similar(library: Library, paper_id: str, rest: str = "") -> list[Match]:
    """Papers like `paper_id` (most alike first), narrowed by the rest of the filter."""
    if not paper_id:
        raise PapershelfError("like: needs a paper id, e.g. like:3f2a9c1b")
    matches = library.similar(paper_id, LIKE_LIMIT)
    if rest.strip():
        allowed = {m.entry.id for m in library.search(rest)}
        matches = [m for m in matches if m.entry.id in allowed]
    return matches


def rows(library: Library, text: str, order: str) -> PaperRows:
    """The list's rows for a query; similarity scores are shown for `like:` queries."""
    matches = find(library, text, order)
    return PaperRows.from_matches(matches, with_scores=split_like(text)[0] is not None)


# --- bulk changes ---------------------------------------------------------------------------


class BulkChange(NamedTuple):
    """One change to many papers: what Library.annotate gets, and how to say it."""

    verb: str  # "Mark … read": the question, … standing for the papers
    past: str  # "Marked … read": what was done
    read: bool | None = None
    starred: bool | None = None
    add_tags: tuple[str, ...] = ()

    def question(self, count: int) -> str:
        return self.verb.replace("…", papers(count)) + "?"

    def done(self, count: int) -> str:
        return self.past.replace("…", papers(count)) + " (u undoes)"

    def apply(self, library: Library, ids: Sequence[str]) -> list[Entry]:
        return library.annotate(ids, read=self.read, starred=self.starred, add_tags=self.add_tags)


def bulk_read(entries: Sequence[Entry]) -> BulkChange:
    """Mark all read, or all unread when every one is read already (a toggle for the batch)."""
    read = not all(e.shelf.read for e in entries)
    state = "read" if read else "unread"
    return BulkChange(f"Mark … {state}", f"Marked … {state}", read=read)


def bulk_star(entries: Sequence[Entry]) -> BulkChange:
    starred = not all(e.shelf.starred for e in entries)
    if starred:
        return BulkChange("Star …", "Starred …", starred=True)
    return BulkChange("Unstar …", "Unstarred …", starred=False)


def bulk_tags(tags: Sequence[str]) -> BulkChange:
    shown = " ".join(f"#{tag}" for tag in tags)
    return BulkChange(f"Tag … {shown}", f"Tagged … {shown}", add_tags=tuple(tags))


def papers(count: int) -> str:
    return f"{count:,} paper{'s' if count != 1 else ''}"


# --- the counts line --------------------------------------------------------------------------


def count_extras(selected: int, order: str, like_title: str | None) -> list[str]:
    """What follows `78 papers · 12 read · 5 starred` besides the filter's own count."""
    extras = []
    if like_title is not None:
        extras.append(f"like «{shorten(like_title, 28)}» — esc to go back")
    if selected:
        extras.append(f"{selected:,} selected")
    if order != DEFAULT_SORT and like_title is None:
        extras.append(f"sorted: {sort_label(order)}")
    return extras


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
