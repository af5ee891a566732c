"""papershelf's own JSON: everything about each entry, out and back in without loss.

Reading validates every field and cleans every string; a wrong type is one ImportFormatError
naming `papers[i].field` (`papers[i].details.field`). Exports made before papers had facts
(authors, arxiv_id, published, categories, details) read as papers without them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.formats.shared import is_published_date, now_or_local
from storage.model.errors import ImportFormatError
from storage.model.imported import ImportedPaper
from storage.model.records import NO_DETAILS, Details, Entry, Shelf, clean_tags
from storage.model.text import clean_block, clean_line, is_web_link
from storage.sources.ids import arxiv_id

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
        authors=fields.names("authors"),
        arxiv_id=fields.arxiv_id("arxiv_id"),
        published=fields.published("published"),
        categories=fields.names("categories"),
        details=_json_details(record.get("details"), f"{where}.details", source),
    )


def _json_details(details: Any, where: str, source: str) -> Details:
    """The `details` object of a paper (absent or null: none), every fact checked."""
    if details is None:
        return NO_DETAILS
    if not isinstance(details, dict):
        raise ImportFormatError(source, f"{where}: expected an object (or null)")
    _reject_duplicates(details, where, source)
    fields = _Fields(details, where, source)
    return Details(
        doi=fields.text("doi"),
        journal_ref=fields.text("journal_ref"),
        primary_category=fields.text("primary_category"),
        upvotes=fields.count("upvotes"),
        github_stars=fields.count("github_stars"),
        code_url=fields.web_link("code_url"),
        project_url=fields.web_link("project_url"),
        hf_url=fields.web_link("hf_url"),
        origin=fields.origin("origin"),
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

    def text(self, key: str) -> str:
        """An optional one-line string: absent or null is ""."""
        value = self.record.get(key)
        if value is not None and not isinstance(value, str):
            raise self._fail(key, "a string (or null)")
        return clean_line(value or "")

    def names(self, key: str) -> tuple[str, ...]:
        """A list of names (authors, categories): each on one line, none empty."""
        return tuple(name for name in map(clean_line, self.strings(key)) if name)

    def arxiv_id(self, key: str) -> str:
        value = self.text(key)
        found = arxiv_id(value)
        if value and not found:
            raise self._fail(key, f"an arXiv id such as 2403.01234 (or null), got {value[:40]!r}")
        return found

    def published(self, key: str) -> str:
        value = self.text(key)
        if value and not is_published_date(value):
            raise self._fail(key, f"an ISO date such as 2024-03-11 (or null), got {value[:40]!r}")
        return value

    def count(self, key: str) -> int | None:
        value = self.record.get(key)
        if value is not None and (type(value) is not int or value < 0):  # noqa: E721 (not a bool)
            raise self._fail(key, "a whole number of at least 0 (or null)")
        return value

    def web_link(self, key: str) -> str:
        value = self.text(key)
        if value and not is_web_link(value):
            raise self._fail(key, f"an http(s) link (or null), got {value[:40]!r}")
        return value

    def origin(self, key: str) -> tuple[tuple[str, str], ...]:
        """Where each fact came from: a list of [field, source] pairs."""
        value = self.record.get(key) or []
        pairs = value if isinstance(value, list) else None
        if pairs is None or not all(_is_text_pair(pair) for pair in pairs):
            raise self._fail(key, 'a list of [field, source] pairs, e.g. [["authors", "arxiv-api"]]')
        return tuple(sorted({clean_line(name): clean_line(where) for name, where in pairs}.items()))

    def timestamp(self, key: str) -> str:
        value = clean_line(self.string(key, ""))
        try:
            if value:
                datetime.fromisoformat(value)
        except ValueError:
            raise self._fail(key, f"an ISO-8601 timestamp, got {value[:40]!r}") from None
        return value


def _is_text_pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(item, str) for item in value)


# --- out --------------------------------------------------------------------------------


def to_json(entries: Sequence[Entry], now: datetime | None = None) -> str:
    """Everything about each entry, re-importable with `papershelf import`."""
    doc = {
        "papershelf": EXPORT_VERSION,
        "exported": now_or_local(now).isoformat(timespec="seconds"),
        "papers": [entry.to_doc() for entry in entries],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
