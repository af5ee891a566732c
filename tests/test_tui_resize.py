"""Terminal edge cases: shrinking to 1x1, 10x3 and 20x8 and back, with a dialog open and
while typing a note, raises nothing and keeps what was typed."""

from __future__ import annotations

from tui.app import PapershelfApp
from tui.screens.main import MainScreen

SIZES = [(1, 1), (10, 3), (20, 8), (120, 36)]


async def _resize_through_all(app, pilot) -> None:
    for width, height in SIZES:
        await pilot.resize_terminal(width, height)
        await pilot.pause()


async def test_resizing_with_the_tags_dialog_open_keeps_the_typing(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t", *"rl")
        dialog = app.screen
        await _resize_through_all(app, pilot)
        assert app.screen is dialog
        await pilot.press(*"hf", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert sample_library.entry(app.screen.current.id).shelf.tags == ("rlhf",)


async def test_resizing_while_typing_a_note_keeps_the_note(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", *"tiny")
        await _resize_through_all(app, pilot)
        await pilot.press(*" screens", "escape")
        await pilot.pause()
        pid = app.screen.current.id
        await pilot.press("q")
    assert sample_library.entry(pid).shelf.notes == "tiny screens"
