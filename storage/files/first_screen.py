"""The first screen, kept for the next start: what the reading list will show when it opens
(the counts, the rows around the cursor, the highlighted paper), saved when the app quits.

At 100,000 papers the catalogue takes most of a second to read; with this small file the app
draws its first screen at once and reads the library behind it. The file is a cache, never
the truth: it holds the signatures of the library's files as they were when it was written,
and is used only while every one of them is unchanged (a change from anywhere, this process,
another one or an older papershelf, makes it stale, and the library is read first as before).
It is written atomically; a missing, stale, damaged or foreign file is simply not used.

Deliberately light: read before the first screen, it imports neither TinyDB nor the library.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

from storage.files import paths

FIRST_SCREEN = ".first-screen.json"
VERSION = 1  # of this file's layout; a change of layout (or of the records in it) bumps it
WATCHED = (paths.CATALOGUE, paths.ANNOTATIONS, str(Path(paths.ANNOTATIONS).with_suffix(".journal")))  # (journal.journal_path)


def fingerprint(directory: Path) -> list[Any]:
    """Each watched file's (inode, size, modification time in ns), or None where it is missing."""
    found: list[Any] = []
    for name in WATCHED:
        try:
            st = os.stat(directory / name)
        except FileNotFoundError:
            found.append(None)
        else:
            found.append([st.st_ino, st.st_size, st.st_mtime_ns])
    return found


def read_first_screen(directory: str | os.PathLike[str] | None) -> dict[str, Any] | None:
    """The saved first screen of the library in `directory` (resolved as Library.open does),
    if it still matches the library's files; else None."""
    folder = paths.library_dir(directory)
    try:
        data = orjson.loads((folder / FIRST_SCREEN).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION or data.get("files") != fingerprint(folder):
        return None
    return data


def write_first_screen(directory: Path, data: dict[str, Any]) -> None:
    """Save `data` (JSON-able) for the next start, with the files' signatures as they are now:
    call it holding the library lock, with nothing changed on disk since the library last
    read or wrote it (else `forget_first_screen`)."""
    target = directory / FIRST_SCREEN
    temporary = target.with_name(f"{FIRST_SCREEN}.{os.getpid()}.tmp")
    temporary.write_bytes(orjson.dumps({**data, "version": VERSION, "files": fingerprint(directory)}))
    os.replace(temporary, target)


def forget_first_screen(directory: Path) -> None:
    (directory / FIRST_SCREEN).unlink(missing_ok=True)
