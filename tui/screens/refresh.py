"""`R`: fetch the sources used last, then enrich, in a thread; the list updates as papers arrive.

The network is waited on in the thread; each write to the library runs on the UI thread (where
the list reads the entries), so the keys keep working and nothing reads half a change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from storage import Library
from tui.screens.background_job import BackgroundJob, JobCancelled

TITLE_SEARCHES = 20  # per refresh: arXiv asks for 3 s between requests; the rest wait for the next R


class WritesOnUiThread:
    """The library as the refresh thread uses it: reads go straight through, writes are run on
    the UI thread by `call` (App.call_from_thread), then `written` tells the screen."""

    def __init__(self, library: Library, call: Callable[..., Any], written: Callable[[], None],
                 cancelled: Callable[[], bool]) -> None:  # fmt: skip
        self._library, self._call, self._written, self._cancelled = library, call, written, cancelled

    def import_papers(self, *args: Any, **kwargs: Any) -> Any:
        return self._write(self._library.import_papers, *args, **kwargs)

    def set_setting(self, *args: Any, **kwargs: Any) -> Any:
        return self._write(self._library.set_setting, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._library, name)

    def _write(self, write: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._cancelled():
            raise JobCancelled

        def on_ui_thread() -> Any:
            result = write(*args, **kwargs)
            self._written()
            return result

        return self._call(on_ui_thread)


def refresh_sources(library: Library, report: Callable[[str], None]) -> str:
    """Fetch the remembered sources and enrich (in the worker thread): the summary lines."""
    from storage import Client, enrich, recent, refetch

    lines = []
    with Client() as client:
        if recent(library):
            report("fetching the sources…")
            lines += [fetched.summary() for fetched in refetch(library, client)]  # type: ignore[arg-type]
        report("enriching…")
        result = enrich(library, client, "", lambda done, total, _: report(f"enriching {done:,}/{total:,}…"),  # type: ignore[arg-type]
                        title_searches=TITLE_SEARCHES)  # fmt: skip
    if result.enriched or result.unmatched or result.later:
        lines.append(result.summary())
    return "\n".join(lines) or "No sources fetched yet: `papershelf fetch hf` (or arxiv CATEGORY, or a feed URL) first."


class SourceRefresh(BackgroundJob):
    """Runs `refresh_sources` in a thread worker of `screen`: `changed()` after each write,
    `progress(text)` as it goes ("" when done), a toast with the summary or the error."""

    group = "sources"

    def __init__(self, screen: Any, changed: Callable[[], None], progress: Callable[[str], None]) -> None:
        super().__init__(screen)
        self.changed, self.progress = changed, progress

    def already_running(self) -> None:
        self.screen.notify("Already fetching: the list updates as papers arrive.", markup=False)

    def starting(self) -> None:
        self.progress("fetching…")

    def work(self, worker: Any) -> str:
        app = self.screen.app
        library = WritesOnUiThread(self.screen.library, app.call_from_thread, self.changed, lambda: worker.is_cancelled)

        def report(text: str) -> None:
            if not worker.is_cancelled:
                app.call_from_thread(self.progress, text)

        return refresh_sources(library, report)  # type: ignore[arg-type]

    def done(self, summary: str, error: Exception | None) -> None:
        self.progress("")
        if error is not None:
            self.screen.notify(str(error), title="Fetch", severity="error", timeout=15, markup=False)
        else:
            self.screen.notify(summary, title="Fetch", timeout=10, markup=False)
