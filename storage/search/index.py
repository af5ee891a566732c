"""SearchIndex: the filter language (language.py), fast enough to run on every keystroke.

Same answers as `matching.search_entries` (a property test holds them equal), but:

- each entry's folded search key is built once, and kept in step by `update`/`remove`;
- `is:`/`has:`/`tag:` are sets of entry slots, combined with set algebra;
- the fuzzy part of a word is one `rapidfuzz.process.extract` over the vocabulary of title
  and tag words (tens of thousands of short strings, not 100,000 titles), then postings;
- exact hits of each term are cached; a new term that contains a cached one (the user typed
  one more letter, or deleted one) only re-checks that term's hits: substring matching
  narrows monotonically, so this is exact, not a heuristic;
- a term checked after a more selective one only looks at the entries still in the running;
- a search can be abandoned: `should_stop` is asked between terms and every STOP_CHECK_EVERY
  entries scanned, and SearchCancelled is raised (a newer keystroke makes the search stale:
  it must not hold the index, and the CPU, until it ends).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, overload

from rapidfuzz import fuzz, process

from storage.model.records import NO_DETAILS, Entry
from storage.search.language import FACT_FIELDS, ParsedQuery, Term, parse_query
from storage.search.matching import (
    FIELD_SCORE,
    FUZZY_CUTOFF,
    IN_ABSTRACT,
    IN_NOTES,
    IN_TAGS,
    TITLE_SCORE,
    Match,
    SearchKeys,
    Span,
    entry_flags,
    entry_tags,
    fact_slots,
    is_fuzzy,
    merge_spans,
    term_score,
    term_span,
    title_term_span,
)

EXACT_CACHE_TERMS = 48
EXACT_CACHE_SLOTS_PER_ENTRY = 4  # memory bound: cached hits, summed, <= this x library size
RATIO_CACHE_WORDS = 64
PARTIAL_TERMS = 8  # scans limited to a domain (the second word of a query), kept for the next keystroke
COMPACT_AFTER = 1024  # removed slots tolerated before the slot arrays are rebuilt
NARROW_FACTOR = 2  # check only the entries in the running when they are this many times fewer
STOP_CHECK_EVERY = 4096  # entries scanned between two looks at `should_stop` (~1 ms at most)

Hits = dict[int, int]  # slot -> where the term first occurs (SearchKeys.where)
Posting = int | list[int]  # the slots of a title/tag word: one, or a list
Starts = tuple[dict[int, int], int, Hits]  # a contained term's first positions, offset, hits

# Results can be 100,000 long: tuple.__new__ skips the named tuple's Python-level __new__.
_new_tuple = tuple.__new__

ShouldStop = Callable[[], bool]


class SearchCancelled(Exception):
    """The search was abandoned: its `should_stop` said so (a newer query came)."""


def _never() -> bool:
    return False


class SearchIndex:
    """The entries in page order, searchable. Thread-safe: the UI filters in a worker."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._lock = threading.RLock()
        self._should_stop: ShouldStop = _never  # of the search running (one at a time: the lock)
        self._build(entries)

    def _build(self, entries: Iterable[Entry]) -> None:
        self._entries: list[Entry | None] = []
        self._keys: list[SearchKeys | None] = []
        self._texts: list[str] = []  # _keys[i].text, or "" for a removed slot
        self._slots: dict[str, int] = {}
        self._alive: set[int] = set()
        self._flags: defaultdict[str, set[int]] = defaultdict(set)
        self._tags: defaultdict[str, set[int]] = defaultdict(set)
        # title/tag word -> its slots: a bare slot while the word is in one title only (most
        # words are: a list costs ~90 bytes more), then a list (a set costs 216 bytes). A slot is
        # in a word's list once (tokens() is a set). A word stays once seen (maybe with []).
        self._postings: dict[str, Posting] = {}
        self._vocabulary: list[str] = []  # every word ever in _postings
        self._exact_cache: dict[str, Hits] = {}
        self._positions: dict[str, dict[int, int]] = {}  # the same terms: slot -> first position
        # value -> (hits, first positions, the domain they cover): scans of a few slots only
        self._partial: dict[str, tuple[Hits, dict[int, int], set[int]]] = {}
        self._ratio_cache: dict[str, dict[str, float]] = {}
        for entry in entries:
            self._add(entry)
        self._refresh_vocabulary()

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._slots

    # --- keeping in step ---------------------------------------------------------------------

    def update(self, entry: Entry) -> None:
        """An entry changed (shelf or text), or a new one: new entries go to the end of the order."""
        with self._lock:
            slot = self._slots.get(entry.id)
            if slot is None:
                slot = self._add(entry)
            else:
                self._reindex(slot, entry)
            self._refresh_vocabulary()
            self._recheck_cached(slot)
            self._partial.clear()

    def remove(self, paper_id: str) -> None:
        """Forget an entry; an unknown id is ignored."""
        with self._lock:
            slot = self._slots.pop(paper_id, None)
            if slot is None:
                return
            self._unindex(slot)
            self._entries[slot] = self._keys[slot] = None
            self._texts[slot] = ""
            for hits in (*self._exact_cache.values(), *self._positions.values()):
                hits.pop(slot, None)
            self._partial.clear()
            if len(self._entries) - len(self._slots) > max(COMPACT_AFTER, len(self._slots)):
                self._build([e for e in self._entries if e is not None])

    def clear_cache(self) -> None:
        """Forget cached term results (they stay correct; this is for measuring cold searches)."""
        with self._lock:
            self._exact_cache.clear()
            self._positions.clear()
            self._partial.clear()
            self._ratio_cache.clear()

    def _add(self, entry: Entry) -> int:
        slot = len(self._entries)
        self._entries.append(None)
        self._keys.append(None)
        self._texts.append("")
        self._index(slot, entry)
        return slot

    def _index(self, slot: int, entry: Entry) -> None:
        keys = self._fill(slot, entry)
        postings = self._postings
        for token in keys.tokens():  # _post, inlined: 1,000,000 words at 100,000 papers
            held = postings.get(token)
            if held is None:
                postings[token] = slot
            elif type(held) is int:  # noqa: E721
                postings[token] = [held, slot]
            else:
                held.append(slot)

    def _fill(self, slot: int, entry: Entry) -> SearchKeys:
        """Everything about a slot but its title/tag words."""
        keys = SearchKeys.of(entry)
        self._slots[entry.id] = slot
        self._alive.add(slot)
        self._entries[slot], self._keys[slot], self._texts[slot] = entry, keys, keys.text
        paper = entry.paper
        if paper.links or not entry.shelf.is_blank or paper.authors or paper.arxiv_id or paper.details is not NO_DETAILS:  # most entries have no flag at all
            for flag in entry_flags(entry):
                self._flags[flag].add(slot)
            for tag in entry_tags(entry):
                self._tags[tag].add(slot)
        return keys

    def _reindex(self, slot: int, entry: Entry) -> None:
        """A changed entry; a read/star toggle or a note leaves the word postings alone."""
        old = self._keys[slot]
        assert old is not None
        self._unflag(slot)
        keys = self._fill(slot, entry)
        if old.text[: old.tags_end] != keys.text[: keys.tags_end]:
            before, after = old.tokens(), keys.tokens()
            for token in before - after:
                _unpost(self._postings, token, slot)
            for token in after - before:
                _post(self._postings, token, slot)

    def _refresh_vocabulary(self) -> None:
        """New title/tag words change what fuzzy matching can find."""
        if len(self._vocabulary) != len(self._postings):
            self._vocabulary = list(self._postings)
            self._ratio_cache.clear()

    def _unindex(self, slot: int) -> None:
        keys = self._keys[slot]
        assert keys is not None
        self._unflag(slot)
        for token in keys.tokens():
            _unpost(self._postings, token, slot)

    def _unflag(self, slot: int) -> None:
        entry = self._entries[slot]
        assert entry is not None
        self._alive.discard(slot)
        for flag in entry_flags(entry):
            self._flags[flag].discard(slot)
        for tag in entry_tags(entry):
            self._tags[tag].discard(slot)

    def _recheck_cached(self, slot: int) -> None:
        keys = self._keys[slot]
        assert keys is not None
        for value, hits in self._exact_cache.items():
            position = keys.text.find(value)
            if position < 0:
                hits.pop(slot, None)
                self._positions[value].pop(slot, None)
            else:
                hits[slot] = keys.where(position)
                self._positions[value][slot] = position

    # --- searching ---------------------------------------------------------------------------

    def search(self, text: str, should_stop: ShouldStop | None = None) -> list[Match]:
        """Matches for a filter: ranked best first, or in page order when nothing ranks them."""
        return list(self.search_lazily(text, should_stop))

    def search_lazily(self, text: str, should_stop: ShouldStop | None = None) -> Sequence[Match]:
        """The same matches, each built when it is read: a broad filter at 100,000 papers
        matches most of them, and the list draws only the thirty or so on screen. Raises
        SearchCancelled as soon as `should_stop()` is true (it is asked often)."""
        query = parse_query(text)
        with self._lock:
            self._should_stop = should_stop or _never
            try:
                return self._search(query)
            finally:
                self._should_stop = _never

    def _search(self, query: ParsedQuery) -> Sequence[Match]:
        self._check()  # (a search that waited for the lock may be stale already)
        if query.is_empty:
            return self._lazy([i for i, entry in enumerate(self._entries) if entry is not None], _NO_SCORES, [], [])
        domain = self._flag_domain(query.filters)
        scored: dict[Term, _Scored] = {}
        for term in sorted(set(query.scored_terms), key=self._cost):
            scored[term] = self._score(term, domain)
            domain = _within(scored[term].scores, domain)
            self._check()
        domain = self._apply_filters(query.filters, domain)
        self._check()
        order = sorted(self._alive if domain is None else domain)
        return self._results(query, order, scored)

    def _check(self) -> None:
        if self._should_stop():
            raise SearchCancelled

    def _chunks(self, slots: Iterable[Any]) -> Iterator[list[Any]]:
        """`slots` a few thousand at a time, asking `should_stop` before each batch."""
        it = iter(slots)
        while True:
            self._check()
            chunk = list(islice(it, STOP_CHECK_EVERY))
            if not chunk:
                return
            yield chunk

    def _cost(self, term: Term) -> tuple[int, int]:
        """Cheapest first: fewest entries to check, then the longest (likely rarest) term."""
        base = self._narrowing_base(term.value)
        return (len(self._alive) if base is None else len(self._exact_cache[base])), -len(term.value)

    def _flag_domain(self, filters: Iterable[Term]) -> set[int] | None:
        """Entries allowed by is:/has:/tag: (None: all of them)."""
        sets = [(t, self._flag_set(t)) for t in filters if t.field in ("is", "has", "tag")]
        domain: set[int] | None = None
        for term, members in sorted(sets, key=lambda pair: pair[0].negated):
            if term.negated:
                domain = (self._alive if domain is None else domain) - members
            else:
                domain = set(members) if domain is None else domain & members
        return domain

    def _flag_set(self, term: Term) -> set[int]:
        table = self._tags if term.field == "tag" else self._flags
        return table.get(term.value) or set()

    def _apply_filters(self, filters: Iterable[Term], domain: set[int] | None) -> set[int] | None:
        """title:, note: and negated free terms, on whatever is left."""
        for term in filters:
            if term.is_free:
                excluded, _ = self._exact(term.value, domain)
                domain = (self._alive if domain is None else domain) - excluded.keys()
            elif term.field in ("title", "note"):
                domain = self._field_filter(term, self._alive if domain is None else domain)
            elif term.field in FACT_FIELDS:
                within = self._alive if domain is None else domain
                found = fact_slots(term, self._entries, within)
                domain = within - found if term.negated else found
        return domain

    def _field_filter(self, term: Term, domain: set[int]) -> set[int]:
        keys, value, keep = self._keys, term.value, not term.negated
        kept: set[int] = set()
        for chunk in self._chunks(domain):
            if term.field == "title":
                kept.update(i for i in chunk if (value in keys[i].title) == keep)  # type: ignore[union-attr]
            else:
                kept.update(i for i in chunk if (value in keys[i].notes) == keep)  # type: ignore[union-attr]
        return kept

    def _score(self, term: Term, domain: set[int] | None) -> _Scored:
        """A positive free term's hits and scores, for the slots in `domain` it matches."""
        exact, inside_domain = self._exact(term.value, domain)
        self._check()
        ratios = self._ratios(term) if is_fuzzy(term) else {}
        best = self._best_ratios(ratios)
        hits = exact if domain is None or inside_domain else {i: exact[i] for i in _within(exact, domain)}
        get_score = FIELD_SCORE.get
        scores = {i: get_score(where, TITLE_SCORE) for i, where in hits.items()}
        for i in best if domain is None else _within(best, domain):
            scores[i] = term_score(exact.get(i), best[i])  # type: ignore[assignment]
        return _Scored(term.value, exact, ratios, best, scores)  # type: ignore[arg-type]

    # --- exact hits, narrowed and cached -----------------------------------------------------

    def _exact(self, value: str, domain: set[int] | None) -> tuple[Hits, bool]:
        """slot -> where `value` occurs, covering at least `domain` (all entries if None); and
        whether the hits lie inside `domain` (a scan of the domain only)."""
        cached = self._exact_cache.pop(value, None)
        if cached is not None:
            self._exact_cache[value] = cached  # now the most recently used
            return cached, False
        base_value = self._narrowing_base(value)
        if base_value is None:
            base, starts = None, None
        else:
            base = self._exact_cache[base_value]
            starts = (self._positions[base_value], value.find(base_value), base)
        size = len(self._alive) if base is None else len(base)
        if domain is not None and len(domain) * NARROW_FACTOR < size:
            return self._scan_domain(value, domain, base, starts), True
        hits, positions = self._scan(value, range(len(self._texts)) if base is None else base, starts)
        self._remember(value, hits, positions)
        return hits, False

    def _scan_domain(
        self, value: str, domain: set[int], base: Hits | None, starts: Starts | None
    ) -> Hits:
        """`value` in the slots of `domain` only; narrowed by the previous keystroke's scan of
        a domain that held this one, when that leaves fewer slots than the cached `base`."""
        kept = self._partial.get(value)
        if kept is not None and kept[2] == domain:  # the same query again (a refilter)
            return kept[0]
        slots: Iterable[int] = domain if base is None else _within(domain, base)
        partial = self._partial_base(value, domain)
        if partial is not None and len(partial[1]) <= len(slots):  # type: ignore[arg-type]
            cached_value, partial_hits = partial
            slots = _within(domain, partial_hits)
            starts = (self._partial[cached_value][1], value.find(cached_value), partial_hits)
        hits, positions = self._scan(value, slots, starts)
        self._partial[value] = (hits, positions, domain)
        while len(self._partial) > PARTIAL_TERMS:
            del self._partial[next(iter(self._partial))]
        return hits

    def _partial_base(self, value: str, domain: set[int]) -> tuple[str, Hits] | None:
        """A kept domain scan of a term inside `value`, over a domain holding `domain`."""
        best = None
        for cached, (hits, _, covered) in self._partial.items():
            if cached in value and (best is None or len(hits) < len(best[1])) and domain <= covered:
                best = (cached, hits)
        return best

    def _narrowing_base(self, value: str) -> str | None:
        """The cached term inside `value` with the fewest hits: every hit of `value` is a hit
        of it, at its first position or later (less the offset of the term in `value`)."""
        best = None
        for cached, hits in self._exact_cache.items():
            if cached in value and (best is None or len(hits) < len(self._exact_cache[best])):
                best = cached
        return best

    def _scan(
        self, value: str, slots: Iterable[int], starts: Starts | None = None
    ) -> tuple[Hits, dict[int, int]]:
        """Hits and first positions of `value` in `slots`. With `starts` (a contained term's
        first positions, its offset in `value` and its hits, which hold `slots`) each text is
        searched from there only: typing one more letter mostly finds the word where it was."""
        texts, keys = self._texts, self._keys
        positions: dict[int, int] = {}
        if starts is None:
            for chunk in self._chunks(slots):
                positions.update({i: p for i in chunk if (p := texts[i].find(value)) >= 0})
            return {i: _where(keys[i], p) for i, p in positions.items()}, positions  # type: ignore[arg-type]
        first, shift, base = starts
        if shift:
            for chunk in self._chunks(slots):
                positions.update({i: p for i in chunk if (p := texts[i].find(value, max(0, first[i] - shift))) >= 0})
            return {i: _where(keys[i], p) for i, p in positions.items()}, positions  # type: ignore[arg-type]
        # The usual case, letters added at the end: mostly found at the same place, in the same field.
        if slots is base:
            for pairs in self._chunks(first.items()):
                positions.update({i: p for i, start in pairs if (p := texts[i].find(value, start)) >= 0})
        else:
            for chunk in self._chunks(slots):
                positions.update({i: p for i in chunk if (p := texts[i].find(value, first[i])) >= 0})
        return {i: base[i] if p == first[i] else _where(keys[i], p) for i, p in positions.items()}, positions  # type: ignore[arg-type]

    def _remember(self, value: str, hits: Hits, positions: dict[int, int]) -> None:
        cache = self._exact_cache
        cache[value], self._positions[value] = hits, positions
        budget = EXACT_CACHE_SLOTS_PER_ENTRY * max(len(self._alive), 1000)
        while len(cache) > 1 and (len(cache) > EXACT_CACHE_TERMS or sum(map(len, cache.values())) > budget):
            oldest = next(iter(cache))
            del cache[oldest], self._positions[oldest]

    # --- fuzzy hits ----------------------------------------------------------------------------

    def _ratios(self, term: Term) -> dict[str, float]:
        """Title/tag words within FUZZY_CUTOFF of a free word, with their rapidfuzz ratio."""
        ratios = self._ratio_cache.pop(term.value, None)
        if ratios is None:
            found = process.extract(
                term.value, self._vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None
            )
            # A word containing the term is an exact hit, which outscores any fuzzy one.
            ratios = {token: ratio for token, ratio, _ in found if term.value not in token}
        self._ratio_cache[term.value] = ratios
        while len(self._ratio_cache) > RATIO_CACHE_WORDS:
            del self._ratio_cache[next(iter(self._ratio_cache))]
        return ratios

    def _best_ratios(self, ratios: Mapping[str, float]) -> dict[int, float]:
        """slot -> the best ratio among its words."""
        best: dict[int, float] = {}
        for token, ratio in sorted(ratios.items(), key=lambda pair: pair[1]):
            self._check()
            best.update(dict.fromkeys(_slots_of(self._postings, token), ratio))  # higher ratios overwrite
        return best

    # --- results -------------------------------------------------------------------------------

    def _results(self, query: ParsedQuery, order: list[int], scored: dict[Term, _Scored]) -> Sequence[Match]:
        columns = [scored[t] for t in query.scored_terms]
        title_terms = [t for t in query.terms if t.field == "title" and not t.negated]
        if not columns and not title_terms:
            return self._lazy(order, _NO_SCORES, [], [])
        totals = _totals(order, columns)
        if columns:
            order.sort(key=totals.__getitem__, reverse=True)  # stable: ties keep page order
        return self._lazy(order, totals, list(dict.fromkeys(columns)), title_terms)

    def _lazy(self, order: list[int], totals: Mapping[int, float], columns: list[_Scored], title_terms: list[Term]) -> Results:
        # Copies (a pointer each): a later update or removal must not change what these show.
        return Results(order, self._entries.copy(), self._keys.copy(), totals, columns, title_terms)  # type: ignore[arg-type]


class Results(Sequence[Match]):
    """The matches of one search, in order; a Match is made when it is read. Iterating makes
    them all at once, in bulk; indexing makes one (its title spans computed for it alone)."""

    __slots__ = ("_order", "_entries", "_keys", "_totals", "_columns", "_title_terms")

    def __init__(
        self,
        order: list[int],
        entries: list[Entry],
        keys: list[SearchKeys],
        totals: Mapping[int, float],
        columns: list[_Scored],
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
        keys = self._keys
        span_maps = [column.spans(self._totals, keys) for column in self._columns]
        for term in self._title_terms:
            span_maps.append({i: span for i in self._order if (span := title_term_span(term, keys[i].title))})
        return iter(_matches(self._order, self._entries, self._totals, span_maps))

    def entries(self) -> list[Entry]:
        """The entries in order, without making the Matches."""
        entries = self._entries
        return [entries[i] for i in self._order]

    def _spans_of(self, i: int) -> tuple[Span, ...]:
        """What `_Scored.spans` and the title terms give slot i, merged as `_matches` does."""
        if not self._columns and not self._title_terms:
            return ()
        title = self._keys[i].title
        found = []
        for column in self._columns:
            where = column.exact.get(i, -1)
            if where >= 0:
                found.append((where, where + len(column.value)))
            elif i in column.best and (span := term_span(column.value, title, None, column.ratios)):
                found.append(span)
        for term in self._title_terms:
            if span := title_term_span(term, title):
                found.append(span)
        return tuple(found) if len(found) < 2 else merge_spans(found)


def _matches(
    order: list[int], entries: list[Entry], totals: dict[int, float], span_maps: list[dict[int, Span]]
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


@dataclass(slots=True, eq=False)
class _Scored:
    """One positive free term of a search: its exact and fuzzy hits, and its scores."""

    value: str
    exact: Hits  # covers every slot scored
    ratios: dict[str, float]  # title/tag word -> fuzzy ratio
    best: dict[int, float]  # slot -> best fuzzy ratio among its words
    scores: dict[int, float]

    def spans(self, results: Mapping[int, object], keys: list[SearchKeys]) -> dict[int, Span]:
        """slot -> the title characters this term matched, for the slots in `results`."""
        exact, length = self.exact, len(self.value)
        spans = {i: (where, where + length) for i in results if (where := exact.get(i, -1)) >= 0}
        for i in _within(self.best, results.keys()):  # type: ignore[arg-type]
            if i not in spans and (span := term_span(self.value, keys[i].title, None, self.ratios)):
                spans[i] = span
        return spans


class _NoScores(dict):
    """The totals of a search that ranks nothing: 0.0 for every slot, holding none."""

    def __missing__(self, slot: int) -> float:
        return 0.0


_NO_SCORES = _NoScores()


def _totals(order: list[int], columns: list[_Scored]) -> dict[int, float]:
    """slot -> the sum of its term scores, added in query order (as the reference does)."""
    if len(columns) == 1:
        return columns[0].scores
    if len(columns) == 2:  # two words: one comprehension (0.0 + a + b == a + b for scores >= 0)
        first, second = columns[0].scores, columns[1].scores
        return {i: first[i] + second[i] for i in order}
    scores = [column.scores for column in columns]
    totals = {}
    for i in order:
        total = 0.0
        for column in scores:
            total += column[i]
        totals[i] = total
    return totals


def _where(keys: SearchKeys, position: int) -> int:
    """SearchKeys.where, as a plain function (one call fewer per hit; 100,000 hits a keystroke)."""
    if position < keys[1]:  # title_end
        return position
    if position < keys[2]:  # tags_end
        return IN_TAGS
    return IN_NOTES if position < keys[3] else IN_ABSTRACT


def _post(postings: dict[str, Posting], token: str, slot: int) -> None:
    held = postings.get(token)
    if held is None:
        postings[token] = slot
    elif type(held) is int:  # noqa: E721
        postings[token] = [held, slot]
    elif slot not in held:
        held.append(slot)


def _unpost(postings: dict[str, Posting], token: str, slot: int) -> None:
    held = postings.get(token)
    if held == slot:
        postings[token] = []  # the word stays: the vocabulary is every word ever seen
    elif type(held) is list and slot in held:  # noqa: E721
        held.remove(slot)


def _slots_of(postings: dict[str, Posting], token: str) -> Iterable[int]:
    held = postings.get(token, ())
    return (held,) if type(held) is int else held  # noqa: E721


def _within(slots: Any, domain: Any) -> set[int]:
    """`slots` that are also in `domain` (None: no limit); both sets, dicts or keys views."""
    if domain is None:
        return set(slots)
    if len(domain) < len(slots):
        return {i for i in domain if i in slots}
    return {i for i in slots if i in domain}
