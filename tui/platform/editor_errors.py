"""The external editor's errors, apart from the editor (tui/platform/editor.py): the app
raises EditorInterrupted from its signal handling (tui/app.py), which is on the startup path;
the editor module is loaded only when a note is opened in it."""

from __future__ import annotations

import signal

from storage import PapershelfError


class EditorError(PapershelfError):
    """The external editor could not be run."""


class EditorInterrupted(EditorError):
    """A signal to quit arrived while the external editor had the terminal: it was ended."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"{signal.Signals(signum).name}: papershelf is quitting; the editor was closed")
