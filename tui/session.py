"""The triage session of the main screen, free of Textual: the newest entries it wrote, the
selection, the sort, saved filters, the "more like this" trail, the query shown and the counts
line. Plus the helpers it is made of: the next unread row, sorted rows, bulk toggles.

`TriageSession` is a plain class (tests/tui/test_session.py runs it without an app); the main
screen wires widgets to it (tui/screens/main.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from storage import PapershelfError
from storage import Counts, Library
from storage import Entry
from storage import DEFAULT_SORT, SORTS, next_sort, sort_matches
from tui.render.counts import papers
from tui.paper_rows import PaperRows

if TYPE_CHECKING:  # the query module pulls in rapidfuzz: not needed for the first screen
    from storage import Match

SORT_SETTING = "sort"
CURSOR_SETTING = "cursor"
SAVED_FILTERS_SETTING = "saved_filters"
SLOTS = "1234567890"  # saved filters, in keyboard order: ctrl+s then a digit saves, the digit recalls
BULK_CONFIRM_OVER = 5  # a bulk change to more papers than this asks first
LIKE_LIMIT = 30
FIRST_SCREEN_ROWS = 150  # kept on each side of the cursor: a terminal up to this tall shows no gap
_LIKE = re.compile(r"(?<!\S)like:(\S*)", re.IGNORECASE)
ShouldStop = Callable[[], bool]


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


def find(library: Library, text: str, order: str, should_stop: ShouldStop | None = None) -> Sequence[Match]:
    """What the filter bar shows for `text`: runs in the filter's worker thread, and gives up
    (SearchCancelled) once `should_stop()` says a newer query came.
    "More like this" is always most alike first: that order is its point."""
    like, rest = split_like(text)
    if like is not None:
        return similar(library, like, rest)
    return sort_matches(library.search_lazily(text, should_stop), order)


def similar(library: Library, paper_id: str, rest: str = "") -> list[Match]:
    """Papers like `paper_id` (most alike first), narrowed by the rest of the filter."""
    if not paper_id:
        raise PapershelfError("like: needs a paper id, e.g. like:3f2a9c1b")
    matches = library.similar(paper_id, LIKE_LIMIT)
    if rest.strip():
        allowed = {m.entry.id for m in library.search(rest)}
        matches = [m for m in matches if m.entry.id in allowed]
    return matches


def rows(library: Library, text: str, order: str, should_stop: ShouldStop | None = None) -> PaperRows:
    """The list's rows for a query; similarity scores are shown for `like:` queries."""
    matches = find(library, text, order, should_stop)
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
    """`text` cut to at most `width` characters, "…" marking the cut (titles in toasts and the
    counts line; one line of text: fold line breaks first, e.g. with storage's one_line)."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# --- the session ------------------------------------------------------------------------------


class TriageSession:
    """The state of one sitting at the main screen, and the decisions made on it. The library
    is the truth; this holds what the screen shows of it and how."""

    def __init__(self, library: Library, *, demo: bool = False) -> None:
        """`demo`: the library is a throwaway demo (the counts line says so)."""
        self.library = library
        self.demo = demo
        # Entries this session wrote, newest version: a filter that ran before a toggle
        # returns the old entry, and must not undo the toggle on screen.
        self.written: dict[str, Entry] = {}
        self.selected: set[str] = set()  # ids; the paper list draws the marks from this set
        self.like_trail: list[str] = []  # the filters "more like this" replaced, newest last
        self.query = ""  # the query whose results are shown
        self.searching = False  # a filter is taking long (the index is being built, at 100,000 papers)
        self._counts: Counts | None = None
        self.cursor: str | None = library.get_setting(CURSOR_SETTING)  # the paper the cursor was left on

    # --- what the library says ----------------------------------------------------------------

    def wrote(self, entries: Sequence[Entry]) -> None:
        """Entries a change returned: newer than any filter result computed before it."""
        for entry in entries:
            self.written[entry.id] = entry
        self._counts = None

    def library_changed(self) -> None:
        """The library changed under the session (undo, another process, an import): its
        entries are the newest now, and the counts must be taken again."""
        self.written.clear()
        self._counts = None

    def counts(self) -> Counts:
        if self._counts is None:
            self._counts = self.library.counts()
        return self._counts

    # --- the query and its rows ---------------------------------------------------------------

    def rows(self, text: str, should_stop: ShouldStop | None = None) -> PaperRows:
        """Runs in the filter worker thread: the filter in the chosen sort order, or `like:ID`;
        abandoned (SearchCancelled) as soon as `should_stop()` is true."""
        return rows(self.library, text, self.sort_order(), should_stop).overlay(self.written)

    def results_shown(self, query: str) -> bool:
        """The results of `query` are shown now. True for a new query (the cursor goes to its
        best match); the same query run again (the library or the sort changed) and a cleared
        filter keep the cursor where it was."""
        query = query.strip()
        new_query = query not in ("", self.query)
        self.query, self.searching = query, False
        return new_query

    def count_extras(self, filter_text: str) -> list[str]:
        """What follows `78 papers · 12 read · 5 starred · showing 9` in the counts line."""
        like, _ = split_like(filter_text)
        title = self.title_of(like) if like else None
        extras = count_extras(len(self.selected), self.sort_order(), title)
        if self.searching:
            extras.append("searching…")
        if self.demo:
            extras.append("demo: deleted on quit")
        return extras

    def title_of(self, paper_id: str) -> str | None:
        try:
            return self.library.entry(self.library.resolve(paper_id)).paper.title
        except PapershelfError:
            return None

    # --- sorting ------------------------------------------------------------------------------

    def sort_order(self) -> str:
        return sort_order(self.library)

    def cycle_sort(self) -> str:
        """Sort by the next order, remembered in the library. Raises PapershelfError."""
        order = next_sort(self.sort_order())
        self.library.set_setting(SORT_SETTING, order)
        return order

    # --- saved filters and "more like this" ---------------------------------------------------

    def saved_filters(self) -> dict[str, str]:
        return saved_filters(self.library)

    def save_filter(self, slot: str, text: str) -> str:
        """Keep `text` under `slot`; returns what to tell the reader. Raises PapershelfError."""
        save_filter(self.library, slot, text)
        return f"Filter {slot}: {text.strip()}" if text.strip() else f"Filter {slot} forgotten"

    def recall_filter(self, slot: str) -> str | None:
        """The filter saved under `slot` (it replaces any "more like this"), or None."""
        text = self.saved_filters().get(slot)
        if text is not None:
            self.like_trail.clear()
        return text

    def more_like(self, paper_id: str, filter_text: str) -> str | None:
        """The query for papers like `paper_id`, remembering the filter it replaces; None if
        that is the filter already."""
        query = like_query(paper_id)
        if filter_text == query:
            return None
        self.like_trail.append(filter_text)
        return query

    def back_from_like(self, filter_text: str) -> str | None:
        """esc in "more like this": the filter it replaced (None: not in "more like this")."""
        if self.like_trail and split_like(filter_text)[0] is not None:
            return self.like_trail.pop()
        self.like_trail.clear()
        return None

    # --- selection and bulk changes -----------------------------------------------------------

    def selected_ids(self, listed: Sequence[Entry]) -> list[str]:
        """The selected papers still in the library: those listed in list order, then the rest."""
        if not self.selected:
            return []
        shown = [e.id for e in listed if e.id in self.selected]
        hidden = self.selected.difference(shown)
        rest = [e.id for e in self.library.entries() if e.id in hidden] if hidden else []
        return shown + rest

    def entries(self, ids: Sequence[str]) -> list[Entry]:
        return [self.library.entry(pid) for pid in ids]

    # --- the cursor, remembered for the next sitting -----------------------------------------

    def remember_cursor(self, paper_id: str | None) -> None:
        """Keep the paper the cursor is on. A convenience: when the library cannot be written,
        the next move tries again."""
        if paper_id is None or paper_id == self.cursor:
            return
        try:
            self.library.set_setting(CURSOR_SETTING, paper_id)
        except PapershelfError:
            return
        self.cursor = paper_id

    # --- the first screen of the next start -------------------------------------------------

    def save_first_screen(self, theme: str) -> bool:
        """Keep what the next start's first screen shows (the whole library in page order, the
        cursor on the paper it was left on), so that it is drawn before the library is read
        (storage/files/first_screen.py, tui/screens/first.py). Not for a sort other than page
        order (the main screen's first frame is in page order then, re-sorted a moment later),
        nor for an empty library. Raises PapershelfError."""
        entries = self.library.entries()
        if not entries or self.sort_order() != DEFAULT_SORT or self.demo:
            return False
        cursor = next((row for row, entry in enumerate(entries) if entry.id == self.cursor), 0) if self.cursor else 0
        first = max(0, cursor - FIRST_SCREEN_ROWS)
        window = entries[first : cursor + FIRST_SCREEN_ROWS]
        counts = self.counts()
        return self.library.save_first_screen({
            "counts": list(counts), "extras": self.count_extras(""), "theme": theme,
            "rows": len(entries), "first": first, "cursor": cursor,
            "papers": [e.paper.catalogue_doc() for e in window], "shelves": [e.shelf.to_doc(e.id) for e in window],
        })  # fmt: skip

    # --- undo / redo --------------------------------------------------------------------------

    def undo(self) -> tuple[str | None, str | None]:
        """Undo the newest step: (what was undone or None, the paper to go back to if the step
        changed one paper, e.g. after a wrong x). Raises PapershelfError."""
        step = self.library.history.newest()
        label = self._replayed(self.library.undo())
        back_to = next(iter(step.before)) if label and step is not None and len(step.before) == 1 else None
        return label, back_to

    def redo(self) -> str | None:
        return self._replayed(self.library.redo())

    def _replayed(self, label: str | None) -> str | None:
        if label is None:
            return None
        self.library_changed()
        return label[:1].upper() + label[1:]
