"""Choosing which of a paper's links to open (labelled; title searches for a paper without any)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.paper_links import LinkChoice


class LinkChooser(ModalScreen[str | None]):
    """A short list of links; enter (or the link's number) opens it, esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="links-cancel"),
        *(Binding(str(n), f"choose({n - 1})", show=False, id=f"link-{n}") for n in range(1, 10)),
    ]

    DEFAULT_CSS = """
    LinkChooser { align: center middle; }
    LinkChooser > Vertical {
        width: auto; min-width: 40; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    LinkChooser OptionList { width: auto; max-width: 100%; height: auto; max-height: 12; border: none; text-wrap: nowrap; text-overflow: ellipsis; }
    LinkChooser Label { color: $text-muted; max-width: 100%; }
    """

    def __init__(self, choices: Sequence[LinkChoice], heading: str = "Open which link?") -> None:
        super().__init__()
        self._choices = tuple(choices)
        self._heading = heading

    def compose(self) -> ComposeResult:
        width = max((len(choice.label) for choice in self._choices), default=0)
        with Vertical():
            yield Label(self._heading, markup=False)
            yield OptionList(*(Option(_row(n, choice, width)) for n, choice in enumerate(self._choices, 1)))
            yield Label("enter open · 1-9 pick · esc cancel")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._choices[event.option_index].url)

    def action_choose(self, index: int) -> None:
        if 0 <= index < len(self._choices):
            self.dismiss(self._choices[index].url)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _row(number: int, choice: LinkChoice, width: int) -> Text:
    """`1  PDF             https://…`: text from outside, never markup; long links end in …"""
    text = Text(f"{number}  ", no_wrap=True, overflow="ellipsis", end="")
    text.append(f"{choice.label:<{width}}")
    text.append(f"  {choice.url}", style="dim")
    return text
