"""Entries -> a Markdown reading list (a GitHub task list). Export only.

Every string in an entry came from outside: titles, tags and notes stay literal text, so no
link, HTML or structure sneaks in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote

from storage.formats.shared import first_web_link, now_or_local, one_line
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
    """`[title](url)` to the paper's first web link ("" without one): the title escaped literal
    (`untitled` if it is empty), the URL unable to end the link early."""
    link = first_web_link(entry)
    return f"[{md_escape(one_line(entry.paper.title)) or untitled}]({md_url(link)})" if link else ""


def _md_title(entry: Entry) -> str:
    return markdown_link(entry, UNTITLED) or md_escape(one_line(entry.paper.title)) or UNTITLED


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
    count = plural(len(entries), "paper")
    heading = f"# Reading list — {md_escape(one_line(scope))} ({now_or_local(now):%Y-%m-%d})"
    lines = [heading, "", count, ""]
    for entry in entries:
        lines.extend(_md_item(entry))
    return "\n".join(lines) + "\n"
