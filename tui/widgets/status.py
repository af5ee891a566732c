"""The top line: the app's name and the counts (`78 papers · 12 read · 5 starred · showing 9`)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label


def counts_text(total: int, read: int, starred: int, showing: int | None, extras: Sequence[str] = ()) -> str:
    """`extras`: what else the reader should see at a glance (selection, sort order)."""
    parts = [f"{total} paper{'s' if total != 1 else ''}", f"{read} read", f"{starred} starred"]
    if showing is not None:
        parts.append(f"showing {showing}")
    return " · ".join([*parts, *extras])


class StatusLine(Horizontal):
    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        background: $panel;
        padding: 0 1;
        #status-name { color: $accent; text-style: bold; width: auto; margin-right: 2; }
        #status-counts { width: 1fr; text-align: right; color: $text; }
        #status-counts.-problem { color: $error; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("papershelf", id="status-name")
        yield Label("", id="status-counts")

    def show_counts(
        self, total: int, read: int, starred: int, showing: int | None = None, extras: Sequence[str] = ()
    ) -> None:
        label = self.query_one("#status-counts", Label)
        label.remove_class("-problem")
        text = counts_text(total, read, starred, showing, extras)
        label.update(Text(text, no_wrap=True, overflow="ellipsis"))

    def show_problem(self, message: str) -> None:
        label = self.query_one("#status-counts", Label)
        label.add_class("-problem")
        label.update(Text(message, no_wrap=True, overflow="ellipsis"))
