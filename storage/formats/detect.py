"""Reading an input file for `papershelf import`: which format it is, and who reads it.

The kind is decided by content (a `.bib`/`.json` name only breaks ties): markup or a list
of arXiv ids is one of the sources' formats (storage/sources/offline.py), text starting with
`{` or `[` is a papershelf JSON export (else a saved Hugging Face API answer), text whose first
real content is `@type{` is BibTeX, anything else is a trending page. The format's own module reads it (papershelf_json.py,
bibtex.py, trending_page.py). Every failure is one ImportFormatError naming the file, the line
where known, and what was expected.
"""

from __future__ import annotations

import re
from pathlib import Path

from storage.formats.bibtex import parse_bibtex
from storage.formats.papershelf_json import parse_json
from storage.model.errors import ImportFormatError
from storage.model.imported import ImportedPaper

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
}  # (a trending page with no papers is refused by parse_page itself)


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
    if _maybe_from_a_source(text):
        from storage.sources.offline import load_source  # imported only for such input

        found = load_source(text.encode("utf-8"), source)
        if found is not None:
            return found
    kind = detect_kind(text, source)
    if kind == "json":
        papers = _parse_hf_or_json(text, source)
    elif kind == "bibtex":
        papers = parse_bibtex(text, source)
    else:
        from storage.formats.trending_page import parse_page  # the seed format; imported when needed

        papers = parse_page(text, source)
    if not papers:
        raise ImportFormatError(source, f"no papers found: {_EMPTY_HINTS[kind]}")
    return papers


def _maybe_from_a_source(text: str) -> bool:
    """Markup (a saved HF page, an Atom or RSS feed) or a first line that is an arXiv id or URL
    (an id list): the sources' formats, told apart by storage.sources.detect."""
    head = text[:KIND_PREFIX].lstrip("\ufeff \t\r\n")
    if head.startswith("<"):
        return True
    from storage.sources.ids import arxiv_id

    first = next((line.split("#", 1)[0].strip() for line in head.splitlines()[:50] if line.split("#", 1)[0].strip()), "")
    return bool(arxiv_id(first))


_HF_MARKS = re.compile(r'"(?:paper|summary|upvotes|submittedOnDailyAt)"\s*:')


def _parse_hf_or_json(text: str, source: str) -> list[ImportedPaper]:
    """A Hugging Face API answer saved to a file (its keys are in the first lines), else a
    papershelf JSON export."""
    if _HF_MARKS.search(text[:KIND_PREFIX]):
        from storage.sources.offline import load_source

        found = load_source(text.encode("utf-8"), source)
        if found is not None:
            return found
    return parse_json(text, source)


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
