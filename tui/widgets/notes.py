"""The notes editor: saves by itself, so quitting or moving on never loses a note."""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message
from textual.timer import Timer
from textual.widgets import TextArea

from storage import PapershelfError
from storage import Entry
from tui.widgets.burst_keys import KeysFollowTheFocus
from tui.widgets.notes_preview import PLACEHOLDER

NoteSaver = Callable[[str, str], Entry]
"""Saves a note: (paper id, text) -> the updated entry (Library.set_notes)."""

SAVE_DELAY = 0.5


class NotesEditor(KeysFollowTheFocus, TextArea):
    """Notes of one paper. Saved half a second after typing stops, on blur, on unmount,
    and before another paper is loaded (the pending text always goes to its own paper)."""

    LEAVING_KEYS = {"escape": "back"}

    DEFAULT_CSS = """
    NotesEditor {
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        &:focus { border: round $accent; border-title-color: $accent; }
    }
    """

    class Saved(Message):
        """A note reached the library."""

        def __init__(self, entry: Entry) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, saver: NoteSaver, **kwargs) -> None:
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("tab_behavior", "focus")
        kwargs.setdefault("highlight_cursor_line", False)
        kwargs.setdefault("placeholder", PLACEHOLDER)
        super().__init__(**kwargs)
        self._saver = saver
        self.paper_id: str | None = None
        self._saved_text = ""
        self._timer: Timer | None = None
        self.border_title = "Notes"

    @property
    def is_dirty(self) -> bool:
        return self.paper_id is not None and self.text != self._saved_text

    def load(self, entry: Entry | None) -> None:
        """Show another paper's note, saving the one being edited first."""
        self.flush()
        self.paper_id = entry.id if entry else None
        self._saved_text = entry.shelf.notes if entry else ""
        self.read_only = entry is None
        self.load_text(self._saved_text)

    def reload_if_untouched(self, entry: Entry) -> None:
        """Take a note changed elsewhere, unless the reader is editing this one."""
        if entry.id != self.paper_id or self.is_dirty or self.has_focus:
            return
        if entry.shelf.notes != self.text:
            self._saved_text = entry.shelf.notes
            self.load_text(self._saved_text)

    def flush(self) -> None:
        """Save now if the text differs from what was last saved."""
        self._cancel_timer()
        if not self.is_dirty:
            return
        assert self.paper_id is not None
        text = self.text
        try:
            entry = self._saver(self.paper_id, text)
        except PapershelfError as error:
            self.notify(str(error), title="Note not saved", severity="error", markup=False)
            return
        self._saved_text = text
        self.post_message(self.Saved(entry))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area is not self or not self.is_dirty:
            return
        self._cancel_timer()
        self._timer = self.set_timer(SAVE_DELAY, self.flush, name="save-note")

    def on_blur(self) -> None:
        self.flush()

    def on_unmount(self) -> None:
        self.flush()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
