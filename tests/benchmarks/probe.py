"""Startup probe, run as its own process by the benchmark suite.

`probe.py app LIBDIR` opens papershelf on LIBDIR headless, as the command line does, and exits
once the first frame showing the main screen's rows has been written out; `probe.py bare` does
the same for a bare Textual app's first frame (the floor). Both are timed at the same place:
when Textual hands the frame to its output (`App._display`). `probe.py memory LIBDIR` waits
instead until the abstracts are in and the search index is built (the steady state a session
lives in). Each prints one JSON line: wall-clock time of the frame and peak RSS.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
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


def exit_at_first_frame(app_class, shows_content: Callable[[object], bool]) -> None:
    """Time the first frame written out while `shows_content(screen)`, then leave."""
    display = app_class._display

    def timed_display(app, screen, renderable) -> None:
        display(app, screen, renderable)
        if not PAINTED and renderable is not None and shows_content(screen):
            painted_then(app.exit)

    app_class._display = timed_display


def run_bare() -> None:
    from textual.app import App
    from textual.widgets import Static

    class Bare(App):
        def compose(self):
            yield Static("hello")

    exit_at_first_frame(Bare, lambda screen: True)
    Bare().run(headless=True, size=(120, 36))
    report()


def run_app(directory: str, steady: bool = False) -> None:
    """The real command line (`papershelf --library DIR`), headless."""
    import gc

    from tui.cli import program as cli

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
        if steady:
            app = screen.app
            app.run_worker(lambda: steady_state(app, screen.library), thread=True)

    def steady_state(app, library) -> None:
        library.search("steady state")
        app.call_from_thread(painted_then, app.exit)

    if not steady:
        exit_at_first_frame(PapershelfApp, lambda screen: isinstance(screen, MainScreen) and len(screen.papers) > 0)
    PapershelfApp.run, MainScreen.on_mount = headless_run, watched_mount
    cli.main(["--library", directory])
    report()


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        run_bare()
    else:
        run_app(sys.argv[2], steady=sys.argv[1] == "memory")
