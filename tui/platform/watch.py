"""Noticing changes another process made to the library (`papershelf import` elsewhere).

`Library.refresh()` says whether *it* re-read anything, but every write also starts from
what is on disk, so a toggle made here can silently take in another process's changes.
The watcher therefore also compares the library's entries with the ones this session saw
(entries are immutable, so an identity check per entry is enough).
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import is_not

from storage import Library
from storage import Entry


class LibraryWatcher:
    def __init__(self, library: Library) -> None:
        self.library = library
        self._seen: list[Entry] = []
        self._row_of: dict[str, int] | None = None
        self.take_snapshot()

    def take_snapshot(self) -> None:
        self._seen = self.library.entries()
        self._row_of = None  # built when first needed: startup at 100,000 papers does not wait for it

    def saw(self, entries: Iterable[Entry]) -> None:
        """Entries this session wrote: not news when the next poll finds them."""
        if self._row_of is None:
            self._row_of = {entry.id: row for row, entry in enumerate(self._seen)}
        for entry in entries:
            row = self._row_of.get(entry.id)
            if row is not None:
                self._seen[row] = entry

    def changed(self) -> bool:
        """Re-read the library; True if it holds anything this session has not seen."""
        refreshed = self.library.refresh()
        entries = self.library.entries()
        if refreshed or len(entries) != len(self._seen) or any(map(is_not, entries, self._seen)):
            self.take_snapshot()
            return True
        return False
