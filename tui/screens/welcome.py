"""The first screen of an empty library: how to import, a path to import, the clipboard, or a
throwaway demo library to try papershelf on."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from storage import PapershelfError
from storage import ImportResult, Library
from tui.platform.clipboard import read_clipboard
from tui.widgets.key_bar import KeyBar

POLL_INTERVAL = 2.0
DEMO_PAPERS = 300
INTRO = (
    "Your library is empty. Import a saved \"trending papers\" page, a BibTeX file or a "
    "papershelf JSON export: type its path below and press enter, paste a page from the "
    "clipboard (f2), or from a shell:  papershelf import page.txt\n\n"
    f"No page at hand? f3 opens a throwaway demo library of {DEMO_PAPERS} made-up papers "
    "(deleted when you quit; yours stays empty)."
)


class WelcomeScreen(Screen):
    """Shown instead of empty panes; switches to the main screen once papers arrive."""

    BINDINGS = [
        Binding("f2", "import_clipboard", "Paste from clipboard", id="welcome-paste"),
        Binding("f3", "demo", "Try a demo", id="welcome-demo"),
        Binding("escape", "app.quit", "Quit", id="welcome-quit"),
    ]

    DEFAULT_CSS = """
    WelcomeScreen { align: center middle; }
    WelcomeScreen #welcome {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 1 2; background: $surface;
    }
    WelcomeScreen #welcome-title { text-style: bold; color: $accent; margin-bottom: 1; }
    WelcomeScreen #welcome-intro { margin-bottom: 1; }
    WelcomeScreen #welcome-buttons { height: auto; margin-top: 1; }
    WelcomeScreen #welcome-buttons Button { margin-right: 2; }
    WelcomeScreen #welcome-error { color: $error; margin-top: 1; display: none; }
    WelcomeScreen #welcome-error.-shown { display: block; }
    """

    def __init__(self, library: Library, on_imported: Callable[[], None]) -> None:
        super().__init__()
        self.library = library
        self._on_imported = on_imported
        self._left = False

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome"):
            yield Static("Welcome to papershelf", id="welcome-title")
            yield Static(Text(INTRO), id="welcome-intro")
            yield Input(placeholder="path to a page, .bib or .json file", id="welcome-path")
            with Horizontal(id="welcome-buttons"):
                yield Button("Import file", id="welcome-import", variant="primary")
                yield Button("Paste from clipboard (f2)", id="welcome-clipboard")
                yield Button("Try a demo (f3)", id="welcome-demo")
            yield Static("", id="welcome-error")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#welcome-path", Input).focus()
        self.set_interval(POLL_INTERVAL, self._check_library, name="welcome-poll")

    def _check_library(self) -> None:
        """Papers imported from a shell (`papershelf import`) while this screen is open."""
        try:
            self.library.refresh()
        except PapershelfError as error:
            self._show_error(str(error))
            return
        if len(self.library):
            self._leave()

    def _leave(self) -> None:
        if not self._left:
            self._left = True
            self._on_imported()

    @on(Input.Submitted, "#welcome-path")
    @on(Button.Pressed, "#welcome-import")
    def import_path(self) -> None:
        path = self.query_one("#welcome-path", Input).value.strip()
        if not path:
            self._show_error("Type the path of a file to import first.")
            return
        self._run_import(lambda: self.library.import_file(Path(path).expanduser()))

    @on(Button.Pressed, "#welcome-clipboard")
    def action_import_clipboard(self) -> None:
        def from_clipboard() -> ImportResult:
            return self.library.import_text(read_clipboard(), "clipboard")

        self._run_import(from_clipboard)

    @on(Button.Pressed, "#welcome-demo")
    def action_demo(self) -> None:
        self._open_demo()

    @work(thread=True, exclusive=True, group="import")
    def _open_demo(self) -> None:
        """Made-up papers in a temporary library (the reader's own is not touched)."""
        from storage import generate

        folder = tempfile.TemporaryDirectory(prefix="papershelf-demo-")
        try:
            demo = Library.open(folder.name)
            demo.import_papers(generate(DEMO_PAPERS), "demo")
        except (PapershelfError, OSError) as error:
            folder.cleanup()
            self.app.call_from_thread(self._show_error, _describe(error))
            return
        self.app.call_from_thread(self._show_demo, demo, folder)

    def _show_demo(self, demo: Library, folder: tempfile.TemporaryDirectory) -> None:
        from tui.screens.main import MainScreen

        self._left = True  # (papers imported into the reader's library meanwhile wait for the next start)
        self.app.switch_screen(MainScreen(demo, demo_folder=folder))

    @work(thread=True, exclusive=True, group="import")
    def _run_import(self, do_import: Callable[[], ImportResult]) -> None:
        try:
            result = do_import()
        except (PapershelfError, OSError) as error:
            self.app.call_from_thread(self._show_error, _describe(error))
            return
        self.app.call_from_thread(self._imported, result)

    def _imported(self, result: ImportResult) -> None:
        if not result.total:
            self._show_error(f"{result.source}: no papers found")
            return
        self.notify(result.summary(), title="Imported", markup=False)
        self._leave()

    def _show_error(self, message: str) -> None:
        error = self.query_one("#welcome-error", Static)
        error.update(Text(message))
        error.add_class("-shown")


def _describe(error: Exception) -> str:
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or error}"
    return str(error)
