"""The rows of the paper list, free of Textual: what the filter's worker thread builds and
the triage session (tui/session.py) hands over; drawn by tui/widgets/paper_list.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from storage import Entry


class MatchLike(Protocol):
    """The shape of `storage.search.language.Match` the list needs."""

    entry: Entry
    score: float
    title_spans: Sequence[tuple[int, int]]


class PaperRows:
    """What the list shows, in order: plain entries, or filter matches (entry, score, title
    spans to highlight). Built where the filter runs, so the UI thread only swaps it in.
    A broad filter at 100,000 papers gives 100,000 rows a keystroke, so nothing is derived
    from them up front: the ids, the entries and the paper id -> row map are built on first
    use, and a row's entry, spans and score are read from its match when it is drawn (the
    search's lazy results make that match only then)."""

    __slots__ = ("_entries", "_ids", "_items", "_newer", "_newest", "_plain", "_row_of", "with_scores")

    def __init__(
        self, items: Iterable[Entry] | Iterable[MatchLike], *, plain: bool, with_scores: bool = False
    ) -> None:
        self._items: Sequence = items if isinstance(items, Sequence) else list(items)
        self._plain = plain
        self.with_scores = with_scores
        self._newer: dict[int, Entry] = {}  # row -> a newer version of its entry (a toggle)
        self._newest: Mapping[str, Entry] = {}  # paper id -> its newest version (see `overlay`)
        self._entries: list[Entry] | None = None
        self._ids: list[str] | None = None
        self._row_of: dict[str, int] | None = None

    @classmethod
    def of_entries(cls, entries: Iterable[Entry]) -> PaperRows:
        return cls(entries, plain=True)

    @classmethod
    def from_matches(cls, matches: Iterable[MatchLike], *, with_scores: bool = False) -> PaperRows:
        """Rows for filter results; a sequence is kept as it is, not copied."""
        return cls(matches, plain=False, with_scores=with_scores)

    def __len__(self) -> int:
        return len(self._items)

    def overlay(self, newest: Mapping[str, Entry]) -> PaperRows:
        """Show `newest`'s version of a paper (read as rows are drawn: it may grow later).
        For the entries a session wrote after the search read them; no work per row now."""
        self._newest = newest
        return self

    @property
    def entries(self) -> list[Entry]:
        if self._entries is None:
            self._entries = self._all_entries()
            if newest := self._newest:
                self._entries = [newest.get(entry.paper.id, entry) for entry in self._entries]
            for row, entry in self._newer.items():
                self._entries[row] = entry
        return self._entries

    def _all_entries(self) -> list[Entry]:
        if self._plain:
            return list(self._items)
        if (listed := getattr(self._items, "entries", None)) is not None:  # lazy search results
            return listed()
        return [m.entry for m in self._items]

    @property
    def ids(self) -> list[str]:
        if self._ids is None:
            self._ids = [entry.paper.id for entry in self.entries]
        return self._ids

    def entry(self, row: int) -> Entry:
        return self._current(row, self._items[row] if self._plain else self._items[row].entry)

    def drawn(self, row: int) -> tuple[Entry, Sequence[tuple[int, int]], float | None]:
        """What drawing a row takes: its entry, title spans and score (its match read once:
        a lazy search result makes it anew on each read)."""
        if self._plain:
            return self.entry(row), (), None
        match = self._items[row]
        return self._current(row, match.entry), match.title_spans, match.score if self.with_scores else None

    def _current(self, row: int, entry: Entry) -> Entry:
        """The newest version of `entry`, listed on `row` (see `replace` and `overlay`)."""
        if self._newer and (newer := self._newer.get(row)) is not None:
            return newer
        return self._newest.get(entry.paper.id, entry) if self._newest else entry

    def scores(self) -> dict[str, float]:
        """Paper id -> similarity score ("more like this"); empty for a plain filter."""
        if not self.with_scores:
            return {}
        return {m.entry.paper.id: m.score for m in self._items}

    def replace(self, row: int, entry: Entry) -> None:
        """A newer version of the paper on `row` (after a toggle)."""
        self._newer[row] = entry
        if self._entries is not None:
            self._entries[row] = entry

    @property
    def row_of(self) -> dict[str, int]:
        """Paper id -> row; built on first use (~12 ms at 100,000 rows, too much per keystroke)."""
        if self._row_of is None:
            self._row_of = dict(zip(self.ids, range(len(self._items))))
        return self._row_of

    def row(self, paper_id: str) -> int | None:
        """The row of one paper: a scan of the ids is cheaper than building `row_of` for it."""
        if self._row_of is not None:
            return self._row_of.get(paper_id)
        try:
            return self.ids.index(paper_id)
        except ValueError:
            return None
