"""Text from outside is shown as text: never parsed as Rich/Textual markup anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Label
from textual.widgets._toast import Toast

from tui.app import PapershelfApp
from tui.screens.main import MainScreen
from tui.screens.tags import TagsScreen

HOSTILE = ["a[/]b", "[bold]x", "[@click=app.quit]x[/]"]
PAGE = "Mar 11\n\n" + "".join(
    f"{title}\n\nWe study how [red]{n}[/red] markup behaves in long abstracts. The code is at "
    f"https://example.org/[b]{n} and it works well in practice, as our experiments show.\n\n"
    for n, title in enumerate(HOSTILE)
)
SIZE = (120, 30)


@pytest.fixture
def hostile_library(empty_library):
    empty_library.import_text(PAGE, "hostile.txt")
    first = empty_library.entries()[0].id
    empty_library.set_tags(first, ["[i]tag"])
    empty_library.set_notes(first, "[/] note [bold]")
    return empty_library


def list_lines(screen: MainScreen) -> list[str]:
    return [screen.papers.render_line(y).text for y in range(len(screen.papers))]


async def test_titles_show_literally_in_the_list_and_detail(hostile_library):
    app = PapershelfApp(hostile_library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        lines = list_lines(screen)
        for line, title in zip(lines, HOSTILE):
            assert title in line
        assert "#[i]tag" in lines[0]
        for n, title in enumerate(HOSTILE):
            await pilot.press("g", *["j"] * n)
            await pilot.pause()
            shown = str(screen.detail.query_one("#detail-body").content)
            assert shown.startswith(title + "\n")
            assert f"how [red]{n}[/red] markup" in shown
        await pilot.press("g")
        await pilot.pause()
        assert screen.notes.text == "[/] note [bold]"
        assert app.is_running  # no [@click=app.quit] ran


async def test_a_filter_highlighting_a_hostile_title(hostile_library):
    app = PapershelfApp(hostile_library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("slash", *"bold")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "[bold]x" in list_lines(app.screen)[0]


async def test_dialogs_show_titles_and_links_literally(hostile_library, monkeypatch, wait_for):
    monkeypatch.setattr(PapershelfApp, "open_url", lambda self, url, new_tab=True: None)
    app = PapershelfApp(hostile_library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "j", "t")
        await pilot.pause()
        assert isinstance(app.screen, TagsScreen)
        assert str(app.screen.query_one("#tags-title", Label).content) == HOSTILE[2]
        await pilot.press("escape")
        await pilot.press("o")
        await pilot.pause()
        await wait_for(pilot, lambda: app.screen.query(Toast), what="the toast")
        toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
        assert any("https://example.org/[b]2" in text for text in toasts), toasts


async def test_a_hostile_file_name_in_the_import_toast(empty_library, tmp_path: Path, wait_for):
    page = tmp_path / "[bold]page[@click=app.quit].txt"
    page.write_text(PAGE, encoding="utf-8")
    app = PapershelfApp(empty_library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.screen.query_one(Input).value = str(page)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await wait_for(pilot, lambda: app.screen.query(Toast), what="the toast")
        toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
        assert any("[bold]page[@click=app.quit].txt" in text for text in toasts), toasts
        assert app.is_running
