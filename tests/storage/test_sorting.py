from storage.model.records import Entry, Paper, Shelf
from storage.search.matching import Match
from storage.search.sorting import SORTS, next_sort, sort_matches


def match(n, title, seen, score=0.0, **shelf):
    return Match(Entry(Paper(f"{n:012x}", title, position=n, first_seen=seen), Shelf(**shelf)), score, ())


RANKED = [
    match(3, "beta", "2026-03-02", 90, read=True),
    match(1, "Alpha", "2026-03-01", 80, starred=True),
    match(2, "gamma", "2026-03-02", 70),
]


def ids(matches):
    return [m.entry.paper.position for m in matches]


def test_each_sort_order():
    assert ids(sort_matches(RANKED, "match")) == [3, 1, 2]
    assert ids(sort_matches(RANKED, "page")) == [1, 2, 3]
    assert ids(sort_matches(RANKED, "newest")) == [2, 3, 1]  # same day: page order
    assert ids(sort_matches(RANKED, "title")) == [1, 3, 2]
    assert ids(sort_matches(RANKED, "unread")) == [1, 2, 3]
    assert ids(sort_matches(RANKED, "starred")) == [1, 3, 2]


def test_next_sort_cycles_through_every_order():
    seen, order = [], "match"
    for _ in SORTS:
        seen.append(order)
        order = next_sort(order)
    assert sorted(seen) == sorted(SORTS) and order == "match"
    assert next_sort("bogus") == "match"
