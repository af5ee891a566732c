"""The filter language: parser, matching rules, ranking, spans, and SearchIndex == reference."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.search import index as search_index
from storage.model.records import Entry, Paper, Shelf
from storage.search.index import SearchIndex
from storage.search.language import PHRASE, WORD, parse_query
from storage.search.matching import Match, search_entries
from tests.helpers import needs_seed, sample_pairs

# --- the parser -----------------------------------------------------------------------------


def terms(text: str) -> list[tuple[str, str, bool]]:
    return [(t.field, t.value, t.negated) for t in parse_query(text).terms]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("critique", [(WORD, "critique", False)]),
        ("Critique  RL", [(WORD, "critique", False), (WORD, "rl", False)]),
        ("-rl", [(WORD, "rl", True)]),
        ("meta-rl", [(WORD, "meta-rl", False)]),
        ('"Exact   Phrase"', [(PHRASE, "exact phrase", False)]),
        ('-"not this"', [(PHRASE, "not this", True)]),
        ('"unbalanced phrase', [(PHRASE, "unbalanced phrase", False)]),
        ('rl "offline', [(WORD, "rl", False), (PHRASE, "offline", False)]),
        ('abc"def ghi" jkl', [(WORD, "abc", False), (PHRASE, "def ghi", False), (WORD, "jkl", False)]),
        ("is:read", [("is", "read", False)]),
        ("IS:Unread", [("is", "read", True)]),
        ("-is:unread", [("is", "read", False)]),
        ("-is:read", [("is", "read", True)]),
        ("is:starred is:unstarred", [("is", "starred", False), ("is", "starred", True)]),
        ("has:note has:notes", [("has", "note", False)] * 2),
        ("has:tags has:link", [("has", "tags", False), ("has", "link", False)]),
        ("tag:RLHF", [("tag", "rlhf", False)]),
        ("-tag:rlhf", [("tag", "rlhf", True)]),
        ("tag:a,b", [("tag", "a", False), ("tag", "b", False)]),
        ("title:Critique", [("title", "critique", False)]),
        ('title:"Two  Words"', [("title", "two words", False)]),
        ('-title:"two words" rl', [("title", "two words", True), (WORD, "rl", False)]),
        ('title:"unbalanced', [("title", "unbalanced", False)]),
        ("note:FID", [("note", "fid", False)]),
        ("foo:bar", [(WORD, "foo:bar", False)]),
        ("is:bogus", [(WORD, "is:bogus", False)]),
        ("has:cats", [(WORD, "has:cats", False)]),
        ("https://github.com/x/y", [(WORD, "https://github.com/x/y", False)]),
        ("crit\x1b[31mique\x07", [(WORD, "critique", False)]),
        ("a\tb\nc", [(WORD, "a", False), (WORD, "b", False), (WORD, "c", False)]),
    ],
)
def test_parser(text: str, expected: list[tuple[str, str, bool]]) -> None:
    assert terms(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "-", " - ", "tag:", "-tag:", "is:", "title:", 'title:""', '""', '" "', '-""', "tag:,"]
)
def test_incomplete_tokens_are_ignored(text: str) -> None:
    assert parse_query(text).is_empty


def test_incomplete_tokens_leave_the_rest() -> None:
    assert terms("rl - tag: -is: critique") == [(WORD, "rl", False), (WORD, "critique", False)]


def test_parsed_query_keeps_text_and_splits_roles() -> None:
    query = parse_query('critique -rl "a b" is:read')
    assert query.text == 'critique -rl "a b" is:read'
    assert query.is_ranked and not query.is_empty
    assert [t.value for t in query.scored_terms] == ["critique", "a b"]
    assert [t.value for t in query.filters] == ["rl", "read"]
    assert not parse_query("is:read -rl").is_ranked


@given(st.text(alphabet=st.sampled_from(list('ab -":\\\tXé\x1b[0mistag')), max_size=30) | st.text())
def test_parser_never_raises_and_terms_are_clean(text: str) -> None:
    for term in parse_query(text).terms:
        assert term.value and term.value == term.value.strip()
        assert not any(ch in term.value for ch in '\x1b\x00\t\n')
        if term.field == WORD:
            assert " " not in term.value and '"' not in term.value


# --- a small library by hand -----------------------------------------------------------------


def entry(pid: str, title: str, abstract: str = "", **shelf: object) -> Entry:
    links = tuple(shelf.pop("links", ()))  # type: ignore[arg-type]
    paper = Paper(id=pid, title=title, abstract=abstract, links=links)
    return Entry(paper, Shelf(**shelf))  # type: ignore[arg-type]


LIBRARY = [
    entry("a", "The Critique of Critique", "How to evaluate critics.", read=True, starred=True,
          tags=("rlhf",), notes="Great survey of critics"),
    entry("b", "Training Language Models to Critique With Multi-Agent Feedback", "Agents debate."),
    entry("c", "Offline Reinforcement Learning", "We study critique in offline RL. See foo:bar.",
          tags=("rl", "offline"), links=("https://example.org/c",)),
    entry("d", "Diffusion Models Beat GANs", "Image synthesis.", read=True, notes="check the FID\nnumbers"),
    entry("e", "Surveillance Capitalism", "Data and power."),
]  # fmt: skip


def ids(text: str, entries: list[Entry] = LIBRARY) -> list[str]:
    found = search_entries(entries, text)
    assert found == SearchIndex(entries).search(text)
    return [m.entry.id for m in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("is:read", "ad"),
        ("is:unread", "bce"),
        ("-is:read", "bce"),
        ("is:starred", "a"),
        ("is:unstarred", "bcde"),
        ("is:read -is:starred", "d"),
        ("tag:rlhf", "a"),
        ("tag:RLHF", "a"),
        ("-tag:rlhf", "bcde"),
        ("tag:rl tag:offline", "c"),
        ("tag:nothing", ""),
        ("title:critique", "ab"),
        ("-title:critique", "cde"),
        ('title:"of critique"', "a"),
        ("note:fid", "d"),
        ('note:"fid numbers"', "d"),  # the line break in the note is a space
        ("-note:fid", "abce"),
        ("has:note", "ad"),
        ("has:tags", "ac"),
        ("has:link", "c"),
        ("-critique", "de"),  # a, b by title; c by abstract
        ("-survey", "bcde"),  # the note of a; "Surveillance" is not "survey"
        ('"offline rl"', "c"),
        ('"OFFLINE RL"', "c"),
        ('-"offline rl"', "abde"),
        ('"rlhf"', "a"),
        ("critique offline", "c"),
        ("critique zzz", ""),
        ("foo:bar", "c"),
        ("is:read critique", "a"),
        ("", "abcde"),
    ],
)
def test_filters_on_a_small_library(text: str, expected: str) -> None:
    assert "".join(sorted(ids(text))) == expected


def test_empty_and_field_only_filters_keep_page_order_with_score_zero() -> None:
    for text in ("", "is:unread", "-tag:rlhf"):
        found = SearchIndex(LIBRARY).search(text)
        assert [m.entry.id for m in found] == [e.id for e in LIBRARY if e.id in {m.entry.id for m in found}]
        assert {m.score for m in found} == {0.0}
        assert all(m.title_spans == () for m in found)


def test_a_typo_finds_the_word() -> None:
    assert ids("critiqe") == ["a", "b"]  # c has "critique" in its abstract only: no fuzzy there
    assert ids("reinforcment") == ["c"]
    assert ids("diffusoin models") == ["d"]


def test_short_words_are_substrings_only() -> None:
    assert ids("xq") == []
    assert set(ids("rl")) == {"a", "c"}  # "rlhf" tag, "RL" in c; "Surveillance" has no "rl"


def test_a_title_match_ranks_above_an_abstract_only_match() -> None:
    found = search_entries(LIBRARY, "critique")
    assert [m.entry.id for m in found] == ["a", "b", "c"]
    assert found[0].score == found[1].score > found[2].score > 0


def test_exact_beats_fuzzy_and_more_words_add_up() -> None:
    library = [entry("x", "Critque Models"), entry("y", "Critique Models"), entry("z", "Models", "critique")]
    assert ids("critique", library) == ["y", "z", "x"]  # title exact, abstract exact, title typo
    two = {m.entry.id: m.score for m in search_entries(library, "critique models")}
    one = {m.entry.id: m.score for m in search_entries(library, "critique")}
    assert all(two[i] > one[i] for i in two)


def test_ties_keep_page_order() -> None:
    library = [entry(str(n), f"Paper {n} on offline learning") for n in range(6)]
    assert ids("offline", library) == [str(n) for n in range(6)]


# --- highlighted spans -----------------------------------------------------------------------


def spans(text: str, pid: str, entries: list[Entry] = LIBRARY) -> tuple[tuple[int, int], ...]:
    found = {m.entry.id: m for m in SearchIndex(entries).search(text)}
    return found[pid].title_spans


def highlighted(text: str, pid: str, entries: list[Entry] = LIBRARY) -> list[str]:
    title = next(e.paper.title for e in entries if e.id == pid)
    return [title[start:end] for start, end in spans(text, pid, entries)]


def test_spans_mark_the_first_occurrence_of_each_word() -> None:
    assert spans("critique", "a") == ((4, 12),)
    assert highlighted("of critique", "a") == ["Critique", "of"]
    assert highlighted("crit ique", "a") == ["Critique"]  # touching spans merge
    assert highlighted("crit critique", "a") == ["Critique"]  # overlapping spans merge
    assert highlighted("learning offline", "c") == ["Offline", "Learning"]


def test_spans_of_a_typo_mark_the_word_it_matched() -> None:
    assert highlighted("critiqe", "b") == ["Critique"]
    assert highlighted("traning critiqe", "b") == ["Training", "Critique"]


def test_spans_of_phrases_and_title_terms() -> None:
    assert highlighted('"language models"', "b") == ["Language Models"]
    assert highlighted("title:gans", "d") == ["GANs"]
    assert highlighted("is:read title:beat", "d") == ["Beat"]


def test_no_span_for_matches_outside_the_title() -> None:
    assert spans("synthesis", "d") == ()
    assert spans("-critique is:read", "d") == ()


def test_spans_survive_characters_that_change_length_when_lower_cased() -> None:
    library = [entry("i", "İstanbul Workshop on Learning")]
    assert highlighted("workshop", "i", library) == ["Workshop"]
    assert highlighted("learning", "i", library) == ["Learning"]


# --- SearchIndex keeps in step -------------------------------------------------------------------


def test_index_update_remove_and_len() -> None:
    index = SearchIndex(LIBRARY)
    assert len(index) == 5 and "a" in index
    index.search("critique")  # warm the caches that update/remove must keep right
    index.update(Entry(LIBRARY[4].paper, Shelf(read=True, tags=("critique",), notes="critique it")))
    assert [m.entry.id for m in index.search("critique")] == ["a", "b", "e", "c"]
    assert [m.entry.id for m in index.search("is:read")] == ["a", "d", "e"]
    index.remove("a")
    index.remove("unknown")
    assert len(index) == 4 and "a" not in index
    assert [m.entry.id for m in index.search("critique")] == ["b", "e", "c"]
    index.update(entry("f", "A New Critique"))
    assert [m.entry.id for m in index.search("")] == ["b", "c", "d", "e", "f"]
    assert [m.entry.id for m in index.search("critiqe")] == ["b", "e", "f"]  # e by its tag


def test_removing_many_entries_compacts_the_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "COMPACT_AFTER", 2)
    library = [entry(str(n), f"Paper {n} about critique") for n in range(20)]
    index = SearchIndex(library)
    index.search("critique")
    for n in range(0, 20, 3):
        index.remove(str(n))
    kept = [e for e in library if int(e.id) % 3]
    assert index.search("critique") == search_entries(kept, "critique")
    assert index.search("") == search_entries(kept, "")


def test_small_caches_still_answer_right(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "EXACT_CACHE_TERMS", 2)
    monkeypatch.setattr(search_index, "RATIO_CACHE_WORDS", 1)
    index = SearchIndex(LIBRARY)
    for text in ("crit", "critique", "critiqe offline", "c", "critique offline", "-crit"):
        assert index.search(text) == search_entries(LIBRARY, text)


def test_results_read_after_a_change_still_show_what_was_found() -> None:
    """The list reads its rows after the search, while the library may change under it
    (a toggle, another instance removing a paper) until the refilter: every row must still
    hold its paper. A removed paper's highlight may go; nothing else changes."""
    index = SearchIndex(LIBRARY)
    found = index.search_lazily("critique")
    expected = search_entries(LIBRARY, "critique")
    index.remove("b")
    index.update(entry("a", LIBRARY[0].paper.title, LIBRARY[0].paper.abstract, notes="new note"))
    rows = [found[row] for row in range(len(found))]
    assert [m.entry for m in rows] == [m.entry for m in expected] == [m.entry for m in found]
    assert [m for m in rows if m.entry.id != "b"] == [m for m in expected if m.entry.id != "b"]


def test_each_search_shows_the_entries_as_they_were_when_it_ran() -> None:
    """Searches between two changes share one copy of the entries; a change makes the next
    search take a fresh one, and leaves the results handed out before as they were."""
    index = SearchIndex(LIBRARY)
    before = index.search_lazily("critique")
    again = index.search_lazily("crit")
    starred = Entry(LIBRARY[0].paper, Shelf(starred=True))
    index.update(starred)
    after = index.search_lazily("critique")
    first = {m.entry.id: m.entry for m in (*before, *again)}
    assert first["a"] is LIBRARY[0] and {m.entry.id: m.entry for m in after}["a"] is starred
    assert [m.entry for m in before] == [m.entry for m in search_entries(LIBRARY, "critique")]


def test_updates_while_another_thread_searches() -> None:
    library = [entry(str(n), f"Paper {n} on critique", "offline rl") for n in range(300)]
    index = SearchIndex(library)
    errors: list[BaseException] = []

    def toggle() -> None:
        try:
            for n in range(300):
                library[n] = Entry(library[n].paper, Shelf(read=True, tags=(f"t{n % 7}",)))
                index.update(library[n])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    writer = threading.Thread(target=toggle)
    writer.start()
    while writer.is_alive():
        index.search("critique -tag:t3 offline")
    writer.join()
    assert not errors
    assert index.search("critique -tag:t3") == search_entries(library, "critique -tag:t3")


# --- real pages: the sample page, and the seed page where it exists ----------------------------


def seed_pairs(path: Path) -> list[tuple[str, str]]:
    """A tiny reader of the seed page: after the "Mar 11" line, blocks alternate title / abstract."""
    blocks = [b.strip() for b in path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n\n")]
    blocks = [b for b in blocks if b]
    papers = blocks[blocks.index("Mar 11") + 1 :]
    return list(zip(papers[0::2], papers[1::2]))


@pytest.fixture(params=["sample", pytest.param("seed", marks=needs_seed)])
def page_entries(request) -> list[Entry]:
    """The papers of a real-looking page as entries (read without the page parser)."""
    pairs = sample_pairs() if request.param == "sample" else seed_pairs(request.getfixturevalue("seed_path"))
    return [Entry(Paper(id=f"p{n}", title=t, abstract=" ".join(a.split()))) for n, (t, a) in enumerate(pairs)]


PAGE_QUERIES = [
    "critique", "critiqe", "reinforcement learning", "meta-rl", '"in-context learning"', "rl -offline",
    "title:benchmark", "llm agents", "https://github.com", "regret", "-reinforcement", "gym", "optimisation",
]  # fmt: skip


def test_page_searches(page_entries: list[Entry]) -> None:
    entries = page_entries
    assert len(entries) > 30
    index = SearchIndex(entries)
    for text in PAGE_QUERIES:
        assert index.search(text) == search_entries(entries, text), text
    critique = index.search("critique")
    titled = [m for m in critique if "critique" in m.entry.paper.title.lower()]
    assert titled and critique[: len(titled)] == titled  # title matches first
    assert len(critique) > len(titled)  # and abstract matches after them
    # the typo finds the same titles ("critique" ranks above "critiques": a closer spelling)
    assert sorted(m.entry.id for m in index.search("critiqe")) == sorted(m.entry.id for m in titled)


def test_page_typing_every_prefix(page_entries: list[Entry]) -> None:
    entries = page_entries
    index = SearchIndex(entries)
    for text in ("reinforcement learning", '"language models', "meta critique -rl"):
        prefixes = [text[:n] for n in range(1, len(text) + 1)]
        for prefix in prefixes + prefixes[::-1]:
            assert index.search(prefix) == search_entries(entries, prefix), prefix


# --- SearchIndex == reference, on random libraries and queries --------------------------------

WORDS = ["critique", "critic", "rl", "offline", "learning", "learn", "model", "models", "agent",
         "İstanbul", "ÉCOLE", "meta-rl", "foo:bar", "x", "of", "gans"]  # fmt: skip
TAGS = ["rlhf", "rl", "offline", "to-read"]
TOKENS = WORDS + ["critiqe", "lerning", "mdoel", "is:read", "is:unread", "is:starred", "is:unstarred",
                  "has:note", "has:tags", "has:link", "tag:rlhf", "tag:rl", "title:rl", "title:critique",
                  'title:"of critique"', "note:critic", '"offline rl"', '"critique of"', "-", "tag:", '"',
                  "foo:baz", "is:nope"]  # fmt: skip

texts = st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join)
shelves = st.builds(
    Shelf,
    read=st.booleans(),
    starred=st.booleans(),
    tags=st.lists(st.sampled_from(TAGS), max_size=2, unique=True).map(tuple),
    notes=st.sampled_from(["", "critic", "offline\nrl", "see meta-rl"]),
)


@st.composite
def entries_strategy(draw: st.DrawFn, pid: str | None = None) -> Entry:
    paper = Paper(
        id=pid or draw(st.sampled_from([f"p{n}" for n in range(12)])),
        title=draw(texts),
        abstract=draw(texts),
        links=tuple(draw(st.lists(st.just("https://example.org"), max_size=1))),
    )
    return Entry(paper, draw(shelves))


def library_strategy() -> st.SearchStrategy[list[Entry]]:
    return st.lists(entries_strategy(), max_size=12, unique_by=lambda e: e.id)


queries = st.lists(
    st.tuples(st.booleans(), st.sampled_from(TOKENS)).map(lambda t: ("-" if t[0] else "") + t[1]), max_size=4
).map(" ".join)

RANDOM = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same(index: SearchIndex, entries: list[Entry], text: str) -> None:
    """The index answers as the reference does, whether its matches are made all at once
    (iterating) or one row at a time (indexing, as the list draws them)."""
    expected: list[Match] = search_entries(entries, text)
    assert index.search(text) == expected, text
    lazy = index.search_lazily(text)
    assert [lazy[row] for row in range(len(lazy))] == expected, text
    assert lazy[1:3] == expected[1:3] and lazy[-1:] == expected[-1:]
    if hasattr(lazy, "entries"):
        assert lazy.entries() == [m.entry for m in expected]


@RANDOM
@given(library_strategy(), st.lists(queries, min_size=1, max_size=5))
def test_index_equals_reference(entries: list[Entry], texts_: list[str]) -> None:
    index = SearchIndex(entries)
    for text in texts_:
        same(index, entries, text)


@RANDOM
@given(library_strategy(), queries)
def test_index_equals_reference_while_typing(entries: list[Entry], text: str) -> None:
    index = SearchIndex(entries)
    prefixes = [text[:n] for n in range(len(text) + 1)]
    for prefix in prefixes + prefixes[::-1]:
        same(index, entries, prefix)


@RANDOM
@given(
    library_strategy(),
    st.lists(st.one_of(entries_strategy().map(lambda e: ("update", e)),
                       st.sampled_from([f"p{n}" for n in range(12)]).map(lambda i: ("remove", i))),
             max_size=8),
    st.lists(queries, min_size=1, max_size=3),
)  # fmt: skip
def test_index_equals_reference_after_updates(entries: list[Entry], changes: list, texts_: list[str]) -> None:
    index = SearchIndex(entries)
    current = {e.id: e for e in entries}
    for text in texts_:
        index.search(text)  # fill the caches that changes must keep right
    for kind, change in changes:
        if kind == "update":
            index.update(change)
            current[change.id] = change
        else:
            index.remove(change)
            current.pop(change, None)
        for text in texts_:
            same(index, list(current.values()), text)
    assert len(index) == len(current)


@pytest.mark.parametrize("text", ["reinforcement learning", "critique policy", "-is:read policy model", "learn rein"])
def test_typing_and_deleting_two_words_on_a_generated_library(text: str) -> None:
    """At a size where the ranked results are more than the rows sorted at once (the rest are
    put in order when read), with cached terms; a toggle and a new note half-way."""
    from dataclasses import replace

    from storage.tools.demo import generate
    from storage.model.ids import paper_id

    entries = [Entry(Paper(paper_id(p.title), p.title, p.abstract, p.links, position=n))
               for n, p in enumerate(generate(400, seed=5))]  # fmt: skip
    index = SearchIndex(entries)
    prefixes = [text[:n] for n in range(len(text) + 1)]
    for step, prefix in enumerate(prefixes + prefixes[::-1]):
        if step == len(prefixes):
            changed = replace(entries[7], shelf=Shelf(read=True, notes="learning policy notes"))
            entries[7] = changed
            index.update(changed)
        same(index, entries, prefix)
