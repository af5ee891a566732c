"""papershelf's own JSON: everything about each entry, out and back in without loss.

Reading validates every field and cleans every string; a wrong type is one ImportFormatError
naming `papers[i].field`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.formats.shared import now_or_local
from storage.model.errors import ImportFormatError
from storage.model.imported import ImportedPaper
from storage.model.records import Entry, Shelf, clean_tags
from storage.model.text import clean_block, clean_line

EXPORT_VERSION = 1
EXPECTED_JSON = 'expected a papershelf JSON export (an object with a "papers" list, or a list)'


# --- in ---------------------------------------------------------------------------------


class _DuplicateKeys(dict):
    """A JSON object that repeated a key: kept so validation can say where it was."""

    duplicate = ""


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            marked = _DuplicateKeys(result)
            marked.duplicate = key
            result = marked
        result[key] = value
    return result


def parse_json(text: str, source: str) -> list[ImportedPaper]:
    """A papershelf JSON export (or a bare list of paper documents), validated and cleaned."""
    try:
        doc = json.loads(text, object_pairs_hook=_object_pairs)
    except json.JSONDecodeError as error:
        message = f"invalid JSON: {error.msg} (column {error.colno})"
        raise ImportFormatError(source, message, error.lineno) from None
    except RecursionError:
        raise ImportFormatError(source, "invalid JSON: nested too deeply") from None
    except ValueError as error:  # e.g. an integer with too many digits
        raise ImportFormatError(source, f"invalid JSON: {error}") from None
    records = _records(doc, source)
    return [_json_paper(record, f"papers[{i}]", source) for i, record in enumerate(records)]


def _records(doc: Any, source: str) -> list[Any]:
    if isinstance(doc, list):
        return doc
    if not isinstance(doc, dict) or "papers" not in doc:
        raise ImportFormatError(source, EXPECTED_JSON)
    _reject_duplicates(doc, "the top-level object", source)
    version = doc.get("papershelf", 1)
    if version != 1:
        raise ImportFormatError(
            source, f"papershelf: unsupported export version {version!r} (expected 1)"
        )
    if not isinstance(doc["papers"], list):
        raise ImportFormatError(source, "papers: expected a list of papers")
    return doc["papers"]


def _reject_duplicates(obj: dict, where: str, source: str) -> None:
    if isinstance(obj, _DuplicateKeys):
        raise ImportFormatError(source, f"{where}: duplicate key {obj.duplicate!r}")


def _json_paper(record: Any, where: str, source: str) -> ImportedPaper:
    if not isinstance(record, dict):
        raise ImportFormatError(source, f"{where}: expected an object (a paper)")
    _reject_duplicates(record, where, source)
    fields = _Fields(record, where, source)
    title = clean_line(fields.string("title"))
    if not title:
        raise ImportFormatError(source, f"{where}.title: expected a non-empty string")
    return ImportedPaper(
        title=title,
        abstract=clean_line(fields.string("abstract", "")),
        links=tuple(link for link in map(clean_line, fields.strings("links")) if link),
        listed=clean_line(fields.string("listed", "")),
        first_seen=fields.timestamp("first_seen"),
        shelf=Shelf(
            read=fields.flag("read"),
            starred=fields.flag("starred"),
            tags=clean_tags(fields.strings("tags")),
            notes=clean_block(fields.string("notes", "")),
            read_at=fields.timestamp("read_at"),
            updated=fields.timestamp("updated"),
        ),
    )


class _Fields:
    """Typed access to one JSON record; a wrong type is an error naming `papers[i].field`."""

    def __init__(self, record: dict, where: str, source: str) -> None:
        self.record, self.where, self.source = record, where, source

    def _fail(self, key: str, expected: str) -> ImportFormatError:
        return ImportFormatError(self.source, f"{self.where}.{key}: expected {expected}")

    def string(self, key: str, default: str | None = None) -> str:
        value = self.record.get(key, default)
        if not isinstance(value, str):
            raise self._fail(key, "a non-empty string" if default is None else "a string")
        return value

    def strings(self, key: str) -> list[str]:
        value = self.record.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._fail(key, "a list of strings")
        return value

    def flag(self, key: str) -> bool:
        value = self.record.get(key, False)
        if not isinstance(value, bool):
            raise self._fail(key, "true or false")
        return value

    def timestamp(self, key: str) -> str:
        value = clean_line(self.string(key, ""))
        try:
            if value:
                datetime.fromisoformat(value)
        except ValueError:
            raise self._fail(key, f"an ISO-8601 timestamp, got {value[:40]!r}") from None
        return value


# --- out --------------------------------------------------------------------------------


def to_json(entries: Sequence[Entry], now: datetime | None = None) -> str:
    """Everything about each entry, re-importable with `papershelf import`."""
    doc = {
        "papershelf": EXPORT_VERSION,
        "exported": now_or_local(now).isoformat(timespec="seconds"),
        "papers": [entry.to_doc() for entry in entries],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
