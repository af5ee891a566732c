"""Rotating copies of the annotations file: before destructive operations and once a day."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import orjson

from storage.files import paths
from storage.files.tinystore import atomic_write_bytes
from storage.model.errors import DamagedLibraryError, LibraryWriteError

KEEP = 20


def backup_dir(library_dir: Path) -> Path:
    return library_dir / paths.BACKUPS


def list_backups(library_dir: Path) -> list[Path]:
    """Backups, newest first."""
    folder = backup_dir(library_dir)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("annotations-*.json"), reverse=True)


def newest_backup(library_dir: Path) -> Path | None:
    found = list_backups(library_dir)
    return found[0] if found else None


def is_readable(path: Path) -> bool:
    """Whether a backup parses as a library file (an object of tables): worth restoring."""
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return False
    return isinstance(data, dict) and all(isinstance(table, dict) for table in data.values())


def newest_sound_backup(library_dir: Path) -> Path | None:
    """The newest backup that can be restored (a "before-restore" copy may hold a damaged file)."""
    return next((path for path in list_backups(library_dir) if is_readable(path)), None)


def make_backup(source: Path, reason: str, content: bytes | None = None) -> Path | None:
    """Copy `source` (or `content`, its current state) into the backups folder; keep the
    newest KEEP copies."""
    if content is None and not (source.exists() or source.with_suffix(".journal").exists()):
        return None
    folder = backup_dir(source.parent)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"annotations-{stamp}-{reason}.json"
    try:
        folder.mkdir(exist_ok=True)
        atomic_write_bytes(target, _current_state(source) if content is None else content)
    except OSError as exc:
        raise LibraryWriteError(f"{target}: could not save a backup ({exc.strerror or exc}); the library is unchanged") from exc
    for old in list_backups(source.parent)[KEEP:]:
        old.unlink(missing_ok=True)
    return target


def _current_state(source: Path) -> bytes:
    """The annotations as they stand (snapshot plus journal), or the raw bytes of a file that
    cannot be read as such: a damaged file is kept as it is."""
    from storage.files.journal import read_merged

    try:
        return orjson.dumps(read_merged(source))
    except DamagedLibraryError:
        return source.read_bytes()


def today() -> str:
    """The day as backup names start with it (UTC)."""
    return datetime.now(timezone.utc).strftime("%Y%m%d")


def backed_up_today(library_dir: Path) -> bool:
    newest = newest_backup(library_dir)
    return newest is not None and newest.name.startswith(f"annotations-{today()}")
