"""The word index behind free words (storage/search/words.py) and the shortcuts SearchIndex
takes with it: each checked against the plain reference, `search_entries`."""

from __future__ import annotations

import pytest

from storage.model.records import Entry, Paper, Shelf
from storage.search.index import SearchIndex
from storage.search.matching import search_entries
from storage.search.results import Ranked
from storage.search.words import Words


def make_words(*texts: str) -> Words:
    words = Words()
    for slot, text in enumerate(texts):
        words.add(slot, set(text.split()))
    return words


def test_the_words_containing_a_value_whole_or_in_part() -> None:
    words = make_words("critique of critics", "a critic", "uncritical")
    assert sorted(words.containing("crit")) == ["critic", "critics", "critique", "uncritical"]
    assert words.containing("uncritical") == ["uncritical"]
    assert words.containing("of") == ["of"]
    assert words.containing("zz") == []


def test_a_value_never_spans_two_words_of_the_vocabulary() -> None:
    words = make_words("ab", "cd")  # the vocabulary string holds "ab" and "cd" side by side
    assert words.containing("bc") == []


def slots_of(words: Words, value: str, texts: list[str]) -> set[int]:
    return words.slots(value, lambda: None, set(range(len(texts))), lambda slot: value in texts[slot])


def test_slots_of_a_value_and_after_a_discard() -> None:
    texts = ["critique of critics", "a critic", "other words"]
    words = make_words(*texts)
    assert slots_of(words, "crit", texts) == {0, 1}
    words.discard(1, {"a", "critic"})
    texts[1] = ""
    assert slots_of(words, "crit", texts) == {0}
    words.add(2, {"critical"})
    texts[2] = "critical"
    assert slots_of(words, "crit", texts) == {0, 2}


def test_a_value_in_most_words_asks_the_few_slots_left_directly() -> None:
    """"e" is in nearly every word: its biggest words are gathered, then the slots they leave
    out are asked one by one, and the answer is the same as asking every slot."""
    texts = [" ".join(f"e{k}" for k in range(12)) if n % 7 else f"plain {n} ne{n}" for n in range(300)] + ["zzz"]
    words = make_words(*texts)
    asked: list[int] = []

    def holds(slot: int) -> bool:
        asked.append(slot)
        return "e" in texts[slot]

    found = words.slots("e", lambda: None, set(range(len(texts))), holds)
    assert found == {slot for slot, text in enumerate(texts) if "e" in text}
    assert asked and len(asked) < len(texts) // 2  # only the slots the biggest words left out


def test_new_words_reach_the_vocabulary() -> None:
    words = make_words("alpha")
    assert words.containing("beta") == []
    words.add(1, {"beta"})
    assert words.containing("beta") == ["beta"]


def paper(pid: str, title: str, abstract: str = "", **shelf) -> Entry:
    return Entry(Paper(pid, title, abstract), Shelf(**shelf))


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("axbcdy", "abcd"),  # 6 letters for 4: ratio exactly 80, the longest a typo can be
        ("axbcdyz", "abcd"),  # 7 for 4: below 80
        ("abcd", "abcdxy"),  # 4 for 6: exactly 80, the shortest
        ("abc", "abcdxy"),
        ("2023", "20234"),  # digits only, a digit in the query: compared (ratio 89)
        ("1234", "abcd"),  # digits only, no digit in the query: never a typo of it
        ("a1b2", "a1b3"),
    ],
)
def test_typos_at_the_edges_of_the_lengths_compared(title: str, query: str) -> None:
    entries = [paper("p1", title), paper("p2", "something else entirely")]
    assert SearchIndex(entries).search(query) == search_entries(entries, query)


def test_a_phrase_in_an_abstract_whose_key_folds_character_by_character() -> None:
    """'İ' lower-cases to two characters, so the whole key is folded a character at a time:
    a phrase checked in the abstract alone must be found as in the whole key."""
    entries = [
        paper("p1", "İstanbul papers", "ΟΔΟΣ and the offline rl setting"),
        paper("p2", "Plain", "ΟΔΟΣ and the offline rl setting"),
        paper("p3", "Plain", "offline\nrl, and notes", notes="offline rl"),
    ]
    for query in ('"οδοσ and"', '"οδος and"', '"offline rl"', '"rl setting"', "οδοσ", "-\"offline rl\""):
        assert SearchIndex(entries).search(query) == search_entries(entries, query), query


def test_results_handed_out_keep_their_rows_when_a_cached_term_changes() -> None:
    """Cached hits are never changed in place: a paper whose new note holds the term drops the
    cached term, and the earlier results still show what they found."""
    entries = [paper(str(n), f"critique {n}") for n in range(5)] + [paper("x", "other")]
    index = SearchIndex(entries)
    before = index.search_lazily("critique")
    index.update(paper("x", "other", notes="a critique"))
    assert [before[row].entry.id for row in range(len(before))] == ["0", "1", "2", "3", "4"]
    assert [m.entry.id for m in index.search("critique")] == ["0", "1", "2", "3", "4", "x"]


@pytest.mark.parametrize("query", ["e", "r", "rl", "-e", "a e", "is:unread t", '"e r"'])
def test_short_words_on_a_generated_library_as_the_reference_finds_them(query: str) -> None:
    from storage.model.ids import paper_id
    from storage.tools.demo import generate

    entries = [Entry(Paper(paper_id(p.title), p.title, p.abstract, p.links, position=n), Shelf(read=n % 3 == 0, notes="see the notes" if n % 5 == 0 else ""))
               for n, p in enumerate(generate(300, seed=3))]  # fmt: skip
    assert SearchIndex(entries).search(query) == search_entries(entries, query)


def test_rows_past_the_first_groups_are_put_in_order_when_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Ranked, "SORTED_AT_ONCE", 2)
    entries = [paper(f"{n:03}", "critique" if n % 3 else "other", "critique in the abstract") for n in range(60)]
    entries.reverse()  # page order is not id order
    expected = search_entries(entries, "critique")
    found = SearchIndex(entries).search_lazily("critique")
    assert [found[row] for row in (59, 0, 40, 20, -1)] == [expected[row] for row in (59, 0, 40, 20, -1)]
    assert list(found) == expected


# --- a stale search stops soon: `check` is looked at by work done ------------------------------


def counting() -> tuple[list[int], object]:
    calls: list[int] = []
    return calls, lambda: calls.append(1)


def test_a_scan_of_a_big_vocabulary_looks_at_check_as_it_goes() -> None:
    from storage.search import words as search_words

    words = Words()
    words.add(0, [f"w{n}" for n in range(3 * search_words.WORDS_BETWEEN_CHECKS)])
    calls, check = counting()
    assert len(words.containing("w", check)) == 3 * search_words.WORDS_BETWEEN_CHECKS
    assert len(calls) >= 3


def test_gathering_many_slots_looks_at_check_as_it_goes() -> None:
    from storage.search import words as search_words

    words, papers = Words(), 200
    many = 4 * search_words.CHECK_EVERY // papers  # words in every paper: 4 x CHECK_EVERY slots in all
    for slot in range(papers):
        words.add(slot, [f"w{n}" for n in range(many)])
    calls, check = counting()
    alive = set(range(50 * papers))  # (most hold none of these words: the slots are gathered, not asked)
    found = words.slots("w", check, alive, lambda slot: slot < papers)
    assert found == set(range(papers)) and len(calls) >= 4
