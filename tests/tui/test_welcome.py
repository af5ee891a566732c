"""An empty library opens on the welcome screen, which imports a file or the clipboard."""

from __future__ import annotations

from pathlib import Path

import pyperclip
from textual.widgets import Input, Static

from tui.app import PapershelfApp
from tui.screens.main import MainScreen
from tui.screens.welcome import WelcomeScreen

SIZE = (100, 30)


def error_text(app: PapershelfApp) -> str:
    return str(app.screen.query_one("#welcome-error", Static).content)


async def wait_for_import(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_an_empty_library_shows_how_to_import(empty_library):
    app = PapershelfApp(empty_library)
    async with app.run_test(size=SIZE):
        assert isinstance(app.screen, WelcomeScreen)
        intro = str(app.screen.query_one("#welcome-intro", Static).content)
        assert "papershelf import page.txt" in intro
        assert isinstance(app.focused, Input)


async def test_importing_a_path_opens_the_list(empty_library, sample_path: Path):
    app = PapershelfApp(empty_library)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(Input).value = str(sample_path)
        await pilot.press("enter")
        await wait_for_import(pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen.papers) == 48
        assert len(empty_library) == 48
        assert any("48 papers (48 new" in n.message for n in app._notifications)


async def test_a_missing_file_is_reported_and_nothing_changes(empty_library, tmp_path: Path):
    app = PapershelfApp(empty_library)
    async with app.run_test(size=SIZE) as pilot:
        missing = tmp_path / "nope.txt"
        app.screen.query_one(Input).value = str(missing)
        await pilot.press("enter")
        await wait_for_import(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert str(missing) in error_text(app)
        assert len(empty_library) == 0


async def test_a_file_without_papers_is_reported(empty_library, tmp_path: Path):
    junk = tmp_path / "junk.txt"
    junk.write_text("")
    app = PapershelfApp(empty_library)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(Input).value = str(junk)
        await pilot.click("#welcome-import")
        await wait_for_import(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert "junk.txt" in error_text(app)
        assert len(empty_library) == 0


async def test_an_empty_path_asks_for_one(empty_library):
    app = PapershelfApp(empty_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert "path" in error_text(app)


async def test_pasting_the_page_from_the_clipboard(empty_library, sample_path: Path, monkeypatch):
    monkeypatch.setattr(pyperclip, "paste", lambda: sample_path.read_text(encoding="utf-8"))
    app = PapershelfApp(empty_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await wait_for_import(pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen.papers) == 48


async def test_the_clipboard_button(empty_library, sample_path: Path, monkeypatch):
    monkeypatch.setattr(pyperclip, "paste", lambda: sample_path.read_text(encoding="utf-8"))
    app = PapershelfApp(empty_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#welcome-clipboard")
        await wait_for_import(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_no_clipboard_is_explained(empty_library, monkeypatch):
    def unavailable() -> str:
        raise pyperclip.PyperclipException("no clipboard mechanism")

    monkeypatch.setattr(pyperclip, "paste", unavailable)
    app = PapershelfApp(empty_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await wait_for_import(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert "cannot read the clipboard" in error_text(app)


async def test_clipboard_text_that_is_not_a_page_is_reported(empty_library, monkeypatch):
    monkeypatch.setattr(pyperclip, "paste", lambda: "")
    app = PapershelfApp(empty_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await wait_for_import(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert "clipboard" in error_text(app)


async def test_an_import_from_another_terminal_leaves_the_welcome_screen(empty_library, sample_path, wait_for):
    from storage.library import Library

    app = PapershelfApp(empty_library)
    async with app.run_test(size=SIZE) as pilot:
        Library.open(empty_library.directory).import_file(sample_path)  # `papershelf import` elsewhere
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), what="the welcome poll")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(app.screen.papers) == 48
