"""Noticing changes another process made to the library (`papershelf import` elsewhere).

`Library.refresh()` says whether *it* re-read anything, but every write also starts from
what is on disk, so a toggle made here can silently take in another process's changes.
The watcher therefore also compares the library's entries with the ones this session saw
(entries are immutable, so an identity check per entry is enough).
"""

from __future__ import annotations

from collections.abc import Iterable

from storage.library import Library
from storage.models import Entry


class LibraryWatcher:
    def __init__(self, library: Library) -> None:
        self.library = library
        self._seen: dict[str, Entry] = {}
        self.take_snapshot()

    def take_snapshot(self) -> None:
        self._seen = {entry.id: entry for entry in self.library.entries()}

    def saw(self, entries: Iterable[Entry]) -> None:
        """Entries this session wrote: not news when the next poll finds them."""
        for entry in entries:
            self._seen[entry.id] = entry

    def changed(self) -> bool:
        """Re-read the library; True if it holds anything this session has not seen."""
        refreshed = self.library.refresh()
        entries = self.library.entries()
        seen = self._seen
        if refreshed or len(entries) != len(seen) or any(seen.get(e.id) is not e for e in entries):
            self.take_snapshot()
            return True
        return False
