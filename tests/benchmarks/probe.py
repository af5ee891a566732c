"""Startup probe, run as its own process by the benchmark suite.

`probe.py app LIBDIR` opens papershelf on LIBDIR headless, as the command line does, and exits
as soon as the main screen has painted its first rows; `probe.py bare` does the same for a bare
Textual app (the floor). `probe.py memory LIBDIR` waits instead until the abstracts are in and
the search index is built (the steady state a session lives in). Each prints one JSON line:
wall-clock time of the paint and peak RSS.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def peak_rss() -> int:
    """VmHWM: this process image's peak RSS (ru_maxrss would include the parent's, kept
    across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


PAINTED: list[float] = []


def painted_then(exit_app) -> None:
    PAINTED.append(time.time())
    exit_app()


def report() -> None:
    print(json.dumps({"painted": PAINTED[0], "peak_rss": peak_rss()}), flush=True)


def run_bare() -> None:
    from textual.app import App
    from textual.widgets import Static

    class Bare(App):
        def compose(self):
            yield Static("hello")

        def on_mount(self) -> None:
            self.call_after_refresh(painted_then, self.exit)

    Bare().run(headless=True, size=(120, 36))
    report()


def run_app(directory: str, steady: bool = False) -> None:
    """The real command line (`papershelf --library DIR`), headless, leaving at the first rows:
    the first refresh after the main screen's on_mount has put them in the list (timed as the
    bare app is: a callback after the first refresh that follows the content being set)."""
    import gc

    from tui import cli

    # `papershelf` imports the app inside cli.main, with the collector paused; this probe
    # imports it beforehand, to watch it, so it pauses the collector first as main would.
    gc.disable()
    from tui.app import PapershelfApp
    from tui.screens.main import MainScreen

    run, screen_mounted = PapershelfApp.run, MainScreen.on_mount

    def headless_run(self, **kwargs):
        return run(self, headless=True, size=(120, 36))

    def watched_mount(screen: MainScreen) -> None:
        screen_mounted(screen)
        assert len(screen.papers) > 0, "the probe needs a library with papers"
        app = screen.app
        if steady:
            app.run_worker(lambda: steady_state(app, screen.library), thread=True)
        else:
            screen.call_after_refresh(painted_then, app.exit)

    def steady_state(app, library) -> None:
        library.search("steady state")
        app.call_from_thread(painted_then, app.exit)

    PapershelfApp.run, MainScreen.on_mount = headless_run, watched_mount
    cli.main(["--library", directory])
    report()


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        run_bare()
    else:
        run_app(sys.argv[2], steady=sys.argv[1] == "memory")
