"""One job at a time in a thread worker of a screen (`P` sync, `R` fetch): the network is
waited on in the thread, the keys keep working, and `done(summary, error)` runs on the UI
thread when it ends (not if the app is quitting)."""

from __future__ import annotations

from typing import Any


class JobCancelled(Exception):
    """The app is quitting: the job stops before its next write."""


class BackgroundJob:
    """Subclasses say what the job is (`work`, in the thread) and what the screen shows
    (`starting`, `already_running`, `done`)."""

    group = "job"

    def __init__(self, screen: Any) -> None:
        self.screen = screen
        self.worker: Any = None

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.is_running

    def start(self) -> None:
        if self.running:
            self.already_running()
            return
        self.starting()
        self.worker = self.screen.run_worker(self._run, thread=True, group=self.group, exit_on_error=False)

    def _run(self) -> None:
        from textual.worker import get_current_worker

        from storage import PapershelfError

        worker = get_current_worker()
        try:
            summary, error = self.work(worker), None
        except JobCancelled:
            return
        except PapershelfError as problem:
            summary, error = "", problem
        if not worker.is_cancelled:
            self.screen.app.call_from_thread(self.done, summary, error)

    def work(self, worker: Any) -> str:
        """In the worker thread: do the job, return what to tell the reader."""
        raise NotImplementedError

    def starting(self) -> None: ...

    def already_running(self) -> None: ...

    def done(self, summary: str, error: Exception | None) -> None: ...
