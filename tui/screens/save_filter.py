"""ctrl+s, then a digit: keep the current filter under that digit (the digit alone recalls it)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from tui.session import SLOTS


class SaveFilterScreen(ModalScreen[str | None]):
    """Shows the saved filters; dismisses with the digit pressed, or None on esc."""

    BINDINGS = [
        *(Binding(slot, f"choose('{slot}')", slot, show=False, id=f"save-filter-{slot}") for slot in SLOTS),
        Binding("escape", "choose(None)", "Cancel", id="save-filter-cancel"),
    ]

    DEFAULT_CSS = """
    SaveFilterScreen { align: center middle; }
    SaveFilterScreen > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    SaveFilterScreen Label { width: 1fr; }
    SaveFilterScreen #save-filter-keys { color: $text-muted; margin-top: 1; }
    SaveFilterScreen .save-filter-slot { color: $text-muted; }
    """

    def __init__(self, text: str, saved: dict[str, str]) -> None:
        super().__init__()
        self.text = text.strip()
        self.saved = saved

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Save filter"
            if self.text:
                yield Label(Text.assemble("Save ", (self.text, "bold"), " under which digit?"))
            else:
                yield Label("The filter is empty: a digit forgets the filter saved under it.")
            for slot, text in self.saved.items():
                yield Label(Text(f"  {slot}  {text}", no_wrap=True, overflow="ellipsis"), classes="save-filter-slot")
            yield Label("1-9 / 0: save · esc: cancel · later, the digit alone recalls it", id="save-filter-keys")

    def action_choose(self, slot: str | None) -> None:
        self.dismiss(slot)
