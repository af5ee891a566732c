"""BibTeX in and out.

In: entries with a title -> papers (keywords become tags, `note` the note, `url`/`doi` links);
any broken block fails the whole import with one error naming its line. LaTeX markup in values
(escapes, accents, text symbols) becomes plain text.
Out: one `@misc` per paper with a stable unique key; braces stay balanced for every parser.

bibtexparser is imported inside the functions that use it: it costs startup time.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from storage.formats.shared import first_web_link, one_line
from storage.model.errors import ImportFormatError
from storage.model.imported import ImportedPaper
from storage.model.records import Entry, Shelf, normalise_tags
from storage.model.text import clean_block, clean_line

if TYPE_CHECKING:
    from bibtexparser import model as bib


# --- in ---------------------------------------------------------------------------------


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
    import bibtexparser

    text = text.replace("\r\n", "\n")
    with _quiet_bibtexparser():
        library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        raise _failed_block_error(library.failed_blocks[0], text, source)
    return [_bib_paper(entry, source) for entry in library.entries]


def _failed_block_error(block: bib.ParsingFailedBlock, text: str, source: str) -> ImportFormatError:
    from bibtexparser import model as bib

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


# --- out --------------------------------------------------------------------------------

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


def _bib_fields(entry: Entry) -> list[bib.Field]:
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
