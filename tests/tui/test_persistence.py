"""What a session does is there in the next one: a new app on the same library directory."""

from __future__ import annotations

from storage.library import Library
from tests.tui.pilot import SIZE
from tui.app import PapershelfApp
from tui.screens.main import MainScreen


async def test_annotations_and_cursor_survive_a_restart(sample_library, wait_for):
    directory = sample_library.directory
    entries = sample_library.entries()
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "space", "s", "t")
        await pilot.pause()
        await pilot.press(*"rlhf, agents", "enter")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"read section 3")
        await pilot.press("escape", "j", "j", "j")
        await pilot.press("q")
        await pilot.pause()

    reopened = Library.open(directory)
    third = reopened.entry(entries[2].id).shelf
    assert (third.read, third.starred, third.tags, third.notes) == (True, True, ("rlhf", "agents"), "read section 3")
    assert reopened.get_setting("cursor") == entries[5].id

    app = PapershelfApp(reopened)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.papers.highlighted_id == entries[5].id
        await pilot.press("k", "k", "k")
        await pilot.pause()
        assert screen.papers.highlighted.shelf.tags == ("rlhf", "agents")
        assert screen.notes.text == "read section 3"
        assert "#rlhf #agents" in str(screen.detail.describe(screen.papers.highlighted))


async def test_the_cursor_is_saved_after_moving_without_quitting(tui, sample_library, wait_for):
    target = sample_library.entries()[4].id
    async with tui(sample_library) as shelf:
        await shelf.press("j", "j", "j", "j")
        await wait_for(
            shelf,
            lambda: Library.open(sample_library.directory).get_setting("cursor") == target,
            what="the debounced cursor save",
        )


async def test_a_cursor_on_a_paper_that_is_gone_starts_at_the_top(tui, sample_library):
    sample_library.set_setting("cursor", "no-such-paper")
    async with tui(sample_library) as shelf:
        await shelf.pause()
        assert shelf.app.screen.papers.cursor == 0


async def test_changes_from_another_process_appear(tui, sample_library, wait_for):
    first = sample_library.entries()[0]
    async with tui(sample_library) as shelf:
        screen = shelf.app.screen
        other = Library.open(sample_library.directory)  # e.g. `papershelf mark` in another terminal
        other.set_starred([first.id], True)
        other.set_notes(first.id, "written elsewhere")
        other.import_text("Mar 12\n\nA Paper Added Elsewhere\n\nIts abstract.\n", "later.txt")
        await wait_for(shelf, lambda: len(screen.papers) == 49, what="the refresh poll")
        await wait_for(shelf, lambda: screen.papers.entries[0].shelf.starred, what="the star")
        assert screen.notes.text == "written elsewhere"
        assert screen.papers.entries[-1].paper.title == "A Paper Added Elsewhere"
        assert "49 papers" in screen.status.message


async def test_a_note_being_edited_is_not_overwritten_by_a_refresh(tui, sample_library, wait_for):
    first = sample_library.entries()[0]
    async with tui(sample_library) as shelf:
        screen = shelf.app.screen
        await shelf.press("n")
        await shelf.pause()
        await shelf.press(*"mine")
        Library.open(sample_library.directory).set_starred([first.id], True)
        await wait_for(shelf, lambda: screen.papers.entries[0].shelf.starred, what="the refresh")
        assert screen.notes.text == "mine"
        await shelf.press("escape")
        assert sample_library.entry(first.id).shelf.notes == "mine"
        assert sample_library.entry(first.id).shelf.starred


async def test_the_theme_is_remembered(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await pilot.pause()
    app = PapershelfApp(Library.open(sample_library.directory))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
