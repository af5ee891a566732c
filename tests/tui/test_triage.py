"""Triage at full speed, driven through Pilot on the sample library: undo / redo, selection and
bulk changes, read-and-next, saved filters, sorting, statistics and "more like this"."""

from __future__ import annotations

import io
import threading

import pytest
from rich.console import Console
from textual.widgets import Static

from storage.library import Library
from storage.search.sorting import DEFAULT_SORT, SORTS, next_sort
from tests.tui.pilot import SIZE
from tui.app import PapershelfApp
from tui.screens.confirm import ConfirmScreen
from tui.screens.main import MainScreen
from tui.screens.save_filter import SaveFilterScreen
from tui.screens.stats import StatsScreen
from tui.screens.tags import TagsScreen
from tui.screens.palette import SavedFilterCommands
from tui.session import SAVED_FILTERS_SETTING, SORT_SETTING
from tui.widgets.filter_bar import FilterBar
from tui.widgets.notes import NotesEditor


def main_screen(app: PapershelfApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


def selected_ids(app: PapershelfApp) -> list[str]:
    """The selection, listed papers first (what a bulk change applies to)."""
    screen = main_screen(app)
    return screen.session.selected_ids(screen.papers.entries)


def counts_line(app: PapershelfApp) -> str:
    return main_screen(app).status.message


def toasts(app: PapershelfApp) -> list[str]:
    return [n.message for n in app._notifications]


async def settle(app: PapershelfApp, pilot) -> None:
    """Let the filter worker finish and its results reach the list."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def open_app(library: Library) -> PapershelfApp:
    """The app on a fresh Library object, as `papershelf` opens it: the test's setup is on
    disk but not in the session's undo history."""
    return PapershelfApp(Library.open(library.directory))


def shown_text(static: Static, width: int = 100) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(static.content)
    return console.export_text()


def on_disk(library: Library, pid: str):
    return Library.open(library.directory).entry(pid).shelf


# --- undo / redo ------------------------------------------------------------------------------


async def test_u_undoes_read_and_ctrl_r_redoes_it(tui, sample_library):
    async with tui(sample_library, fresh=True) as shelf:
        pid = shelf.main.current.id
        await shelf.press("space", "u")
        await shelf.settle()
        assert not on_disk(sample_library, pid).read
        assert not shelf.main.current.shelf.read
        assert "0 read" in shelf.counts
        assert shelf.toasts[-1] == "Undid: marked read"
        await shelf.press("ctrl+r")
        await shelf.settle()
        assert on_disk(sample_library, pid).read
        assert shelf.main.current.shelf.read
        assert "1 read" in shelf.counts
        assert shelf.toasts[-1] == "Redid: marked read"


async def test_undo_star_and_undo_with_nothing_left(tui, sample_library):
    async with tui(sample_library, fresh=True) as shelf:
        pid = shelf.main.current.id
        await shelf.press("s", "u")
        await shelf.settle()
        assert not on_disk(sample_library, pid).starred
        assert shelf.toasts[-1] == "Undid: starred"
        await shelf.press("u")
        assert shelf.toasts[-1] == "Nothing to undo"


async def test_undo_tags(tui, sample_library):
    async with tui(sample_library, fresh=True) as shelf:
        pid = shelf.main.current.id
        await shelf.press("t", *"rlhf", "enter")
        await shelf.pause()
        assert shelf.app.library.entry(pid).shelf.tags == ("rlhf",)
        await shelf.press("u")
        await shelf.settle()
        assert on_disk(sample_library, pid).tags == ()
        assert shelf.main.current.shelf.tags == ()


async def test_undo_goes_back_to_the_paper_it_changed(tui, sample_library):
    async with tui(sample_library, fresh=True) as shelf:
        first = shelf.main.current.id
        await shelf.press("x")  # read, and on to the next paper
        assert shelf.main.current.id != first
        await shelf.press("u")
        await shelf.settle()
        assert shelf.main.current.id == first
        assert not shelf.main.current.shelf.read


async def test_undo_of_a_note_restores_the_old_note_in_the_editor(tui, sample_library):
    pid = sample_library.entries()[0].id
    sample_library.set_notes(pid, "before")
    async with tui(sample_library, fresh=True) as shelf:
        await shelf.press("n")
        await shelf.pause()
        await shelf.press(*" and after", "escape")
        assert shelf.app.library.entry(pid).shelf.notes == "before and after"
        await shelf.press("u")
        await shelf.settle()
        assert on_disk(sample_library, pid).notes == "before"
        assert shelf.main.notes.text == "before"


async def test_undo_saves_a_pending_note_first_so_the_undo_covers_it(sample_library):
    app = open_app(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        pid = screen.current.id
        await pilot.press("s", "n")
        await pilot.pause()
        await pilot.press(*"typed")
        assert isinstance(app.focused, NotesEditor) and screen.notes.is_dirty  # not saved yet
        screen.action_undo()  # what the palette's Undo does while the note is pending
        await settle(app, pilot)
        shelf = on_disk(sample_library, pid)
        assert shelf.notes == ""  # the note was saved, then undone...
        assert shelf.starred  # ...and the star before it was left alone
        assert toasts(app)[-1] == "Undid: note edited"


# --- selection and bulk changes ------------------------------------------------------------------


async def test_v_selects_and_moves_down_and_the_counts_show_the_selection(tui, sample_library):
    async with tui(sample_library, fresh=True) as shelf:
        ids = shelf.listed
        await shelf.press("v", "v", "v")
        screen = shelf.main
        assert selected_ids(shelf.app) == ids[:3]
        assert screen.papers.cursor == 3
        assert "· 3 selected" in shelf.counts
        await shelf.press("k", "v")  # toggles the third one off again
        assert selected_ids(shelf.app) == ids[:2]


async def test_bulk_read_of_a_small_selection_is_one_undo_step(tui, sample_library):
    async with tui(sample_library, fresh=True) as shelf:
        ids = shelf.listed
        await shelf.press("v", "v", "v", "r")
        assert not isinstance(shelf.app.screen, ConfirmScreen)  # 3 papers: no question
        assert [on_disk(sample_library, pid).read for pid in ids[:4]] == [True, True, True, False]
        assert "3 read" in shelf.counts
        await shelf.press("r")  # all read already: the toggle marks them unread
        assert not any(shelf.app.library.entry(pid).shelf.read for pid in ids[:3])
        await shelf.press("u")
        await shelf.settle()
        assert all(on_disk(sample_library, pid).read for pid in ids[:3])
        await shelf.press("u")
        await shelf.settle()
        assert not any(on_disk(sample_library, pid).read for pid in ids[:3])


@pytest.mark.parametrize("yes", ["y", "enter"])
async def test_bulk_star_of_many_asks_first_and_is_one_undo_step(tui, sample_library, yes):
    async with tui(sample_library, fresh=True) as shelf:
        await shelf.press("V", "s")
        await shelf.pause()
        assert isinstance(shelf.app.screen, ConfirmScreen)
        assert shelf.app.screen.question == "Star 48 papers?"
        await shelf.press(yes)
        await shelf.pause()
        assert isinstance(shelf.app.screen, MainScreen)
        assert Library.open(sample_library.directory).counts().starred == 48
        assert shelf.toasts[-1] == "Starred 48 papers (u undoes)"
        await shelf.press("u")
        await shelf.settle()
        assert Library.open(sample_library.directory).counts().starred == 0
        assert "0 starred" in shelf.counts


@pytest.mark.parametrize("no", ["n", "escape"])
async def test_cancelling_a_bulk_change_changes_nothing(tui, sample_library, no):
    async with tui(sample_library, fresh=True) as shelf:
        before = Library.open(sample_library.directory).entries()
        await shelf.press("j", "V", "r")
        await shelf.pause()
        assert isinstance(shelf.app.screen, ConfirmScreen)
        await shelf.press(no)
        await shelf.pause()
        assert isinstance(shelf.app.screen, MainScreen)
        assert [e.shelf for e in Library.open(sample_library.directory).entries()] == [e.shelf for e in before]
        assert len(selected_ids(shelf.app)) == 48  # the selection is still there


async def test_t_with_a_selection_adds_tags_to_every_selected_paper(tui, sample_library):
    first, second = (e.id for e in sample_library.entries()[:2])
    sample_library.set_tags(first, ["keep"])
    async with tui(sample_library, fresh=True) as shelf:
        await shelf.press("v", "v", "t")
        await shelf.pause()
        assert isinstance(shelf.app.screen, TagsScreen)
        await shelf.press(*"rlhf, agents", "enter")
        await shelf.pause()
        assert on_disk(sample_library, first).tags == ("keep", "rlhf", "agents")
        assert on_disk(sample_library, second).tags == ("rlhf", "agents")
        await shelf.press("u")
        await shelf.settle()
        assert on_disk(sample_library, first).tags == ("keep",)
        assert on_disk(sample_library, second).tags == ()


async def test_escape_clears_the_selection_before_the_filter(tui, sample_library):
    async with tui(sample_library, fresh=True) as shelf:
        await shelf.press("slash", *"critique", "enter")
        await shelf.settle()
        shown = shelf.listed
        await shelf.press("V")
        assert selected_ids(shelf.app) == shown
        await shelf.press("escape")
        assert selected_ids(shelf.app) == []
        assert shelf.main.filter_bar.value == "critique"
        await shelf.press("escape")
        assert shelf.main.filter_bar.value == ""


async def test_capital_v_again_unselects_the_listed_papers(tui, sample_library):
    async with tui(sample_library, fresh=True) as shelf:
        await shelf.press("V")
        assert len(selected_ids(shelf.app)) == 48
        await shelf.press("V")
        assert selected_ids(shelf.app) == []
        assert "selected" not in shelf.counts


async def test_selected_ids_keeps_papers_hidden_by_the_filter(tui, sample_library):
    async with tui(sample_library, fresh=True) as shelf:
        first = shelf.listed[0]
        await shelf.press("v", "slash", *"critique", "enter")
        await shelf.settle()
        await shelf.press("v")
        shown = shelf.listed[0]
        assert selected_ids(shelf.app) == [shown, first]  # listed first, then the rest


# --- triage: read and move on ----------------------------------------------------------------


async def test_x_marks_read_and_jumps_to_the_next_unread_paper(tui, sample_library):
    ids = [e.id for e in sample_library.entries()]
    sample_library.set_read([ids[1], ids[2]])
    async with tui(sample_library, fresh=True) as shelf:
        await shelf.press("x")
        assert on_disk(sample_library, ids[0]).read
        assert shelf.main.current.id == ids[3]  # the read ones are skipped


async def test_x_wraps_to_the_top_and_says_when_nothing_is_left(tui, sample_library):
    ids = [e.id for e in sample_library.entries()]
    sample_library.set_read(ids[1:-1])
    async with tui(sample_library, fresh=True) as shelf:
        await shelf.press("G", "x")
        assert shelf.main.current.id == ids[0]  # wrapped
        await shelf.press("x")
        assert Library.open(sample_library.directory).counts().read == 48
        assert shelf.toasts[-1] == "That was the last unread paper in the list"


async def test_capital_x_stars_reads_and_moves_on_as_one_undo_step(sample_library):
    ids = [e.id for e in sample_library.entries()]
    app = open_app(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("X")
        shelf = on_disk(sample_library, ids[0])
        assert shelf.read and shelf.starred
        assert main_screen(app).current.id == ids[1]
        await pilot.press("u")
        await settle(app, pilot)
        shelf = on_disk(sample_library, ids[0])
        assert not shelf.read and not shelf.starred


async def test_brackets_jump_to_the_next_and_previous_unread_paper(tui, sample_library):
    ids = [e.id for e in sample_library.entries()]
    sample_library.set_read(ids[1:5] + ids[6:-1])  # unread: 0, 5 and the last
    async with tui(sample_library, fresh=True) as shelf:
        screen = shelf.main
        await shelf.press("right_square_bracket")
        assert screen.current.id == ids[5]
        await shelf.press("right_square_bracket")
        assert screen.current.id == ids[-1]
        await shelf.press("right_square_bracket")
        assert screen.current.id == ids[0]  # wrapped
        await shelf.press("left_square_bracket")
        assert screen.current.id == ids[-1]
        await shelf.press("left_square_bracket")
        assert screen.current.id == ids[5]
        assert not any(on_disk(sample_library, pid).read for pid in (ids[0], ids[5], ids[-1]))  # only moved


async def test_triage_keys_type_text_in_the_filter_and_the_notes(tui, sample_library):
    async with tui(sample_library, fresh=True) as shelf:
        pid = shelf.main.current.id
        await shelf.press("slash", *"x]1uVSm")
        assert isinstance(shelf.app.focused, FilterBar)
        assert shelf.app.focused.value == "x]1uVSm"
        await shelf.press("escape", "n")
        await shelf.pause()
        await shelf.press(*"X[2vI", "escape")
        assert shelf.app.library.entry(pid).shelf.notes == "X[2vI"
        assert not shelf.app.library.entry(pid).shelf.read
        assert shelf.app.library.get_setting(SAVED_FILTERS_SETTING) is None
        assert shelf.app.library.get_setting(SORT_SETTING) is None


# --- saved filters ------------------------------------------------------------------------------


async def test_ctrl_s_then_a_digit_saves_the_filter_and_the_digit_recalls_it(tui, sample_library):
    async with tui(sample_library, fresh=True) as shelf:
        await shelf.press("slash", *"is:unread critique", "ctrl+s")
        await shelf.pause()
        assert isinstance(shelf.app.screen, SaveFilterScreen)
        await shelf.press("3")
        await shelf.pause()
        assert shelf.app.library.get_setting(SAVED_FILTERS_SETTING) == {"3": "is:unread critique"}
        await shelf.settle()
        expected = shelf.listed
        await shelf.press("escape", "escape")  # leave the filter bar, clear the filter
        await shelf.settle()
        assert len(shelf.listed) == 48
        await shelf.press("3")
        await shelf.settle()
        assert shelf.main.filter_bar.value == "is:unread critique"
        assert shelf.listed == expected
        assert shelf.toasts[-1] == "Filter 3: is:unread critique"
        await shelf.press("4")
        assert shelf.toasts[-1].startswith("No filter saved under 4")


async def test_saved_filters_survive_a_restart(sample_library):
    app = open_app(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"is:starred tag:rlhf", "ctrl+s")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
    reopened = Library.open(sample_library.directory)
    app = PapershelfApp(reopened)
    async with app.run_test(size=SIZE) as pilot:
        assert main_screen(app).filter_bar.value == ""
        await pilot.press("1")
        await settle(app, pilot)
        assert main_screen(app).filter_bar.value == "is:starred tag:rlhf"


async def test_escape_in_the_save_dialog_saves_nothing(tui, sample_library):
    async with tui(sample_library, fresh=True) as shelf:
        await shelf.press("slash", *"rlhf", "ctrl+s")
        await shelf.pause()
        await shelf.press("escape")
        await shelf.pause()
        assert isinstance(shelf.app.screen, MainScreen)
        assert shelf.app.library.get_setting(SAVED_FILTERS_SETTING) is None


async def test_saved_filters_are_in_the_command_palette(tui, sample_library):
    sample_library.set_setting(SAVED_FILTERS_SETTING, {"1": "is:starred tag:rlhf", "7": "critique"})
    async with tui(sample_library, fresh=True) as shelf:
        provider = SavedFilterCommands(shelf.app.screen)
        hits = [hit async for hit in provider.discover()]
        assert [hit.text for hit in hits] == ["Filter 1: is:starred tag:rlhf", "Filter 7: critique"]
        await shelf.press("ctrl+p")
        await shelf.pause()
        await shelf.press(*"Filter 7")
        await shelf.settle()
        await shelf.press("enter")
        await shelf.settle()
        assert shelf.main.filter_bar.value == "critique"


# --- sorting ----------------------------------------------------------------------------------


async def test_capital_s_cycles_the_sort_keeps_the_cursor_and_persists(sample_library):
    ids = [e.id for e in sample_library.entries()]
    app = open_app(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j")
        order = DEFAULT_SORT
        while order != "title":
            await pilot.press("S")
            order = next_sort(order)
        await settle(app, pilot)
        assert app.library.get_setting(SORT_SETTING) == "title"
        titles = [e.paper.title.casefold() for e in main_screen(app).papers.entries]
        assert titles == sorted(titles)
        assert main_screen(app).current.id == ids[3]  # same paper, elsewhere in the list
        assert f"sorted: {SORTS['title']}" in counts_line(app)
    app = PapershelfApp(Library.open(sample_library.directory))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = [e.paper.title.casefold() for e in main_screen(app).papers.entries]
        assert titles == sorted(titles)
        assert main_screen(app).current.id == ids[3]  # the saved cursor, in the saved order


async def test_the_sort_applies_to_the_filtered_list(tui, sample_library):
    ids = [e.id for e in sample_library.entries()]
    sample_library.set_starred([ids[40], ids[45]])
    sample_library.set_setting(SORT_SETTING, "starred")
    async with tui(sample_library, fresh=True) as shelf:
        await shelf.press("slash", *"is:unread", "enter")
        await shelf.settle()
        assert shelf.listed[:2] == [ids[40], ids[45]]
        assert len(shelf.listed) == 48


# --- statistics --------------------------------------------------------------------------------


async def test_the_stats_screen_counts_the_library(tui, sample_library, fixed_clock):
    ids = [e.id for e in sample_library.entries()]
    sample_library.set_read(ids[:3])
    sample_library.set_starred(ids[5:7])
    sample_library.add_tags(ids[:2], ["rlhf"])
    sample_library.set_notes(ids[9], "a note")
    async with tui(sample_library, fresh=True) as shelf:
        await shelf.press("I")
        await shelf.settle()
        screen = shelf.app.screen
        assert isinstance(screen, StatsScreen)
        assert (screen.stats.total, screen.stats.read, screen.stats.starred) == (48, 3, 2)
        body = shown_text(screen.query_one("#stats-body", Static))
        assert "48 · 3 read · 2 starred · 1 with notes" in body
        assert "6%" in body  # 3 of 48
        assert "rlhf" in body and "Mar 11" in body
        assert screen.stats.read_per_day[-1][1] == 3  # read today, by the library's clock
        await shelf.press("escape")
        assert isinstance(shelf.app.screen, MainScreen)
        await shelf.press("I")
        await shelf.settle()
        await shelf.press("q")
        assert isinstance(shelf.app.screen, MainScreen)


async def test_the_stats_screen_scrolls_at_60_by_20(tui, sample_library):
    ids = [e.id for e in sample_library.entries()]
    for n in range(12):
        sample_library.add_tags(ids[: n + 1], [f"tag{n}"])
    for day in range(12, 18):  # more page dates: one row each
        sample_library.import_text(f"Mar {day}\n\nA Paper Seen On March {day}\n\nIts abstract.\n", "page.txt")
    async with tui(sample_library, fresh=True, size=(60, 20)) as shelf:
        await shelf.press("I")
        await shelf.settle()
        scroll = shelf.app.screen.query_one("#stats-scroll")
        assert scroll.max_scroll_y > 0
        await shelf.press("end")
        await shelf.pause()
        assert scroll.scroll_y == scroll.max_scroll_y


# --- more like this ------------------------------------------------------------------------------


async def test_m_shows_similar_papers_with_scores_and_escape_goes_back(tui, sample_library):
    async with tui(sample_library, fresh=True) as shelf:
        await shelf.press("slash", *"reinforcement", "enter")
        await shelf.settle()
        screen = shelf.main
        paper = screen.current
        await shelf.press("m")
        await shelf.settle()
        expected = shelf.app.library.similar(paper.id, 30)
        assert screen.filter_bar.value == f"like:{paper.id}"
        assert shelf.listed == [m.entry.id for m in expected]
        assert screen.papers.scores == {m.entry.id: m.score for m in expected}
        assert screen.current.id == expected[0].entry.id  # the most alike first
        assert f"like «{paper.paper.title[:20]}" in shelf.counts
        await shelf.press("escape")
        await shelf.settle()
        assert screen.filter_bar.value == "reinforcement"
        assert not screen.papers.scores


async def test_like_ignores_the_sort_order_and_a_bad_id_says_so(tui, sample_library):
    sample_library.set_setting(SORT_SETTING, "title")
    async with tui(sample_library, fresh=True) as shelf:
        await shelf.settle()
        pid = shelf.main.current.id
        await shelf.press("m")
        await shelf.settle()
        assert shelf.listed == [m.entry.id for m in shelf.app.library.similar(pid, 30)]
        await shelf.press("slash", "ctrl+u", *"like:zzzzzzzz", "enter")
        await shelf.settle()
        assert "zzzzzzzz" in shelf.counts  # the problem is shown where the counts were


async def test_a_slow_more_like_this_says_it_is_working(tui, sample_library, monkeypatch, wait_for):
    release = threading.Event()
    similar = Library.similar

    def slow_similar(self, pid, limit=20):
        release.wait(timeout=30)  # held until the toast has been seen
        return similar(self, pid, limit)

    monkeypatch.setattr(Library, "similar", slow_similar)
    async with tui(sample_library, fresh=True) as shelf:
        title = shelf.main.current.paper.title
        await shelf.press("m")
        try:
            await wait_for(shelf, lambda: any(t.startswith("Finding papers like «") for t in shelf.toasts), what="toast")
        finally:
            release.set()
        assert title[:20] in shelf.toasts[-1]
        await shelf.settle()
        assert shelf.main.papers.scores
