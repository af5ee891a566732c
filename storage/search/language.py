"""The filter language: one line of text -> a query (a list of terms). Parsing only.

    critique rl              free words: every word must match; best matches first
    "exact phrase"           case-insensitive substring of title, tags, notes or abstract
    is:read is:unread is:starred is:unstarred has:note has:tags has:link
    has:arxiv has:authors has:code has:doi       facts the sources gave the paper
    tag:NAME title:WORD title:"two words" note:WORD
    author:NAME author:"de la cruz"   part of an author's name (case and accents ignored)
    cat:cs.LG cat:cs                  an arXiv category, or every category of an archive
    year:2024 year:2023..2024 year:2020.. year:..2019   publication year, or a range
    -token                   negates any of the above

Papers the sources told nothing about match no fact token (and every negated one).

Unknown `name:value` tokens are plain words. Parsing never fails: an unbalanced quote runs to
the end, an empty `-` or `tag:` is ignored. What a term matches, and how results are ranked, is
in matching.py; `SearchIndex` (index.py) gives the same answers fast. Neither is imported here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from storage.model.records import normalise_tags
from storage.model.text import strip_controls

WORD, PHRASE = "word", "phrase"
FIELDS = ("is", "has", "tag", "title", "note", "author", "cat", "year")
FACT_FIELDS = ("author", "cat", "year")  # facts from the sources: see `matching.fact_holds`
ALIASES = {"authors": "author", "category": "cat"}
# is:VALUE -> (flag, negated); has:VALUE -> flag. See `matching.entry_flags`.
IS_VALUES = {"read": ("read", False), "unread": ("read", True),
             "starred": ("starred", False), "unstarred": ("starred", True)}  # fmt: skip
HAS_VALUES = {"note": "note", "notes": "note", "tag": "tags", "tags": "tags", "link": "link", "links": "link",
              "arxiv": "arxiv", "author": "authors", "authors": "authors", "code": "code", "doi": "doi"}  # fmt: skip

_BLANKS = re.compile(r"\s+")
_YEARS = re.compile(r"([0-9]{4})?(?:(\.\.)([0-9]{4})?)?")  # 2024, 2023..2024, 2020.., ..2019


# --- parsing --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One token of a query. `value` is folded (lower-case).

    `field` is WORD, PHRASE or a field name. For "is"/"has" the value is an entry flag
    (see `matching.entry_flags`): `is:unread` is parsed as a negated `is:read`.
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
    name = ALIASES.get(name, name)
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
    if field == "author":
        return [Term("author", fold_name(value), negated)]
    if field == "year":
        years = year_range(value)
        return [Term("year", years, negated)] if years else [Term(WORD, fold(bare), negated)]
    return [Term(field, value, negated)]


def year_range(value: str) -> str | None:
    """`2024` -> "2024..2024"; `2023..2024`, `2020..`, `..2019` kept (an open end stays empty);
    None for anything else (then the token is a plain word, as `is:bogus` is)."""
    match = _YEARS.fullmatch(value)
    if match is None or not (match[1] or match[3]):
        return None
    first, dots, last = match.groups()
    if not dots:
        last = first
    elif first and last and first > last:  # `2024..2023` means the same years
        first, last = last, first
    return f"{first or ''}..{last or ''}"


def fold_name(text: str) -> str:
    """A name as `author:` compares it: lower-case, without accents ("Müller" -> "muller")."""
    if text.isascii():
        return text.lower()
    bare = _MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return _UNDECOMPOSED.sub(lambda letter: _UNDECOMPOSED_AS[letter[0]], bare)


# Combining marks (accents) as NFKD leaves them; a regex takes them off at C speed.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Latin letters Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED_AS = {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
_UNDECOMPOSED = re.compile(f"[{''.join(_UNDECOMPOSED_AS)}]")


def fold(text: str) -> str:
    """Lower-case, keeping every character at its index (title positions become spans)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


__all__ = ["FACT_FIELDS", "FIELDS", "PHRASE", "WORD", "ParsedQuery", "Term", "fold", "fold_name", "parse_query", "year_range"]
