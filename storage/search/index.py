"""SearchIndex: the filter language (language.py), fast enough to run on every keystroke.

Same answers as `matching.search_entries` (a property test holds them equal), but:

- exact hits come from words, not scans: each field's whitespace-separated words -> the entries
  holding them (words.py). A term without whitespace is in a field exactly when it is in one of
  its words, so its hits are the entries of the few vocabulary words containing it. Phrases
  (with spaces) are checked, text by text, only in the entries holding each of their words;
- only the head of each entry's folded search key (title, tags, notes) is kept, for title
  positions and `title:`/`note:`; the folded abstract is not (it would double the memory);
- `is:`/`has:`/`tag:` are sets of entry slots, combined with set algebra;
- the fuzzy part of a word is one `rapidfuzz.process.extract` over the vocabulary of title
  and tag words (tens of thousands of short strings, not 100,000 titles), then postings;
- exact hits of recent terms are cached (the second word of a query, a word typed again);
- a search can be abandoned: `should_stop` is asked between terms and as words or entries are
  gone through, and SearchCancelled is raised (a newer keystroke makes the search stale: it
  must not hold the index, and the CPU, until it ends).
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache, partial
from itertools import islice
from typing import Any

from rapidfuzz import fuzz, process

from storage.model.records import NO_DETAILS, Entry
from storage.search.language import FACT_FIELDS, ParsedQuery, Term, parse_query
from storage.search.matching import (
    FUZZY_CUTOFF,
    Match,
    SearchKeys,
    entry_flags,
    entry_tags,
    fact_slots,
    is_fuzzy,
    term_score,
)
from storage.search.results import FIELD_SCORES, NO_SCORES, WHERE, Exact, Found, GroupScores, Ranked, Results
from storage.search.words import Posting, Words

EXACT_CACHE_TERMS = 48
EXACT_CACHE_SLOTS_PER_ENTRY = 2  # memory bound: cached hits, summed, <= this x library size
RATIO_CACHE_WORDS = 64
COMPACT_AFTER = 1024  # removed slots tolerated before the slot arrays are rebuilt
STOP_CHECK_EVERY = 4096  # entries checked between two looks at `should_stop` (~1 ms at most)


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
        self._keys: list[SearchKeys | None] = []  # the head of each search key: title, tags, notes
        self._slots: dict[str, int] = {}
        self._alive: set[int] = set()
        self._flags: defaultdict[str, set[int]] = defaultdict(set)
        self._tags: defaultdict[str, set[int]] = defaultdict(set)
        self._words = tuple(Words() for _ in FIELDS_IN_ORDER)  # each field's words -> slots
        self._holders = (self._in_title, self._in_tags, self._in_notes, self._in_abstract)  # as _words
        # title/tag word (\w+, for fuzzy matching) -> its slots: a bare slot while the word is in
        # one title only (most words are: a list costs ~90 bytes more), then a list (a set costs
        # 216 bytes). A slot is in a word's list once (tokens() is a set). A word stays once seen.
        self._postings: dict[str, Posting] = {}
        self._vocabulary: dict[tuple[int, bool], list[str]] | None = None  # _postings' words by _shape; None: to make
        self._vocabulary_size = 0  # how many words _postings had when the vocabulary was made
        self._exact_cache: dict[str, Exact] = {}
        self._ratio_cache: dict[str, dict[str, float]] = {}
        self._frozen: tuple[list[Entry | None], list[SearchKeys | None]] | None = None  # see _lazy
        for entry in entries:
            self._add(entry)
        for words in self._words:  # what the first searches would make, made with the index
            words.prepare()
        self._words_by_shape()

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
            elif not self._reindex(slot, entry):
                return  # a read/star toggle: no word, and no cached hit, changed
            self._refresh_vocabulary()
            self._forget_cached(slot)

    def remove(self, paper_id: str) -> None:
        """Forget an entry; an unknown id is ignored."""
        with self._lock:
            slot = self._slots.pop(paper_id, None)
            if slot is None:
                return
            self._unindex(slot)
            self._entries[slot] = self._keys[slot] = None
            self._frozen = None
            self._forget_cached(slot)
            if len(self._entries) - len(self._slots) > max(COMPACT_AFTER, len(self._slots)):
                self._build([e for e in self._entries if e is not None])

    def clear_cache(self) -> None:
        """Forget cached term results (they stay correct; this is for measuring cold searches)."""
        with self._lock:
            self._exact_cache.clear()
            self._ratio_cache.clear()

    def _add(self, entry: Entry) -> int:
        slot = len(self._entries)
        self._entries.append(None)
        self._keys.append(None)
        self._index(slot, entry)
        return slot

    def _index(self, slot: int, entry: Entry) -> None:
        full = self._fill(slot, entry)
        for words, field_words in zip(self._words, _field_words(full)):
            words.add(slot, field_words)
        postings = self._postings
        for token in full.tokens():  # _post, inlined: 1,000,000 words at 100,000 papers
            held = postings.get(token)
            if held is None:
                postings[token] = slot
            elif type(held) is int:  # noqa: E721
                postings[token] = [held, slot]
            else:
                held.append(slot)

    def _fill(self, slot: int, entry: Entry) -> SearchKeys:
        """Everything about a slot but its words; returns its whole search key."""
        full = SearchKeys.of(entry)
        self._slots[entry.id] = slot
        self._alive.add(slot)
        self._entries[slot], self._keys[slot] = entry, _head(full)
        self._frozen = None
        paper = entry.paper
        if paper.links or not entry.shelf.is_blank or paper.authors or paper.arxiv_id or paper.details is not NO_DETAILS:  # most entries have no flag at all
            for flag in entry_flags(entry):
                self._flags[flag].add(slot)
            for tag in entry_tags(entry):
                self._tags[tag].add(slot)
        return full

    def _reindex(self, slot: int, entry: Entry) -> bool:
        """A changed entry; whether its text changed (a read/star toggle leaves the words alone)."""
        old_entry = self._entries[slot]
        assert old_entry is not None
        self._unflag(slot)
        old_paper = old_entry.paper
        same_text = (old_paper.title, old_paper.abstract, old_entry.shelf.tags, old_entry.shelf.notes) == (
            entry.paper.title, entry.paper.abstract, entry.shelf.tags, entry.shelf.notes)  # fmt: skip
        old = None if same_text else SearchKeys.of(old_entry)
        keys = self._fill(slot, entry)
        if old is None:
            return False
        for words, before, after in zip(self._words, _field_words(old), _field_words(keys)):
            words.discard(slot, before - after)
            words.add(slot, after - before)
        before, after = old.tokens(), keys.tokens()
        for token in before - after:
            _unpost(self._postings, token, slot)
        for token in after - before:
            _post(self._postings, token, slot)
        return True

    # whether one slot's field holds a value: for the few slots a short value's words leave out

    def _in_title(self, value: str, slot: int) -> bool:
        return value in self._keys[slot].title  # type: ignore[union-attr]

    def _in_tags(self, value: str, slot: int) -> bool:
        keys = self._keys[slot]
        return value in keys.text[keys.title_end + 1 : keys.tags_end]  # type: ignore[union-attr]

    def _in_notes(self, value: str, slot: int) -> bool:
        return value in self._keys[slot].notes  # type: ignore[union-attr]

    def _in_abstract(self, value: str, slot: int) -> bool:
        full = SearchKeys.of(self._entries[slot])  # type: ignore[arg-type]
        return full.text.find(value, full.notes_end + 1) >= 0

    def _refresh_vocabulary(self) -> None:
        """New title/tag words change what fuzzy matching can find: the vocabulary is made again
        when a typo is next looked for (not on every update: an import updates thousands)."""
        if self._vocabulary_size != len(self._postings):
            self._vocabulary = None
            self._ratio_cache.clear()

    def _words_by_shape(self) -> dict[tuple[int, bool], list[str]]:
        if self._vocabulary is None:
            self._vocabulary = defaultdict(list)
            for word in self._postings:
                self._vocabulary[_shape(word)].append(word)
            self._vocabulary_size = len(self._postings)
        return self._vocabulary

    def _fuzzy_candidates(self, value: str) -> list[str]:
        """The vocabulary words that can be within FUZZY_CUTOFF of `value`: fuzz.ratio is
        100 * (1 - indel distance / (len(a) + len(b))), and the distance is at least the
        difference in length, so longer or shorter words are out (as are words of digits
        only, for a value with no digit: they share no character). Titles number things:
        most of the vocabulary can be numbers."""
        slack = 1 - FUZZY_CUTOFF / 100
        shortest = math.floor(len(value) * (1 - slack) / (1 + slack))
        longest = math.ceil(len(value) * (1 + slack) / (1 - slack))
        digits = (True, False) if any(c.isdigit() for c in value) else (False,)
        vocabulary = self._words_by_shape()
        return [w for n in range(shortest, longest + 1) for d in digits for w in vocabulary.get((n, d), ())]

    def _unindex(self, slot: int) -> None:
        entry = self._entries[slot]
        assert entry is not None
        self._unflag(slot)
        full = SearchKeys.of(entry)
        for words, field_words in zip(self._words, _field_words(full)):
            words.discard(slot, field_words)
        for token in full.tokens():
            _unpost(self._postings, token, slot)

    def _unflag(self, slot: int) -> None:
        entry = self._entries[slot]
        assert entry is not None
        self._alive.discard(slot)
        for flag in entry_flags(entry):
            self._flags[flag].discard(slot)
        for tag in entry_tags(entry):
            self._tags[tag].discard(slot)

    def _forget_cached(self, slot: int) -> None:
        """Drop the cached terms whose hits the slot's new text (or its removal) changes. They
        are never changed in place: results already handed out keep reading them."""
        if not self._exact_cache:
            return  # (no key to fold: an import updates thousands of entries)
        entry = self._entries[slot]
        full = None if entry is None else SearchKeys.of(entry)
        for value, exact in list(self._exact_cache.items()):
            where = None if full is None else full.find(value)
            if exact.get(slot) != (None if where is None else WHERE[_field_of(where)]):
                del self._exact_cache[value]

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
            return self._lazy([i for i, entry in enumerate(self._entries) if entry is not None], NO_SCORES, [], [])
        domain = self._flag_domain(query.filters)
        found: dict[Term, Found] = {}
        for term in sorted(set(query.scored_terms), key=self._cost):
            found[term] = self._find(term)
            domain = found[term].matched(domain)  # (read, never changed)
            self._check()
        domain = self._apply_filters(query.filters, domain)
        self._check()
        if domain is None:
            domain = self._alive
        title_terms = [t for t in query.terms if t.field == "title" and not t.negated]
        if not found:
            return self._lazy(sorted(domain), NO_SCORES, [], title_terms)
        order, totals = self._rank(query.scored_terms, found, domain)
        return self._lazy(order, totals, list(found.values()), title_terms)

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
        """Cheapest first: a cached term by its hits, then the longest (likely rarest) term."""
        cached = self._exact_cache.get(term.value)
        return (len(self._alive) if cached is None else len(cached.all)), -len(term.value)

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
                excluded = self._exact(term.value).all
                domain = (self._alive if domain is None else domain) - excluded
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

    def _find(self, term: Term) -> Found:
        """A positive free term's exact and fuzzy hits."""
        exact = self._exact(term.value)
        self._check()
        ratios = self._ratios(term) if is_fuzzy(term) else {}
        return Found(term.value, exact, ratios, self._best_ratios(ratios))

    # --- ranking ---------------------------------------------------------------------------------

    def _rank(self, terms: Sequence[Term], found: dict[Term, Found], domain: set[int]) -> tuple[Ranked, GroupScores]:
        """The slots of `domain` best first (ties in page order), and each one's score: the sum
        of its terms' scores, in query order, as the reference adds them. An exact hit scores
        by its field, so the slots fall in a few groups by the field each term hit (found
        with set intersections); those a typo also matched are scored one by one."""
        typos = set().union(*(f.best.keys() & domain for f in found.values()))
        groups: defaultdict[float, list[set[int]]] = defaultdict(list)
        self._group(domain - typos, list(found), (), terms, found, groups)  # (a new set: _group uses it up)
        places = {term: f.exact.places(typos).get for term, f in found.items()}
        columns = [(places[term], found[term].best.get) for term in terms]  # (thousands of typos)
        typos_by_total: defaultdict[float, list[int]] = defaultdict(list)
        for i in typos:
            total = 0.0
            for place_of, best_of in columns:
                total += _term_score(place_of(i), best_of(i))  # type: ignore[operator]
            typos_by_total[total].append(i)
        for total, slots in typos_by_total.items():
            groups[total].append(set(slots))
        totals = sorted(groups, reverse=True)
        merged = [sets[0] if len(sets) == 1 else set().union(*sets) for sets in (groups[t] for t in totals)]
        return Ranked(merged, self._check), GroupScores(totals, merged)

    def _group(
        self, slots: set[int], distinct: list[Term], fields: tuple[int, ...], terms: Sequence[Term],
        found: dict[Term, Found], groups: defaultdict[float, list[set[int]]],
    ) -> None:
        """Split `slots` (used up: the sets end in `groups`) by the field each distinct term hit
        (one term per level); a group's total is the same for all its slots."""
        if not slots:
            return
        self._check()
        if len(fields) == len(distinct):
            score = {term: FIELD_SCORES[field] for term, field in zip(distinct, fields)}
            total = 0.0
            for term in terms:
                total += score[term]
            groups[total].append(slots)
            return
        for field, hits in enumerate(found[distinct[len(fields)]].exact.split(slots)):
            self._group(hits, distinct, (*fields, field), terms, found, groups)

    # --- exact hits, from the words, cached ----------------------------------------------------

    def _exact(self, value: str) -> Exact:
        """The entries holding `value`, by the field it first occurs in."""
        cached = self._exact_cache.pop(value, None)
        if cached is None:
            cached = self._phrase_hits(value) if _has_space(value) else self._word_hits(value)
        self._exact_cache[value] = cached  # (again: now the most recently used)
        self._trim_cache()
        return cached

    def _word_hits(self, value: str) -> Exact:
        """A term without whitespace: the slots of the words containing it, field by field
        (all at C speed: a broad word has 100,000 hits)."""
        title, tags, notes, abstract = (
            words.slots(value, self._check, self._alive, partial(holds, value)) for words, holds in zip(self._words, self._holders)
        )
        self._check()
        tags -= title
        notes.difference_update(title, tags)
        abstract.update(title, tags, notes)  # (now all of them)
        return Exact((title, tags, notes), abstract)

    def _phrase_hits(self, value: str) -> Exact:
        """A term with spaces: checked in the entries holding every one of its words (in any
        field), in the head of the key first, then in the whole key."""
        candidates: set[int] | None = None
        for part in value.split():
            holding = set().union(
                *(words.slots(part, self._check, self._alive, partial(holds, part)) for words, holds in zip(self._words, self._holders))
            )
            candidates = holding if candidates is None else candidates & holding
        fields: tuple[set[int], ...] = (set(), set(), set(), set())  # as FIELDS_IN_ORDER
        keys, entries = self._keys, self._entries
        for chunk in self._chunks(sorted(candidates or ())):
            for i in chunk:
                position = keys[i].text.find(value)  # type: ignore[union-attr]
                where = keys[i].where(position) if position >= 0 else SearchKeys.of(entries[i]).find(value)  # type: ignore[arg-type, union-attr]
                if where is not None:
                    fields[_field_of(where)].add(i)
        return Exact(fields[:3], fields[3].union(*fields[:3]))  # type: ignore[arg-type]

    def _trim_cache(self) -> None:
        cache = self._exact_cache
        budget = EXACT_CACHE_SLOTS_PER_ENTRY * max(len(self._alive), 1000)
        while len(cache) > 1 and (len(cache) > EXACT_CACHE_TERMS or sum(len(exact.all) for exact in cache.values()) > budget):
            del cache[next(iter(cache))]

    # --- fuzzy hits ----------------------------------------------------------------------------

    def _ratios(self, term: Term) -> dict[str, float]:
        """Title/tag words within FUZZY_CUTOFF of a free word, with their rapidfuzz ratio."""
        ratios = self._ratio_cache.pop(term.value, None)
        if ratios is None:
            found = process.extract(
                term.value, self._fuzzy_candidates(term.value), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None
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

    def _lazy(self, order: Sequence[int], totals: Mapping[int, float], columns: list[Found], title_terms: list[Term]) -> Results:
        # Copies (a pointer each): a later update or removal must not change what these show.
        # Made once and shared until the next change (two lists of 100,000: ~1 ms to copy, as
        # much to free, each keystroke).
        if self._frozen is None:
            self._frozen = (self._entries.copy(), self._keys.copy())
        return Results(order, *self._frozen, totals, columns, title_terms)  # type: ignore[arg-type]


_term_score = lru_cache(maxsize=4096)(term_score)  # (a few places and ratios a search, scored for thousands of typos)


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


FIELDS_IN_ORDER = ("title", "tags", "notes", "abstract")  # as in the search key: the first holds a hit


def _field_words(keys: SearchKeys) -> tuple[set[str], set[str], set[str], set[str]]:
    """The words of each field of a whole search key, in FIELDS_IN_ORDER."""
    text, title_end, tags_end, notes_end = keys
    return (
        set(text[:title_end].split()),
        set(text[title_end + 1 : tags_end].split()),
        set(text[tags_end + 1 : notes_end].split()),
        set(text[notes_end + 1 :].split()),
    )


def _head(keys: SearchKeys) -> SearchKeys:
    """The key without its abstract: what the index keeps (positions stay as they were)."""
    return SearchKeys(keys.text[: keys.notes_end], keys.title_end, keys.tags_end, keys.notes_end)


def _field_of(where: int) -> int:
    """The index in FIELDS_IN_ORDER of a hit's place (SearchKeys.where)."""
    return 0 if where >= 0 else WHERE.index(where)


def _shape(word: str) -> tuple[int, bool]:
    """How fuzzy candidates are grouped: length, and whether the word is digits only."""
    return len(word), word.isdigit()


def _has_space(value: str) -> bool:
    return any(character.isspace() for character in value)
