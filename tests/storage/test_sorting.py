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


def dated(n, published, score=0.0):
    return Match(Entry(Paper(f"{n:012x}", f"paper {n}", position=n, published=published)), score, ())


def test_publication_date_newest_first_and_undated_last_in_the_order_they_came():
    matches = [dated(1, ""), dated(2, "2023-05-01"), dated(3, "2024-01-02"), dated(4, ""), dated(5, "2023-05-01"),
               dated(6, "2024-01-03")]  # fmt: skip
    assert ids(sort_matches(matches, "published")) == [6, 3, 2, 5, 1, 4]
    assert ids(sort_matches(matches[::-1], "published")) == [6, 3, 5, 2, 4, 1]  # ties keep the order given


def test_publication_date_on_papers_without_dates_keeps_the_order():
    assert ids(sort_matches(RANKED, "published")) == [3, 1, 2]
    assert sort_matches([], "published") == []


def test_publication_date_is_in_the_cycle():
    assert "published" in SORTS and next_sort("newest") == "published"
