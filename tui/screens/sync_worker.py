"""The sync key (and sync on start): `papershelf sync` in a thread worker of the main screen.

The sync takes the library lock only while it reads or writes the library's files, so the keys
keep working (a toggle waits a few milliseconds at most); the network is waited on in the
thread. When it is done the screen re-reads the library (what came in shows in the list) and a
toast says what came in and what went out, or what went wrong.
"""

from __future__ import annotations

from typing import Any


class LibrarySync:
    def __init__(self, screen: Any) -> None:
        self.screen = screen
        self.worker: Any = None

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.is_running

    def start(self) -> None:
        if self.running:
            self.screen.notify("Already syncing.", title="Sync", markup=False)
            return
        self.screen.notify("Syncing…", title="Sync", timeout=3, markup=False)
        self.worker = self.screen.run_worker(self._run, thread=True, group="sync", exit_on_error=False)

    def _run(self) -> None:
        from textual.worker import get_current_worker

        from storage import PapershelfError, sync_library

        worker = get_current_worker()
        try:
            summary, error = sync_library(self.screen.library.directory).summary(), None
        except PapershelfError as problem:
            summary, error = "", problem
        if not worker.is_cancelled:
            self.screen.app.call_from_thread(self._done, summary, error)

    def _done(self, summary: str, error: Exception | None) -> None:
        if not self.screen.is_attached:
            return
        self.screen.poll_library()  # what came in, into the list
        if error is not None:
            self.screen.notify(str(error), title="Sync", severity="error", timeout=15, markup=False)
        else:
            self.screen.notify(summary[:1].upper() + summary[1:], title="Sync", timeout=8, markup=False)
