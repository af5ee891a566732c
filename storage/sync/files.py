"""The library files that sync shares, read from and written to bytes (git blobs, driver files).

Every shared file is an object of tables of records; it is written in the library's own layout
(one record per line, tables and records in key order: tinystore.record_lines), so the same
data is the same bytes on every machine and a changed record is a one-line diff.
"""

from __future__ import annotations

import orjson

from storage.files import paths
from storage.files.schema import SCHEMA_VERSION, schema_version
from storage.files.tinystore import record_lines
from storage.model.errors import PapershelfError
from storage.sync.rules import Tables, merge_tables

# Abstracts first, then the catalogue (which decides what the library holds), as the library writes them.
DATA_FILES = (paths.ABSTRACTS, paths.CATALOGUE, paths.ANNOTATIONS)
GITIGNORE, GITATTRIBUTES = ".gitignore", ".gitattributes"
DRIVER_NAME = "papershelf"

GITIGNORE_TEXT = f"""\
# papershelf: only the library's own files are shared; the lock, the journal, backups and
# temp files stay on this machine.
/*
{"".join(f"!/{name}{chr(10)}" for name in (*DATA_FILES, GITIGNORE, GITATTRIBUTES))}"""

GITATTRIBUTES_TEXT = f"""\
# papershelf merges its files record by record (papershelf sync registers the driver)
{"".join(f"/{name} merge={DRIVER_NAME} -text{chr(10)}" for name in DATA_FILES)}"""


class MergeError(PapershelfError):
    """A file that cannot be merged (not a papershelf library file)."""


def parse(data: bytes | None, name: str, where: str) -> Tables:
    """A file's tables from its bytes (None or empty: no tables); `where` names the version
    in the error ("ours", "the remote's", ...)."""
    if not data:
        return {}
    try:
        tables = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise MergeError(f"{name} ({where}): not valid JSON ({exc})") from None
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise MergeError(f"{name} ({where}): not a papershelf library file (expected an object of tables)")
    return tables


def encode(tables: Tables) -> bytes:
    return b"".join(record_lines(tables))


def readable(tables: Tables, name: str, where: str) -> Tables:
    """`tables`, unless a newer papershelf wrote them (this one would mislabel what it merged)."""
    version = schema_version(tables)
    if version is None or version > SCHEMA_VERSION:
        shown = "no valid schema version" if version is None else f"schema {version}, this papershelf reads up to {SCHEMA_VERSION}"
        raise MergeError(f"{name} ({where}): written by a newer papershelf ({shown}); upgrade papershelf to sync")
    return tables


def merge_bytes(name: str, base: bytes | None, ours: bytes | None, theirs: bytes | None) -> tuple[bytes, Tables, Tables, Tables]:
    """The merged file, and the parsed ours, theirs and merged tables (for the counts)."""
    ours_tables, theirs_tables = parse(ours, name, "ours"), readable(parse(theirs, name, "theirs"), name, "theirs")
    merged = merge_tables(parse(base, name, "common ancestor"), ours_tables, theirs_tables)
    return encode(merged), ours_tables, theirs_tables, merged
