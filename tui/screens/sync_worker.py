"""The sync key (and sync on start): `papershelf sync` in a thread worker of the main screen.

The sync takes the library lock only while it reads or writes the library's files, so the keys
keep working (a toggle waits a few milliseconds at most); the network is waited on in the
thread. When it is done the screen re-reads the library (what came in shows in the list) and a
toast says what came in and what went out, or what went wrong.
"""

from __future__ import annotations

from typing import Any

from tui.screens.background_job import BackgroundJob


class LibrarySync(BackgroundJob):
    group = "sync"

    def already_running(self) -> None:
        self.screen.notify("Already syncing.", title="Sync", markup=False)

    def starting(self) -> None:
        self.screen.notify("Syncing…", title="Sync", timeout=3, markup=False)

    def work(self, worker: Any) -> str:
        from storage import sync_library

        return sync_library(self.screen.library.directory).summary()

    def done(self, summary: str, error: Exception | None) -> None:
        if not self.screen.is_attached:
            return
        self.screen.poll_library()  # what came in, into the list
        if error is not None:
            self.screen.notify(str(error), title="Sync", severity="error", timeout=15, markup=False)
        else:
            self.screen.notify(summary[:1].upper() + summary[1:], title="Sync", timeout=8, markup=False)
