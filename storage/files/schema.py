"""What the library files hold: the schema version, the table names, the version check, the
record-by-record read that reports a malformed record, and the upgrades of older files.

Schema 2 moved the abstracts out of the catalogue into abstracts.json (schema 1 kept them inline).
Schema 3 added the facts from sources (authors, arxiv_id, published, categories, details) to
paper records, stored only when known: a schema 2 catalogue reads as it is, and its upgrade
only writes the new version number (so that an older papershelf, which would drop the new
fields when it rewrites a record, refuses the file instead).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from storage.files.tinystore import AtomicJSONStorage
from storage.model.errors import DamagedLibraryError, PapershelfError

SCHEMA_VERSION = 3  # 2: abstracts moved from the catalogue into abstracts.json; 3: facts from sources
PAPERS, SHELVES, SETTINGS, META = "papers", "shelves", "settings", "meta"
ABSTRACTS = "abstracts"
MALFORMED = (KeyError, TypeError, ValueError, AttributeError)  # what a record of the wrong shape raises


def meta_table() -> dict[str, dict[str, int]]:
    """The meta table every file is written with: this papershelf's schema version."""
    return {"1": {"schema": SCHEMA_VERSION}}


def schema_version(data: dict) -> int | None:
    """The schema version a file's tables `data` were written with (this one's if they hold no
    meta record); None if the meta record holds no whole number from 1 up."""
    table = data.get(META, {})
    meta = table.get("1", {}) if isinstance(table, dict) else None
    version = meta.get("schema", SCHEMA_VERSION) if isinstance(meta, dict) else None
    return version if type(version) is int and version >= 1 else None


def check_schema(data: dict, storage: AtomicJSONStorage) -> int:
    """The schema version `data` (read from `storage`) was written with; refuses a newer one
    (the file is left untouched) and a meta record without a valid version (damaged)."""
    version = schema_version(data)
    if version is None:
        raise DamagedLibraryError(storage.path, "the meta record holds no valid schema version", storage.backup_hint)
    if version > SCHEMA_VERSION:
        raise PapershelfError(
            f"{storage.path}: written by a newer papershelf (schema {version}, this one reads up to "
            f"{SCHEMA_VERSION}); upgrade papershelf. The file was left untouched"
        )
    return version


def read_converted(storage: AtomicJSONStorage, table: str, convert: Callable[[str, Any], Any]) -> dict:
    """A file's tables, `table`'s records converted as they are read (see RecordLinesStorage).
    A record that does not convert is reported, unless the file is a newer papershelf's:
    that is said first."""
    try:
        return storage.read_converted({table: convert}) or {}
    except (DamagedLibraryError, *MALFORMED) as error:
        data = storage.read() or {}
        check_schema(data, storage)
        if isinstance(error, DamagedLibraryError):
            raise
        key = next((k for k, row in data[table].items() if not _converts(convert, k, row)), "?")
        raise DamagedLibraryError(storage.path, f"{table[:-1]} record {key} is malformed", storage.backup_hint) from None


def _converts(convert: Callable[[str, Any], Any], key: str, row: Any) -> bool:
    try:
        convert(key, row)
    except MALFORMED:
        return False
    return True


def catalogue_upgrade(version: int, data: dict) -> dict[str, dict]:
    """The paper records to write again (abstracts go to abstracts.json, the rest to the
    catalogue) to bring a catalogue of schema `version` up to SCHEMA_VERSION; {} if none.
    Schema 1 kept abstracts inside the catalogue: its records that still hold one."""
    if version >= 2:
        return {}
    papers = data.get(PAPERS, {})
    return {key: doc for key, doc in papers.items() if isinstance(doc, dict) and "abstract" in doc}
