"""The filter bar: results as you type, off the UI thread, newest query wins."""

from __future__ import annotations

import threading

from tui.screens.main import MainScreen
from tui.widgets.filter_bar import FilterBar
from tui.widgets.paper_list import PaperList


async def type_filter(pilot, text: str) -> None:
    await pilot.press("slash", *text)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def titles(screen: MainScreen) -> list[str]:
    return [entry.paper.title for entry in screen.papers.entries]


def counts_line(screen: MainScreen) -> str:
    return screen.status.message


async def test_typing_a_word_puts_matching_papers_first(tui, sample_library):
    async with tui(sample_library) as shelf:
        await type_filter(shelf, "critique")
        shown = titles(shelf.app.screen)
        assert shown, "nothing matched"
        assert "critique" in shown[0].lower()
        title_hits = [t for t in shown if "critique" in t.lower()]
        assert shown[: len(title_hits)] == title_hits  # title matches rank above abstract-only ones
        assert len(shown) < 48
        assert f"showing {len(shown)}" in counts_line(shelf.app.screen)


async def test_matched_words_are_highlighted_in_the_list(tui, sample_library):
    async with tui(sample_library) as shelf:
        await type_filter(shelf, "critique")
        await shelf.press("enter", "G")  # to the list; cursor off the first row
        await shelf.pause()
        papers = shelf.app.screen.papers
        underlined = "".join(seg.text for seg in papers.render_line(0) if seg.style and seg.style.underline)
        assert underlined.lower() == "critique"


async def test_field_tokens_filter(tui, sample_library):
    starred = [e.id for e in sample_library.entries()[3:6]]
    sample_library.set_starred(starred, True)
    sample_library.set_read([sample_library.entries()[0].id], True)
    async with tui(sample_library) as shelf:
        await type_filter(shelf, "is:starred")
        assert [e.id for e in shelf.app.screen.papers.entries] == starred
        assert "48 papers · 1 read · 3 starred · showing 3" in counts_line(shelf.app.screen)
        await shelf.press(*" -is:unread")
        await shelf.settle()
        assert shelf.app.screen.papers.entries == []
        assert shelf.app.screen.papers.highlighted is None


async def test_escape_clears_the_filter_and_shows_everything(tui, sample_library):
    async with tui(sample_library) as shelf:
        await type_filter(shelf, "critique")
        await shelf.press("escape")
        await shelf.settle()
        assert len(shelf.app.screen.papers) == 48
        assert isinstance(shelf.app.focused, PaperList)
        assert "showing" not in counts_line(shelf.app.screen)


async def test_enter_goes_to_the_results_and_escape_there_clears(tui, sample_library):
    async with tui(sample_library) as shelf:
        await type_filter(shelf, "critique")
        await shelf.press("enter")
        assert isinstance(shelf.app.focused, PaperList)
        assert shelf.app.screen.filter_bar.value == "critique"
        await shelf.press("j")  # moves within the results
        assert shelf.app.screen.papers.cursor == 1
        await shelf.press("escape")
        await shelf.settle()
        assert shelf.app.screen.filter_bar.value == ""
        assert len(shelf.app.screen.papers) == 48


async def test_a_toggle_while_a_filter_runs_is_not_undone_by_its_results(tui, sample_library):
    computed, release = threading.Event(), threading.Event()
    async with tui(sample_library) as shelf:
        bar = shelf.app.screen.filter_bar
        real_search = bar._search

        def stale_search(text: str, should_stop):
            matches = real_search(text, should_stop)  # computed before the toggle below...
            if text == "learning ":
                computed.set()
                release.wait(5)  # ...and delivered after it
            return matches

        await type_filter(shelf, "learning")
        bar._search = stale_search
        await shelf.press("space")  # typed: the query becomes "learning "
        assert computed.wait(5)
        await shelf.press("enter", "space")  # on the list now: toggles read
        pid = shelf.app.screen.papers.highlighted_id
        assert sample_library.entry(pid).shelf.read
        release.set()
        await shelf.settle()
        shown = {e.id: e for e in shelf.app.screen.papers.entries}
        assert bar.value == "learning "
        assert shown[pid].shelf.read


async def test_a_newer_keystroke_wins_over_an_older_slow_filter(tui, sample_library):
    release = threading.Event()
    async with tui(sample_library) as shelf:
        screen = shelf.app.screen
        bar = screen.filter_bar
        real_search = bar._search

        def slow_for_old_query(text: str, should_stop):
            if text == "x":
                release.wait(5)
            return real_search(text, should_stop)

        bar._search = slow_for_old_query
        await shelf.press("slash", "x")  # slow
        await shelf.pause()
        await shelf.press("backspace", *"critique")  # fast, newer
        await shelf.pause()
        release.set()
        await shelf.settle()
        assert bar.value == "critique"
        assert "critique" in titles(screen)[0].lower()


async def test_a_failing_search_is_reported_not_fatal(tui, sample_library):
    async with tui(sample_library) as shelf:
        bar: FilterBar = shelf.app.screen.filter_bar

        def broken(text: str, should_stop):
            raise ValueError("cannot search for that")

        bar._search = broken
        await type_filter(shelf, "x")
        assert "cannot search for that" in counts_line(shelf.app.screen)
        assert len(shelf.app.screen.papers) == 48
        assert bar.has_class("-invalid")


async def test_a_new_query_highlights_its_best_match_and_clearing_keeps_the_paper(tui, sample_library):
    async with tui(sample_library) as shelf:
        screen = shelf.app.screen
        await type_filter(shelf, "critique")
        ranked = titles(screen)
        await shelf.press("enter", "j", "j")  # on the third result
        await shelf.pause()
        assert screen.current.paper.title == ranked[2]
        await shelf.press("slash", *"model")  # a new query (typing replaces the old one): its best match first
        await shelf.settle()
        assert screen.papers.cursor == 0 and screen.current.paper.title == titles(screen)[0]
        chosen = screen.current.id
        await shelf.press("enter", "escape")  # clearing the filter stays on that paper
        await shelf.settle()
        assert screen.filter_bar.value == "" and len(screen.papers) == 48
        assert screen.current.id == chosen


async def test_a_slow_filter_says_it_is_searching(tui, sample_library, wait_for):
    """At 100,000 papers the first filter waits for the index (seconds): the counts line says so."""
    async with tui(sample_library) as shelf:
        screen = shelf.app.screen
        release = threading.Event()
        search = screen.filter_bar._search

        def slow_search(text, should_stop):
            release.wait(timeout=30)
            return search(text, should_stop)

        screen.filter_bar._search = slow_search
        await shelf.press("slash", *"critique")
        await wait_for(shelf, lambda: "searching…" in counts_line(screen), what="the searching note")
        release.set()
        await wait_for(shelf, lambda: "showing" in counts_line(screen) and "searching" not in counts_line(screen))


async def test_the_filter_waits_until_the_newest_answer_is_shown(tui, sample_library, wait_for):
    """What "searching…" goes by: the newest search's answer not on the screen yet. (It went by
    "a filter worker is running": one finishing just after its answer was shown, when the
    slow-filter timer fired, left "searching…" on the counts line until the next key.)"""
    async with tui(sample_library) as shelf:
        bar, screen = shelf.app.screen.filter_bar, shelf.app.screen
        await shelf.press("slash", *"critique")
        await wait_for(shelf, lambda: screen.session.query == "critique", what="the answer to critique shown")
        assert not bar.waiting()
        screen._still_filtering()  # (the slow-filter timer, as it fires)
        assert "searching" not in counts_line(screen)
        bar.refilter()  # (the library changed: the same query again)
        assert bar.waiting()
        await wait_for(shelf, lambda: not bar.waiting(), what="the new answer")


async def test_the_detail_waits_while_keys_keep_coming(tui, sample_library, monkeypatch, wait_for):
    """Keys that change the query but not the results still hold the detail back: its redraw
    would delay them. (Keys 0.1 s apart, for longer than the wait.)"""
    from tui.screens import main as main_screen

    monkeypatch.setattr(main_screen, "DETAIL_AFTER_TYPING", 1.0)  # (a wide margin for a slow machine)
    async with tui(sample_library) as shelf:
        main = shelf.main
        shown_before = main.detail.entry
        await type_filter(shelf, "critique")
        assert main.papers.highlighted_id != shown_before.id
        for key in ["space", "backspace"] * 7:  # 1.4 s of keys: the wait would have run out
            await shelf.pause(0.1)
            await shelf.press(key)
        assert main.detail.entry is shown_before
        await wait_for(shelf, lambda: main.detail.entry.id == main.papers.highlighted_id, what="the detail")


async def test_the_detail_follows_the_list_once_typing_pauses(tui, sample_library):
    """While a query is typed the detail pane waits for the keys to pause (tui/screens/main.py,
    DETAIL_AFTER_TYPING); then it shows the paper highlighted in the results."""
    async with tui(sample_library) as shelf:
        first_before = shelf.main.papers.entries[0].id
        await type_filter(shelf, "critique")
        main = shelf.main
        assert main.filter_bar.has_focus
        highlighted = main.papers.highlighted_id
        assert highlighted != first_before  # the results put another paper first
        for _ in range(200):  # (until its timer has run)
            if main.detail.entry is not None and main.detail.entry.id == highlighted:
                break
            await shelf.pause(0.01)
        assert main.detail.entry.id == highlighted
