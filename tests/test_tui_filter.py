"""The filter bar: results as you type, off the UI thread, newest query wins."""

from __future__ import annotations

import threading

from tui.app import PapershelfApp
from tui.screens.main import MainScreen
from tui.widgets.filter_bar import FilterBar
from tui.widgets.paper_list import PaperList

SIZE = (120, 36)


async def type_filter(pilot, text: str) -> None:
    await pilot.press("slash", *text)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def titles(screen: MainScreen) -> list[str]:
    return [entry.paper.title for entry in screen.papers.entries]


def counts_line(screen: MainScreen) -> str:
    return screen.status.message


async def test_typing_a_word_puts_matching_papers_first(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await type_filter(pilot, "critique")
        shown = titles(app.screen)
        assert shown, "nothing matched"
        assert "critique" in shown[0].lower()
        title_hits = [t for t in shown if "critique" in t.lower()]
        assert shown[: len(title_hits)] == title_hits  # title matches rank above abstract-only ones
        assert len(shown) < 48
        assert f"showing {len(shown)}" in counts_line(app.screen)


async def test_matched_words_are_highlighted_in_the_list(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await type_filter(pilot, "critique")
        await pilot.press("enter", "G")  # to the list; cursor off the first row
        await pilot.pause()
        papers = app.screen.papers
        underlined = "".join(seg.text for seg in papers.render_line(0) if seg.style and seg.style.underline)
        assert underlined.lower() == "critique"


async def test_field_tokens_filter(sample_library):
    starred = [e.id for e in sample_library.entries()[3:6]]
    sample_library.set_starred(starred, True)
    sample_library.set_read([sample_library.entries()[0].id], True)
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await type_filter(pilot, "is:starred")
        assert [e.id for e in app.screen.papers.entries] == starred
        assert "48 papers · 1 read · 3 starred · showing 3" in counts_line(app.screen)
        await pilot.press(*" -is:unread")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.papers.entries == []
        assert app.screen.papers.highlighted is None


async def test_escape_clears_the_filter_and_shows_everything(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await type_filter(pilot, "critique")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(app.screen.papers) == 48
        assert isinstance(app.focused, PaperList)
        assert "showing" not in counts_line(app.screen)


async def test_enter_goes_to_the_results_and_escape_there_clears(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await type_filter(pilot, "critique")
        await pilot.press("enter")
        assert isinstance(app.focused, PaperList)
        assert app.screen.filter_bar.value == "critique"
        await pilot.press("j")  # moves within the results
        assert app.screen.papers.cursor == 1
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.filter_bar.value == ""
        assert len(app.screen.papers) == 48


async def test_a_toggle_while_a_filter_runs_is_not_undone_by_its_results(sample_library):
    computed, release = threading.Event(), threading.Event()
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.screen.filter_bar
        real_search = bar._search

        def stale_search(text: str):
            matches = real_search(text)  # computed before the toggle below...
            if text == "learning ":
                computed.set()
                release.wait(5)  # ...and delivered after it
            return matches

        await type_filter(pilot, "learning")
        bar._search = stale_search
        await pilot.press("space")  # typed: the query becomes "learning "
        assert computed.wait(5)
        await pilot.press("enter", "space")  # on the list now: toggles read
        pid = app.screen.papers.highlighted_id
        assert sample_library.entry(pid).shelf.read
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = {e.id: e for e in app.screen.papers.entries}
        assert bar.value == "learning "
        assert shown[pid].shelf.read


async def test_a_newer_keystroke_wins_over_an_older_slow_filter(sample_library):
    release = threading.Event()
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        bar = screen.filter_bar
        real_search = bar._search

        def slow_for_old_query(text: str):
            if text == "x":
                release.wait(5)
            return real_search(text)

        bar._search = slow_for_old_query
        await pilot.press("slash", "x")  # slow
        await pilot.pause()
        await pilot.press("backspace", *"critique")  # fast, newer
        await pilot.pause()
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert bar.value == "critique"
        assert "critique" in titles(screen)[0].lower()


async def test_a_failing_search_is_reported_not_fatal(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        bar: FilterBar = app.screen.filter_bar

        def broken(text: str):
            raise ValueError("cannot search for that")

        bar._search = broken
        await type_filter(pilot, "x")
        assert "cannot search for that" in counts_line(app.screen)
        assert len(app.screen.papers) == 48
        assert bar.has_class("-invalid")


async def test_a_new_query_highlights_its_best_match_and_clearing_keeps_the_paper(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await type_filter(pilot, "critique")
        ranked = titles(screen)
        await pilot.press("enter", "j", "j")  # on the third result
        await pilot.pause()
        assert screen.current.paper.title == ranked[2]
        await pilot.press("slash", *"model")  # a new query (typing replaces the old one): its best match first
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.papers.cursor == 0 and screen.current.paper.title == titles(screen)[0]
        chosen = screen.current.id
        await pilot.press("enter", "escape")  # clearing the filter stays on that paper
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.filter_bar.value == "" and len(screen.papers) == 48
        assert screen.current.id == chosen


async def test_a_slow_filter_says_it_is_searching(sample_library, wait_for):
    """At 100,000 papers the first filter waits for the index (seconds): the counts line says so."""
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        release = threading.Event()
        search = screen.filter_bar._search

        def slow_search(text):
            release.wait(timeout=30)
            return search(text)

        screen.filter_bar._search = slow_search
        await pilot.press("slash", *"critique")
        await wait_for(pilot, lambda: "searching…" in counts_line(screen), what="the searching note")
        release.set()
        await wait_for(pilot, lambda: "showing" in counts_line(screen) and "searching" not in counts_line(screen))
