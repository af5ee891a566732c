"""The key bar at the bottom: the keys that work now, one line, each clickable."""

from __future__ import annotations

from tui.app import PapershelfApp
from tui.screens.help import HelpScreen
from tui.widgets.key_bar import KeyBar


async def test_it_lists_the_shown_keys_and_a_click_presses_one(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        line = bar.render().plain
        for label in ("/ Filter", "space Read", "s Star", "? Help", "q Quit", "^p palette"):
            assert label in line, line
        start = line.index("? Help")
        await pilot.click(KeyBar, offset=(start + 2, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_a_narrow_terminal_keeps_help_and_quit(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=(50, 20)) as pilot:
        await pilot.pause()
        line = app.screen.query_one(KeyBar).render().plain
        assert "? Help" in line and "q Quit" in line and len(line) <= 50
        assert "e Export" not in line


async def test_typing_in_the_filter_hides_the_letter_keys(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        line = app.screen.query_one(KeyBar).render().plain
        assert "esc Back" in line and "s Star" not in line


async def test_a_tiny_terminal_shows_help_and_quit_before_the_palette(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=(20, 8)) as pilot:
        await pilot.pause()
        line = app.screen.query_one(KeyBar).render().plain
        assert "? Help" in line and "q Quit" in line and "palette" not in line
