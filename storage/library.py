"""The library: the one object the CLI and the UI talk to.

A library is a directory holding three TinyDB files: the catalogue (papers without their
abstracts: small enough to read before the first screen), the abstracts (big, rarely written;
the UI reads them after its first paint) and the annotations (read/starred/tags/notes and
settings: small, written on every keystroke that changes something). Each read-modify-write holds the library lock and starts
from what is on disk now, so several processes can share one library without losing changes.
Everything is also kept in memory (ordered entries and a search index) for instant queries.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson
from tinydb import TinyDB

from storage.files import backups
from storage.files import paths
from storage.model.errors import DamagedLibraryError, PapershelfError, UnknownPaperError
from storage.changes.history import History, Step, step_from_doc, step_to_doc
from storage.model.ids import doc_id, paper_id
from storage.files.journal import JournaledStorage
from storage.model.records import BLANK_SHELF, Entry, Paper, Shelf, make_entry, make_paper, normalise_tags
from storage.model.text import clean_line
from storage.files.tinystore import AtomicJSONStorage, RecordLinesStorage, gc_paused

if TYPE_CHECKING:
    from storage.model.imported import ImportedPaper

SCHEMA_VERSION = 2  # 2: abstracts moved from the catalogue into abstracts.json
PAPERS, SHELVES, SETTINGS, META = "papers", "shelves", "settings", "meta"
ABSTRACTS = "abstracts"
LAST_COMMAND = "last_command"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Counts(NamedTuple):  # (NamedTuple, not dataclass: made at startup, 5x faster to define)
    total: int
    read: int
    starred: int


class ImportResult(NamedTuple):
    source: str
    total: int  # distinct papers in the input
    added: tuple[str, ...]  # ids of papers new to the library
    existing: int  # papers the library already had

    def summary(self) -> str:
        return (
            f"{self.source}: {self.total:,} papers "
            f"({len(self.added):,} new, {self.existing:,} already in the library)"
        )


def clean_tags(tags: Iterable[str] | str) -> tuple[str, ...]:
    """Tags from a user or a script: outside text (no escapes or controls), then normalised."""
    items = [tags] if isinstance(tags, str) else list(tags)
    return normalise_tags([clean_line(str(tag)) for tag in items])


def _describe(read, starred, added, removed, notes) -> str:
    parts = [
        {True: "marked read", False: "marked unread", None: ""}[read],
        {True: "starred", False: "unstarred", None: ""}[starred],
        f"tagged {', '.join(added)}" if added else "",
        f"untagged {', '.join(sorted(removed))}" if removed else "",
        "note set" if notes is not None else "",
    ]
    return ", ".join(p for p in parts if p) or "no change"


def _cleaned(item: ImportedPaper) -> ImportedPaper:
    """Outside text, whoever hands it in: no escapes or controls."""
    title, abstract, listed = clean_line(item.title), clean_line(item.abstract), clean_line(item.listed)
    links = tuple(link for link in map(clean_line, item.links) if link)
    if title is item.title and abstract is item.abstract and listed is item.listed and links == item.links:
        return item  # already clean (clean_line hands back the very string then)
    return replace(item, title=title, abstract=abstract, links=links, listed=listed)


MALFORMED = (KeyError, TypeError, ValueError, AttributeError)  # what a record of the wrong shape raises


def _converts(convert: Callable[[str, Any], Any], key: str, row: Any) -> bool:
    try:
        convert(key, row)
    except MALFORMED:
        return False
    return True


class Library:
    """Open with `Library.open(directory)`; every method that changes something is durable on return."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        hint = partial(backups.newest_sound_backup, directory)  # looked up when a file is found damaged
        self._catalogue = TinyDB(directory / paths.CATALOGUE, storage=RecordLinesStorage, backup_hint=hint)
        self._annotations = TinyDB(directory / paths.ANNOTATIONS, storage=JournaledStorage, backup_hint=hint)
        self._abstracts = TinyDB(directory / paths.ABSTRACTS, storage=RecordLinesStorage)
        self._abstracts_in = threading.Event()  # set once every entry holds its abstract
        self._abstracts_loading = threading.Lock()
        from storage.files.locking import LibraryLock

        self._lock = LibraryLock(directory / paths.LOCK)
        self._entries: dict[str, Entry] = {}
        self._catalogue_schema = SCHEMA_VERSION
        self._settings: dict[str, Any] = {}
        self._index = None
        self._index_lock = threading.RLock()  # the filter searches from a worker thread
        self._annotated: set[str] = set()  # papers with a shelf on disk
        self._outside_changes = False
        self._similar = None
        self.history = History()

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
        with library._lock, gc_paused():
            library._remove_stray_temp_files()
            library._load_catalogue(with_abstracts=not abstracts_later)
            library._upgrade_catalogue()  # after the load: a damaged file is refused, not rewritten
            library._load_annotations()
        gc.freeze()  # the loaded records live as long as the app: keep them out of later GC scans
        return library

    # -- reading ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> list[Entry]:
        """All entries in page order (opened with `abstracts_later`: maybe without abstracts
        yet; `wait_for_abstracts` first where they matter)."""
        return list(self._entries.values())

    def entry(self, pid: str) -> Entry:
        try:
            return self._entries[pid]
        except KeyError:
            raise UnknownPaperError(pid) from None

    def resolve(self, pid_or_prefix: str) -> str:
        """A full paper id from an id or an unambiguous prefix of one (at least 4 characters)."""
        key = pid_or_prefix.strip().lower()
        if key in self._entries:
            return key
        found = [pid for pid in self._entries if len(key) >= 4 and pid.startswith(key)]
        if len(found) == 1:
            return found[0]
        detail = "prefix matches several papers" if found else "no paper with this id in the library"
        raise UnknownPaperError(pid_or_prefix, detail)

    def counts(self) -> Counts:
        shelves = [e.shelf for e in self._entries.values()]
        return Counts(len(shelves), sum(s.read for s in shelves), sum(s.starred for s in shelves))

    def all_tags(self) -> list[str]:
        return sorted({tag for e in self._entries.values() for tag in e.shelf.tags})

    @property
    def index(self):
        """The search index over the entries, built on first use (any thread) and kept in sync."""
        self.wait_for_abstracts()  # first: it takes the index lock itself
        with self._index_lock:
            if self._index is None:
                from storage.search.index import SearchIndex

                with gc_paused():
                    self._index = SearchIndex(self._entries.values())
                gc.freeze()  # it lives as long as the library: later collections skip it
            return self._index

    def search(self, text: str) -> list:
        index = self.index
        with gc_paused():  # a broad filter makes 100,000 results: collections would halve the speed
            return index.search(text)

    def search_lazily(self, text: str) -> Sequence:
        """`search`, each Match made when read: what the list shows as the user types."""
        index = self.index
        with gc_paused():
            return index.search_lazily(text)

    def similar(self, pid: str, limit: int = 20) -> list:
        """Papers most like `pid` by abstract text (TF-IDF), best first, as Matches.
        The first call builds the vectors (seconds at 10,000 papers): call it from a worker."""
        from storage.search.similar import SimilarityIndex

        pid = self.resolve(pid)
        self.wait_for_abstracts()
        papers = tuple(e.paper for e in self._entries.values())
        if self._similar is None or self._similar[0] != papers:
            self._similar = (papers, SimilarityIndex(list(self._entries.values())))
        fresh = [m for m in self._similar[1].similar(pid, limit) if m.entry.id in self._entries]
        return [m._replace(entry=self._entries[m.entry.id]) for m in fresh]

    def get_setting(self, key: str, default: Any = None) -> Any:
        return self._settings.get(key, default)

    # -- staying in step with other processes ----------------------------------------------

    def refresh(self) -> bool:
        """Re-read whatever another process changed. True if anything changed elsewhere since
        the last call, including changes picked up on the way by this object's own writes."""
        if self._catalogue.storage.changed_on_disk() or self._annotations.storage.changed_on_disk():
            with self._lock:
                self._sync()
        seen, self._outside_changes = self._outside_changes, False
        return seen

    def _sync(self) -> None:
        if self._catalogue.storage.changed_on_disk():
            self._load_catalogue()
            self._outside_changes = True
        if self._annotations.storage.changed_on_disk():
            self._load_annotations()
            self._outside_changes = True

    def _remove_stray_temp_files(self) -> None:
        """Temp files left by a writer killed before its rename (we hold the lock: none is live)."""
        for folder in (self.directory, self.directory / "backups"):
            for stray in folder.glob(".*.json.*.tmp"):
                stray.unlink(missing_ok=True)

    def _load_catalogue(self, with_abstracts: bool = True) -> None:
        self.wait_for_abstracts_loader()
        storage = self._catalogue.storage
        texts = self._read_abstracts() if with_abstracts else {}
        from_doc, abstract_of = Paper.from_doc, texts.get  # one call a record: this runs 100,000 times
        data = self._read_converted(storage, PAPERS, lambda key, doc: from_doc(doc, abstract_of(key)))
        self._catalogue_schema = self._check_schema(data, storage) if data else SCHEMA_VERSION
        papers = list(data.get(PAPERS, {}).values())
        try:
            papers.sort(key=attrgetter("position"))
        except TypeError:
            raise DamagedLibraryError(storage.path, "paper positions are not all numbers", storage.backup_hint) from None
        old = self._entries
        with self._index_lock:
            self._entries = {p.id: make_entry(p, old[p.id].shelf if p.id in old else BLANK_SHELF) for p in papers}
            self._index = None
            if with_abstracts:
                self._abstracts_in.set()
            else:
                self._abstracts_in.clear()

    # -- abstracts ---------------------------------------------------------------------------

    @property
    def abstracts_loaded(self) -> bool:
        return self._abstracts_in.is_set()

    def wait_for_abstracts(self) -> None:
        """Make sure every entry holds its abstract: read them now unless a loader is at it."""
        if self._abstracts_in.is_set():
            return
        with self._abstracts_loading:
            if not self._abstracts_in.is_set():
                self._merge_abstracts(self._read_abstracts())

    def wait_for_abstracts_loader(self) -> None:
        """Wait for a background load in progress (if any) to finish."""
        with self._abstracts_loading:
            pass

    def load_abstracts_in_background(self, done: Callable[[PapershelfError | None], None]) -> None:
        """Read the abstracts in a thread; `done(None)` then, or `done(error)` if the file is
        damaged (entries keep "" and every write that needs the abstracts refuses)."""

        def load() -> None:
            try:
                self.wait_for_abstracts()
            except PapershelfError as error:
                done(error)
            else:
                done(None)

        threading.Thread(target=load, name="papershelf-abstracts", daemon=True).start()

    def _read_abstracts(self) -> dict[str, str]:
        """Doc key -> abstract, from abstracts.json; the parsed file is not kept (memory)."""
        storage = self._abstracts.storage

        def abstract_of(key: str, doc: Any) -> str:
            text = doc.get("abstract") if isinstance(doc, dict) else None
            if type(text) is not str:  # noqa: E721
                raise DamagedLibraryError(storage.path, f"abstract record {key} is malformed")
            return text

        with gc_paused():
            data = self._read_converted(storage, ABSTRACTS, abstract_of)
            self._check_schema(data, storage)
        return data.get(ABSTRACTS, {})

    def _read_converted(self, storage: AtomicJSONStorage, table: str, convert: Callable[[str, Any], Any]) -> dict:
        """A file's tables, `table`'s records converted as they are read (see RecordLinesStorage).
        A record that does not convert is reported, unless the file is a newer papershelf's:
        that is said first."""
        try:
            return storage.read_converted({table: convert}) or {}
        except (DamagedLibraryError, *MALFORMED) as error:
            data = storage.read() or {}
            self._check_schema(data, storage)
            if isinstance(error, DamagedLibraryError):
                raise
            key = next((k for k, row in data[table].items() if not _converts(convert, k, row)), "?")
            raise DamagedLibraryError(storage.path, f"{table[:-1]} record {key} is malformed", storage.backup_hint) from None

    def _merge_abstracts(self, texts: dict[str, str]) -> None:
        with self._index_lock:
            self._entries = {
                pid: make_entry(e.paper.with_abstract(texts[key]), e.shelf) if (key := str(doc_id(pid))) in texts else e
                for pid, e in self._entries.items()
            }
            self._index = None
            self._abstracts_in.set()

    def _upgrade_catalogue(self) -> None:
        """Schema 1 kept abstracts inside the catalogue: move them to abstracts.json (written
        first: a crash in between leaves them in both files, and both agree)."""
        if self._catalogue_schema >= 2:
            return
        data = self._catalogue.storage.read() or {}
        papers = data.get(PAPERS, {})
        inline = {k: doc for k, doc in papers.items() if isinstance(doc, dict) and "abstract" in doc}
        if inline:
            self._write_docs(self._catalogue, PAPERS, inline)
        self._catalogue.storage.close()

    def _load_annotations(self) -> None:
        storage = self._annotations.storage
        data = storage.read() or {}
        self._check_schema(data, storage)
        shelves: dict[str, Shelf] = {}
        for key, doc in data.get(SHELVES, {}).items():
            try:
                shelves[str(doc["id"])] = Shelf.from_doc(doc)
            except MALFORMED:
                raise DamagedLibraryError(storage.path, f"annotation record {key} is malformed", storage.backup_hint) from None
        settings = data.get(SETTINGS, {}).get("1", {})
        if not isinstance(settings, dict):
            raise DamagedLibraryError(storage.path, "the settings record is malformed", storage.backup_hint)
        self._settings = dict(settings)
        entries = self._entries
        for pid in (shelves.keys() | self._annotated) & entries.keys():
            shelf, old = shelves.get(pid, BLANK_SHELF), entries[pid].shelf
            if old is not shelf and old != shelf:  # only what changed: the index stays warm
                self._set_entry(make_entry(entries[pid].paper, shelf))
        self._annotated = set(shelves)

    @staticmethod
    def _check_schema(data: dict, storage: AtomicJSONStorage) -> int:
        meta = data.get(META, {}).get("1", {})
        version = meta.get("schema", SCHEMA_VERSION) if isinstance(meta, dict) else None
        if type(version) is not int:
            raise DamagedLibraryError(storage.path, "the meta record holds no valid schema version", storage.backup_hint)
        if version > SCHEMA_VERSION:
            raise PapershelfError(
                f"{storage.path}: written by a newer papershelf (schema {version}, this one reads up to "
                f"{SCHEMA_VERSION}); upgrade papershelf. The file was left untouched"
            )
        return version

    # -- annotating ------------------------------------------------------------------------

    def annotate(
        self,
        ids: Iterable[str],
        *,
        read: bool | None = None,
        starred: bool | None = None,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
        notes: str | None = None,
    ) -> list[Entry]:
        """Several changes to several papers as one durable write and one undo step."""
        from storage.model.text import clean_block

        stamp, extra, gone = now_iso(), clean_tags(add_tags), set(clean_tags(remove_tags))
        text = None if notes is None else clean_block(notes)

        def change(s: Shelf) -> Shelf:
            if read is not None and read != s.read:
                s = replace(s, read=read, read_at=stamp if read else "")
            if starred is not None:
                s = replace(s, starred=starred)
            tags = tuple(t for t in normalise_tags([*s.tags, *extra]) if t not in gone)
            return replace(s, tags=tags, notes=s.notes if text is None else text)

        return self._change(ids, change, _describe(read, starred, extra, gone, text))

    def set_read(self, ids: Iterable[str], read: bool = True) -> list[Entry]:
        stamp = now_iso()

        def change(s: Shelf) -> Shelf:
            return replace(s, read=read, read_at=stamp if read else "")

        return self._change(ids, change, "marked read" if read else "marked unread")

    def set_starred(self, ids: Iterable[str], starred: bool = True) -> list[Entry]:
        return self._change(ids, lambda s: replace(s, starred=starred), "starred" if starred else "unstarred")

    def set_tags(self, pid: str, tags: Iterable[str] | str) -> Entry:
        new = clean_tags(tags)
        return self._change([pid], lambda s: replace(s, tags=new), "tags set")[0]

    def add_tags(self, ids: Iterable[str], tags: Iterable[str] | str) -> list[Entry]:
        extra = clean_tags(tags)
        return self._change(ids, lambda s: replace(s, tags=normalise_tags([*s.tags, *extra])), "tagged")

    def remove_tags(self, ids: Iterable[str], tags: Iterable[str] | str) -> list[Entry]:
        gone = set(clean_tags(tags))
        return self._change(ids, lambda s: replace(s, tags=tuple(t for t in s.tags if t not in gone)), "untagged")

    def set_notes(self, pid: str, notes: str) -> Entry:
        from storage.model.text import clean_block

        text = clean_block(notes)
        return self._change([pid], lambda s: replace(s, notes=text), "note edited", merge_key=f"notes:{pid}")[0]

    def _change(
        self, ids: Iterable[str], change: Callable[[Shelf], Shelf], label: str, merge_key: str = ""
    ) -> list[Entry]:
        """Apply `change` to each paper's shelf, starting from what is on disk now."""
        with self._lock:
            self._sync()
            pids = list(dict.fromkeys(self.resolve(i) for i in ids))
            before = {pid: self._entries[pid].shelf for pid in pids}
            after = {pid: change(shelf) for pid, shelf in before.items()}
            changed = {pid: s for pid, s in after.items() if s != before[pid]}
            if changed:
                self._write_shelves(changed)
                self.history.record(Step(label, {p: before[p] for p in changed}, changed), merge_key)
        return [self._entries[pid] for pid in pids]

    def _write_shelves(self, shelves: dict[str, Shelf]) -> None:
        if not backups.backed_up_today(self.directory):
            self._backup("daily")
        stamp = now_iso()
        stamped = {pid: replace(s, updated=stamp) for pid, s in shelves.items()}
        docs = {doc_id(pid): s.to_doc(pid) for pid, s in stamped.items()}
        self._write_docs(self._annotations, SHELVES, docs)
        with self._index_lock:  # the abstracts may be merging in from another thread
            for pid, shelf in stamped.items():
                self._set_entry(Entry(self._entries[pid].paper, shelf))
        self._annotated.update(stamped)

    def _set_entry(self, entry: Entry) -> None:
        with self._index_lock:
            self._entries[entry.id] = entry
            if self._index is not None:
                self._index.update(entry)

    def _backup(self, reason: str) -> None:
        data = self._annotations.storage.read()
        if data:
            backups.make_backup(self._annotations.storage.path, reason, orjson.dumps(data))

    def _write_docs(self, db: TinyDB, table: str, docs: dict[int, dict], remove: Iterable[int] = ()) -> None:
        """Upsert and remove documents of one table in a single atomic write (annotations:
        a single journal append)."""
        if db is self._annotations:
            self._append_annotations(table, docs, remove)
        elif db is self._catalogue:
            self._write_papers(docs, remove)
        else:
            self._rewrite_table(db, table, docs, remove)

    def _write_papers(self, docs: dict[int, dict], remove: Iterable[int]) -> None:
        """Paper records go to two files: abstracts first, then the catalogue, which decides
        what the library holds. If the catalogue cannot be written the abstracts are put back."""
        remove = list(remove)
        self.wait_for_abstracts()  # a damaged abstracts file refuses the write here
        texts = {key: {"id": doc["id"], "abstract": doc.get("abstract", "")} for key, doc in docs.items()}
        undo = self._rewrite_table(self._abstracts, ABSTRACTS, texts, remove)
        try:
            metadata = {key: {k: v for k, v in doc.items() if k != "abstract"} for key, doc in docs.items()}
            self._rewrite_table(self._catalogue, PAPERS, metadata, remove)
        except BaseException:
            self._abstracts.storage.write(undo)
            raise
        finally:
            self._abstracts.storage.close()  # the big parsed file is not kept in memory

    @staticmethod
    def _rewrite_table(db: TinyDB, table: str, docs: dict[int, dict], remove: Iterable[int]) -> dict:
        """Upsert and remove rows of one table in one atomic write; returns the file's old data."""
        old = db.storage.read() or {}
        rows = dict(old.get(table, {}))
        for key in remove:
            rows.pop(str(key), None)
        for key, doc in docs.items():
            rows[str(key)] = doc
        db.storage.write({**old, META: {"1": {"schema": SCHEMA_VERSION}}, table: rows})
        return old

    def _append_annotations(self, table: str, docs: dict[int, dict], remove: Iterable[int]) -> None:
        storage = self._annotations.storage
        if META not in (storage.read() or {}):
            storage.append(META, {"1": {"schema": SCHEMA_VERSION}})
        storage.append(table, {str(k): doc for k, doc in docs.items()}, [str(k) for k in remove])

    def set_setting(self, key: str, value: Any) -> None:
        with self._lock:
            self._sync()
            settings = {**self._settings, key: value}
            self._write_docs(self._annotations, SETTINGS, {1: settings})
            self._settings = settings

    # -- undo ------------------------------------------------------------------------------

    def undo(self) -> str | None:
        """Undo the newest change made through this object. Returns what was undone."""
        return self._replay(self.history.pop_undo(), undo=True)

    def redo(self) -> str | None:
        return self._replay(self.history.pop_redo(), undo=False)

    def _replay(self, step: Step | None, undo: bool) -> str | None:
        if step is None:
            return None
        with self._lock:
            self._sync()
            if step.added_papers:
                self._remove_papers(step.added_papers) if undo else self._restore_papers(step.restore_papers)
            shelves = step.before if undo else step.after
            present = {pid: s for pid, s in shelves.items() if pid in self._entries}
            if present:
                self._write_shelves(present)
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
        source = clean_line(source)  # a file name is outside text too
        unique = {paper_id(p.title): p for p in (imported if cleaned else map(_cleaned, imported)) if p.title}
        with self._lock:
            self._sync()
            added = [pid for pid in unique if pid not in self._entries]
            papers = self._merged_papers(unique, source)
            if papers:
                self._write_docs(self._catalogue, PAPERS, {doc_id(p.id): p.to_doc() for p in papers})
                for paper in papers:
                    shelf = self._entries[paper.id].shelf if paper.id in self._entries else BLANK_SHELF
                    self._set_entry(make_entry(paper, shelf))
            self._import_shelves(unique, added)
            if added:
                restore = tuple(self._entries[pid].paper for pid in added)
                self.history.record(Step(f"import of {source}", {}, {}, tuple(added), restore))
        return ImportResult(source, len(unique), tuple(added), len(unique) - len(added))

    def _merged_papers(self, unique: dict[str, ImportedPaper], source: str) -> list[Paper]:
        """New Paper records for papers that are new or whose text changed."""
        self.wait_for_abstracts()
        stamp = now_iso()
        position = max((e.paper.position for e in self._entries.values()), default=0)
        out = []
        for pid, item in unique.items():
            old = self._entries.get(pid)
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

    def _import_shelves(self, unique: dict[str, ImportedPaper], added: list[str]) -> None:
        """Annotations carried by the input (a papershelf export) fill untouched shelves."""
        shelves = {
            pid: item.shelf
            for pid, item in unique.items()
            if item.shelf is not None and not item.shelf.is_blank and self._entries[pid].shelf.is_blank
        }
        if shelves:
            self._write_shelves(shelves)

    def _remove_papers(self, pids: Iterable[str]) -> None:
        gone = [pid for pid in pids if pid in self._entries]
        self._backup("undo-import")
        self._write_docs(self._catalogue, PAPERS, {}, remove=[doc_id(p) for p in gone])
        self._write_docs(self._annotations, SHELVES, {}, remove=[doc_id(p) for p in gone])
        with self._index_lock:
            for pid in gone:
                del self._entries[pid]
                self._annotated.discard(pid)
                if self._index is not None:
                    self._index.remove(pid)

    def _restore_papers(self, papers: Iterable[Paper]) -> None:
        papers = [p for p in papers if p.id not in self._entries]
        self._write_docs(self._catalogue, PAPERS, {doc_id(p.id): p.to_doc() for p in papers})
        with self._index_lock:
            for paper in papers:
                self._entries[paper.id] = Entry(paper)
            self._entries = dict(sorted(self._entries.items(), key=lambda kv: kv[1].paper.position))
            self._index = None

    def compact(self) -> None:
        """Fold the annotations journal into annotations.json (done on close; optional)."""
        from storage.files.journal import fold

        with self._lock:
            fold(self._annotations.storage.path)

    def close(self) -> None:
        try:
            self.compact()
        except PapershelfError:
            pass  # the journal stays: nothing is lost, the next close folds it
        self._catalogue.close()
        self._annotations.close()
        self._abstracts.close()
