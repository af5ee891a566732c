"""The filter language: one line of text -> a query; entries -> ranked matches.

    critique rl              free words: every word must match; best matches first
    "exact phrase"           case-insensitive substring of title, tags, notes or abstract
    is:read is:unread is:starred is:unstarred has:note has:tags has:link
    tag:NAME title:WORD title:"two words" note:WORD
    -token                   negates any of the above

A free word matches an entry if it is a substring of its title, tags, notes or abstract, or
(words of 3+ characters) if it is close to a word of the title or tags by rapidfuzz's
`ratio` (typos: "critiqe" finds "critique"). A negated word excludes exact occurrences only,
so `-survey` never hides a paper about "surveillance". Unknown `name:value` tokens are plain
words. Parsing never fails: an unbalanced quote runs to the end, an empty `-` or `tag:` is
ignored.

This module holds the parser, the per-entry matching rules and `search_entries`, the plain
reference implementation. `SearchIndex` (search_index.py) gives the same answers fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from rapidfuzz import fuzz

from storage.model.records import Entry, normalise_tags
from storage.model.text import strip_controls

if TYPE_CHECKING:
    from storage.search.index import SearchIndex

WORD, PHRASE = "word", "phrase"
FIELDS = ("is", "has", "tag", "title", "note")
# is:VALUE -> (flag, negated); has:VALUE -> flag. See `entry_flags`.
IS_VALUES = {"read": ("read", False), "unread": ("read", True),
             "starred": ("starred", False), "unstarred": ("starred", True)}  # fmt: skip
HAS_VALUES = {"note": "note", "notes": "note", "tag": "tags", "tags": "tags", "link": "link", "links": "link"}

FUZZY_CUTOFF = 80.0  # rapidfuzz ratio (0-100) a title/tag word needs to count as a typo of a free word
FUZZY_MIN_LEN = 3  # shorter free words match as substrings only: fuzzy on 1-2 letters is noise
FUZZY_WEIGHT = 0.9  # a fuzzy hit scores 72-90, so an exact title hit (100) always beats it
TITLE_SCORE = 100.0
# Where an exact hit lies: a position >= 0 in the title, or one of these.
IN_TAGS, IN_NOTES, IN_ABSTRACT = -1, -2, -3
FIELD_SCORE = {IN_TAGS: 95.0, IN_NOTES: 90.0, IN_ABSTRACT: 85.0}

TOKEN_RE = re.compile(r"\w+")
_BLANKS = re.compile(r"\s+")
SEPARATOR = "\0"  # between the fields of a search key; a query term never contains it

Span = tuple[int, int]


# --- parsing --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One token of a query. `value` is folded (lower-case).

    `field` is WORD, PHRASE or a field name. For "is"/"has" the value is an entry flag
    (see `entry_flags`): `is:unread` is parsed as a negated `is:read`.
    """

    field: str
    value: str
    negated: bool = False

    @property
    def is_free(self) -> bool:
        return self.field in (WORD, PHRASE)

    @property
    def is_scored(self) -> bool:
        """A positive free word or phrase: it must match, and it ranks the results."""
        return self.is_free and not self.negated


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    terms: tuple[Term, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def scored_terms(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.is_scored)

    @property
    def filters(self) -> tuple[Term, ...]:
        """Everything that only includes or excludes: fields, and negated words and phrases."""
        return tuple(t for t in self.terms if not t.is_scored)

    @property
    def is_ranked(self) -> bool:
        """Results go best first (otherwise in page order)."""
        return any(t.is_scored for t in self.terms)


def parse_query(text: str) -> ParsedQuery:
    clean = _BLANKS.sub(" ", strip_controls(text)).strip()
    terms = [t for token in _tokens(clean) for t in _terms(*token)]
    return ParsedQuery(text, tuple(terms))


def _tokens(text: str) -> Iterable[tuple[bool, str, str | None]]:
    """(negated, bare text, quoted text or None). `title:"a b"` is ("title:", "a b")."""
    i, n = 0, len(text)
    while i < n:
        if text[i] == " ":
            i += 1
            continue
        negated = text[i] == "-"
        i += negated
        end = i
        while end < n and text[end] not in ' "':
            end += 1
        bare = text[i:end]
        if end < n and text[end] == '"' and (not bare or _is_field_prefix(bare)):
            close = text.find('"', end + 1)
            close = n if close < 0 else close
            yield negated, bare, text[end + 1 : close]
            i = close + 1
        else:
            # A quote inside a word ends the word; the quote then opens a phrase.
            yield negated, bare, None
            i = end


def _is_field_prefix(bare: str) -> bool:
    """`title:` and the like: a quote right after it quotes the field's value."""
    return bare.endswith(":") and _field_name(bare[:-1]) is not None


def _field_name(name: str) -> str | None:
    name = name.lower()
    return name if name in FIELDS else None


def _terms(negated: bool, bare: str, quoted: str | None) -> list[Term]:
    if quoted is not None and not bare:
        phrase = fold(quoted.strip())
        return [Term(PHRASE, phrase, negated)] if phrase else []
    name, colon, value = bare.partition(":")
    field = _field_name(name) if colon else None
    if field is None:
        return [Term(WORD, fold(bare), negated)] if bare else []
    value = fold((quoted if quoted is not None else value).strip())
    if not value:
        return []  # `tag:` still being typed
    return _field_terms(field, value, negated, bare)


def _field_terms(field: str, value: str, negated: bool, bare: str) -> list[Term]:
    if field == "is":
        if value not in IS_VALUES:
            return [Term(WORD, fold(bare), negated)]
        flag, flipped = IS_VALUES[value]
        return [Term("is", flag, negated != flipped)]
    if field == "has":
        flag = HAS_VALUES.get(value)
        return [Term("has", flag, negated)] if flag else [Term(WORD, fold(bare), negated)]
    if field == "tag":
        return [Term("tag", tag, negated) for tag in normalise_tags(value)]
    return [Term(field, value, negated)]


# --- search keys and matching rules (shared by the reference and the index) -----------------


def fold(text: str) -> str:
    """Lower-case, keeping every character at its index (title positions become spans)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


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
    shelf = entry.shelf
    present = {"read": shelf.read, "starred": shelf.starred, "note": bool(shelf.notes.strip()),
               "tags": bool(shelf.tags), "link": bool(entry.paper.links)}  # fmt: skip
    return {flag for flag, on in present.items() if on}


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
    return keys.find(term.value) is not None  # a negated word or phrase: exact occurrences


def __getattr__(name: str) -> object:
    # `from storage.search.language import SearchIndex` works without an import cycle.
    if name == "SearchIndex":
        from storage.search.index import SearchIndex

        return SearchIndex
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Match", "ParsedQuery", "SearchIndex", "Term", "parse_query", "search_entries"]
