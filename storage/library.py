"""The library: the one object the CLI and the UI talk to, a front that hands work to its parts.

A library is a directory of three files: the catalogue and the abstracts (files/catalogue.py)
and the annotations (files/annotations.py), kept in memory with a search index
(changes/entries.py). What a change does is worked out by changes/shelves.py and
changes/merge.py; changes/writer.py makes it durable, safe to share with other processes.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from storage.changes import shelves
from storage.changes.entries import Counts
from storage.changes.history import step_from_doc, step_to_doc
from storage.changes.writer import Writer
from storage.files import paths
from storage.files.tinystore import gc_paused
from storage.model.errors import PapershelfError
from storage.model.records import Entry
from storage.model.text import clean_line, plural

if TYPE_CHECKING:
    from storage.changes.history import Step
    from storage.model.imported import ImportedPaper

LAST_COMMAND = "last_command"  # the setting holding the newest step of a command, for `papershelf undo`


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ImportResult(NamedTuple):
    source: str
    total: int  # distinct papers in the input
    added: tuple[str, ...]  # ids of papers new to the library
    existing: int  # papers the library already had

    def summary(self) -> str:
        return (
            f"{self.source}: {plural(self.total, 'paper')} "
            f"({len(self.added):,} new, {self.existing:,} already in the library)"
        )


class Library:
    """Open with `Library.open(directory)`; every method that changes something is durable on return."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._writer = Writer(directory)
        self._entries, self._catalogue, self.history = self._writer.entries, self._writer.catalogue, self._writer.history

    @classmethod
    def open(cls, directory: str | Path | None = None, *, abstracts_later: bool = False) -> Library:
        """Open (or create) the library in `directory`. With `abstracts_later` the abstracts are
        not read yet (entries hold "" until `wait_for_abstracts` or `load_abstracts_in_background`):
        the UI paints its first screen before reading the biggest file."""
        folder = paths.library_dir(directory)
        if folder.exists() and not folder.is_dir():
            raise PapershelfError(f"{folder}: is not a directory (a library is a directory)")
        folder.mkdir(parents=True, exist_ok=True)
        library = cls(folder)
        library._writer.load(with_abstracts=not abstracts_later)
        gc.freeze()  # the loaded records live as long as the app: keep them out of later GC scans
        return library

    # -- reading ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries.by_id)

    def entries(self) -> list[Entry]:
        """All entries in page order (opened with `abstracts_later`: maybe without abstracts
        yet; `wait_for_abstracts` first where they matter)."""
        return list(self._entries.by_id.values())

    def entry(self, pid: str) -> Entry:
        return self._entries.entry(pid)

    def resolve(self, pid_or_prefix: str) -> str:
        """A full paper id from an id or an unambiguous prefix of one (at least 4 characters)."""
        return self._entries.resolve(pid_or_prefix)

    def counts(self) -> Counts:
        return self._entries.counts()

    def all_tags(self) -> list[str]:
        return self._entries.all_tags()

    def get_setting(self, key: str, default: Any = None) -> Any:
        return self._writer.annotations.settings.get(key, default)

    @property
    def index(self):
        """The search index over the entries, built on first use (any thread) and kept in sync."""
        self.wait_for_abstracts()  # first: it takes the index lock itself
        return self._entries.index()

    def search(self, text: str) -> list:
        self.wait_for_abstracts()
        return self._entries.search(text)

    def search_lazily(self, text: str, should_stop: Callable[[], bool] | None = None) -> Sequence:
        """`search`, each Match made when read: what the list shows as the user types.
        Raises SearchCancelled as soon as `should_stop()` is true (a newer keystroke came)."""
        self.wait_for_abstracts()
        return self._entries.search_lazily(text, should_stop)

    def similar(self, pid: str, limit: int = 20) -> list:
        """Papers most like `pid` by abstract text (TF-IDF), best first, as Matches.
        The first call builds the vectors (seconds at 10,000 papers): call it from a worker."""
        pid = self.resolve(pid)
        self.wait_for_abstracts()
        return self._entries.similar(pid, limit)

    # -- abstracts, and staying in step with other processes ----------------------------------

    @property
    def abstracts_loaded(self) -> bool:
        return self._catalogue.abstracts_loaded

    def wait_for_abstracts(self) -> None:
        """Make sure every entry holds its abstract: read them now unless a loader is at it."""
        self._catalogue.ensure_abstracts()

    def load_abstracts_in_background(self, done: Callable[[PapershelfError | None], None]) -> None:
        """Read the abstracts in a thread; `done(None)` then, or `done(error)` if the file is
        damaged (entries keep "" and every write that needs the abstracts refuses)."""
        self._catalogue.load_abstracts_in_background(done)

    def refresh(self) -> bool:
        """Re-read whatever another process changed; True if anything changed elsewhere since
        the last call (including changes picked up on the way by this object's own writes)."""
        return self._writer.refresh()

    # -- annotating and settings -----------------------------------------------------------

    def annotate(self, ids: Iterable[str], *, read: bool | None = None, starred: bool | None = None,
                 add_tags: Iterable[str] = (), remove_tags: Iterable[str] = (), notes: str | None = None) -> list[Entry]:
        """Several changes to several papers as one durable write and one undo step."""
        stamp = now_iso()
        change = shelves.annotate(stamp, read=read, starred=starred, add_tags=add_tags, remove_tags=remove_tags, notes=notes)
        return self._writer.change(ids, change, stamp)

    def set_read(self, ids: Iterable[str], read: bool = True) -> list[Entry]:
        stamp = now_iso()
        return self._writer.change(ids, shelves.set_read(read, stamp), stamp)

    def set_starred(self, ids: Iterable[str], starred: bool = True) -> list[Entry]:
        return self._writer.change(ids, shelves.set_starred(starred), now_iso())

    def set_tags(self, pid: str, tags: Iterable[str] | str) -> Entry:
        return self._writer.change([pid], shelves.set_tags(tags), now_iso())[0]

    def add_tags(self, ids: Iterable[str], tags: Iterable[str] | str) -> list[Entry]:
        return self._writer.change(ids, shelves.add_tags(tags), now_iso())

    def remove_tags(self, ids: Iterable[str], tags: Iterable[str] | str) -> list[Entry]:
        return self._writer.change(ids, shelves.remove_tags(tags), now_iso())

    def set_notes(self, pid: str, notes: str) -> Entry:
        return self._writer.change([pid], shelves.set_notes(pid, notes), now_iso())[0]

    def set_setting(self, key: str, value: Any) -> None:
        self._writer.set_setting(key, value)

    # -- undo ------------------------------------------------------------------------------

    def undo(self) -> str | None:
        """Undo the newest change made through this object. Returns what was undone."""
        return self._replay(self.history.pop_undo(), undo=True)

    def redo(self) -> str | None:
        return self._replay(self.history.pop_redo(), undo=False)

    def _replay(self, step: Step | None, undo: bool) -> str | None:
        if step is None:
            return None
        self._writer.replay(step, undo, now_iso())
        return f"{'undid' if undo else 'redid'}: {step.label}"

    def save_last_command(self) -> None:
        """Keep the newest step on disk so that a later `papershelf undo` can revert it."""
        step = self.history.newest()
        if step is not None:
            self.set_setting(LAST_COMMAND, step_to_doc(step))

    def undo_last_command(self) -> str | None:
        doc = self.get_setting(LAST_COMMAND)
        if not doc:
            return None
        self.history.push(step_from_doc(doc))
        message = self.undo()
        self.set_setting(LAST_COMMAND, None)
        return message

    # -- importing -------------------------------------------------------------------------

    def import_file(self, path: str | Path) -> ImportResult:
        from storage.formats.detect import load_file

        with gc_paused():  # an import makes objects that stay: collections only slow it down
            return self.import_papers(load_file(path), Path(path).name, cleaned=True)

    def import_text(self, text: str, source: str = "<text>") -> ImportResult:
        from storage.formats.detect import load_text

        with gc_paused():
            return self.import_papers(load_text(text, source), source, cleaned=True)

    def import_papers(self, imported: list[ImportedPaper], source: str, *, cleaned: bool = False) -> ImportResult:
        """Add papers new to the library, refresh the text of known ones; one write each file.
        `cleaned`: the papers come from storage.formats.detect, which clean every field as they read
        it (a second pass was 13% of importing 100,000 papers)."""
        from storage.changes import merge

        source = clean_line(source)  # a file name is outside text too
        merged = self._writer.import_papers(imported if cleaned else map(merge.cleaned, imported), source, now_iso())
        return ImportResult(source, merged.total, merged.added, merged.total - len(merged.added))

    def compact(self) -> None:
        """Fold the annotations journal into annotations.json (done on close; optional)."""
        self._writer.compact()

    def save_first_screen(self, data: dict[str, Any]) -> bool:
        """Keep `data` (what the app's first screen shows, JSON-able) for the next start
        (storage/files/first_screen.py). Only if this object knows the library as it is on
        disk: when another process changed it since, the saved first screen is dropped
        instead (it would show what this process saw). The journal is folded first (close
        would, and so make the file stale). True if saved."""
        from storage.files.first_screen import forget_first_screen, write_first_screen

        with self._writer.lock:
            if self._catalogue.changed_on_disk() or self._writer.annotations.changed_on_disk():
                forget_first_screen(self.directory)
                return False
            self._writer.compact()
            try:
                write_first_screen(self.directory, data)
            except OSError:  # (a cache: a library that cannot take it starts the slower way)
                return False
            return True

    def hold_writes(self, timeout: float) -> bool:
        """For a process about to end at once: wait for a write in progress, block any later one."""
        return self._writer.lock.hold(timeout)

    def close(self) -> None:
        try:
            self.compact()
        except PapershelfError:
            pass  # the journal stays: nothing is lost, the next close folds it
        self._writer.close()
