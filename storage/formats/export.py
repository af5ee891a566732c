"""Entries -> Markdown / BibTeX / CSV / JSON text. Pure functions: no files, no library.

Every string in an entry came from outside, so each format escapes it for its own syntax:
Markdown keeps titles and notes literal text (no links, HTML or structure sneak in), BibTeX
keeps braces balanced for every parser, CSV defuses spreadsheet formulas.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from storage.model.records import Entry

if TYPE_CHECKING:
    from bibtexparser.model import Field

FORMATS = ("md", "bib", "csv", "json")
EXPORT_VERSION = 1


def export(
    entries: Sequence[Entry], fmt: str, scope: str = "all papers", now: datetime | None = None
) -> str:
    """The entries as text in `fmt` (one of FORMATS)."""
    writers: dict[str, Callable[[], str]] = {
        "md": lambda: to_markdown(entries, scope, now),
        "bib": lambda: to_bibtex(entries),
        "csv": lambda: to_csv(entries),
        "json": lambda: to_json(entries, now),
    }
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return writers[fmt]()


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now().astimezone()


def first_web_link(entry: Entry) -> str:
    """The first http(s) link of the paper, or "": other schemes are never exported as links."""
    for link in entry.paper.links:
        parts = urlsplit(link.strip())
        if parts.scheme.lower() in ("http", "https") and parts.netloc:
            return link.strip()
    return ""


# --- Markdown ---------------------------------------------------------------------------

# Inline syntax of CommonMark and GitHub: emphasis, code, links, HTML, entities, tables,
# strikethrough, headings. Backslash-escaping them keeps them literal wherever they are.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~#!])")
# Things that only mean something at the start of a block: list markers, block quotes,
# setext underlines and thematic breaks.
_MD_BLOCK_START = re.compile(r"^([-+=>]|\d+(?=[.)]))")


def md_escape(text: str) -> str:
    """One line of literal text in Markdown, safe at the start of a block too."""
    escaped = _MD_INLINE.sub(r"\\\1", text)
    match = _MD_BLOCK_START.match(escaped)
    if match and match.group(1)[0].isdigit():
        end = match.end()
        return escaped[:end] + "\\" + escaped[end:]
    return "\\" + escaped if match else escaped


def md_url(url: str) -> str:
    """A link destination that cannot end the link early: spaces, <, >, parentheses encoded."""
    return quote(url, safe="/:?#[]@!$&'*+,;=%-._~")


def _md_code_span(text: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def one_line(text: str) -> str:
    """Line breaks folded to single spaces; other characters kept as they are."""
    return " ".join(part.strip(" \t") for part in re.split(r"[\r\n]+", text.strip(" \t\r\n")))


def _md_title(entry: Entry) -> str:
    title = md_escape(one_line(entry.paper.title)) or "(untitled)"
    link = first_web_link(entry)
    return f"[{title}]({md_url(link)})" if link else title


def _md_note(notes: str) -> list[str]:
    """The note as a block quote inside the list item; blank lines stay inside the quote."""
    quoted = []
    for line in notes.split("\n"):
        line = line.rstrip()
        indent = len(line) - len(line.lstrip())
        # Leading spaces would make an indented code block: keep them visible as no-break spaces.
        text = "\u00a0" * indent + md_escape(line.lstrip())
        quoted.append(f"  > {text}".rstrip())
    return quoted


def _md_item(entry: Entry) -> list[str]:
    parts = ["- [x]" if entry.shelf.read else "- [ ]", _md_title(entry)]
    if entry.shelf.starred:
        parts.append("★")
    # A line break inside a tag would let the next line start a new block: fold whitespace.
    tags = ("".join(tag.split()) for tag in entry.shelf.tags)
    parts.extend(_md_code_span(f"#{tag}") for tag in tags if tag)
    lines = [" ".join(parts)]
    if entry.shelf.notes.strip():
        lines.extend(_md_note(entry.shelf.notes.strip("\n")))
    return lines


def to_markdown(
    entries: Sequence[Entry], scope: str = "all papers", now: datetime | None = None
) -> str:
    """A GitHub task list: one item per paper, linked title, ★ when starred, tags, note."""
    count = f"{len(entries)} paper" + ("" if len(entries) == 1 else "s")
    heading = f"# Reading list — {md_escape(one_line(scope))} ({_now(now):%Y-%m-%d})"
    lines = [heading, "", count, ""]
    for entry in entries:
        lines.extend(_md_item(entry))
    return "\n".join(lines) + "\n"


# --- BibTeX -----------------------------------------------------------------------------

# Braces and backslash become brace-free commands (or balanced `{}`) so that parsers which
# honour `\{` (bibtexparser) and parsers which count every brace (BibTeX, pybtex) agree.
_BIB_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
}
_BIB_SPECIAL = re.compile("[" + re.escape("".join(_BIB_SPECIALS)) + "]")
_KEY_STOPWORDS = frozenset(
    "a an the of on in for to and or with without from by at as via is are do does can "
    "what why how when towards toward into over under not no".split()
)


# bibtexparser takes `@word{` or `@word(` at the start of a line as a new entry, even inside
# a value: such an `@` is wrapped in braces (TeX prints it the same).
_BIB_LINE_START_AT = re.compile(r"^([ \t]*)@", re.MULTILINE)


def bib_escape(text: str) -> str:
    """Text as a BibTeX field value: specials escaped, every brace balanced."""
    escaped = _BIB_SPECIAL.sub(lambda m: _BIB_SPECIALS[m.group()], text)
    return _BIB_LINE_START_AT.sub(r"\1{@}", escaped)


def bib_title(title: str) -> str:
    """The escaped title with each word holding a capital protected in braces (keeps ReLIC)."""
    words = []
    for word in one_line(title).split(" "):
        escaped = bib_escape(word)
        if any(ch.isupper() for ch in word):
            # `{\cmd…}` at the top level is a BibTeX "special character" whose letters styles
            # may still re-case; an extra pair makes it a plain protected group.
            escaped = f"{{{{{escaped}}}}}" if escaped.startswith("\\") else f"{{{escaped}}}"
        words.append(escaped)
    return " ".join(words)


def _bib_url(url: str) -> str:
    """URLs stay verbatim (biblatex reads them so) except what would break the field."""
    return re.sub(r"[\s{}\\%]", lambda m: quote(m.group()), url)


def _key_word(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    for word in words:
        if word not in _KEY_STOPWORDS and word[0].isalpha():
            return word[:24]
    return "paper"


def _id_fragment(paper_id: str, length: int) -> str:
    safe = re.sub(r"[^A-Za-z0-9]", "", paper_id)
    if not safe:
        safe = hashlib.sha1(paper_id.encode("utf-8")).hexdigest()
    return safe[:length]


def bibtex_key(entry: Entry, fragment_length: int = 8) -> str:
    """A stable citation key: the first significant title word and a piece of the paper id."""
    return f"{_key_word(entry.paper.title)}_{_id_fragment(entry.paper.id, fragment_length)}"


def _unique_keys(entries: Sequence[Entry]) -> list[str]:
    keys: list[str] = []
    taken: set[str] = set()
    for entry in entries:
        key = bibtex_key(entry)
        if key in taken:
            key = bibtex_key(entry, fragment_length=64)
        base, n = key, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        taken.add(key)
        keys.append(key)
    return keys


def _urldate(first_seen: str) -> str:
    try:
        return datetime.fromisoformat(first_seen).date().isoformat()
    except ValueError:
        return ""


def _bib_fields(entry: Entry) -> list[Field]:
    from bibtexparser.model import Field

    paper, shelf = entry.paper, entry.shelf
    url = first_web_link(entry)
    values = [
        ("title", bib_title(paper.title)),
        ("abstract", bib_escape(paper.abstract)),
        ("url", _bib_url(url)),
        ("urldate", _urldate(paper.first_seen) if url else ""),
        # Importers split keywords on "," and ";": a ";" inside a tag is kept in braces.
        ("keywords", ", ".join(bib_escape(tag).replace(";", "{;}") for tag in shelf.tags)),
        ("note", bib_escape(shelf.notes.strip("\n"))),
    ]
    return [Field(key, value) for key, value in values if value]


def to_bibtex(entries: Sequence[Entry]) -> str:
    """One `@misc` per paper, with stable unique keys and escaped fields."""
    import bibtexparser  # imported here: it costs startup time, and only BibTeX needs it
    from bibtexparser.middlewares import default_unparse_stack
    from bibtexparser.model import Entry as BibEntry

    library = bibtexparser.Library()
    for entry, key in zip(entries, _unique_keys(entries)):
        library.add(BibEntry("misc", key, _bib_fields(entry)))
    bib_format = bibtexparser.BibtexFormat()
    bib_format.indent = "  "
    bib_format.block_separator = "\n"
    # The library is ours and thrown away: let the writer enclose values in place.
    stack = default_unparse_stack(allow_inplace_modification=True)
    text = bibtexparser.write_string(library, unparse_stack=stack, bibtex_format=bib_format)
    return text if not text or text.endswith("\n") else text + "\n"


# --- CSV --------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id", "title", "read", "starred", "tags", "notes", "links", "listed", "first_seen", "abstract"
)  # fmt: skip
# Spreadsheets run a cell starting with one of these as a formula (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a would-be formula gets a leading single quote."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _csv_row(entry: Entry) -> list[str]:
    paper, shelf = entry.paper, entry.shelf
    return [
        paper.id,
        paper.title,
        "true" if shelf.read else "false",
        "true" if shelf.starred else "false",
        ";".join(shelf.tags),
        shelf.notes,
        " ".join(paper.links),
        paper.listed,
        paper.first_seen,
        paper.abstract,
    ]


def to_csv(entries: Sequence[Entry]) -> str:
    """A header row and one RFC 4180 row per paper."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow([csv_cell(value) for value in _csv_row(entry)])
    return out.getvalue()


# --- JSON -------------------------------------------------------------------------------


def to_json(entries: Sequence[Entry], now: datetime | None = None) -> str:
    """Everything about each entry, re-importable with `papershelf import`."""
    doc = {
        "papershelf": EXPORT_VERSION,
        "exported": _now(now).isoformat(timespec="seconds"),
        "papers": [entry.to_doc() for entry in entries],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
