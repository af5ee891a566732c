"""A search can be abandoned part-way (a newer keystroke made it stale), and an abandoned
search leaves the index answering exactly as before."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.model.ids import paper_id
from storage.model.records import Entry, Paper, Shelf
from storage.search import index as search_index
from storage.search import words as search_words
from storage.search.index import SearchCancelled, SearchIndex
from storage.search.matching import search_entries
from storage.tools.demo import generate


def generated(count: int) -> list[Entry]:
    entries = []
    for n, p in enumerate(generate(count, seed=3)):
        shelf = Shelf(read=n % 3 == 0, starred=n % 7 == 0, tags=("rlhf",) if n % 5 == 0 else (), notes="policy notes" if n % 11 == 0 else "")
        entries.append(Entry(Paper(paper_id(p.title), p.title, p.abstract, p.links, position=n), shelf))
    return entries


ENTRIES = generated(600)
QUERIES = ("critique", "reward model", "is:unread policy", "-is:read learning", '"sparse reward"',
           "title:policy -critique", "note:policy", "tag:rlhf calibr", "critiqe", "-reward")  # fmt: skip


class StopAfter:
    """should_stop: false for the first `calls` questions, then true."""

    def __init__(self, calls: int) -> None:
        self.calls = calls
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.asked > self.calls


def test_a_stale_search_is_given_up_at_once() -> None:
    index = SearchIndex(ENTRIES)
    with pytest.raises(SearchCancelled):
        index.search_lazily("critique", lambda: True)


def test_a_long_scan_asks_as_it_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The question is asked every few thousand entries checked, not only between terms
    (free words come from the word index; `title:` checks every title)."""
    monkeypatch.setattr(search_index, "STOP_CHECK_EVERY", 50)
    index = SearchIndex(ENTRIES)
    asked = StopAfter(10**9)
    index.search_lazily("title:zzzz", asked)
    assert asked.asked >= len(ENTRIES) // 50
    stop = StopAfter(3)
    with pytest.raises(SearchCancelled):
        index.search_lazily("title:yyyy", stop)
    assert stop.asked == 4  # given up at the 4th question: a quarter of the way in


def test_gathering_many_words_asks_as_it_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A short term held by many words ("e") gathers their entries a few words at a time, and
    asks again before each big word and as it checks the entries left out."""
    monkeypatch.setattr(search_words, "CHECK_EVERY", 2)
    index = SearchIndex(ENTRIES)
    asked = StopAfter(10**9)
    index.search_lazily("e", asked)
    assert asked.asked > 8
    stop = StopAfter(3)
    with pytest.raises(SearchCancelled):
        index.search_lazily("a", stop)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(QUERIES), st.integers(0, 12)), min_size=1, max_size=8))
def test_searches_given_up_anywhere_leave_the_answers_right(steps: list[tuple[str, int]]) -> None:
    """Typing with searches abandoned at random points (prefixes, as a burst types them):
    every completed search answers as the reference does."""
    search_index_module = search_index
    old = search_index_module.STOP_CHECK_EVERY
    search_index_module.STOP_CHECK_EVERY = 64  # many places to stop at
    try:
        index = SearchIndex(ENTRIES)
        for query, stop_at in steps:
            for n in range(1, len(query) + 1):
                try:
                    index.search_lazily(query[:n], StopAfter(stop_at))
                except SearchCancelled:
                    pass
            assert index.search(query) == search_entries(ENTRIES, query), query
    finally:
        search_index_module.STOP_CHECK_EVERY = old
