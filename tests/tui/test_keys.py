"""Every key of the main screen, driven through Pilot on the sample library."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest

from storage.library import Library
from tests.tui.pilot import SIZE
from tui.app import PapershelfApp
from tui.actions import ACTIONS
from tui.screens.help import HelpScreen, help_lines
from tui.screens.links import LinkChooser
from tui.screens.main import MainScreen
from tui.screens.tags import TagsScreen
from tui.widgets.detail import DetailView
from tui.widgets.filter_bar import FilterBar
from tui.widgets.notes import NotesEditor
from tui.widgets.paper_list import PaperList


def main_screen(app: PapershelfApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


def current(app: PapershelfApp):
    return main_screen(app).papers.highlighted


def detail_text(app: PapershelfApp) -> str:
    return str(app.screen.query_one(DetailView).describe(current(app)))


async def test_movement_keys(tui, sample_library):
    async with tui(sample_library) as shelf:
        papers = shelf.main.papers
        entries = sample_library.entries()
        assert papers.highlighted_id == entries[0].id
        await shelf.press("j", "j", "down")
        assert papers.cursor == 3
        await shelf.press("k", "up")
        assert papers.cursor == 1
        await shelf.press("G")
        assert papers.highlighted_id == entries[-1].id
        await shelf.press("g")
        assert papers.cursor == 0
        await shelf.press("end")
        assert papers.cursor == len(entries) - 1
        await shelf.press("home", "pagedown")
        assert papers.cursor > 10
        await shelf.press("pageup")
        assert papers.cursor == 0


async def test_the_detail_pane_follows_the_cursor(tui, sample_library):
    async with tui(sample_library) as shelf:
        await shelf.press("j")
        await shelf.pause()
        second = sample_library.entries()[1]
        shown = shelf.app.screen.query_one(DetailView)
        assert shown.entry.id == second.id
        assert second.paper.title in str(shown.describe(second))
        assert second.paper.abstract[:60] in str(shown.describe(second))


@pytest.mark.parametrize("key", ["space", "r"])
async def test_read_toggle_is_saved_at_once(tui, sample_library, key):
    async with tui(sample_library) as shelf:
        pid = current(shelf.app).id
        await shelf.press(key)
        assert sample_library.entry(pid).shelf.read
        assert Library.open(sample_library.directory).entry(pid).shelf.read  # on disk already
        assert current(shelf.app).shelf.read
        assert "read" in detail_text(shelf.app).splitlines()[2]
        await shelf.press(key)
        assert not Library.open(sample_library.directory).entry(pid).shelf.read


async def test_star_toggle_and_counts(tui, sample_library):
    async with tui(sample_library) as shelf:
        await shelf.press("j", "s")
        pid = current(shelf.app).id
        assert Library.open(sample_library.directory).entry(pid).shelf.starred
        await shelf.pause()
        counts = shelf.counts
        assert "48 papers · 0 read · 1 starred" in counts
        await shelf.press("s")
        assert not sample_library.entry(pid).shelf.starred


async def test_tags_dialog_saves_tags_and_completes_known_ones(tui, sample_library):
    sample_library.set_tags(sample_library.entries()[5].id, ["reinforcement", "agents"])
    async with tui(sample_library) as shelf:
        pid = current(shelf.app).id
        await shelf.press("t")
        assert isinstance(shelf.app.screen, TagsScreen)
        await shelf.press(*"rlhf, rei")
        await shelf.pause()
        await shelf.press("right")  # accept the suggestion
        await shelf.press("enter")
        await shelf.pause()
        assert isinstance(shelf.app.screen, MainScreen)
        assert sample_library.entry(pid).shelf.tags == ("rlhf", "reinforcement")
        assert "#rlhf #reinforcement" in detail_text(shelf.app)


async def test_tags_dialog_escape_changes_nothing(tui, sample_library):
    async with tui(sample_library) as shelf:
        pid = current(shelf.app).id
        await shelf.press("t", *"nope", "escape")
        await shelf.pause()
        assert isinstance(shelf.app.screen, MainScreen)
        assert sample_library.entry(pid).shelf.tags == ()


async def test_slash_focuses_the_filter_and_escape_goes_back(tui, sample_library):
    async with tui(sample_library) as shelf:
        await shelf.press("slash")
        assert isinstance(shelf.app.focused, FilterBar)
        await shelf.press("k")  # typed into the filter, not a movement
        assert shelf.app.focused.value == "k"
        await shelf.settle()
        assert shelf.main.papers.cursor == 0  # on the best match of "k"
        await shelf.press("escape")
        assert isinstance(shelf.app.focused, PaperList)
        assert shelf.main.filter_bar.value == ""


async def test_n_focuses_the_notes_and_typing_saves_them(tui, sample_library, wait_for):
    async with tui(sample_library) as shelf:
        pid = current(shelf.app).id
        await shelf.press("n")
        await shelf.pause()
        assert isinstance(shelf.app.focused, NotesEditor)
        await shelf.press(*"good q", "enter", "j")  # q and j are text here
        await wait_for(shelf, lambda: sample_library.entry(pid).shelf.notes == "good q\nj", what="debounced save")
        assert Library.open(sample_library.directory).entry(pid).shelf.notes == "good q\nj"
        await shelf.press("escape")
        assert isinstance(shelf.app.focused, PaperList)


async def test_notes_are_saved_when_leaving_the_pane(tui, sample_library):
    async with tui(sample_library) as shelf:
        pid = current(shelf.app).id
        await shelf.press("n")
        await shelf.pause()
        await shelf.press(*"abc", "escape")  # before the debounce fires
        assert sample_library.entry(pid).shelf.notes == "abc"


async def test_switching_papers_fast_keeps_each_note_with_its_paper(tui, sample_library):
    async with tui(sample_library) as shelf:
        ids = [e.id for e in sample_library.entries()[:3]]
        for letter in "xyz":
            await shelf.press("n")
            await shelf.pause()
            await shelf.press(letter, "escape", "j")
        assert [sample_library.entry(pid).shelf.notes for pid in ids] == ["x", "y", "z"]


async def test_quit_saves_the_note_being_typed(tui, sample_library):
    async with tui(sample_library) as shelf:
        pid = current(shelf.app).id
        await shelf.press("n")
        await shelf.pause()
        await shelf.press(*"unsaved")
        await shelf.app.action_quit()  # what q, ctrl+q and the palette's Quit do
    assert Library.open(sample_library.directory).entry(pid).shelf.notes == "unsaved"


async def test_q_quits(tui, sample_library):
    async with tui(sample_library) as shelf:
        await shelf.press("q")
        await shelf.pause()
    assert shelf.app.return_code == 0
    assert not shelf.app.is_running


async def test_capital_n_edits_the_note_in_the_editor(tui, sample_library, monkeypatch, tmp_path: Path):
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\np = sys.argv[1]\nopen(p, 'a').write('from the editor\\n')\n")
    monkeypatch.setenv("VISUAL", f"{sys.executable} {editor}")
    monkeypatch.setattr(PapershelfApp, "suspend", lambda self: contextlib.nullcontext())
    first = sample_library.entries()[0].id
    sample_library.set_notes(first, "mine")
    async with tui(sample_library) as shelf:
        await shelf.press("N")
        await shelf.pause()
        assert sample_library.entry(first).shelf.notes == "minefrom the editor"
        assert shelf.main.notes.text == "minefrom the editor"


async def test_capital_n_without_an_editor_says_why(tui, sample_library, monkeypatch):
    monkeypatch.setenv("VISUAL", "/nonexistent/editor")
    monkeypatch.setattr(PapershelfApp, "suspend", lambda self: contextlib.nullcontext())
    async with tui(sample_library) as shelf:
        await shelf.press("N")
        await shelf.pause()
        messages = shelf.toasts
        assert any("could not run /nonexistent/editor" in m for m in messages)
        assert sample_library.entries()[0].shelf.notes == ""


async def test_o_opens_the_only_link(tui, sample_library, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(PapershelfApp, "open_url", lambda self, url, new_tab=True: opened.append(url))
    async with tui(sample_library) as shelf:
        await shelf.press("o")
        await shelf.pause()
    assert opened == ["https://github.com/tidal-agents/tidal"]


async def test_o_with_several_links_asks_which(tui, empty_library, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(PapershelfApp, "open_url", lambda self, url, new_tab=True: opened.append(url))
    page = (
        "Mar 11\n\nTwo Links Paper\n\nCode at https://example.org/code and a project page "
        "https://example.org/project for this.\n"
    )
    empty_library.import_text(page, "page.txt")
    async with tui(empty_library) as shelf:
        await shelf.press("o")
        await shelf.pause()
        assert isinstance(shelf.app.screen, LinkChooser)
        await shelf.press("2")
        await shelf.pause()
        assert isinstance(shelf.app.screen, MainScreen)
        for keys in (["down", "enter"], ["escape"], ["enter"]):
            await shelf.press("o")
            await shelf.pause()
            await shelf.press(*keys)
            await shelf.pause()
    assert opened == ["https://example.org/project", "https://example.org/project", "https://example.org/code"]


async def test_o_without_links_offers_title_searches(tui, empty_library, monkeypatch):
    monkeypatch.delenv("PAPERSHELF_HF_URL")  # the default site (a browser would open it: captured here)
    opened: list[str] = []
    monkeypatch.setattr(PapershelfApp, "open_url", lambda self, url, new_tab=True: opened.append(url))
    empty_library.import_text("Mar 11\n\nNo Links Here\n\nJust an abstract.\n", "page.txt")
    async with tui(empty_library) as shelf:
        await shelf.press("o")
        await shelf.pause()
        assert isinstance(shelf.app.screen, LinkChooser)
        await shelf.press("2")
        await shelf.pause()
    assert opened == ["https://huggingface.co/papers?q=No+Links+Here"]


async def test_question_mark_shows_every_key(tui, sample_library):
    async with tui(sample_library) as shelf:
        await shelf.press("question_mark")
        await shelf.pause()
        assert isinstance(shelf.app.screen, HelpScreen)
        shown = help_lines(shelf.app.screen)
        for action in ACTIONS:
            assert f"{action.key_labels()}  {action.help}" in shown
        await shelf.press("escape")
        assert isinstance(shelf.app.screen, MainScreen)


async def test_every_action_is_in_the_command_palette(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE):
        commands = {command.title: command.help for command in app.get_system_commands(app.screen)}
        for action in ACTIONS:
            if action.action == "quit":
                assert "q" in commands["Save and quit"]
            elif action.action == "submit_filter":  # only while the filter has the focus
                assert action.help not in commands
            else:
                assert commands[action.help] == f"keys: {action.key_labels()}"


async def test_typing_keys_leave_the_footer_while_typing_but_not_the_palette(tui, sample_library):
    async with tui(sample_library) as shelf:
        screen = shelf.main
        assert screen.check_action("toggle_read", ()) is True
        await shelf.press("slash")
        assert screen.check_action("toggle_read", ()) is False
        assert screen.check_action("cursor_down", ()) is True  # down still moves the list
        titles = {command.title for command in shelf.app.get_system_commands(screen)}
        assert "Mark the paper read / unread" in titles


async def test_a_palette_command_runs_its_action(tui, sample_library):
    async with tui(sample_library) as shelf:
        pid = current(shelf.app).id
        await shelf.press("ctrl+p")
        await shelf.pause()
        await shelf.press(*"Star / unstar")
        await shelf.settle()
        await shelf.press("enter")
        await shelf.pause()
        assert sample_library.entry(pid).shelf.starred


async def test_n_continues_an_existing_note_at_its_end(tui, sample_library):
    first = sample_library.entries()[0].id
    sample_library.set_notes(first, "line one\nline two")
    async with tui(sample_library) as shelf:
        await shelf.press("n")
        await shelf.pause()
        await shelf.press(*" more", "escape")
        assert sample_library.entry(first).shelf.notes == "line one\nline two more"


def _burst(app: PapershelfApp, keys: str) -> None:
    """Queue keys all at once, as a terminal delivers them while the app is busy."""
    from textual import events

    names = {"/": "slash", "\r": "enter", " ": "space", "\x1b": "escape"}
    for char in keys:
        event = events.Key(names.get(char, char), char)
        event.set_sender(app)
        app._driver.send_message(event)  # as the terminal's reader does; Pilot waits between keys


async def test_keys_typed_in_a_burst_reach_the_widget_they_were_typed_for(tui, sample_library, wait_for):
    async with tui(sample_library) as shelf:
        await shelf.pause()
        screen = shelf.main
        _burst(shelf.app, "/crit\rjs")  # filter, enter goes to the results, star the second result
        await wait_for(shelf, lambda: screen.filter_bar.value == "crit" and screen.focused is screen.papers)
        await shelf.settle()
        results = screen.papers.entries
        assert results[0].paper.title.startswith("Teaching Language Models to Critique")
        assert [e.id for e in sample_library.entries() if e.shelf.starred] == [results[1].id]
        assert not any(e.shelf.read for e in sample_library.entries())  # the "r" of "crit" was typed
        assert isinstance(shelf.app.screen, MainScreen)  # and its "t" opened no tags dialog

        current, below = screen.current.id, results[2].id
        _burst(shelf.app, "ngreat\x1bjs")  # a note on this paper, back to the list, star the next
        await wait_for(shelf, lambda: sample_library.entry(below).shelf.starred, what="the star")
        assert sample_library.entry(current).shelf.notes == "great"
        assert isinstance(shelf.app.screen, MainScreen) and screen.focused is screen.papers
        assert not any(e.shelf.read for e in sample_library.entries())


async def test_keys_sent_to_the_list_before_n_act_first_in_order(tui, sample_library, wait_for):
    """"jsn…" in one burst from a terminal: j and s are sent to the list as they arrive, then n,
    a priority binding, acts at once. It must wait for them: the star on the second paper, and
    the note too (not on the first, where the cursor was when n arrived; not s dropped as a
    letter typed in the notes). Pilot's keys do not race like a terminal's, so the race is set
    up as it happens: the keys queued at the list, then n's action before the list has run."""
    from textual import events

    async with tui(sample_library) as shelf:
        await shelf.pause()
        screen = shelf.main
        second = screen.papers.entries[1].id
        for char in "js":
            key = events.Key(char, char)
            key.set_sender(shelf.app)
            screen.papers.post_message(key)
        await screen.run_action("focus_notes")
        assert screen.current.id == second and screen.focused is screen.notes
        await shelf.press("h", "i", "escape")
        await wait_for(shelf, lambda: sample_library.entry(second).shelf.notes == "hi", what=f"the note ({sample_library.entry(second).shelf.notes!r}, {screen.notes.text!r})")
        assert sample_library.entry(second).shelf.starred
        assert [e.id for e in sample_library.entries() if e.shelf.notes or e.shelf.starred] == [second]


async def test_n_and_a_note_typed_in_a_burst_behind_enter_in_the_filter(tui, sample_library, wait_for):
    """"/crit⏎nabc" at once: every key after "/" is sent to the filter as it arrives; n and
    "abc" reach it after enter took the focus to the list, and go on in order: n opens the
    notes of the best match, "abc" is typed there."""
    async with tui(sample_library) as shelf:
        await shelf.pause()
        screen = shelf.main
        _burst(shelf.app, "/crit\rnabc")
        await wait_for(shelf, lambda: screen.focused is screen.notes and screen.notes.text == "abc", what="the note")
        best = screen.papers.entries[0]
        assert screen.current.id == best.id and best.paper.title.startswith("Teaching Language Models to Critique")
        await shelf.press("escape")
        await wait_for(shelf, lambda: sample_library.entry(best.id).shelf.notes == "abc", what="the note saved")
        assert not any(e.shelf.read or e.shelf.starred for e in sample_library.entries())


@pytest.fixture
def editor_held_back(monkeypatch):
    """The notes editor is swapped in a frame after the first; hold it back, so that keys
    meet the preview it replaces (what a fast typist or a slow machine can hit)."""
    monkeypatch.setattr(MainScreen, "_start_notes_editor", lambda screen: None)


async def test_n_typed_before_the_notes_editor_is_mounted_waits_for_it(tui, sample_library, wait_for, editor_held_back):
    from tui.widgets.notes_preview import NotesPreview

    async with tui(sample_library) as shelf:
        await shelf.pause()
        screen = shelf.main
        assert isinstance(screen.notes, NotesPreview)
        second = screen.papers.entries[1].id
        _burst(shelf.app, "jnhello\x1b")
        await wait_for(shelf, lambda: sample_library.entry(second).shelf.notes == "hello", what="the note")
        assert isinstance(screen.notes, NotesEditor) and not screen.query(NotesPreview)
        assert [e.id for e in sample_library.entries() if e.shelf.notes] == [second]


async def test_the_notes_preview_shows_the_note_and_hands_its_paper_to_the_editor(tui, sample_library, editor_held_back):
    from tui.widgets.notes_preview import PLACEHOLDER, NotesPreview

    second = sample_library.entries()[1].id
    sample_library.set_notes(second, "[b]kept[/b] 📚")
    async with tui(sample_library) as shelf:
        await shelf.pause()
        screen = shelf.main
        preview = screen.notes
        assert isinstance(preview, NotesPreview) and str(preview.content) == PLACEHOLDER
        await shelf.press("j")
        await shelf.pause()
        assert str(preview.content) == "[b]kept[/b] 📚" and preview.paper_id == second
        region = preview.region
        await screen._notes_editor()
        await shelf.pause()
        editor = screen.notes
        assert isinstance(editor, NotesEditor) and editor.display and not preview.is_attached
        assert (editor.paper_id, editor.text, editor.region) == (second, "[b]kept[/b] 📚", region)


async def test_quitting_before_the_notes_editor_is_mounted_keeps_everything(tui, sample_library, editor_held_back):
    async with tui(sample_library) as shelf:
        await shelf.pause()
        await shelf.press("s", "q")
        await shelf.pause()
    assert shelf.app.return_code in (None, 0)
    assert sample_library.entries()[0].shelf.starred


async def test_keys_typed_while_papershelf_starts_act_in_order_once_the_list_is_there(sample_library, wait_for, monkeypatch):
    """Keys typed ahead (or sent with the command) reach the app before its main screen is
    mounted: they wait for it, then act in the order typed. They used to crash the app (n
    met a detail pane not yet composed) or act on the wrong paper."""
    started = PapershelfApp.on_mount

    def typed_ahead(app: PapershelfApp) -> None:
        started(app)
        _burst(app, "jsnearly 📚\x1b")

    monkeypatch.setattr(PapershelfApp, "on_mount", typed_ahead)
    second = sample_library.entries()[1].id
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: sample_library.entry(second).shelf.notes == "early 📚", what="the note")
        assert sample_library.entry(second).shelf.starred
        assert [e.id for e in sample_library.entries() if e.shelf.notes or e.shelf.starred] == [second]
        assert main_screen(app).focused is main_screen(app).papers
