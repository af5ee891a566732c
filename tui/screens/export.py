"""`e`: the export dialog. Format, which papers, and where: a file (never overwritten without
asking, never inside the library) or the clipboard. The work runs off the UI thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from storage import PapershelfError
from storage import FORMATS, export
from storage import Library
from storage import Entry
from storage import write_new_file
from storage import clean_line
from tui.platform.clipboard import copied_message, copy_text
from tui.render.counts import papers

FORMAT_NAMES = {"md": "Markdown", "bib": "BibTeX", "csv": "CSV", "json": "JSON"}
EXTENSIONS = {fmt: f".{fmt}" for fmt in FORMATS}
DEFAULT_STEM = "~/papershelf-reading-list"


@dataclass(frozen=True)
class ExportScope:
    """Which papers: a name for the dialog, a heading for the Markdown list, and how to get
    them (called in a worker thread)."""

    key: str
    label: str
    heading: str
    entries: Callable[[], Sequence[Entry]]


def export_scopes(library: Library, query: str, shown: Sequence[str], chosen: Set[str]) -> list[ExportScope]:
    """The scopes to offer, the likeliest first (the dialog's default): the selection (`chosen`)
    and the filter (`query`, listing `shown`) only when there are."""
    counts = library.counts()
    query = clean_line(query)
    order = () if query else shown  # the list's sort order, when it lists everything
    scopes = []
    if chosen:
        pick = partial(_all_in_order, library, order, lambda entry: entry.id in chosen)
        scopes.append(ExportScope("selection", f"Selection ({len(chosen):,})", "selected papers", pick))
    if query:
        listed = partial(_in_order, library, shown)
        scopes.append(ExportScope("filter", f"Current filter: {query} ({len(shown):,})", query, listed))
    everything = partial(_all_in_order, library, order, lambda entry: True)
    scopes.append(ExportScope("all", f"All ({counts.total:,})", "all papers", everything))
    starred = partial(_all_in_order, library, order, lambda entry: entry.shelf.starred)
    scopes.append(ExportScope("starred", f"Starred ({counts.starred:,})", "starred papers", starred))
    return scopes


def _in_order(library: Library, ids: Sequence[str]) -> list[Entry]:
    """The listed papers as the library holds them now (a note typed a moment ago included)."""
    library.wait_for_abstracts()
    newest = {entry.id: entry for entry in library.entries()}
    return [newest[pid] for pid in ids if pid in newest]


def _all_in_order(library: Library, order: Sequence[str], keep: Callable[[Entry], bool]) -> list[Entry]:
    """The papers `keep` accepts, in `order` (the list as sorted on screen) where that holds
    every paper, else in the library's own order."""
    library.wait_for_abstracts()
    entries = list(library.entries())
    if len(order) == len(entries):
        newest = {entry.id: entry for entry in entries}
        ordered = [newest[pid] for pid in order if pid in newest]
        entries = ordered if len(ordered) == len(entries) else entries
    return [entry for entry in entries if keep(entry)]


def with_extension(path: str, fmt: str) -> str:
    """The path with the format's extension, if it had another export format's extension."""
    for extension in EXTENSIONS.values():
        if path.endswith(extension):
            return path[: -len(extension)] + EXTENSIONS[fmt]
    return path


def needs_overwrite(path: Path, library_dir: Path) -> bool:
    """An existing file the user may replace (the library's own files are refused later)."""
    target = path.expanduser().resolve()
    return target.is_file() and not target.is_relative_to(library_dir.resolve())


class ConfirmOverwrite(ModalScreen[bool]):
    """"File exists: overwrite?" — y replaces it; n, esc or enter (on the focused Keep) keep it."""

    BINDINGS = [
        Binding("y", "answer(True)", "Overwrite", id="overwrite-yes"),
        Binding("n,escape", "answer(False)", "Keep", id="overwrite-no"),
    ]

    DEFAULT_CSS = """
    ConfirmOverwrite { align: center middle; }
    ConfirmOverwrite > Vertical {
        width: 64; max-width: 100%; height: auto;
        border: round $warning; background: $surface; padding: 0 1;
    }
    ConfirmOverwrite Horizontal { height: auto; margin-top: 1; }
    ConfirmOverwrite Button { margin-right: 2; }
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"{self._path} already exists. Overwrite it?"))
            with Horizontal():
                yield Button("Overwrite (y)", variant="warning", id="overwrite-yes")
                yield Button("Keep it (n)", id="overwrite-no")

    def on_mount(self) -> None:
        self.query_one(Vertical).border_title = "Overwrite?"
        self.query_one("#overwrite-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "overwrite-yes")

    def action_answer(self, overwrite: bool) -> None:
        self.dismiss(overwrite)


class ExportScreen(ModalScreen[None]):
    """Export a reading list: `ExportScreen(library, export_scopes(...))`."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export-cancel")]

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > VerticalScroll {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ExportScreen #export-choices { height: auto; }
    ExportScreen #export-choices > Vertical { width: 1fr; height: auto; }
    ExportScreen RadioSet { width: 1fr; }
    ExportScreen .export-heading { color: $text-muted; margin-top: 1; }
    ExportScreen #export-message { height: auto; min-height: 1; color: $error; }
    ExportScreen #export-message.-working { color: $text-muted; }
    ExportScreen #export-buttons { height: auto; }
    ExportScreen #export-buttons Button { margin-right: 1; }
    ExportScreen #export-keys { color: $text-muted; }
    """

    def __init__(self, library: Library, scopes: Sequence[ExportScope]) -> None:
        super().__init__()
        self.library = library
        self.scopes = tuple(scopes)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="export-dialog"):
            with Horizontal(id="export-choices"):
                with Vertical():
                    yield Label("Format", classes="export-heading")
                    with RadioSet(id="export-format"):
                        for n, fmt in enumerate(FORMATS):
                            yield RadioButton(FORMAT_NAMES[fmt], value=n == 0)
                with Vertical():
                    yield Label("Papers", classes="export-heading")
                    with RadioSet(id="export-scope"):
                        for n, scope in enumerate(self.scopes):
                            yield RadioButton(Text(scope.label), value=n == 0)
            yield Label("File", classes="export-heading")
            yield Input(DEFAULT_STEM + EXTENSIONS[FORMATS[0]], id="export-path", select_on_focus=False)
            yield Static("", id="export-message")
            with Horizontal(id="export-buttons"):
                yield Button("Write file", variant="primary", id="export-write")
                yield Button("Copy to clipboard", id="export-copy")
                yield Button("Cancel", id="export-cancel")
            yield Label("tab next · arrows/space choose · enter write · esc cancel", id="export-keys")

    def on_mount(self) -> None:
        self.query_one("#export-dialog").border_title = "Export reading list"
        self.query_one("#export-format", RadioSet).focus()

    # --- what the user chose ----------------------------------------------------------------

    @property
    def format(self) -> str:
        return FORMATS[max(0, self.query_one("#export-format", RadioSet).pressed_index)]

    @property
    def scope(self) -> ExportScope:
        return self.scopes[max(0, self.query_one("#export-scope", RadioSet).pressed_index)]

    @property
    def path_input(self) -> Input:
        return self.query_one("#export-path", Input)

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self) -> None:
        self.path_input.value = with_extension(self.path_input.value, self.format)

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-write")
    def _write_pressed(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        path = self.path_input.value.strip()
        if not path:
            self.show_message("Give a file name to write to.")
            self.path_input.focus()
            return
        self.export_to_file(self.format, self.scope, Path(path))

    @on(Button.Pressed, "#export-copy")
    def _copy_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.export_to_clipboard(self.format, self.scope)

    @on(Button.Pressed, "#export-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    # --- the work (workers: the UI keeps running) ---------------------------------------------

    @work(exclusive=True, group="export")
    async def export_to_file(self, fmt: str, scope: ExportScope, path: Path) -> None:
        with self.working("Exporting…"):
            try:
                done = await self._write_file(fmt, scope, path)
            except (PapershelfError, OSError) as error:
                self.show_message(str(error))
                return
        self.app.notify(done, markup=False)
        self.dismiss(None)

    async def _write_file(self, fmt: str, scope: ExportScope, path: Path) -> str:
        entries, text = await asyncio.to_thread(render, fmt, scope)
        force = await asyncio.to_thread(needs_overwrite, path, self.library.directory)
        if force and not await self.app.push_screen_wait(ConfirmOverwrite(path)):
            raise PapershelfError(f"Not written: {path} already exists and was kept.")
        target = await asyncio.to_thread(write_new_file, path, text, force, self.library.directory)
        return f"Wrote {papers(len(entries))} as {FORMAT_NAMES[fmt]} to {target}"

    @work(exclusive=True, group="export")
    async def export_to_clipboard(self, fmt: str, scope: ExportScope) -> None:
        with self.working("Copying…"):
            try:
                entries, text = await asyncio.to_thread(render, fmt, scope)
            except PapershelfError as error:
                self.show_message(str(error))
                return
            how = await copy_text(self.app, text)
        what = f"{papers(len(entries))} as {FORMAT_NAMES[fmt]}"
        self.app.notify(copied_message(what, how), title="Clipboard", markup=False)
        self.dismiss(None)

    def show_message(self, message: str) -> None:
        """A problem, shown in the dialog (never as markup) until the next try."""
        self.query_one("#export-message", Static).update(Text(message))

    @contextmanager
    def working(self, message: str) -> Iterator[None]:
        """While an export runs the buttons are off and the dialog says what it does."""
        self.show_message(message)
        self._set_busy(True)
        try:
            yield
        finally:
            self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        for button in self.query(Button):
            button.disabled = busy and button.id != "export-cancel"
        self.query_one("#export-message").set_class(busy, "-working")


def render(fmt: str, scope: ExportScope) -> tuple[Sequence[Entry], str]:
    """The scope's papers and their text in `fmt` (runs in a worker thread)."""
    entries = scope.entries()
    if not entries:
        raise PapershelfError(f"Nothing to export: no papers in “{scope.label}”.")
    return entries, export(entries, fmt, scope.heading)
