"""Entries -> a Markdown reading list (a GitHub task list). Export only.

Each item: the title linked to the paper's page (the arXiv abstract page for an arXiv paper),
★, tags; on its next line the authors (the first few, then "et al.") and the arXiv id linked to
its abstract page; the note as a block quote.

Every string in an entry came from outside: titles, names, tags and notes stay literal text, so
no link, HTML or structure sneaks in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote

from storage.formats.shared import abstract_page, arxiv_of, now_or_local, one_line, paper_url, short_authors
from storage.model.records import Entry
from storage.model.text import plural

# Inline syntax of CommonMark and GitHub: emphasis, code, links, HTML, entities, tables,
# strikethrough, headings. Backslash-escaping them keeps them literal wherever they are.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~#!])")
# Things that only mean something at the start of a block: list markers, block quotes,
# setext underlines and thematic breaks.
_MD_BLOCK_START = re.compile(r"^([-+=>]|\d+(?=[.)]))")
UNTITLED = "(untitled)"


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


def markdown_link(entry: Entry, untitled: str = "") -> str:
    """`[title](url)` to the paper's page, its arXiv abstract page or else its first web link
    ("" without one): the title escaped literal (`untitled` if it is empty), the URL unable to
    end the link early."""
    link = paper_url(entry)
    return f"[{md_escape(one_line(entry.paper.title)) or untitled}]({md_url(link)})" if link else ""


def _md_title(entry: Entry) -> str:
    return markdown_link(entry, UNTITLED) or md_escape(one_line(entry.paper.title)) or UNTITLED


def _md_byline(entry: Entry) -> str:
    """"A, B, C et al. · [arXiv:2403.01234](abstract page)", or the part the paper has, or ""."""
    parts = [md_escape(short_authors(entry.paper.authors))] if entry.paper.authors else []
    if page := abstract_page(entry.paper):
        # A checked arXiv id is letters, digits, ".", "-" and "/": nothing Markdown reads inside a link.
        parts.append(f"[arXiv:{arxiv_of(entry.paper)}]({md_url(page)})")
    return " · ".join(parts)


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
    if byline := _md_byline(entry):
        lines.append(f"  {byline}")  # the same paragraph, on its own line
    if entry.shelf.notes.strip():
        lines.extend(_md_note(entry.shelf.notes.strip("\n")))
    return lines


def to_markdown(
    entries: Sequence[Entry], scope: str = "all papers", now: datetime | None = None
) -> str:
    """A GitHub task list: one item per paper, linked title, ★ when starred, tags, authors, note."""
    count = plural(len(entries), "paper")
    heading = f"# Reading list — {md_escape(one_line(scope))} ({now_or_local(now):%Y-%m-%d})"
    lines = [heading, "", count, ""]
    for entry in entries:
        lines.extend(_md_item(entry))
    return "\n".join(lines) + "\n"
