"""BibTeX in and out.

In: entries with a title -> papers (keywords become tags, `note` the note, `url`/`doi` links),
with their facts (authors, date, arXiv id and class, DOI, journal: see bibtex_facts.py); any
broken block fails the whole import with one error naming its line. LaTeX markup in values
(escapes, accents, text symbols) becomes plain text.
Out: one entry per paper with a stable unique key (bibtex_keys.py); braces stay balanced for
every parser. A paper on arXiv is cited as arXiv asks: `@misc` with `eprint`,
`archivePrefix = {arXiv}` and `primaryClass`; one with a journal reference is an `@article`.

bibtexparser is imported inside the functions that use it: it costs startup time.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from storage.formats.bibtex_facts import bib_facts
from storage.formats.bibtex_keys import bibtex_key, unique_keys
from storage.formats.latex import bib_escape, bib_names, bib_title, latex_to_text
from storage.formats.shared import ARXIV_ABS_PAGE, DOI_PAGE, arxiv_of, is_published_date, one_line, paper_url
from storage.model.errors import ImportFormatError
from storage.model.imported import ImportedPaper
from storage.model.records import Entry, Shelf, normalise_tags
from storage.model.text import clean_block, clean_line

if TYPE_CHECKING:
    from bibtexparser import model as bib

__all__ = ["parse_bibtex", "to_bibtex", "bibtex_key", "latex_to_text", "bib_escape", "bib_title"]
ARXIV_PDF = "https://arxiv.org/pdf/{}"
_MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


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
    values = {key: _bib_value(field) for key, field in fields.items()}
    title = clean_line(latex_to_text(values.get("title", "")))
    if not title:
        line = (entry.start_line or 0) + 1
        raise ImportFormatError(source, f"entry {entry.key!r} has no title", line)
    line = (fields["title"].start_line or entry.start_line or 0) + 1
    tags = _bib_keywords(values.get("keywords", ""))
    notes = clean_block(latex_to_text(values.get("note", ""), keep_newlines=True))
    facts = bib_facts(values)
    return ImportedPaper(
        title=title,
        abstract=clean_line(latex_to_text(values.get("abstract", ""))),
        links=_bib_links(values.get("url", ""), facts.arxiv_id, facts.details.doi),
        line=line,
        shelf=Shelf(tags=tags, notes=notes) if tags or notes else None,
        authors=facts.authors,
        arxiv_id=facts.arxiv_id,
        published=facts.published,
        categories=facts.categories,
        details=facts.details,
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


def _bib_links(url: str, arxiv: str, doi: str) -> tuple[str, ...]:
    """The `url`, the arXiv abstract page and PDF, the DOI's page: each once, in this order."""
    links = [clean_line(re.sub(r"\\([_&%#$~])", r"\1", url))]
    if arxiv:
        links += [ARXIV_ABS_PAGE.format(arxiv), ARXIV_PDF.format(arxiv)]
    if doi:
        links.append(doi if doi.lower().startswith("http") else DOI_PAGE.format(doi))
    return tuple(dict.fromkeys(link for link in links if link))


# --- out --------------------------------------------------------------------------------


def _bib_url(url: str) -> str:
    """URLs (and DOIs) stay verbatim (biblatex reads them so) except what would break the field."""
    return re.sub(r"[\s{}\\%]", lambda m: quote(m.group()), url)


def _urldate(first_seen: str) -> str:
    try:
        return datetime.fromisoformat(first_seen).date().isoformat()
    except ValueError:
        return ""


def _date_fields(published: str) -> list[tuple[str, str]]:
    """`year`, `month` (as the macro `mar`, which BibTeX styles print in their language) and,
    for a full date, biblatex's `date` (a re-import keeps the day)."""
    if not is_published_date(published):
        return []
    month = _MONTH_MACROS[int(published[5:7]) - 1] if len(published) >= 7 else ""
    return [("year", published[:4]), ("month", month), ("date", published if len(published) == 10 else "")]


def _arxiv_fields(entry: Entry) -> list[tuple[str, str]]:
    paper = entry.paper
    arxiv = arxiv_of(paper)
    if not arxiv:
        return []
    primary = paper.details.primary_category or (paper.categories[0] if paper.categories else "")
    return [("eprint", arxiv), ("archivePrefix", "arXiv"), ("primaryClass", bib_escape(one_line(primary)))]


def _bib_fields(entry: Entry) -> list[bib.Field]:
    from bibtexparser.model import Field

    paper, shelf = entry.paper, entry.shelf
    url = paper_url(entry)
    values = [
        ("author", bib_names(paper.authors)),
        ("title", bib_title(paper.title)),
        ("journal", bib_escape(one_line(paper.details.journal_ref))),
        *_date_fields(paper.published),
        *_arxiv_fields(entry),
        ("doi", _bib_url(one_line(paper.details.doi))),
        ("url", _bib_url(url)),
        ("urldate", _urldate(paper.first_seen) if url else ""),
        ("abstract", bib_escape(paper.abstract)),
        # Importers split keywords on "," and ";": a ";" inside a tag is kept in braces.
        ("keywords", ", ".join(bib_escape(tag).replace(";", "{;}") for tag in shelf.tags)),
        ("note", bib_escape(shelf.notes.strip("\n"))),
    ]
    # A month is the macro itself (`month = mar`), not text in braces.
    return [Field(key, value, enclosing="no-enclosing" if key == "month" else None) for key, value in values if value]


def entry_type(entry: Entry) -> str:
    """`article` for a paper with a journal reference (the `journal` it needs), else `misc`
    (what arXiv recommends for a preprint, with `eprint`)."""
    return "article" if one_line(entry.paper.details.journal_ref) else "misc"


def to_bibtex(entries: Sequence[Entry]) -> str:
    """One entry per paper, with stable unique keys and escaped fields."""
    import bibtexparser  # imported here: it costs startup time, and only BibTeX needs it
    from bibtexparser.middlewares import default_unparse_stack
    from bibtexparser.model import Entry as BibEntry

    library = bibtexparser.Library()
    for entry, key in zip(entries, unique_keys(entries)):
        library.add(BibEntry(entry_type(entry), key, _bib_fields(entry)))
    bib_format = bibtexparser.BibtexFormat()
    bib_format.indent = "  "
    bib_format.block_separator = "\n"
    # The library is ours and thrown away: let the writer enclose values in place.
    stack = default_unparse_stack(allow_inplace_modification=True)
    text = bibtexparser.write_string(library, unparse_stack=stack, bibtex_format=bib_format)
    return text if not text or text.endswith("\n") else text + "\n"
