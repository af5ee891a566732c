"""What a query matches, and how well: search keys, the matching rules, scores, title spans.

A free word matches an entry if it is a substring of its title, tags, notes or abstract, or
(words of 3+ characters) if it is close to a word of the title or tags by rapidfuzz's
`ratio` (typos: "critiqe" finds "critique"). A negated word excludes exact occurrences only,
so `-survey` never hides a paper about "surveillance".

This module holds the per-entry rules and `search_entries`, the plain reference
implementation; `SearchIndex` (index.py) gives the same answers fast. It imports the parser
(language.py) and is imported by the index, never the other way round.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from rapidfuzz import fuzz

from storage.model.records import Entry, Paper
from storage.search.language import FACT_FIELDS, WORD, ParsedQuery, Term, fold, fold_name, parse_query

FUZZY_CUTOFF = 80.0  # rapidfuzz ratio (0-100) a title/tag word needs to count as a typo of a free word
FUZZY_MIN_LEN = 3  # shorter free words match as substrings only: fuzzy on 1-2 letters is noise
FUZZY_WEIGHT = 0.9  # a fuzzy hit scores 72-90, so an exact title hit (100) always beats it
TITLE_SCORE = 100.0
# Where an exact hit lies: a position >= 0 in the title, or one of these.
IN_TAGS, IN_NOTES, IN_ABSTRACT = -1, -2, -3
FIELD_SCORE = {IN_TAGS: 95.0, IN_NOTES: 90.0, IN_ABSTRACT: 85.0}

TOKEN_RE = re.compile(r"\w+")
SEPARATOR = "\0"  # between the fields of a search key; a query term never contains it

Span = tuple[int, int]


# --- search keys and matching rules (shared by the reference and the index) -----------------


class SearchKeys(NamedTuple):
    """An entry's searchable text, folded: title, tags, notes, abstract joined by SEPARATOR.

    The fields come in score order, so the first occurrence of a term is its best field.
    (A NamedTuple: 100,000 of them are built when a library opens.)
    """

    text: str
    title_end: int
    tags_end: int
    notes_end: int

    @classmethod
    def of(cls, entry: Entry) -> SearchKeys:
        paper, shelf = entry.paper, entry.shelf
        tags = " ".join(shelf.tags)
        notes = " ".join(shelf.notes.split()) if shelf.notes else ""
        text = fold(SEPARATOR.join((paper.title, tags, notes, paper.abstract)))  # fold keeps indexes
        title_end = len(paper.title)
        tags_end = title_end + 1 + len(tags)
        return cls(text, title_end, tags_end, tags_end + 1 + len(notes))

    @property
    def title(self) -> str:
        return self.text[: self.title_end]

    @property
    def notes(self) -> str:
        return self.text[self.tags_end + 1 : self.notes_end]

    def tokens(self) -> set[str]:
        """The words of the title and tags: what free words are fuzzily compared with."""
        return set(TOKEN_RE.findall(self.text, 0, self.tags_end))

    def where(self, position: int) -> int:
        """Where a hit at `position` of `text` lies: the title position, or IN_* field."""
        if position < self.title_end:
            return position
        if position < self.tags_end:
            return IN_TAGS
        return IN_NOTES if position < self.notes_end else IN_ABSTRACT

    def find(self, value: str) -> int | None:
        """Where `value` first occurs (see `where`), or None."""
        position = self.text.find(value)
        return None if position < 0 else self.where(position)


def entry_flags(entry: Entry) -> set[str]:
    """The flags `is:` and `has:` test."""
    shelf, paper = entry.shelf, entry.paper
    present = {"read": shelf.read, "starred": shelf.starred, "note": bool(shelf.notes.strip()),
               "tags": bool(shelf.tags), "link": bool(paper.links), "arxiv": bool(paper.arxiv_id),
               "authors": bool(paper.authors), "code": bool(paper.details.code_url),
               "doi": bool(paper.details.doi)}  # fmt: skip
    return {flag for flag, on in present.items() if on}


def fact_holds(term: Term, paper: Paper) -> bool:
    """Whether `author:`, `cat:` or `year:` (not negated) holds for the paper; a paper without
    the fact never does. `term.value` is as the parser made it (language.py). The plain rule:
    `fact_slots` gives the same answers for many papers at once, fast."""
    if term.field == "author":
        return bool(paper.authors) and term.value in folded_authors(paper.authors)
    if term.field == "cat":
        return any(_in_category(term.value, category) for category in paper.categories)
    first, _, last = term.value.partition("..")
    return bool(paper.published) and (first or "0000") <= paper.published[:4] <= (last or "9999")


def _in_category(value: str, category: str) -> bool:
    """`cs.lg` is cs.LG; `cs` (or `cs.`) is every cs.* category; case is ignored."""
    category = category.lower()
    return category == value or category.startswith(value if value.endswith(".") else value + ".")


def fact_slots(term: Term, entries: Sequence[Entry | None], slots: Iterable[int]) -> set[int]:
    """The slots (indexes into `entries`, each an entry) whose paper `fact_holds` for `term`
    (negation aside). One comprehension per kind of fact, no call per paper: a filter at
    100,000 papers tests them all on every keystroke."""
    value = term.value
    if term.field == "author":
        known, fold = _FOLDED_AUTHORS.get, folded_authors
        return {i for i in slots if (names := entries[i].paper.authors) and value in (known(names) or fold(names))}  # type: ignore[union-attr]
    if term.field == "cat":
        archive = value if value.endswith(".") else value + "."
        return {i for i in slots for category in entries[i].paper.categories  # type: ignore[union-attr]
                if (low := category.lower()) == value or low.startswith(archive)}  # fmt: skip
    first, _, last = value.partition("..")
    low, high = first or "0000", (last or "9999") + "\uffff"  # ISO dates compare as text: "2024-03-02" < "2024\uffff"
    return {i for i in slots if low <= entries[i].paper.published < high}  # type: ignore[union-attr]


FOLDED_AUTHORS_KEPT = 1 << 17  # author lists whose folded form is kept (a library's worth)
_FOLDED_AUTHORS: dict[tuple[str, ...], str] = {}


def folded_authors(authors: tuple[str, ...]) -> str:
    """The names as `author:` compares them, one string (SEPARATOR between names, so that a
    value never spans two). Kept: taking accents off is slow, and a filter tests every paper."""
    folded = _FOLDED_AUTHORS.get(authors)
    if folded is None:
        if len(_FOLDED_AUTHORS) >= FOLDED_AUTHORS_KEPT:
            _FOLDED_AUTHORS.clear()
        folded = _FOLDED_AUTHORS[authors] = fold_name(SEPARATOR.join(authors))
    return folded


def entry_tags(entry: Entry) -> set[str]:
    return {fold(tag) for tag in entry.shelf.tags}


def is_fuzzy(term: Term) -> bool:
    return term.field == WORD and len(term.value) >= FUZZY_MIN_LEN


def exact_score(where: int) -> float:
    return FIELD_SCORE.get(where, TITLE_SCORE)


def term_score(where: int | None, best_ratio: float | None) -> float | None:
    """A free term's score from its exact hit and its best fuzzy ratio; None: no match."""
    exact = None if where is None else exact_score(where)
    fuzzy = None if best_ratio is None else FUZZY_WEIGHT * best_ratio
    if exact is None or fuzzy is None:
        return fuzzy if exact is None else exact
    return max(exact, fuzzy)


def term_span(value: str, title: str, where: int | None, ratios: Mapping[str, float]) -> Span | None:
    """The title characters a free term matched: its exact occurrence, else the best typo."""
    if where is not None and where >= 0:
        return (where, where + len(value))
    best: Span | None = None
    best_ratio = 0.0
    if ratios:
        for token in TOKEN_RE.finditer(title):
            ratio = ratios.get(token.group(), 0.0)
            if ratio > best_ratio:
                best, best_ratio = token.span(), ratio
    return best


def title_term_span(term: Term, title: str) -> Span | None:
    position = title.find(term.value)
    return (position, position + len(term.value)) if position >= 0 else None


def merge_spans(spans: Iterable[Span | None]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for start, end in sorted(s for s in spans if s is not None):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


# --- results and the reference search --------------------------------------------------------


class Match(NamedTuple):
    """One result. A named tuple, not a dataclass: a broad filter makes 100,000 of them per
    keystroke, and a tuple is made several times faster."""

    entry: Entry
    score: float  # higher is better; 0 when the query has only field filters
    title_spans: tuple[Span, ...]  # [start, end) character ranges of the title to highlight


def search_entries(entries: Sequence[Entry], text: str) -> list[Match]:
    """The plain reference: every entry checked against every term. Fine for small lists."""
    query = parse_query(text)
    found = [m for entry in entries if (m := match_entry(query, entry)) is not None]
    if query.is_ranked:
        found.sort(key=lambda m: m.score, reverse=True)  # stable: ties keep page order
    return found


def match_entry(query: ParsedQuery, entry: Entry) -> Match | None:
    keys = SearchKeys.of(entry)
    if not all(_passes(term, entry, keys) for term in query.filters):
        return None
    score, spans = 0.0, []
    for term in query.scored_terms:
        where = keys.find(term.value)
        ratios = _token_ratios(term, keys)
        best = max(ratios.values(), default=None)
        term_hit = term_score(where, best)
        if term_hit is None:
            return None
        score += term_hit
        spans.append(term_span(term.value, keys.title, where, ratios))
    spans += [title_term_span(t, keys.title) for t in query.terms if t.field == "title" and not t.negated]
    return Match(entry, score, merge_spans(spans))


def _token_ratios(term: Term, keys: SearchKeys) -> dict[str, float]:
    if not is_fuzzy(term):
        return {}
    ratios = {token: fuzz.ratio(term.value, token) for token in keys.tokens()}
    return {token: r for token, r in ratios.items() if r >= FUZZY_CUTOFF}


def _passes(term: Term, entry: Entry, keys: SearchKeys) -> bool:
    return _holds(term, entry, keys) != term.negated


def _holds(term: Term, entry: Entry, keys: SearchKeys) -> bool:
    if term.field in ("is", "has"):
        return term.value in entry_flags(entry)
    if term.field == "tag":
        return term.value in entry_tags(entry)
    if term.field == "title":
        return term.value in keys.title
    if term.field == "note":
        return term.value in keys.notes
    if term.field in FACT_FIELDS:
        return fact_holds(term, entry.paper)
    return keys.find(term.value) is not None  # a negated word or phrase: exact occurrences


__all__ = ["Match", "SearchKeys", "fact_holds", "match_entry", "search_entries"]
