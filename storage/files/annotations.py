"""The annotations store: every paper's shelf (read, starred, tags, notes) and the settings.

Small and written on every keystroke that changes something, so a write is one line appended
to the journal (see journal.py), never a rewrite. The shelves of papers no longer in the
catalogue are kept: an annotation comes back if its paper is imported again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from storage.files import backups, paths
from storage.files.journal import JournaledStorage, fold
from storage.files.schema import META, MALFORMED, SETTINGS, SHELVES, check_schema, meta_table
from storage.model.errors import DamagedLibraryError
from storage.model.ids import doc_id
from storage.model.records import BLANK_SHELF, Shelf


CHANGED_AT = "changed_at"  # a shelf record's field -> when it last changed (sync's later-change-wins)
STAMPED_FIELDS = ("read", "starred", "tags", "notes")


def field_stamps(old: Shelf, new: Shelf, stamps: dict[str, str], stamp: str) -> dict[str, str]:
    """`stamps` (field -> time of its last change) with the fields that differ from `old` to
    `new` stamped `stamp`."""
    changed = {name: stamp for name in STAMPED_FIELDS if getattr(old, name) != getattr(new, name)}
    return {**stamps, **changed} if changed else stamps


class Annotations:
    """The annotations file of the library in `directory`; the caller holds the library lock."""

    def __init__(self, directory: Path, backup_hint: Callable[[], Path | None]) -> None:
        self.directory = directory
        self.storage = JournaledStorage(directory / paths.ANNOTATIONS, backup_hint=backup_hint)
        self.settings: dict[str, Any] = {}  # as last read or written
        self.shelves: dict[str, Shelf] = {}  # the shelves on disk by paper id, as last read or written
        self.stamps: dict[str, dict[str, str]] = {}  # paper id -> when each field of its shelf last changed
        self._backed_up_on = ""  # the day (backups.today()) of the last backup seen or made

    def changed_on_disk(self) -> bool:
        return self.storage.changed_on_disk()

    def load(self) -> dict[str, Shelf]:
        """The shelves on disk by paper id, and a blank shelf for each paper that had one at
        the last load and has none now; the settings are kept in `settings`."""
        storage = self.storage
        data = storage.read() or {}
        check_schema(data, storage)
        shelves: dict[str, Shelf] = {}
        stamps: dict[str, dict[str, str]] = {}
        for key, doc in data.get(SHELVES, {}).items():
            try:
                shelves[str(doc["id"])] = Shelf.from_doc(doc)
                if CHANGED_AT in doc:
                    stamps[str(doc["id"])] = dict(doc[CHANGED_AT])
            except MALFORMED:
                raise DamagedLibraryError(storage.path, f"annotation record {key} is malformed", storage.backup_hint) from None
        settings = data.get(SETTINGS, {}).get("1", {})
        if not isinstance(settings, dict):
            raise DamagedLibraryError(storage.path, "the settings record is malformed", storage.backup_hint)
        self.settings = dict(settings)
        gone = dict.fromkeys(self.shelves.keys() - shelves.keys(), BLANK_SHELF)
        self.shelves, self.stamps = shelves, stamps
        return {**gone, **shelves}

    def write_shelves(self, shelves: dict[str, Shelf], stamp: str) -> dict[str, Shelf]:
        """Write `shelves` (paper id -> shelf) stamped as updated at `stamp`, after the day's
        first backup if none was taken yet; returns them as written."""
        self._daily_backup()
        stamped = {pid: replace(s, updated=stamp) for pid, s in shelves.items()}
        stamps = {pid: field_stamps(self.shelves.get(pid, BLANK_SHELF), s, self.stamps.get(pid, {}), stamp) for pid, s in stamped.items()}
        docs = {}
        for pid, s in stamped.items():
            docs[doc_id(pid)] = doc = s.to_doc(pid)
            if stamps[pid]:
                doc[CHANGED_AT] = stamps[pid]
        self._append(SHELVES, docs)
        self.shelves.update(stamped)
        self.stamps.update(stamps)
        return stamped

    def remove_shelves(self, pids: Iterable[str]) -> None:
        pids = list(pids)
        self._append(SHELVES, {}, [doc_id(pid) for pid in pids])
        for pid in pids:
            self.shelves.pop(pid, None)
            self.stamps.pop(pid, None)

    def set_setting(self, key: str, value: Any) -> None:
        settings = {**self.settings, key: value}
        self._append(SETTINGS, {1: settings})
        self.settings = settings

    def backup(self, reason: str) -> None:
        """A copy of the annotations as they stand into the backups folder (none if empty)."""
        day, data = backups.today(), self.storage.read()
        if data and backups.make_backup(self.storage.path, reason, orjson.dumps(data)):
            self._backed_up_on = day

    def _daily_backup(self) -> None:
        """The day's first backup, unless one was taken today (the folder is looked at once a day)."""
        today = backups.today()
        if self._backed_up_on == today:
            return
        if backups.backed_up_today(self.directory):
            self._backed_up_on = today
        else:
            self.backup("daily")

    def _append(self, table: str, docs: dict[int, dict], remove: Iterable[int] = ()) -> None:
        """The one write: upserts and removals of one table as a single journal write (with the
        schema's meta table first if the file has none yet)."""
        upsert = {str(k): doc for k, doc in docs.items()}
        self.storage.append(table, upsert, [str(k) for k in remove], missing={META: meta_table()})

    def compact(self) -> None:
        """Fold the journal into annotations.json."""
        fold(self.storage.path)

    def close(self) -> None:
        self.storage.close()
