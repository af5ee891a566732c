"""The catalogue and abstracts files: the papers, read in page order, and written atomically.

The catalogue (papers without their abstracts) is small enough to read before the first
screen; the abstracts are big and rarely written, and may be read later in a thread. A paper
write goes to both files, abstracts first; the catalogue decides what the library holds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from operator import attrgetter
from pathlib import Path
from typing import Any

from storage.files import paths
from storage.files.schema import ABSTRACTS, META, PAPERS, SCHEMA_VERSION, catalogue_upgrade, check_schema, meta_table, read_converted
from storage.files.tinystore import AtomicJSONStorage, RecordLinesStorage, gc_paused
from storage.model.errors import DamagedLibraryError, PapershelfError
from storage.model.records import Paper, pack_text

MergeAbstracts = Callable[[dict[str, str | bytes]], None]  # doc key -> abstract (maybe packed), into the papers in memory


class Catalogue:
    """`papers()` reads the catalogue; the abstracts come with it or later (`ensure_abstracts`,
    `load_abstracts_in_background`), handed to `merge` to fill the papers already in memory."""

    def __init__(self, directory: Path, backup_hint: Callable[[], Path | None], merge: MergeAbstracts) -> None:
        self.papers_file = RecordLinesStorage(directory / paths.CATALOGUE, backup_hint=backup_hint)
        self.abstracts_file = RecordLinesStorage(directory / paths.ABSTRACTS)
        self.schema = SCHEMA_VERSION  # of the catalogue as last read
        self._merge = merge
        self._abstracts_in = threading.Event()  # set once every paper in memory holds its abstract
        self._abstracts_loading = threading.Lock()

    def changed_on_disk(self) -> bool:
        return self.papers_file.changed_on_disk()

    def papers(self, with_abstracts: bool = True) -> list[Paper]:
        """Every paper in page order; without `with_abstracts` their abstracts are "" until
        `ensure_abstracts` (the caller puts these papers in memory before anything else runs)."""
        self.wait_for_loader()
        storage = self.papers_file
        texts = self.read_abstracts() if with_abstracts else {}
        from_doc, abstract_of = Paper.from_doc, texts.get  # one call a record: this runs 100,000 times
        data = read_converted(storage, PAPERS, lambda key, doc: from_doc(doc, abstract_of(key)))
        self.schema = check_schema(data, storage) if data else SCHEMA_VERSION
        papers = list(data.get(PAPERS, {}).values())
        try:
            papers.sort(key=attrgetter("position"))
        except TypeError:
            raise DamagedLibraryError(storage.path, "paper positions are not all numbers", storage.backup_hint) from None
        if with_abstracts:
            self._abstracts_in.set()
        else:
            self._abstracts_in.clear()
        return papers

    def upgrade(self) -> None:
        """Bring a catalogue of an older schema up to this one (after a load: a damaged file is
        refused, not rewritten). Abstracts are written first: a crash in between leaves them
        in both files, and both agree."""
        if self.schema >= SCHEMA_VERSION:
            return
        docs = catalogue_upgrade(self.schema, self.papers_file.read() or {})
        if docs:
            self.write_papers(docs)
        else:
            rewrite_table(self.papers_file, PAPERS, {}, ())  # the new version number only
        self.schema = SCHEMA_VERSION
        self.papers_file.close()

    # -- abstracts ---------------------------------------------------------------------------

    @property
    def abstracts_loaded(self) -> bool:
        return self._abstracts_in.is_set()

    def ensure_abstracts(self) -> None:
        """Make sure every paper in memory holds its abstract: read them now unless a loader is at it."""
        if self._abstracts_in.is_set():
            return
        with self._abstracts_loading:
            if not self._abstracts_in.is_set():
                self._merge(self.read_abstracts(packed=True))  # (a session's library: kept for long)
                self._abstracts_in.set()

    def wait_for_loader(self) -> None:
        """Wait for a background load in progress (if any) to finish."""
        with self._abstracts_loading:
            pass

    def load_abstracts_in_background(self, done: Callable[[PapershelfError | None], None]) -> None:
        """Read the abstracts in a thread; `done(None)` then, or `done(error)` if the file is damaged."""

        def load() -> None:
            try:
                self.ensure_abstracts()
            except PapershelfError as error:
                done(error)
            else:
                done(None)

        threading.Thread(target=load, name="papershelf-abstracts", daemon=True).start()

    def read_abstracts(self, packed: bool = False) -> dict[str, str | bytes]:
        """Doc key -> abstract, from abstracts.json, `packed` (pack_text) as each is read; the
        parsed file is not kept (memory)."""
        storage = self.abstracts_file

        def abstract_of(key: str, doc: Any) -> str | bytes:
            text = doc.get("abstract") if isinstance(doc, dict) else None
            if type(text) is not str:  # noqa: E721
                raise DamagedLibraryError(storage.path, f"abstract record {key} is malformed")
            return pack_text(text) if packed else text

        with gc_paused():
            data = read_converted(storage, ABSTRACTS, abstract_of)
            check_schema(data, storage)
        return data.get(ABSTRACTS, {})

    # -- writing -------------------------------------------------------------------------------

    def write_papers(self, docs: dict[Any, dict], remove: Iterable[Any] = ()) -> None:
        """Upsert and remove paper records (keyed by doc id): abstracts first, then the
        catalogue, which decides what the library holds. If the catalogue cannot be written
        the abstracts are put back. A damaged abstracts file refuses the write."""
        remove = list(remove)
        self.ensure_abstracts()
        texts = {key: {"id": doc["id"], "abstract": doc.get("abstract", "")} for key, doc in docs.items()}
        undo = rewrite_table(self.abstracts_file, ABSTRACTS, texts, remove)
        try:
            metadata = {key: {k: v for k, v in doc.items() if k != "abstract"} for key, doc in docs.items()}
            rewrite_table(self.papers_file, PAPERS, metadata, remove)
        except BaseException:
            self.abstracts_file.write(undo)
            raise
        finally:
            self.abstracts_file.close()  # the big parsed file is not kept in memory

    def close(self) -> None:
        self.papers_file.close()
        self.abstracts_file.close()


def rewrite_table(storage: AtomicJSONStorage, table: str, docs: dict[Any, dict], remove: Iterable[Any]) -> dict:
    """Upsert and remove rows of one table in one atomic write; returns the file's old data."""
    old = storage.read() or {}
    rows = dict(old.get(table, {}))
    for key in remove:
        rows.pop(str(key), None)
    for key, doc in docs.items():
        rows[str(key)] = doc
    storage.write({**old, META: meta_table(), table: rows})
    return old
