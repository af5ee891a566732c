"""The filter bar: one Input; each keystroke filters the library in a background thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.message import Message
from textual.widgets import Input
from textual.worker import get_current_worker

Search = Callable[[str], Any]
"""Runs in a worker thread: a query -> whatever the screen shows (e.g. PaperRows)."""

PLACEHOLDER = 'Filter: words  is:unread  is:starred  tag:NAME  title:WORD  note:WORD  -negate  "a phrase"'


class FilterBar(Input):
    """Runs `search(text)` off the UI thread on every change; a newer keystroke cancels an
    older filter. Posts `Results` (or `Failed`) for the newest query only."""

    DEFAULT_CSS = """
    FilterBar {
        border: none;
        height: 1;
        padding: 0 1;
        background: $boost;
        &:focus { background: $panel; border: none; }
        &.-invalid { color: $error; }
    }
    """

    class Results(Message):
        def __init__(self, query: str, result: Any, generation: int) -> None:
            super().__init__()
            self.query = query
            self.result = result
            self.generation = generation

    class Failed(Message):
        """The query could not be run (a malformed filter); the list is left as it was."""

        def __init__(self, query: str, error: Exception, generation: int) -> None:
            super().__init__()
            self.query = query
            self.error = error
            self.generation = generation

    def __init__(self, search: Search, **kwargs) -> None:
        kwargs.setdefault("placeholder", PLACEHOLDER)
        super().__init__(**kwargs)
        self._search = search
        self._generation = 0

    def refilter(self) -> None:
        """Run the current query again (the library changed)."""
        self._generation += 1
        generation, query = self._generation, self.value
        self.run_worker(
            lambda: self._run_search(query, generation),
            thread=True,
            exclusive=True,
            group="filter",
            description=f"filter {query!r}",
        )

    def _run_search(self, query: str, generation: int) -> None:
        try:
            result = self._search(query)
        except Exception as error:  # a bad query (or a bug) must not take the session down
            message: Message = self.Failed(query, error, generation)
        else:
            message = self.Results(query, result, generation)
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @on(Input.Changed)
    def _query_changed(self, event: Input.Changed) -> None:
        if event.input is self:
            self.refilter()

    @on(Results)
    @on(Failed)
    def _drop_stale(self, event: Results | Failed) -> None:
        if event.generation != self._generation:
            event.stop()
            return
        self.set_class(isinstance(event, self.Failed), "-invalid")
