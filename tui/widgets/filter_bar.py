"""The filter bar: one Input; each keystroke filters the library in a background thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textual import on
from textual.message import Message
from textual.widgets import Input
from textual.worker import get_current_worker

from tui.textual_private import virtual_size_without_layout
from tui.widgets.burst_keys import KeysFollowTheFocus

Search = Callable[[str, Callable[[], bool]], Any]
"""Runs in a worker thread: (a query, should_stop) -> whatever the screen shows (e.g.
PaperRows). It should give up (raise) soon after `should_stop()` turns true."""

ECHO_WAIT = 0.1  # seconds a search waits at most for the screen to show its key
PLACEHOLDER = 'Filter: words  is:unread  is:starred  tag:NAME  title:WORD  note:WORD  -negate  "a phrase"'


class FilterBar(KeysFollowTheFocus, Input):
    """Runs `search(text, should_stop)` off the UI thread on every change. A newer keystroke
    makes the older searches stale: their `should_stop()` turns true, so they give up at once
    instead of running to the end (in a burst of typing, each letter would search the whole
    library). Posts `Results` (or `Failed`) for the newest query only."""

    LEAVING_KEYS = {"enter": "submit_filter", "escape": "back"}
    virtual_size = virtual_size_without_layout()  # (a keystroke would lay out the whole screen)

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
        self._shown: str | None = ""  # the query whose answer the screen has (None: a newer one is coming)
        self._answered = 0  # the generation of that answer

    def refilter(self) -> None:
        """Run the current query again (the library changed). Searches already running are
        stale at once; the new one waits until the screen shows the key that made it: run
        side by side, the two took turns at the GIL and both came later (a two-word search at
        100,000 papers took ~30 ms of CPU beside the echo). Its worker starts now (waiting for
        the workers waits for it), blocked until then."""
        self._generation += 1
        generation, query, shown = self._generation, self.value, threading.Event()
        self.call_after_refresh(shown.set)
        self.run_worker(
            lambda: self._run_search(query, generation, shown),
            thread=True,
            exclusive=True,
            group="filter",
            description=f"filter {query!r}",
        )

    def settle(self) -> Results | Failed | None:
        """The newest query's answer now, on this thread, if the screen does not have it yet
        (enter: the keys typed after it act on these results). A worker still running for it
        is outrun: its answer will be stale."""
        if self._shown == self.value:
            return None
        self._generation += 1
        answer = self._answer(self.value, self._generation)
        self._accept(answer)
        return answer

    def _run_search(self, query: str, generation: int, shown: threading.Event) -> None:
        shown.wait(ECHO_WAIT)
        if self._stale(generation):  # a newer key came meanwhile: its own search runs
            return
        message = self._answer(query, generation)
        if not self._stale(generation) and not get_current_worker().is_cancelled:
            self.post_message(message)

    def _stale(self, generation: int) -> bool:
        """A newer query came (read from the search's thread: an int, read whole)."""
        return generation != self._generation

    def _answer(self, query: str, generation: int) -> Results | Failed:
        try:
            return self.Results(query, self._search(query, lambda: self._stale(generation)), generation)
        except Exception as error:  # a bad query (or a bug) must not take the session down;
            # (nor a stale search given up: dropped). Its message is all that is shown; the
            # traceback would hold the search's frames, and through them this answer, in a
            # cycle: the search's big sets alive until the next garbage collection.
            return self.Failed(query, error.with_traceback(None), generation)

    def waiting(self) -> bool:
        """The newest search's answer is not on the screen yet (older searches may still be
        running: they are given up, their answers dropped)."""
        return self._answered != self._generation

    def _accept(self, answer: Results | Failed) -> None:
        self._shown, self._answered = answer.query, answer.generation
        self.set_class(isinstance(answer, self.Failed), "-invalid")

    @on(Input.Changed)
    def _query_changed(self, event: Input.Changed) -> None:
        # Keys read in one go (a burst) change the text several times before the first
        # Changed is handled: only the newest text is searched (its own Changed comes last).
        if event.input is self and event.value == self.value:
            self.refilter()

    def is_newest(self, answer: Results | Failed) -> bool:
        """The answer is for the text in the bar now (not an older query). The text may have
        changed with its Changed message, and so its newer search, still to come."""
        return answer.generation == self._generation and answer.query == self.value

    @on(Results)
    @on(Failed)
    def _drop_stale(self, event: Results | Failed) -> None:
        # The answer bubbles on to the screen afterwards, in a later turn: the screen asks
        # is_newest again before it shows it (keys may have come in between).
        if not self.is_newest(event):
            event.stop()
            return
        self._accept(event)
