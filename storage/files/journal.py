"""The annotations file: a TinyDB snapshot plus an append-only journal of changes.

An atomic rewrite (temp file, fsync, rename, directory fsync) costs ~12 ms on this machine
whatever the file's size; a toggle must be durable in <= 5 ms. So a change is one JSON line
appended to `annotations.journal` and fsynced (~4 ms). Reads replay the journal over the
snapshot. When the journal grows past COMPACT_BYTES it is folded into the snapshot (an
atomic rewrite) and emptied. Every record holds whole documents, so replaying a record twice
(a crash between the rewrite and the emptying) changes nothing. A torn last line (a crash
mid-append) has no newline yet: it is ignored, and cut off by the next writer.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import orjson

from storage.model.errors import DamagedLibraryError, LibraryWriteError
from storage.files.tinystore import RecordLinesStorage, file_signature, fsync_directory

COMPACT_BYTES = 256 * 1024


def journal_path(snapshot: Path) -> Path:
    return snapshot.with_suffix(".journal")


def apply_record(data: dict[str, Any], record: dict[str, Any]) -> None:
    rows = data.setdefault(record["table"], {})
    for key in record.get("remove", ()):
        rows.pop(key, None)
    rows.update(record.get("upsert", {}))


def complete_records(raw: bytes) -> tuple[list[dict[str, Any]], int]:
    """The records of whole lines in `raw` and how many bytes they span (a torn tail is left)."""
    end = raw.rfind(b"\n") + 1
    records = []
    for number, line in enumerate(raw[:end].splitlines(), 1):
        if line.strip():
            record = orjson.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("table"), str):
                raise ValueError(f"journal record {number} is not a change record")
            records.append(record)
    return records, end


class JournaledStorage(RecordLinesStorage):
    """The snapshot is written one record per line in key order (RecordLinesStorage): a
    changed shelf is a one-line diff when the library is kept in git (sync)."""

    def __init__(self, path: str | os.PathLike[str], backup_hint=None) -> None:
        super().__init__(path, backup_hint)
        self.journal = journal_path(self.path)
        self._journal_signature = None
        self._journal_offset = 0

    def changed_on_disk(self) -> bool:
        return super().changed_on_disk() or file_signature(self.journal) != self._journal_signature

    def read(self) -> dict[str, Any] | None:
        signature = file_signature(self.journal)
        shrunk = signature is None or signature[1] < self._journal_offset
        if super().changed_on_disk() or self._cache is None or shrunk:
            self._signature = None
            self._cache = super().read() or {}
            self._journal_offset = 0
        if signature is not None and signature[1] > self._journal_offset:
            self._replay()
        self._journal_signature = file_signature(self.journal)
        return self._cache or None

    def _replay(self) -> None:
        try:
            with open(self.journal, "rb") as handle:
                handle.seek(self._journal_offset)
                records, used = complete_records(handle.read())
        except (OSError, ValueError) as exc:  # orjson.JSONDecodeError is a ValueError
            raise DamagedLibraryError(self.journal, f"journal is damaged ({exc})", self.backup_hint) from None
        for record in records:
            apply_record(self._cache, record)
        self._journal_offset += used

    def append(self, table: str, upsert: dict[str, Any], remove: list[str] | tuple[str, ...] = (),
               missing: Mapping[str, dict[str, Any]] = MappingProxyType({})) -> None:  # fmt: skip
        """One durable change: a journal line, fsynced, preceded in the same write by a line for
        each table of `missing` the file does not hold yet. The caller holds the library lock."""
        data = self.read() or {}
        records = [{"table": name, "upsert": rows, "remove": []} for name, rows in missing.items() if name not in data]
        records.append({"table": table, "upsert": upsert, "remove": list(remove)})
        lines = b"".join(orjson.dumps(record) + b"\n" for record in records)
        try:
            self._append_line(lines)
        except OSError as exc:
            self._cache, self._signature = None, None
            raise LibraryWriteError(f"{self.journal}: could not save ({exc.strerror or exc}); the file on disk is unchanged") from exc
        for record in records:
            apply_record(data, record)
        self._cache = data
        self._journal_offset += len(lines)
        self._journal_signature = file_signature(self.journal)
        if self._journal_offset > COMPACT_BYTES:
            self._compact(data)

    def _compact(self, data: dict[str, Any]) -> None:
        """Fold the journal into the snapshot. The change is already durable in the journal,
        so a failure here (disk full) is not the caller's: the journal keeps growing and the
        next append tries again."""
        try:
            self.write(data)
        except LibraryWriteError:
            self._cache, self._signature = data, file_signature(self.path)

    def _append_line(self, line: bytes) -> None:
        created = not self.journal.exists()
        fd = os.open(self.journal, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            os.ftruncate(fd, self._journal_offset)  # cut a torn tail left by a killed writer
            os.lseek(fd, self._journal_offset, os.SEEK_SET)
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            fsync_directory(self.journal.parent)

    def write(self, data: dict[str, Any]) -> None:
        """Fold everything into the snapshot (atomic), then empty the journal."""
        super().write(data)
        discard(self.path)
        self._journal_offset = 0
        self._journal_signature = file_signature(self.journal)


def read_merged(snapshot: Path) -> dict[str, Any]:
    """The annotations as they stand: snapshot plus journal (for doctor and backups)."""
    return JournaledStorage(snapshot).read() or {}


def replay_onto(data: dict[str, Any], snapshot: Path) -> list[str]:
    """Apply the journal beside `snapshot` to `data` in place; what is wrong with it, if anything."""
    journal = journal_path(snapshot)
    try:
        records, _ = complete_records(journal.read_bytes()) if journal.exists() else ([], 0)
    except (OSError, ValueError) as exc:
        return [f"{journal.name} is damaged ({exc})"]
    for record in records:
        apply_record(data, record)
    return []


def fold(snapshot: Path) -> None:
    """Fold the journal into the snapshot (atomic) and empty it. The caller holds the lock."""
    storage = JournaledStorage(snapshot)
    data = storage.read()
    if storage.journal.exists() and storage.journal.stat().st_size:
        storage.write(data or {})


def discard(snapshot: Path) -> None:
    """Empty the journal: its changes belong to a snapshot that is being replaced."""
    journal = journal_path(snapshot)
    if journal.exists():
        fd = os.open(journal, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            os.ftruncate(fd, 0)
            os.fsync(fd)
        finally:
            os.close(fd)
