"""The filter tokens on facts from the sources: author:, cat:, year: and the new has: values.

Each is checked on the reference (search_entries) and on SearchIndex, which must agree."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.model.records import Details, Entry, Paper, Shelf
from storage.search.index import SearchIndex
from storage.search.language import WORD, fold_name, parse_query, year_range
from storage.search.matching import search_entries
from tests.storage.test_query import RANDOM, TOKENS, same, shelves, texts


def terms(text: str) -> list[tuple[str, str, bool]]:
    return [(t.field, t.value, t.negated) for t in parse_query(text).terms]


# --- the parser -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("author:Smith", [("author", "smith", False)]),
        ("-author:smith", [("author", "smith", True)]),
        ("AUTHOR:Müller", [("author", "muller", False)]),
        ("authors:zoë", [("author", "zoe", False)]),
        ('author:"De La Cruz"', [("author", "de la cruz", False)]),
        ('-author:"de  la"', [("author", "de la", True)]),
        ("cat:cs.LG", [("cat", "cs.lg", False)]),
        ("category:CS", [("cat", "cs", False)]),
        ("-cat:math", [("cat", "math", True)]),
        ("year:2024", [("year", "2024..2024", False)]),
        ("year:2023..2024", [("year", "2023..2024", False)]),
        ("year:2024..2023", [("year", "2023..2024", False)]),
        ("year:2020..", [("year", "2020..", False)]),
        ("-year:..2019", [("year", "..2019", True)]),
        ("year:24", [(WORD, "year:24", False)]),  # not a year: a plain word, as is:bogus is
        ("year:soon", [(WORD, "year:soon", False)]),
        ("year:..", [(WORD, "year:..", False)]),
        ("has:arxiv has:authors has:author", [("has", "arxiv", False), ("has", "authors", False), ("has", "authors", False)]),
        ("-has:code has:doi", [("has", "code", True), ("has", "doi", False)]),
    ],
)
def test_parser(text: str, expected: list[tuple[str, str, bool]]) -> None:
    assert terms(text) == expected


@pytest.mark.parametrize(
    ("name", "folded"),
    [("Jürgen Müller", "jurgen muller"), ("ŁUKASZ", "lukasz"), ("Ørsted", "orsted"), ("Æsop", "aesop"),
     ("Straße", "strasse"), ("Đorđe", "dorde"), ("Ana de la Cruz", "ana de la cruz"), ("王小明", "王小明")],
)  # fmt: skip
def test_fold_name_takes_accents_off(name: str, folded: str) -> None:
    assert fold_name(name) == folded


@pytest.mark.parametrize("text", ["author:", "cat:", "year:", '-author:""', "author: "])
def test_incomplete_fact_tokens_are_ignored(text: str) -> None:
    assert parse_query(text).is_empty


@pytest.mark.parametrize(("value", "expected"), [("1999", "1999..1999"), ("1999..", "1999.."), ("..1999", "..1999"),
                                                  ("12345", None), ("2020...2021", None), ("", None), ("٢٠٢٤", None)])  # fmt: skip
def test_year_range(value: str, expected: str | None) -> None:
    assert year_range(value) == expected


# --- a small library by hand ----------------------------------------------------------------------


def paper(pid: str, title: str, **facts: object) -> Entry:
    details = facts.pop("details", Details())
    return Entry(Paper(id=pid, title=title, **facts, details=details))  # type: ignore[arg-type]


LIBRARY = [
    paper("a", "Attention Is All You Need", authors=("Ashish Vaswani", "Noam Shazeer", "Łukasz Kaiser"),
          arxiv_id="1706.03762", published="2017-06-12", categories=("cs.CL", "cs.LG"),
          links=("https://arxiv.org/abs/1706.03762",), details=Details(doi="10.5555/1", code_url="https://github.com/t/t")),
    paper("b", "Müller Curves", authors=("Jürgen Müller", "Zoë Adams"), arxiv_id="2401.00001",
          published="2024-01-02", categories=("math.AG", "math-ph")),
    paper("c", "A Trending Paper With No Facts"),
    paper("d", "Deep Learning for Physics", authors=("Ana de la Cruz",), published="2023-12-31",
          categories=("physics.comp-ph", "cs.LG")),
    paper("e", "A Paper Known Only By Its Id", arxiv_id="2402.00002"),
]  # fmt: skip


def ids(text: str) -> str:
    found = search_entries(LIBRARY, text)
    assert found == SearchIndex(LIBRARY).search(text), text
    return "".join(sorted(m.entry.id for m in found))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("author:vaswani", "a"),
        ("author:VASWANI", "a"),
        ("author:lukasz", "a"),  # Ł has no decomposition into L and an accent: folded by hand
        ("author:łukasz", "a"),
        ("author:muller", "b"),  # accents ignored in the name
        ("author:müller", "b"),
        ("author:MÜLLER", "b"),
        ("author:zoe", "b"),
        ("author:jurgen", "b"),
        ('author:"de la cruz"', "d"),
        ('author:"cruz ana"', ""),  # a substring of one name, not across names
        ("author:a", "abd"),
        ("-author:muller", "acde"),  # papers without authors are not by Müller
        ("author:nobody", ""),
        ("cat:cs.lg", "ad"),
        ("cat:cs.LG", "ad"),
        ("cat:cs", "ad"),
        ("cat:cs.", "ad"),
        ("cat:math", "b"),  # math.AG; math-ph is not in the math archive
        ("cat:math-ph", "b"),
        ("cat:physics", "d"),
        ("cat:cs.l", ""),  # not a category, not an archive
        ("-cat:cs", "bce"),
        ("year:2024", "b"),
        ("year:2023..2024", "bd"),
        ("year:..2023", "ad"),
        ("year:2018..", "bd"),
        ("-year:2024", "acde"),  # no date: not from 2024
        ("year:1999", ""),
        ("has:arxiv", "abe"),
        ("-has:arxiv", "cd"),
        ("has:authors", "abd"),
        ("has:code", "a"),
        ("has:doi", "a"),
        ("has:link", "a"),
        ("cat:cs -year:2017 learning", "d"),
        ("author:muller is:unread", "b"),
        ("author:muller is:read", ""),
    ],
)
def test_fact_filters(text: str, expected: str) -> None:
    assert ids(text) == expected


def test_a_paper_without_facts_matches_no_positive_fact_token() -> None:
    bare = [paper("c", "A Trending Paper With No Facts")]
    for text in ("author:a", "cat:cs", "year:..9999", "year:0000..", "has:arxiv", "has:authors", "has:code"):
        assert search_entries(bare, text) == [] == SearchIndex(bare).search(text), text
    for text in ("-author:a", "-cat:cs", "-year:..9999", "-has:arxiv"):
        assert len(SearchIndex(bare).search(text)) == 1, text


def test_fact_tokens_only_filter_they_do_not_rank() -> None:
    query = parse_query("author:smith cat:cs year:2024")
    assert not query.is_ranked and len(query.filters) == 3


def test_the_index_follows_facts_that_arrive_later() -> None:
    """A page-import paper enriched later (same id, now with facts) is found by the new tokens."""
    index = SearchIndex([paper("c", "A Trending Paper")])
    assert index.search("has:arxiv author:smith") == []
    index.update(paper("c", "A Trending Paper", authors=("Jo Smith",), arxiv_id="2401.00003"))
    assert [m.entry.id for m in index.search("has:arxiv author:smith")] == ["c"]
    index.update(paper("c", "A Trending Paper"))
    assert index.search("has:arxiv") == [] and index.search("author:smith") == []


# --- SearchIndex == reference, on random libraries with facts ------------------------------------

NAMES = ["Jürgen Müller", "Zoë Adams", "Ana de la Cruz", "Jo Smith", "ŁUKASZ"]
CATEGORIES = ["cs.LG", "cs.CL", "math.AG", "math-ph", "stat.ML"]
FACT_TOKENS = ["author:muller", "author:MÜLLER", "author:zoe", 'author:"de la"', "author:smith", "cat:cs",
               "cat:cs.lg", "cat:math", "cat:math-ph", "cat:cs.", "year:2024", "year:2023..2024", "year:..2023", "year:2023..",
               "has:arxiv",
               "has:authors", "has:code", "has:doi"]  # fmt: skip


@st.composite
def fact_entries(draw: st.DrawFn) -> Entry:
    details = Details(code_url=draw(st.sampled_from(["", "https://github.com/a/b"])),
                      doi=draw(st.sampled_from(["", "10.1/x"])))  # fmt: skip
    return Entry(
        Paper(
            id=draw(st.sampled_from([f"p{n}" for n in range(10)])),
            title=draw(texts),
            authors=tuple(draw(st.lists(st.sampled_from(NAMES), max_size=3))),
            arxiv_id=draw(st.sampled_from(["", "2401.00001"])),
            published=draw(st.sampled_from(["", "2022-05-01", "2023-12-31", "2024-01-01", "2024", "24-01-01", "soon"])),
            categories=tuple(draw(st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True))),
            details=details,
        ),
        draw(shelves),
    )


fact_queries = st.lists(
    st.tuples(st.booleans(), st.sampled_from(FACT_TOKENS + TOKENS)).map(lambda t: ("-" if t[0] else "") + t[1]),
    min_size=1,
    max_size=4,
).map(" ".join)


@RANDOM
@given(st.lists(fact_entries(), max_size=10, unique_by=lambda e: e.id), st.lists(fact_queries, min_size=1, max_size=4))
def test_index_equals_reference_with_facts(entries: list[Entry], texts_: list[str]) -> None:
    index = SearchIndex(entries)
    for text in texts_:
        same(index, entries, text)


@RANDOM
@given(st.lists(fact_entries(), max_size=10, unique_by=lambda e: e.id), st.lists(fact_entries(), max_size=5), fact_queries)
def test_index_equals_reference_with_facts_after_updates(entries: list[Entry], changes: list[Entry], text: str) -> None:
    index = SearchIndex(entries)
    current = {e.id: e for e in entries}
    index.search(text)
    for change in changes:
        index.update(change)
        current[change.id] = change
        same(index, list(current.values()), text)


def test_shelf_does_not_hide_facts() -> None:
    entry = Entry(Paper(id="x", title="t", authors=("Jo Smith",)), Shelf(read=True))
    assert [m.entry.id for m in SearchIndex([entry]).search("author:smith is:read")] == ["x"]
