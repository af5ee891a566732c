"""`y`: copy the highlighted paper as its title, a Markdown link or a BibTeX entry."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from storage import markdown_link, one_line, to_bibtex
from storage import Entry
from tui.platform.clipboard import copied_message, copy_text
from tui.session import shorten

TITLE_IN_TOAST = 60
PREVIEW = 200  # characters of each form shown in the menu (cut to the width there)


@dataclass(frozen=True)
class CopyChoice:
    """One way to copy a paper: its name in the menu and toast, and the text (empty: unavailable)."""

    name: str
    text: str
    why_not: str = ""


def copy_choices(entry: Entry) -> tuple[CopyChoice, ...]:
    return (
        CopyChoice("title", one_line(entry.paper.title)),
        CopyChoice("Markdown link", markdown_link(entry), "no web link"),
        CopyChoice("BibTeX entry", to_bibtex([entry])),
    )


async def copy_and_tell(app: App, text: str, what: str) -> None:
    """Copy, then say honestly where the text went (a toast, never markup)."""
    how = await copy_text(app, text)
    app.notify(copied_message(what, how), title="Clipboard", markup=False)


class CopyChooser(ModalScreen[None]):
    """Three ways to copy one paper; 1/2/3 or arrows and enter, esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="copy-cancel"),
        *(Binding(str(n), f"choose({n - 1})", show=False, id=f"copy-{n}") for n in range(1, 4)),
    ]

    DEFAULT_CSS = """
    CopyChooser { align: center middle; }
    CopyChooser > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    CopyChooser OptionList { height: auto; border: none; text-wrap: nowrap; text-overflow: ellipsis; }
    CopyChooser Label { width: 1fr; color: $text-muted; }
    CopyChooser #copy-title { color: $text; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, entry: Entry) -> None:
        super().__init__()
        self._entry = entry
        self._choices = copy_choices(entry)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(one_line(self._entry.paper.title)), id="copy-title")
            yield OptionList(*(self._option(n, choice) for n, choice in enumerate(self._choices, 1)))
            yield Label("enter copy · 1-3 pick · esc cancel")

    def on_mount(self) -> None:
        self.query_one(Vertical).border_title = "Copy as"

    @staticmethod
    def _option(number: int, choice: CopyChoice) -> Option:
        preview = one_line(choice.text) if choice.text else f"({choice.why_not})"
        prompt = Text(f"{number}  {choice.name:<14}", style="bold")
        prompt.append(preview[:PREVIEW], style="dim")
        return Option(prompt, disabled=not choice.text)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_choose(event.option_index)

    def action_choose(self, index: int) -> None:
        if not 0 <= index < len(self._choices) or not self._choices[index].text:
            return
        choice = self._choices[index]
        what = f"the {choice.name} of “{shorten(one_line(self._entry.paper.title), TITLE_IN_TOAST)}”"
        # The app runs the copy: this screen (and its workers) is gone once dismissed.
        self.app.run_worker(copy_and_tell(self.app, choice.text, what), group="clipboard")
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
