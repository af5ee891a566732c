"""Trending-page text -> papers: the importer for the seed format (see DESIGN.md).

A page is blocks separated by blank lines: site chrome, a date line ("Mar 11"), then per paper
a title block and an abstract block. Chrome lines (page furniture, votes, "Submitted by", author
counts) are dropped wherever they appear, also inside a block.
A paper may lack its abstract, so which block is a title and which an abstract is decided by
`_abstract_score` and `_pick_abstracts` (see there).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from storage.model.errors import ImportFormatError
from storage.model.imported import ImportedPaper
from storage.model.text import WEB_LINK, clean_line

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# Spaces are escaped: these are also used inside the VERBOSE pattern below.
_DATE = rf"{_MONTH}\.?\ \d{{1,2}}(?:st|nd|rd|th)?(?:,?\ \d{{4}})?"
_COUNT = r"\d+(?:[.,]\d+)?[km]?"  # 42, 1,234, 1.2k
_DATE_LINE = re.compile(_DATE, re.IGNORECASE)
_CHROME_LINE = re.compile(
    rf"""(?:[·•]\ ?)?(?:
        new | subscribe | get\ trending\ papers\ in\ your\ email\ inbox!?
      | by\ ?ak\ and\ the\ research\ community
      | upvoted? | (?:upvoted?\ )?{_COUNT}                # the vote button and its count
      | submitted\ by\ \S+(?:\ \S+){{0,3}}              # "Submitted by akhaliq"
      | {_COUNT}\ authors? | published\ on\ {_DATE}
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A sentence end inside the text: a lower-case word (not a common abbreviation), a full stop
# or "!", then a capital. Titles may hold "?" ("What is Essential? What is needed?"), so "?"
# does not count; "X vs. Y" and "et al." are no sentence ends.
_SENTENCE_BREAK = re.compile(r"\b(?!(?:vs|al|cf|etc|approx|resp|fig|eq)\.)[a-z]{2,}[.!] +[A-Z]")
# The same test, fast: look at the few "[.!] +[A-Z]" spots and the word before each, instead of
# trying the pattern at every word of a 1.5 KB abstract (has_sentence_break; a property test
# holds the two equal).
_BREAK_SPOT = re.compile(r"[.!] +[A-Z]")
_ABBREVIATIONS = frozenset({"vs", "al", "cf", "etc", "approx", "resp", "fig", "eq"})
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")

# Where a hard-wrapped block's line break is no space: after a hyphen glued to the word before
# it ("multi-" / "agent"), unless the next line starts with "and", "or", ... alone ("in-" /
# "and cross-domain": a suspended hyphen, the space was there); after an en or em dash or a
# "--" glued to the word before ("2019–" / "2020", "results—" / "and"). A dash after a space
# or alone on its line ("results -", "-", "—") is punctuation and keeps its spaces; so is a
# dash at the start of a line ("-5 dB", "--verbose", also textwrap's "results" / "--and").
_DASH = "\\-\u2010\u2013\u2014"  # hyphen-minus, hyphen, en dash, em dash
_WRAPPED_WORD = re.compile(
    rf"""\n(?:
        (?<=[^\s{_DASH}][-\u2010]\n) (?!(?:and|or|nor|to|versus|vs\.|&)(?:\s|$))
      | (?<=[^\s{_DASH}][\u2013\u2014]\n) | (?<=[^\s{_DASH}]--\n)
    )""",
    re.VERBOSE | re.IGNORECASE,
)

_URL = re.compile(WEB_LINK, re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?'\""
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}

EXPECTED = "expected a trending page (title and abstract blocks separated by blank lines)"


@dataclass(frozen=True, slots=True)
class _Block:
    text: str  # the block's lines joined (see `_join_lines`), cleaned
    line: int  # 1-based line of its first line
    section: int  # how many date lines came before it
    listed: str  # the label of the last of them ("" before the first)


def parse_page(text: str, source: str = "<page>") -> list[ImportedPaper]:
    """The papers of a trending page, in page order. Raises ImportFormatError if there are none."""
    papers: list[ImportedPaper] = []
    for _, section in groupby(_blocks(text), key=attrgetter("section")):
        papers.extend(_papers(list(section)))
    if not papers:
        problem = "the page is empty" if not text.strip("\ufeff \t\r\n") else "no papers found"
        raise ImportFormatError(source, f"{problem}: {EXPECTED}")
    return papers


def extract_links(abstract: str) -> tuple[str, ...]:
    """http(s) URLs in the text, in order, without duplicates or trailing punctuation."""
    if "://" not in abstract:  # most abstracts
        return ()
    links = (_trim_url(url) for url in _urls(abstract))
    return tuple(dict.fromkeys(link for link in links if _URL.fullmatch(link)))


def _urls(text: str) -> Iterator[str]:
    """What `_URL.finditer` finds, but the regex is tried only where a "://" is: scanning a
    1.5 KB abstract position by position costs more than the rest of the import."""
    end = 0
    while (hit := text.find("://", end)) != -1:
        start = hit - 5 if text[max(0, hit - 5) : hit].lower() == "https" else hit - 4
        match = _URL.match(text, start) if start >= end and text[start : start + 4].lower() == "http" else None
        if match is None:
            end = hit + 3
            continue
        yield match.group()
        end = match.end()


def _trim_url(url: str) -> str:
    """Drop sentence punctuation and closing brackets that the URL did not open."""
    while url:
        last = url[-1]
        if last in _TRAILING_PUNCTUATION:
            url = url[:-1]
        elif last in _CLOSERS and url.count(last) > url.count(_CLOSERS[last]):
            url = url[:-1]
        else:
            break
    return url


def _blocks(text: str) -> Iterator[_Block]:
    """Runs of text lines ended by blank and date lines, chrome lines left out; a date line
    starts a new section."""
    lines: list[str] = []
    section, listed, start = 0, "", 0
    raw_lines = (text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text).split("\n")
    for number, raw in enumerate([*raw_lines, ""], start=1):
        line = clean_line(raw)
        if _CHROME_LINE.fullmatch(line):
            continue
        is_date = bool(_DATE_LINE.fullmatch(line))
        if line and not is_date:
            start = start or number
            lines.append(line)
            continue
        if lines:
            yield _Block(_join_lines(lines), start, section, listed)
            lines, start = [], 0
        if is_date:
            section, listed = section + 1, line


def _join_lines(lines: list[str]) -> str:
    """A block's cleaned lines as one line: a space between two lines, none where a word was
    wrapped at a hyphen (see `_WRAPPED_WORD`)."""
    if len(lines) == 1:  # most blocks
        return lines[0]
    return _WRAPPED_WORD.sub("", "\n".join(lines)).replace("\n", " ")


def _papers(section: list[_Block]) -> Iterator[ImportedPaper]:
    """Pair titles with their abstracts: each abstract block belongs to the title before it."""
    abstracts = _pick_abstracts([_abstract_score(block.text) for block in section])
    for index, block in enumerate(section):
        if index in abstracts:
            continue
        has_abstract = index + 1 in abstracts
        abstract = section[index + 1].text if has_abstract else ""
        yield ImportedPaper(
            title=block.text,
            abstract=abstract,
            links=extract_links(abstract),
            listed=block.listed,
            line=block.line,
        )


def _abstract_score(text: str) -> int:
    """How much a block looks like an abstract (> 0) rather than a title (<= 0).

    Abstracts are long, hold several sentences and end with a full stop or a code/project URL.
    Titles are short (nearly always < 250 characters), one phrase, and end without a full stop
    (a "?" is common in titles and counts for neither side).
    """
    score = 2 if len(text) >= 250 else -1 if len(text) < 100 else 0
    if has_sentence_break(text):
        score += 2
    last_word = text.rsplit(" ", 1)[-1]
    if last_word.rstrip("\"')]").endswith((".", "!")):
        score += 2
    elif last_word.lower().startswith(("http://", "https://")):
        score += 1
    elif not text.endswith("?"):
        score -= 1
    return score


def has_sentence_break(text: str) -> bool:
    """Whether `_SENTENCE_BREAK` matches: a word of two or more a-z letters (not one of the
    abbreviations before a full stop), standing on its own, then "." or "!", spaces, a capital."""
    for spot in _BREAK_SPOT.finditer(text):
        end = spot.start()
        start = end
        while start > 0 and text[start - 1] in _LOWER:
            start -= 1
        before = text[start - 1] if start else ""
        word_stands_alone = not (before.isalnum() or before == "_")
        if end - start >= 2 and word_stands_alone and not (text[end] == "." and text[start:end] in _ABBREVIATIONS):
            return True
    return False


def _pick_abstracts(scores: list[int]) -> set[int]:
    """Indices of the blocks read as abstracts.

    An abstract must follow a title, so no two abstracts are adjacent and the first block of a
    section is a title. Among those labellings take the one with the largest total score of its
    abstracts (a max-weight independent set on a path). Unlike a block-by-block decision this
    lets a clear abstract outweigh a title that merely looks a little like one, e.g. a title
    ending in a full stop right after a paper that has no abstract.
    """
    best = [0] * (len(scores) + 1)  # best[i]: best total over the first i blocks
    for i in range(2, len(scores) + 1):
        best[i] = max(best[i - 1], best[i - 2] + scores[i - 1])
    chosen: set[int] = set()
    i = len(scores)
    while i >= 2:
        if best[i] != best[i - 1]:
            chosen.add(i - 1)
            i -= 2
        else:
            i -= 1
    return chosen
