"""The first frame at a start, drawn from what the last session saved (storage's
first_screen.py) while the library is read behind it; the main screen replaces it then.

It shows what the main screen's first frame will: the counts, the rows around the cursor,
the highlighted paper's detail and note, the key bar. It does nothing: the app holds every
key until the main screen is up, then they act there, in the order typed (tui/app.py).
MainScreen.compose and this compose must stay alike (tests/tui/test_first_screen.py
compares their frames).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.events import ScreenResume

from storage import Entry, Paper, Shelf
from tui import actions
from tui.paper_rows import PaperRows
from tui.screens.shelf_layout import ShelfScreen
from tui.textual_private import skip_restyle
from tui.widgets.detail import DetailView
from tui.widgets.filter_bar import FilterBar
from tui.widgets.notes_preview import NotesPreview
from tui.widgets.paper_list import PaperList
from tui.widgets.status import StatusLine

PLACEHOLDER = Entry(Paper(id="", title=""))  # a row outside the saved ones (a taller terminal)


class SavedRows(Sequence[Entry]):
    """The whole list's length, with the saved rows in their place."""

    def __init__(self, count: int, first: int, entries: list[Entry]) -> None:
        self._count, self._first, self._entries = count, first, entries

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, row):  # type: ignore[override]
        if isinstance(row, slice):
            return [self[r] for r in range(*row.indices(self._count))]
        saved = row - self._first
        return self._entries[saved] if 0 <= saved < len(self._entries) else PLACEHOLDER


def saved_entries(data: dict[str, Any]) -> list[Entry]:
    """Raises (KeyError, TypeError, ValueError...) on a file of the wrong shape."""
    return [Entry(Paper.from_doc(paper), Shelf.from_doc(shelf)) for paper, shelf in zip(data["papers"], data["shelves"], strict=True)]


class FirstScreen(ShelfScreen):
    BINDINGS = list(actions.MAIN_BINDINGS)  # the same key bar (the keys act on the main screen)
    AUTO_FOCUS = "#papers"

    def __init__(self, data: dict[str, Any], entries: list[Entry]) -> None:
        super().__init__()
        self._data = data
        self._rows = PaperRows.of_entries(SavedRows(data["rows"], data["first"], entries))
        self._classes_for_size()

    def make_widgets(self) -> None:
        self.status = StatusLine(id="status")
        self.filter_bar = FilterBar(_no_search, id="filter")
        self.papers = PaperList(id="papers")
        self.detail = DetailView(id="detail")
        self.detail.abstracts_pending = True
        self.notes = NotesPreview()

    def on_mount(self) -> None:
        self.papers.set_rows(self._rows)
        self.papers.move_cursor_to(self._data["cursor"])
        current = self.papers.highlighted
        self.detail.show(current)
        self.notes.load(current)
        self.set_focus(self.papers)
        total, read, starred = self._data["counts"]
        self.status.show_counts(total, read, starred, None, self._data["extras"])

    def on_screen_resume(self, event: ScreenResume) -> None:
        skip_restyle(event)  # (see MainScreen.on_screen_resume)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """As the main screen answers with the list focused (the key bar looks the same)."""
        if action == "submit_filter":
            return None
        return actions.check(action, typing=False, has_paper=True)


def _no_search(text: str, should_stop) -> None:
    raise RuntimeError("the first screen does not filter")  # (keys wait for the main screen)
