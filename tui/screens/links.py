"""Choosing which of a paper's links to open."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


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
    LinkChooser OptionList { height: auto; max-height: 12; border: none; }
    LinkChooser Label { color: $text-muted; }
    """

    def __init__(self, links: Sequence[str]) -> None:
        super().__init__()
        self._links = tuple(links)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Open which link?")
            yield OptionList(
                *(Option(Text(f"{n}  {url}", no_wrap=True, overflow="ellipsis")) for n, url in enumerate(self._links, 1))
            )
            yield Label("enter open · 1-9 pick · esc cancel")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._links[event.option_index])

    def action_choose(self, index: int) -> None:
        if 0 <= index < len(self._links):
            self.dismiss(self._links[index])

    def action_cancel(self) -> None:
        self.dismiss(None)
