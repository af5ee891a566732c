"""The library in memory: its entries by paper id in page order, and the search index over
them, built on first use and kept in step with every change applied here.

Safe across threads: the filter searches from a worker and the abstracts merge in from a loader.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from storage.files.tinystore import gc_paused
from storage.model.errors import UnknownPaperError
from storage.model.ids import doc_id
from storage.model.records import BLANK_SHELF, Entry, Paper, Shelf, make_entry


class Counts(NamedTuple):  # (NamedTuple, not dataclass: made at startup, 5x faster to define)
    total: int
    read: int
    starred: int


class Entries:
    def __init__(self) -> None:
        self.by_id: dict[str, Entry] = {}  # read it; only the methods below change it
        self._index = None
        self._similar = None
        self._lock = threading.RLock()
        self._building = threading.Lock()  # one index build at a time (a second would double the memory)

    # -- reading ---------------------------------------------------------------------------

    def entry(self, pid: str) -> Entry:
        try:
            return self.by_id[pid]
        except KeyError:
            raise UnknownPaperError(pid) from None

    def resolve(self, pid_or_prefix: str) -> str:
        """A full paper id from an id or an unambiguous prefix of one (at least 4 characters)."""
        key = pid_or_prefix.strip().lower()
        if key in self.by_id:
            return key
        found = [pid for pid in self.by_id if len(key) >= 4 and pid.startswith(key)]
        if len(found) == 1:
            return found[0]
        detail = "prefix matches several papers" if found else "no paper with this id in the library"
        raise UnknownPaperError(pid_or_prefix, detail)

    def counts(self) -> Counts:
        shelves = [e.shelf for e in self.by_id.values()]
        return Counts(len(shelves), sum(s.read for s in shelves), sum(s.starred for s in shelves))

    def all_tags(self) -> list[str]:
        return sorted({tag for e in self.by_id.values() for tag in e.shelf.tags})

    # -- the indexes -----------------------------------------------------------------------

    def index(self):
        """The search index (storage.search.index.SearchIndex), built on first use. Built outside
        the lock, from a copy: a write (a toggle, the save as the app quits) never waits for a
        build, which takes seconds at 100,000 papers. What changed meanwhile is applied to it
        after; if every entry was replaced meanwhile (the library read again), it is built again."""
        if (index := self._index) is not None:  # (every search comes here)
            return index
        from storage.search.index import SearchIndex

        with self._building:  # (never taken with self._lock held: no deadlock)
            while True:
                with self._lock:
                    if self._index is not None:
                        return self._index
                    source = self.by_id  # (replaced whole by load, fill_abstracts and restore)
                    copy = dict(source)
                with gc_paused():
                    built = SearchIndex(copy.values())
                with self._lock:
                    if self._index is None and self.by_id is source:
                        self._catch_up(built, copy)
                        self._index = built
                        gc.freeze()  # it lives as long as the library: later collections skip it
                # (else every entry was replaced meanwhile: build again)

    def _catch_up(self, index, copy: dict[str, Entry]) -> None:
        """Apply to `index`, built from `copy`, what changed in the entries since."""
        for pid in copy.keys() - self.by_id.keys():
            index.remove(pid)
        for pid, entry in self.by_id.items():
            if copy.get(pid) is not entry:
                index.update(entry)

    def search(self, text: str) -> list:
        index = self.index()
        with gc_paused():  # a broad filter makes 100,000 results: collections would halve the speed
            return index.search(text)

    def search_lazily(self, text: str, should_stop=None) -> Sequence:
        """See SearchIndex.search_lazily (`should_stop`: SearchCancelled once it says so)."""
        index = self.index()
        with gc_paused():
            return index.search_lazily(text, should_stop)

    def similar(self, pid: str, limit: int) -> list:
        """Papers most like `pid` by abstract text, best first, as Matches of the current entries."""
        from storage.search.similar import SimilarityIndex

        with self._lock:  # it runs on a worker: no change may land mid-iteration
            current = list(self.by_id.values())
        papers, cached = tuple(e.paper for e in current), self._similar
        if cached is None or cached[0] != papers:
            cached = self._similar = (papers, SimilarityIndex(current))  # built outside the lock: toggles never wait
        matches = cached[1].similar(pid, limit)
        with self._lock:
            return [m._replace(entry=self.by_id[m.entry.id]) for m in matches if m.entry.id in self.by_id]

    # -- changing ----------------------------------------------------------------------------

    def load(self, papers: Iterable[Paper], saved: Mapping[str, Shelf]) -> None:
        """Replace every entry by `papers` (in page order); known papers keep their shelves,
        the others get their shelf in `saved` (paper id -> shelf on disk)."""
        with self._lock:
            old = self.by_id
            self.by_id = {p.id: make_entry(p, old[p.id].shelf if p.id in old else saved.get(p.id, BLANK_SHELF)) for p in papers}
            self._index = None

    def fill_abstracts(self, texts: Mapping[str, str | bytes]) -> None:
        """Give each paper its abstract from `texts` (doc key -> abstract, maybe packed)."""
        with self._lock:
            self.by_id = {
                pid: make_entry(e.paper.with_abstract(texts[key]), e.shelf) if (key := str(doc_id(pid))) in texts else e
                for pid, e in self.by_id.items()
            }
            self._index = None

    def set_shelves(self, shelves: Mapping[str, Shelf]) -> None:
        """The papers among `shelves` get their new shelf (only those that differ: the index stays warm)."""
        with self._lock:
            for pid in shelves.keys() & self.by_id.keys():
                shelf, old = shelves[pid], self.by_id[pid].shelf
                if old is not shelf and old != shelf:
                    self._put(make_entry(self.by_id[pid].paper, shelf))

    def put_papers(self, papers: Iterable[Paper], saved: Mapping[str, Shelf]) -> None:
        """New papers go last (they come numbered after the last) with their shelf in `saved`
        (paper id -> shelf on disk); known ones keep their shelf."""
        with self._lock:
            for paper in papers:
                known = self.by_id.get(paper.id)
                self._put(make_entry(paper, known.shelf if known else saved.get(paper.id, BLANK_SHELF)))

    def remove(self, pids: Iterable[str]) -> None:
        with self._lock:
            for pid in pids:
                del self.by_id[pid]
                if self._index is not None:
                    self._index.remove(pid)

    def restore(self, papers: Iterable[Paper], saved: Mapping[str, Shelf]) -> None:
        """Papers back in their place (by position), with their shelf in `saved` (paper id ->
        shelf on disk)."""
        with self._lock:
            merged = {**self.by_id, **{p.id: make_entry(p, saved.get(p.id, BLANK_SHELF)) for p in papers}}
            self.by_id = dict(sorted(merged.items(), key=lambda kv: kv[1].paper.position))
            self._index = None

    def _put(self, entry: Entry) -> None:
        self.by_id[entry.id] = entry
        if self._index is not None:
            self._index.update(entry)
