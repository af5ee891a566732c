"""A TinyDB Storage whose every write is atomic and durable, and which notices other writers.

TinyDB's stock JSONStorage overwrites its file in place: a crash mid-write leaves half a file.
Here a write goes to a temp file in the same directory, is fsynced, renamed over the old file
with os.replace, and the directory is fsynced, so the file is always either old or new.
Reads are cached and re-done only when the file on disk changed (another process wrote it).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
import os
import tempfile
from pathlib import Path
from types import MappingProxyType
from typing import Any

import orjson
from tinydb.storages import Storage

from storage.files import paths
from storage.model.errors import DamagedLibraryError, LibraryWriteError

Signature = tuple[int, int, int]  # inode, size, mtime_ns
Convert = Callable[[str, Any], Any]  # (record key, record) -> what to keep of it
EMPTY: Mapping[str, Convert] = MappingProxyType({})
WHOLE_BELOW = 8 << 20  # a smaller file is parsed in one go: a little faster, and its peak is small anyway


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
    atomic_write_chunks(path, (data,))


def atomic_write_chunks(path: Path, chunks: Iterable[bytes]) -> None:
    """`atomic_write_bytes` for data written piece by piece (no copy of it all in memory)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def stray_temp_files(library_dir: Path) -> list[Path]:
    """Temp files of `atomic_write_chunks` left in the library or its backups folder, in name
    order: a writer killed before its rename (unless one is writing: hold the library lock)."""
    pattern = ".*.json.*.tmp"
    return sorted([*library_dir.glob(pattern), *(library_dir / paths.BACKUPS).glob(pattern)])


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

    def read_converted(self, convert: Mapping[str, Convert]) -> dict[str, Any] | None:
        """The tables, the rows of those named in `convert` replaced by `convert[table](key,
        row)` as they are read. Not cached (TinyDB's writes need the rows as they are), and
        the next `read` parses the file again."""
        signature = file_signature(self.path)
        if signature is None:
            self._cache, self._signature = None, None
            return None
        data = self._parse(convert)
        self._cache, self._signature = None, signature
        return data

    def _parse(self, convert: Mapping[str, Convert] | None = None) -> dict[str, Any]:
        try:
            data = load_json_file(self.path)
        except orjson.JSONDecodeError as exc:
            raise self._damaged(f"not valid JSON ({exc})") from None
        except OSError as exc:
            raise self._damaged(f"cannot be read ({exc.strerror})") from None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise self._damaged("not a papershelf library file (expected an object of tables)")
        for name, rows in (convert or {}).items():
            if name in data:
                data[name] = {key: rows(key, row) for key, row in data[name].items()}
        return data

    def _damaged(self, problem: str) -> DamagedLibraryError:
        return DamagedLibraryError(self.path, problem, self.backup_hint)

    def write(self, data: dict[str, Any]) -> None:
        try:
            atomic_write_chunks(self.path, self._encode(data))
        except OSError as exc:
            self._cache, self._signature = None, None  # what we hold may not be on disk
            raise LibraryWriteError(f"{self.path}: could not save ({exc.strerror or exc}); the file on disk is unchanged") from exc
        self._cache = data
        self._signature = file_signature(self.path)

    def _encode(self, data: dict[str, Any]) -> Iterable[bytes]:
        return (orjson.dumps(data),)

    def close(self) -> None:
        self._cache = None


class RecordLinesStorage(AtomicJSONStorage):
    """The same JSON, written one record per line, so that it can be read a line at a time.

    Parsing a 170 MB file of abstracts in one go holds the bytes, the parser's own document and
    the Python objects at once (~3x the file at the peak); a line at a time holds only the
    result. With `read_converted`, each record becomes what the caller keeps (a Paper) as soon
    as its line is read: the parsed records are freed one by one, so their memory is reused
    by the next line instead of being left as holes between the objects that stay. A file
    under WHOLE_BELOW is parsed in one go: a little faster, and its peak is small. Any other layout (an edited file) is parsed whole, as before, and a damaged
    one gets the same error as any library file.
    """

    def _parse(self, convert: Mapping[str, Convert] | None = None) -> dict[str, Any]:
        try:
            if self.path.stat().st_size < WHOLE_BELOW:
                return super()._parse(convert)
            data = read_record_lines(self.path, convert or EMPTY)
        except OSError as exc:
            raise self._damaged(f"cannot be read ({exc.strerror})") from None
        return data if data is not None else super()._parse(convert)

    def _encode(self, data: dict[str, Any]) -> Iterable[bytes]:
        return record_lines(data)


def record_lines(data: dict[str, Any]) -> Iterator[bytes]:
    """The file, a piece at a time: `{`, then per table `"name":{`, its records one per line
    (`"key":{...}`, comma-separated), `}`; then `}`. Tables and records in key order, so that
    the same data is always the same file and a changed record is a one-line diff (sync keeps
    the library in git); sorting a file written in this order again costs little (~8 ms at
    100,000 records)."""
    yield b"{\n"
    for number, name in enumerate(sorted(data)):
        rows = data[name]
        yield (b",\n" if number else b"") + orjson.dumps(name) + (b":{\n" if rows else b":{}")
        for index, key in enumerate(sorted(rows)):
            yield (b",\n" if index else b"") + orjson.dumps({key: rows[key]})[1:-1]
        if rows:
            yield b"\n}"
    yield b"\n}\n" if data else b"}\n"


def read_record_lines(path: Path, convert: Mapping[str, Convert] = EMPTY) -> dict[str, Any] | None:
    """The tables of a file in `record_lines` layout, rows converted as `read_converted`
    says; None if it is laid out otherwise. A conversion's own error is raised as it is."""
    data: dict[str, dict[str, Any]] = {}
    rows: dict[str, Any] | None = None
    converter: Convert | None = None
    with open(path, "rb") as handle, gc_paused():
        if handle.readline() != b"{\n":
            return None
        for line in handle:
            try:
                if rows is None:  # between tables: a table's opening line, or the end
                    if line == b"}\n":
                        return data if handle.read(1) == b"" else None
                    if not line.endswith((b":{\n", b":{}\n", b":{},\n")):
                        return None
                    name = orjson.loads(line[: line.rindex(b":{")])
                    if not isinstance(name, str):
                        return None
                    rows, converter = data.setdefault(name, {}), convert.get(name)
                    if line.endswith((b"{}\n", b"{},\n")):
                        rows = None
                    continue
                if line in (b"}\n", b"},\n"):
                    rows = None
                    continue
                record = orjson.loads(b"{" + line.rstrip(b",\n") + b"}")
            except (orjson.JSONDecodeError, ValueError, TypeError):
                return None
            if converter is None:
                rows.update(record)
            else:
                for key, row in record.items():
                    rows[key] = converter(key, row)
    return None
