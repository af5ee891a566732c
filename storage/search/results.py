"""What a search hands out, and the hit sets it is made of (index.py makes them).

- `Exact`: a term's exact hits as disjoint sets, by the field the term first occurs in;
- `Found`: a free term's exact and fuzzy hits;
- `Ranked`: the slots best first, groups of equal score sorted into page order when read;
- `Results`: the Matches of one search, each made when it is read (the list draws ~30).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from typing import Any, overload

from storage.model.records import Entry
from storage.search.language import Term
from storage.search.matching import (
    IN_ABSTRACT,
    IN_NOTES,
    IN_TAGS,
    Match,
    SearchKeys,
    Span,
    exact_score,
    merge_spans,
    term_span,
    title_term_span,
)

IN_TITLE = 1 << 62  # a hit somewhere in the title: its position is found when a row shows it
WHERE = (IN_TITLE, IN_TAGS, IN_NOTES, IN_ABSTRACT)  # a hit's place, by field
FIELD_SCORES = tuple(exact_score(where) for where in WHERE)

# Results can be 100,000 long: tuple.__new__ skips the named tuple's Python-level __new__.
_new_tuple = tuple.__new__


class Results(Sequence[Match]):
    """The matches of one search, in order; a Match is made when it is read. Iterating makes
    them all at once, in bulk; indexing makes one (its title spans computed for it alone)."""

    __slots__ = ("_order", "_entries", "_keys", "_totals", "_columns", "_title_terms")

    def __init__(
        self,
        order: Sequence[int],
        entries: list[Entry],
        keys: list[SearchKeys],
        totals: Mapping[int, float],
        columns: list[Found],
        title_terms: list[Term],
    ) -> None:
        self._order, self._entries, self._keys, self._totals = order, entries, keys, totals
        self._columns, self._title_terms = columns, title_terms

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, row: int) -> Match: ...
    @overload
    def __getitem__(self, row: slice) -> list[Match]: ...
    def __getitem__(self, row: int | slice) -> Match | list[Match]:
        if isinstance(row, slice):
            return [self[r] for r in range(*row.indices(len(self._order)))]
        i = self._order[row]
        return _new_tuple(Match, (self._entries[i], self._totals[i], self._spans_of(i)))

    def __iter__(self) -> Iterator[Match]:
        keys, totals = self._keys, self._totals
        if isinstance(totals, GroupScores):
            totals = totals.as_dict()
        span_maps = [column.spans(totals, keys) for column in self._columns]
        for term in self._title_terms:
            span_maps.append({i: span for i in self._order if (span := title_term_span(term, keys[i].title))})
        return iter(_matches(self._order, self._entries, totals, span_maps))

    def entries(self) -> list[Entry]:
        """The entries in order, without making the Matches."""
        entries = self._entries
        return [entries[i] for i in self._order]

    def _spans_of(self, i: int) -> tuple[Span, ...]:
        """What `Found.spans` and the title terms give slot i, merged as `_matches` does."""
        if not self._columns and not self._title_terms:
            return ()
        title = self._keys[i].title
        found = []
        for column in self._columns:
            where = column.exact.get(i, -1)
            if where >= 0:
                found.append(title_span(column.value, title, where))
            elif i in column.best and (span := term_span(column.value, title, None, column.ratios)):
                found.append(span)
        for term in self._title_terms:
            if span := title_term_span(term, title):
                found.append(span)
        return tuple(found) if len(found) < 2 else merge_spans(found)


def _matches(
    order: Sequence[int], entries: list[Entry], totals: dict[int, float], span_maps: list[dict[int, Span]]
) -> list[Match]:
    """The Match of each slot, in order; inlined, as one free word can match 100,000 entries."""
    new = _new_tuple
    if len(span_maps) == 1:  # one word: the common case, in one comprehension
        spans_of = {i: (span,) for i, span in span_maps[0].items()}.get
        return [new(Match, (entries[i], totals[i], spans_of(i, ()))) for i in order]
    collected: dict[int, list[Span]] = {}  # only the slots with spans, each in span_maps order
    for spans_of in span_maps:
        for i, span in spans_of.items():
            collected.setdefault(i, []).append(span)
    merged = {i: tuple(found) if len(found) < 2 else merge_spans(found) for i, found in collected.items()}.get
    return [new(Match, (entries[i], totals[i], merged(i, ()))) for i in order]


class Exact:
    """A term's exact hits: all of them, and those whose first occurrence is in the title, the
    tags or the notes (disjoint; the rest are in the abstract: not kept twice, most hits are).
    Cached, and never changed once made: results already handed out read them."""

    __slots__ = ("head", "all")

    def __init__(self, head: tuple[set[int], set[int], set[int]], all_: set[int]) -> None:
        self.head, self.all = head, all_

    def get(self, slot: int, default: int | None = None) -> int | None:
        """Where the term first occurs in the slot's key (IN_TITLE for the title), or `default`."""
        for where, slots in zip(WHERE, self.head):
            if slot in slots:
                return where
        return IN_ABSTRACT if slot in self.all else default

    def places(self, slots: set[int]) -> dict[int, int]:
        """`get` for each of `slots` holding the term (in bulk: thousands of typos are scored)."""
        found = dict.fromkeys(within(self.all, slots), IN_ABSTRACT)
        for where, hits in zip(WHERE, self.head):
            found.update(dict.fromkeys(within(hits, slots), where))  # (disjoint, all within `all`)
        return found

    def split(self, slots: set[int]) -> list[set[int]]:
        """`slots`, all holding the term, split by the field of its first occurrence
        (FIELDS_IN_ORDER). `slots` is used up: it becomes the abstract's share, what is left
        once the others are taken out (tens of thousands of slots, not copied)."""
        parts = [within(hits, slots) for hits in self.head]
        slots.difference_update(*parts)
        return [*parts, slots]


@dataclass(slots=True, eq=False)
class Found:
    """One positive free term of a search: its exact and fuzzy hits."""

    value: str
    exact: Exact
    ratios: dict[str, float]  # title/tag word -> fuzzy ratio
    best: dict[int, float]  # slot -> best fuzzy ratio among its words

    def matched(self, domain: set[int] | None = None) -> set[int]:
        """The slots the term matched (exactly or by a typo), of `domain` (None: of all; then
        maybe the cached set itself: read it, never change it)."""
        if domain is None:
            return self.exact.all | self.best.keys() if self.best else self.exact.all
        hits = within(self.exact.all, domain)  # (not a union of 100,000 first, then a second pass)
        if self.best:
            hits.update(self.best.keys() & domain)
        return hits

    def spans(self, results: Mapping[int, object], keys: list[SearchKeys]) -> dict[int, Span]:
        """slot -> the title characters this term matched, for the slots in `results`."""
        value = self.value
        spans = {i: title_span(value, keys[i].title, IN_TITLE) for i in within(self.exact.head[0], results.keys())}
        for i in within(self.best, results.keys()):  # type: ignore[arg-type]
            if i not in spans and (span := term_span(value, keys[i].title, None, self.ratios)):
                spans[i] = span
        return spans


class Ranked(Sequence[int]):
    """The slots of a ranked search, best first: groups of equal score, each put in page order
    when a row of it is first read. A broad word at 100,000 papers ranks 100,000 slots a
    keystroke, and the list reads thirty: the groups holding the first rows are sorted at once
    (in the search's thread), the rest only if they are read."""

    __slots__ = ("_groups", "_ends", "_sorted")
    SORTED_AT_ONCE = 200  # rows

    def __init__(self, groups: list[set[int]], check: Callable[[], None]) -> None:
        self._groups = groups
        self._ends = list(accumulate(map(len, groups)))
        self._sorted: list[list[int] | None] = [None] * len(groups)
        for g, end in enumerate(self._ends):
            check()
            self._group(g)
            if end >= self.SORTED_AT_ONCE:
                break

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    @overload
    def __getitem__(self, row: int) -> int: ...
    @overload
    def __getitem__(self, row: slice) -> list[int]: ...
    def __getitem__(self, row: int | slice) -> int | list[int]:
        if isinstance(row, slice):
            return [self[r] for r in range(*row.indices(len(self)))]
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        g = bisect_right(self._ends, row)
        return self._group(g)[row - (self._ends[g - 1] if g else 0)]

    def __iter__(self) -> Iterator[int]:
        return chain.from_iterable(self._group(g) for g in range(len(self._groups)))

    def _group(self, g: int) -> list[int]:
        ordered = self._sorted[g]
        if ordered is None:
            ordered = self._sorted[g] = sorted(self._groups[g])
        return ordered


class GroupScores(Mapping[int, float]):
    """slot -> score, for a ranked search: looked up in the groups (few) of `Ranked`."""

    __slots__ = ("_totals", "_groups")

    def __init__(self, totals: list[float], groups: list[set[int]]) -> None:
        self._totals, self._groups = totals, groups

    def __getitem__(self, slot: int) -> float:
        for total, slots in zip(self._totals, self._groups):
            if slot in slots:
                return total
        raise KeyError(slot)

    def __iter__(self) -> Iterator[int]:
        return chain.from_iterable(self._groups)

    def __len__(self) -> int:
        return sum(map(len, self._groups))

    def as_dict(self) -> dict[int, float]:
        scores: dict[int, float] = {}
        for total, slots in zip(self._totals, self._groups):
            scores.update(dict.fromkeys(slots, total))
        return scores


class NoScores(dict):
    """The totals of a search that ranks nothing: 0.0 for every slot, holding none."""

    def __missing__(self, slot: int) -> float:
        return 0.0


NO_SCORES = NoScores()


def within(slots: Any, domain: Any) -> set[int]:
    """`slots` that are also in `domain` (None: no limit); both sets, dicts or keys views."""
    if domain is None:
        return set(slots)
    if type(slots) is set and type(domain) is set:  # noqa: E721  (C: iterates the smaller one)
        return slots & domain
    if len(domain) < len(slots):
        return {i for i in domain if i in slots}
    return {i for i in slots if i in domain}


def title_span(value: str, title: str, where: int) -> Span:
    """The title characters of an exact hit at `where` (IN_TITLE: found now)."""
    if where == IN_TITLE:
        where = title.find(value)
    return where, where + len(value)
