"""The top line: the app's name and the counts (`1,078 papers · 12 read · 5 starred · showing 9`)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tui.render.counts import counts_text
from tui.widgets.component_style import foreground

NAME = "papershelf"
NAME_GAP = 2


class StatusLine(Widget):
    """The name on the left, the counts (or a problem) on the right. One widget drawing one
    line of text: it is part of every first frame, and a row of labels costs three widgets."""

    COMPONENT_CLASSES = {"status--name", "status--problem"}

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        background: $panel;
        color: $text;
        padding: 0 1;
        & > .status--name { color: $accent; text-style: bold; }
        & > .status--problem { color: $error; }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.message = ""  # what the right-hand side says, as plain text
        self.is_problem = False

    def show_counts(
        self, total: int, read: int, starred: int, showing: int | None = None, extras: Sequence[str] = ()
    ) -> None:
        self._show(counts_text(total, read, starred, showing, extras), problem=False)

    def show_problem(self, message: str) -> None:
        self._show(message, problem=True)

    def _show(self, message: str, problem: bool) -> None:
        if (message, problem) != (self.message, self.is_problem):
            self.message, self.is_problem = message, problem
            self.refresh()

    def render(self) -> Text:
        width = self.content_size.width
        name = Text(NAME, style=self._style("status--name"), end="")
        message = Text(self.message, style=self._style("status--problem") if self.is_problem else "", end="")
        message.truncate(max(0, width - len(NAME) - NAME_GAP), overflow="ellipsis")
        return Text.assemble(name, " " * max(NAME_GAP, width - len(NAME) - message.cell_len), message, no_wrap=True, end="")

    def _style(self, component: str) -> Style:
        return foreground(self, component, partial=True)
