"""The search index is built outside the library's lock: writes never wait for a build (seconds
at 100,000 papers: a quit's save waiting for one was ended by the exit watchdog), and what they
change while it builds is in the index it ends with."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from storage.changes.entries import Entries
from storage.library import Library
from storage.model.ids import paper_id
from storage.model.records import Paper
from storage.search import index as search_index
from storage.tools.demo import generate

WAIT = 30  # seconds: only a failing test waits this long


@pytest.fixture
def held_build(monkeypatch: pytest.MonkeyPatch):
    """SearchIndex builds that wait, once begun, until `release` is set."""
    began, release = threading.Event(), threading.Event()
    real = search_index.SearchIndex

    class HeldIndex(real):  # type: ignore[misc, valid-type]
        def __init__(self, entries) -> None:
            began.set()
            assert release.wait(WAIT), "the test never released the build"
            super().__init__(entries)

    monkeypatch.setattr(search_index, "SearchIndex", HeldIndex)
    yield began, release
    release.set()


@pytest.fixture
def library(tmp_path: Path) -> Library:
    opened = Library.open(tmp_path / "library")
    opened.import_papers(generate(40, seed=5), "generated")
    yield opened
    opened.close()


def in_thread(work) -> threading.Thread:
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def test_writes_go_on_while_the_index_builds(library: Library, held_build) -> None:
    began, release = held_build
    found: list = []
    searching = in_thread(lambda: found.append(library.search("tag:while-building")))
    assert began.wait(WAIT)
    first, second = [entry.id for entry in library.entries() if not entry.shelf.starred][:2]
    starred = {entry.id for entry in library.entries() if entry.shelf.starred}
    newcomer = generate(1, seed=77)
    writing = in_thread(lambda: (library.set_tags(first, "while-building"), library.set_starred([second]),
                                 library.import_papers(newcomer, "generated")))  # fmt: skip
    writing.join(WAIT)
    assert not writing.is_alive(), "the writes waited for the index build"
    release.set()
    searching.join(WAIT)
    assert [m.entry.id for m in found[0]] == [first]  # the build's copy had no such tag: caught up
    assert {m.entry.id for m in library.search("is:starred")} == starred | {second}
    assert [m.entry.paper.title for m in library.search(f'"{newcomer[0].title}"')] == [newcomer[0].title]
    assert len(library.search("")) == 41


def test_an_index_of_entries_replaced_meanwhile_is_built_again(held_build) -> None:
    began, release = held_build
    entries = Entries()
    before, after = generate(5, seed=1), generate(7, seed=2)
    entries.load([paper_of(p, n) for n, p in enumerate(before)], {})
    searching = in_thread(lambda: entries.search("critique"))
    assert began.wait(WAIT)
    entries.load([paper_of(p, n) for n, p in enumerate(after)], {})  # the library read again
    release.set()
    searching.join(WAIT)
    assert [m.entry.paper.title for m in entries.search("")] == [p.title for p in after]


def paper_of(imported, position: int) -> Paper:
    return Paper(paper_id(imported.title), imported.title, imported.abstract, imported.links, position=position)
