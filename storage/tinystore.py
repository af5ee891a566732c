"""A TinyDB Storage whose every write is atomic and durable, and which notices other writers.

TinyDB's stock JSONStorage overwrites its file in place: a crash mid-write leaves half a file.
Here a write goes to a temp file in the same directory, is fsynced, renamed over the old file
with os.replace, and the directory is fsynced, so the file is always either old or new.
Reads are cached and re-done only when the file on disk changed (another process wrote it).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from .errors import DamagedLibraryError, LibraryWriteError

Signature = tuple[int, int, int]  # inode, size, mtime_ns


def file_signature(path: Path) -> Signature | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the garbage collector: it rescans the whole heap again and again while a large
    file's objects are created, which more than doubles the time of a big load."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_json_file(path: Path) -> Any:
    raw = path.read_bytes()
    with gc_paused():
        return orjson.loads(raw)


class AtomicJSONStorage(Storage):
    """TinyDB storage: atomic durable writes, cached reads keyed by the file's signature."""

    def __init__(
        self, path: str | os.PathLike[str], backup_hint: Path | Callable[[], Path | None] | None = None
    ) -> None:
        self.path = Path(path)
        self._backup_hint = backup_hint
        self._cache: dict[str, Any] | None = None
        self._signature: Signature | None = None

    @property
    def backup_hint(self) -> Path | None:
        """The backup to suggest if the file is damaged; a callable is asked only then, so the
        suggestion is current (not the newest backup of when the library was opened)."""
        hint = self._backup_hint
        return hint() if callable(hint) else hint

    def changed_on_disk(self) -> bool:
        return file_signature(self.path) != self._signature

    def read(self) -> dict[str, Any] | None:
        signature = file_signature(self.path)
        if signature is None:
            self._cache, self._signature = None, None
            return None
        if signature != self._signature or self._cache is None:
            self._cache = self._parse()
            self._signature = signature
        return self._cache

    def _parse(self) -> dict[str, Any]:
        try:
            data = load_json_file(self.path)
        except orjson.JSONDecodeError as exc:
            raise self._damaged(f"not valid JSON ({exc})") from None
        except OSError as exc:
            raise self._damaged(f"cannot be read ({exc.strerror})") from None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise self._damaged("not a papershelf library file (expected an object of tables)")
        return data

    def _damaged(self, problem: str) -> DamagedLibraryError:
        return DamagedLibraryError(self.path, problem, self.backup_hint)

    def write(self, data: dict[str, Any]) -> None:
        try:
            atomic_write_bytes(self.path, orjson.dumps(data))
        except OSError as exc:
            self._cache, self._signature = None, None  # what we hold may not be on disk
            raise LibraryWriteError(f"{self.path}: could not save ({exc.strerror or exc}); the file on disk is unchanged") from exc
        self._cache = data
        self._signature = file_signature(self.path)

    def close(self) -> None:
        self._cache = None
