"""Terminal edge cases: shrinking to 1x1, 10x3 and 20x8 and back, with a dialog open and
while typing a note, raises nothing and keeps what was typed."""

from __future__ import annotations

from tui.screens.main import MainScreen

SIZES = [(1, 1), (10, 3), (20, 8), (120, 36)]


async def _resize_through_all(app, pilot) -> None:
    for width, height in SIZES:
        await pilot.resize_terminal(width, height)
        await pilot.pause()


async def test_resizing_with_the_tags_dialog_open_keeps_the_typing(tui, sample_library):
    async with tui(sample_library, size=(120, 36)) as shelf:
        await shelf.press("t", *"rl")
        dialog = shelf.app.screen
        await _resize_through_all(shelf.app, shelf)
        assert shelf.app.screen is dialog
        await shelf.press(*"hf", "enter")
        await shelf.pause()
        assert isinstance(shelf.app.screen, MainScreen)
        assert sample_library.entry(shelf.app.screen.current.id).shelf.tags == ("rlhf",)


async def test_resizing_while_typing_a_note_keeps_the_note(tui, sample_library):
    async with tui(sample_library, size=(120, 36)) as shelf:
        await shelf.press("n", *"tiny")
        await _resize_through_all(shelf.app, shelf)
        await shelf.press(*" screens", "escape")
        await shelf.pause()
        pid = shelf.app.screen.current.id
        await shelf.press("q")
    assert sample_library.entry(pid).shelf.notes == "tiny screens"
