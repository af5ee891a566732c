"""Reading an input file for `papershelf import`: papershelf JSON, BibTeX or a trending page.

The kind is decided by content (a `.bib`/`.json` name only breaks ties): text starting with
`{` or `[` is a papershelf JSON export, text whose first real content is `@type{` is BibTeX,
anything else is a trending page. Every failure is one ImportFormatError naming the file,
the line where known, and what was expected.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser import model as bib

from storage.model.errors import ImportFormatError
from storage.model.imported import ImportedPaper
from storage.model.records import Shelf, normalise_tags
from storage.model.text import clean_block, clean_line

MAX_INPUT_BYTES = 256 * 1024 * 1024
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
KIND_PREFIX = 65536  # the leading whitespace and BibTeX comment lines looked through for a kind
_BIBTEX_START = re.compile(r"\A(?:\s*%[^\n]*\n)*\s*@[A-Za-z]+\s*[{(]")
_EMPTY_HINTS = {
    "json": "the papershelf JSON export has an empty paper list",
    "bibtex": "the BibTeX file has no entries (only comments, @string or @preamble)",
    "page": "expected a trending page (title and abstract blocks separated by blank lines)",
}
EXPECTED_JSON = 'expected a papershelf JSON export (an object with a "papers" list, or a list)'


# --- reading and dispatch ---------------------------------------------------------------


def load_file(path: str | Path) -> list[ImportedPaper]:
    """The papers in the file at `path`; ImportFormatError if it cannot be imported."""
    path = Path(path)
    if path.is_dir():
        raise ImportFormatError(path, "is a directory, expected a text file")
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            limit = f"{MAX_INPUT_BYTES // (1024 * 1024)} MiB"
            raise ImportFormatError(path, f"file too large ({size:,} bytes; the limit is {limit})")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFormatError(path, "no such file") from None
    except PermissionError:
        raise ImportFormatError(path, "permission denied: cannot read the file") from None
    except OSError as error:
        raise ImportFormatError(path, f"cannot read the file: {error.strerror or error}") from None
    return load_bytes(data, str(path))


def load_bytes(data: bytes, source: str) -> list[ImportedPaper]:
    """The papers in raw input (a file's bytes, or stdin): it must be UTF-8 text."""
    if not data.strip():
        raise ImportFormatError(source, "file is empty")
    if len(data) > MAX_INPUT_BYTES:
        raise ImportFormatError(source, f"input too large ({len(data):,} bytes)")
    _reject_binary(data, source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = data[error.start]
        line = data.count(b"\n", 0, error.start) + 1
        message = f"not UTF-8 text: invalid byte 0x{bad:02x} at line {line}"
        raise ImportFormatError(source, message) from None
    return load_text(text, source)


def _reject_binary(data: bytes, source: str) -> None:
    if data.startswith(_UTF16_BOMS):
        raise ImportFormatError(source, "not UTF-8 text: looks like UTF-16, save it as UTF-8")
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise ImportFormatError(source, f"binary file (looks like {kind}), expected text")
    if b"\x00" in data[:65536]:
        raise ImportFormatError(source, "binary file (contains NUL bytes), expected text")


def load_text(text: str, source: str) -> list[ImportedPaper]:
    """The papers in text (a file's content, stdin, a clipboard paste)."""
    text = text.removeprefix("\ufeff")
    if not text or text.isspace():  # (strip() would copy a 170 MB page to find that out)
        raise ImportFormatError(source, "file is empty")
    if "\x00" in text:
        raise ImportFormatError(source, "binary file (contains NUL bytes), expected text")
    kind = detect_kind(text, source)
    if kind == "json":
        papers = parse_json(text, source)
    elif kind == "bibtex":
        papers = parse_bibtex(text, source)
    else:
        from storage.formats.trending_page import parse_page  # pages.py is the seed-format importer

        papers = parse_page(text, source)
    if not papers:
        raise ImportFormatError(source, f"no papers found: {_EMPTY_HINTS[kind]}")
    return papers


def detect_kind(text: str, source: str = "") -> str:
    """The input's kind ("json", "bibtex" or "page"): by content, then by file extension."""
    head = text[:KIND_PREFIX]  # what tells the kind is at the start: no copy of a 170 MB page
    start = head.lstrip("\ufeff \t\r\n")[:1]
    if start in ("{", "["):
        return "json"
    if _BIBTEX_START.match(head.replace("\r\n", "\n")):
        return "bibtex"
    suffix = Path(source).suffix.lower()
    return {".bib": "bibtex", ".bibtex": "bibtex", ".json": "json"}.get(suffix, "page")


# --- papershelf JSON --------------------------------------------------------------------


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
            tags=normalise_tags([clean_line(tag) for tag in fields.strings("tags")]),
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


# --- BibTeX -----------------------------------------------------------------------------


@contextmanager
def _quiet_bibtexparser() -> Iterator[None]:
    """bibtexparser logs parse problems to stderr; they become our one clear error instead."""
    bib_logger = logging.getLogger("bibtexparser")  # its child loggers inherit the level
    previous = bib_logger.level
    bib_logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        bib_logger.setLevel(previous)


def parse_bibtex(text: str, source: str) -> list[ImportedPaper]:
    """BibTeX entries with a title -> papers; any broken block fails the whole import."""
    text = text.replace("\r\n", "\n")
    with _quiet_bibtexparser():
        library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        raise _failed_block_error(library.failed_blocks[0], text, source)
    return [_bib_paper(entry, source) for entry in library.entries]


def _failed_block_error(block: bib.ParsingFailedBlock, text: str, source: str) -> ImportFormatError:
    line = (block.start_line or 0) + 1
    if isinstance(block, bib.DuplicateBlockKeyBlock):
        return ImportFormatError(source, f"duplicate entry key {block.key!r}", line)
    if isinstance(block, bib.DuplicateFieldKeyBlock):
        keys = ", ".join(sorted(block.duplicate_keys))
        entry_key = block.ignore_error_block.key if block.ignore_error_block else "?"
        return ImportFormatError(source, f"entry {entry_key!r}: duplicate field {keys}", line)
    reason = getattr(block.error, "abort_reason", "") or str(block.error) or "syntax error"
    # end_index counts in the splitter's copy of the text, which has one extra leading "\n".
    end = getattr(block.error, "end_index", None)
    if end is None or end > len(text):
        detail = "the file ends inside it"
    else:
        detail = f"stopped at line {text.count(chr(10), 0, end) + 1}: {reason.strip().rstrip('.')}"
    message = (
        f"cannot parse the BibTeX entry starting here ({detail}); "
        "expected @type{key, field = {value}, ...} with balanced braces"
    )
    return ImportFormatError(source, message, line)


def _bib_paper(entry: bib.Entry, source: str) -> ImportedPaper:
    fields = {key.lower(): field for key, field in entry.fields_dict.items()}
    title_field = fields.get("title")
    title = clean_line(latex_to_text(_bib_value(title_field)))
    if not title:
        line = (entry.start_line or 0) + 1
        raise ImportFormatError(source, f"entry {entry.key!r} has no title", line)
    line = (title_field.start_line or entry.start_line or 0) + 1
    tags = _bib_keywords(_bib_value(fields.get("keywords")))
    notes = clean_block(latex_to_text(_bib_value(fields.get("note")), keep_newlines=True))
    return ImportedPaper(
        title=title,
        abstract=clean_line(latex_to_text(_bib_value(fields.get("abstract")))),
        links=_bib_links(fields),
        line=line,
        shelf=Shelf(tags=tags, notes=notes) if tags or notes else None,
    )


def _bib_value(field: bib.Field | None) -> str:
    return str(field.value) if field is not None else ""


def _bib_keywords(keywords: str) -> tuple[str, ...]:
    """Keywords -> tags, one word each: "Deep RL; rlhf" -> ("deep-rl", "rlhf").

    Keywords are split at "," or ";" outside braces: "{;}" is a semicolon inside a tag.
    """
    parts, depth, start = [], 0, 0
    for i, char in enumerate(keywords):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char in ",;" and depth == 0:
            parts.append(keywords[start:i])
            start = i + 1
    parts.append(keywords[start:])
    return normalise_tags(["-".join(latex_to_text(part).split()) for part in parts])


def _bib_links(fields: dict[str, bib.Field]) -> tuple[str, ...]:
    links = []
    url = clean_line(re.sub(r"\\([_&%#$~])", r"\1", _bib_value(fields.get("url"))))
    if url:
        links.append(url)
    doi = clean_line(_bib_value(fields.get("doi")))
    if doi:
        links.append(doi if doi.lower().startswith("http") else f"https://doi.org/{doi}")
    return tuple(dict.fromkeys(links))


# --- LaTeX -> text (the simple escapes BibTeX files use) ---------------------------------

_LATEX_SYMBOLS = {
    "textbackslash": "\\", "textbraceleft": "{", "textbraceright": "}",
    "textasciitilde": "~", "textasciicircum": "^", "textunderscore": "_", "textdollar": "$",
    "textendash": "–", "textemdash": "—", "ldots": "…", "dots": "…", "textellipsis": "…",
    "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
}  # fmt: skip
_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a",
}  # fmt: skip
_LATEX = re.compile(
    r"""
      \\(?P<escaped>[&%$\#_{}\ ])                                  # \& \% \{ ...
    | \\(?P<accent>['`^"~=.]|[uvHckr](?=\s*\{|\s+[A-Za-z]))        # \'e  \"{o}  \c c
      \s*(?:\{\s*(?P<braced>\\?[A-Za-z])\s*\}|(?P<bare>\\?[A-Za-z]))
    | \\(?P<command>[A-Za-z]+)(?P<after>\s*\{\s*\}|\s*)            # \textbackslash{} \emph
    | (?P<linebreak>\\\\)
    | (?P<brace>[{}])
    | (?P<tilde>~)
    """,
    re.VERBOSE,
)


def latex_to_text(value: str, keep_newlines: bool = False) -> str:
    """Undo BibTeX/LaTeX markup: protection braces, escapes, accents, text symbols."""

    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return match["escaped"]
        if match["accent"]:
            letter = (match["braced"] or match["bare"]).lstrip("\\")  # \'{\i} is an accented i
            return letter + _ACCENTS[match["accent"]]
        if match["command"]:
            return _latex_command(match["command"], match["after"], match.group(0))
        if match["linebreak"]:
            return "\n" if keep_newlines else " "
        return " " if match["tilde"] else ""

    return unicodedata.normalize("NFC", _LATEX.sub(replace, value))


def _latex_command(name: str, after: str, whole: str) -> str:
    if name in _LATEX_SYMBOLS:
        return _LATEX_SYMBOLS[name]
    if after.strip() == "{}":  # an unknown symbol command: keep it readable
        return "\\" + name
    # \emph, \textbf, ... : drop the command, its argument stays; unknown others stay as text
    return "" if _FORMATTING.match(name) else whole


_FORMATTING = re.compile(r"(?:emph|text[a-z]+|math[a-z]+|url|mbox|bf|it|em|sc|tt|rm|sf)\Z")
