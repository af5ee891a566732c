"""The notes pane of the first frame, until the editor is mounted a moment later.

Importing, styling and drawing Textual's TextArea costs ~5 ms, a tenth of papershelf's own
share of its startup. So the first frame shows this read-only stand-in, drawn alike, and the
main screen swaps the NotesEditor in right after (MainScreen._notes_editor). Nobody can type
into it: `n` waits for the editor.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from storage import Entry

PLACEHOLDER = "Notes: press n to write, esc to go back. Saved as you type."


class NotesPreview(Static):
    """Shows the note of the paper it was last given; the editor takes that paper over."""

    DEFAULT_CSS = """
    NotesPreview {
        width: 1fr;
        height: 1fr;
        padding: 0 1;
        color: $foreground;
        background: $surface;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        &.-placeholder { color: $text 40%; }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(PLACEHOLDER, classes="-placeholder", **kwargs)
        self.entry: Entry | None = None
        self.border_title = "Notes"

    @property
    def paper_id(self) -> str | None:
        return self.entry.id if self.entry else None

    @property
    def text(self) -> str:
        return self.entry.shelf.notes if self.entry else ""

    def load(self, entry: Entry | None) -> None:
        self.entry = entry
        self.set_class(not self.text, "-placeholder")
        self.update(Text(self.text or PLACEHOLDER))

    def reload_if_untouched(self, entry: Entry) -> None:
        if entry.id == self.paper_id:
            self.load(entry)

    def flush(self) -> None:
        """Nothing to save."""
