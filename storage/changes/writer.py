"""How every change to a library is made: under the library lock, starting from what is on
disk now (another process may have written since), the files written, the entries in memory
updated, and the step recorded for undo. What a change does is decided elsewhere (shelves.py,
merge.py); the time of a change is handed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from storage.changes.entries import Entries
from storage.changes.history import History, Step
from storage.changes.shelves import ShelfChange, changed, replayed
from storage.files import backups, paths
from storage.files.annotations import Annotations
from storage.files.catalogue import Catalogue
from storage.files.tinystore import gc_paused, stray_temp_files
from storage.model.ids import doc_id
from storage.model.records import Entry, Paper, Shelf

if TYPE_CHECKING:
    from storage.changes.merge import ImportPlan
    from storage.model.imported import ImportedPaper


class Writer:
    """The library in `directory` as this process holds it: its files, its entries in memory,
    its undo history; and every change to it."""

    def __init__(self, directory: Path) -> None:
        from storage.files.locking import LibraryLock

        hint = partial(backups.newest_sound_backup, directory)  # looked up when a file is found damaged
        self.entries = Entries()
        self.catalogue = Catalogue(directory, hint, self.entries.fill_abstracts)
        self.annotations = Annotations(directory, hint)
        self.lock = LibraryLock(directory / paths.LOCK)
        self.history = History()
        self._directory = directory
        self._outside_changes = False

    def load(self, with_abstracts: bool) -> None:
        """The first read, with temp files of killed writers removed and an old schema upgraded."""
        with self.lock, gc_paused():
            for stray in stray_temp_files(self._directory):
                stray.unlink(missing_ok=True)
            self.entries.load(self.catalogue.papers(with_abstracts), self.annotations.shelves)
            self.catalogue.upgrade()  # after the load: a damaged file is refused, not rewritten
            self.entries.set_shelves(self.annotations.load())

    def refresh(self) -> bool:
        """Re-read whatever another process changed. True if anything changed elsewhere since
        the last call, including changes picked up on the way by this object's own writes."""
        if self.catalogue.changed_on_disk() or self.annotations.changed_on_disk():
            with self.lock:
                self._sync()
        seen, self._outside_changes = self._outside_changes, False
        return seen

    def _sync(self) -> None:
        if self.catalogue.changed_on_disk():
            self.entries.load(self.catalogue.papers(), self.annotations.shelves)
            self._outside_changes = True
        if self.annotations.changed_on_disk():
            self.entries.set_shelves(self.annotations.load())
            self._outside_changes = True

    def change(self, ids: Iterable[str], change: ShelfChange, stamp: str) -> list[Entry]:
        """Apply `change` to the shelves of the papers `ids` (ids or prefixes) as one write and
        one undo step; their entries as they are now."""
        with self.lock:
            self._sync()
            pids = list(dict.fromkeys(self.entries.resolve(i) for i in ids))
            before = {pid: self.entries.by_id[pid].shelf for pid in pids}
            after = changed(before, change)
            if after:
                self._write_shelves(after, stamp)
                self.history.record(Step(change.label, {p: before[p] for p in after}, after), change.merge_key)
        return [self.entries.by_id[pid] for pid in pids]

    def set_setting(self, key: str, value: object) -> None:
        with self.lock:
            self._sync()
            self.annotations.set_setting(key, value)

    def replay(self, step: Step, undo: bool, stamp: str) -> None:
        """Undo `step` (or redo it): papers it imported removed (or put back), shelves restored."""
        with self.lock:
            self._sync()
            if step.added_papers:
                self._remove_papers(step.added_papers) if undo else self._restore_papers(step.restore_papers)
            wanted, left = (step.before, step.after) if undo else (step.after, step.before)
            present = {pid: replayed(self.entries.by_id[pid].shelf, left.get(pid, s), s)
                       for pid, s in wanted.items() if pid in self.entries.by_id}  # fmt: skip
            present = {pid: s for pid, s in present.items() if s != self.entries.by_id[pid].shelf}
            if present:
                self._write_shelves(present, stamp)

    def import_papers(self, imported: Iterable[ImportedPaper], source: str, stamp: str) -> ImportPlan:
        """Merge `imported` in: one write each file, one undo step."""
        from storage.changes.merge import by_id, plan

        with self.lock:
            self._sync()
            self.catalogue.ensure_abstracts()
            unique = by_id(imported, self.entries.by_id)
            merged = plan(unique, self.entries.by_id, self.annotations.shelves, source, stamp)
            if merged.papers:
                self.catalogue.write_papers({doc_id(p.id): p.to_doc() for p in merged.papers})
                self.entries.put_papers(merged.papers, self.annotations.shelves)
            if merged.shelves:
                self._write_shelves(merged.shelves, stamp)
            if merged.added:
                self.history.record(Step(f"import of {source}", {}, {}, merged.added, merged.new_papers))
        return merged

    def compact(self) -> None:
        with self.lock:
            self.annotations.compact()

    def close(self) -> None:
        self.catalogue.close()
        self.annotations.close()

    def _write_shelves(self, shelves: dict[str, Shelf], stamp: str) -> None:
        self.entries.set_shelves(self.annotations.write_shelves(shelves, stamp))

    def _remove_papers(self, pids: Iterable[str]) -> None:
        gone = [pid for pid in pids if pid in self.entries.by_id]
        self.annotations.backup("undo-import")
        self.catalogue.write_papers({}, remove=[doc_id(p) for p in gone])
        self.annotations.remove_shelves(gone)
        self.entries.remove(gone)

    def _restore_papers(self, papers: Iterable[Paper]) -> None:
        papers = [p for p in papers if p.id not in self.entries.by_id]
        self.catalogue.write_papers({doc_id(p.id): p.to_doc() for p in papers})
        self.entries.restore(papers, self.annotations.shelves)
