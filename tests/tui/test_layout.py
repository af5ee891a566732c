"""Terminal sizes: wide side by side, narrow stacked, tiny list-only; nothing crashes."""

from __future__ import annotations

import pytest

from tui.screens.help import HelpScreen
from tui.screens.tags import TagsScreen
from tui.widgets.notes import NotesEditor


def visible(widget) -> bool:
    return widget.display and widget.parent.display and widget.region.area > 0


async def test_wide_terminal_shows_list_detail_and_notes_side_by_side(tui, sample_library):
    async with tui(sample_library, size=(140, 40)) as shelf:
        await shelf.pause()
        screen = shelf.app.screen
        assert all(visible(w) for w in (screen.papers, screen.detail, screen.notes))
        assert screen.papers.region.x < screen.detail.region.x
        assert screen.detail.region.y < screen.notes.region.y
        assert screen.papers.region.width >= 60


async def test_60_by_20_stacks_the_detail_under_a_full_width_list(tui, sample_library):
    async with tui(sample_library, size=(60, 20)) as shelf:
        await shelf.pause()
        screen = shelf.app.screen
        assert visible(screen.papers) and visible(screen.detail)
        assert not visible(screen.notes)
        assert screen.papers.region.width >= 55
        assert screen.papers.region.y < screen.detail.region.y
        assert screen.papers.region.height >= 5
        await shelf.press("n")
        await shelf.pause()
        assert isinstance(shelf.app.focused, NotesEditor) and visible(screen.notes)
        await shelf.press(*"small", "escape")
        await shelf.pause()
        assert not visible(screen.notes)
        assert sample_library.entries()[0].shelf.notes == "small"


@pytest.mark.parametrize("size", [(20, 8), (10, 4), (40, 10), (200, 12), (30, 60)])
async def test_tiny_terminals_do_not_crash(tui, sample_library, size):
    async with tui(sample_library, size=size) as shelf:
        await shelf.pause()
        await shelf.press("j", "G", "s", "space", "n")
        await shelf.pause()
        await shelf.press(*"x", "escape", "question_mark")
        await shelf.pause()
        assert isinstance(shelf.app.screen, HelpScreen)
        await shelf.press("escape", "t")
        await shelf.pause()
        assert isinstance(shelf.app.screen, TagsScreen)
        await shelf.press("escape", "slash", *"rl", "enter")
        await shelf.settle()
        assert shelf.app.is_running


async def test_tiny_and_narrow_shows_the_list_alone_and_the_notes_alone(tui, sample_library):
    async with tui(sample_library, size=(20, 8)) as shelf:
        await shelf.pause()
        screen = shelf.app.screen
        assert visible(screen.papers) and not visible(screen.detail)
        await shelf.press("n")
        await shelf.pause()
        assert visible(screen.notes) and not visible(screen.papers)
        await shelf.press("escape")
        await shelf.pause()
        assert visible(screen.papers)


async def test_resizing_moves_between_layouts(tui, sample_library):
    async with tui(sample_library, size=(140, 40)) as shelf:
        screen = shelf.app.screen
        for size in [(60, 20), (20, 8), (140, 40)]:
            await shelf.resize_terminal(*size)
            await shelf.pause()
            assert visible(screen.papers)
        assert visible(screen.notes) and screen.papers.region.x < screen.detail.region.x


async def test_the_cursor_stays_visible_after_shrinking(tui, sample_library):
    async with tui(sample_library, size=(120, 40)) as shelf:
        screen = shelf.app.screen
        for _ in range(30):
            await shelf.press("j")
        await shelf.resize_terminal(60, 12)
        await shelf.pause()
        top, height = round(screen.papers.scroll_y), screen.papers.scrollable_content_region.height
        assert top <= screen.papers.cursor < top + height


@pytest.mark.parametrize("size", [(120, 36), (60, 20), (20, 8)])
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_first_screen_is_styled_as_a_full_restyle_would_style_it(tui, sample_library, size, theme):
    """The main screen skips Textual's restyle on its first resume (startup time): what it
    shows must be what a restyle of every widget gives."""
    sample_library.set_setting("theme", theme)
    first = sample_library.entries()[0]
    sample_library.annotate([first.id], read=True, starred=True, add_tags=["rlhf"])
    async with tui(sample_library, size=size) as shelf:
        await shelf.pause()
        before = shelf.app.export_screenshot()
        shelf.app.screen.update_node_styles(animate=False)
        await shelf.pause()
        assert shelf.app.export_screenshot() == before
