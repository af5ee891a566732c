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
    from tui.app import PapershelfApp
    from tui.commands import open_library
    from tui.widgets.paper_list import PaperList

    class Probe(PapershelfApp):
        CSS_PATH = str(Path(sys.modules[PapershelfApp.__module__].__file__).parent / PapershelfApp.CSS_PATH)

        def on_mount(self) -> None:
            super().on_mount()
            self._poll = self.set_interval(0.002, self._check)

        def _check(self) -> None:
            lists = self.screen.query(PaperList)
            if lists and len(lists.first()) > 0:
                self._poll.stop()
                if steady:
                    self.run_worker(self._steady, thread=True)
                else:
                    self.call_after_refresh(painted_then, self.exit)

        def _steady(self) -> None:
            self.screen.library.search("steady state")
            self.call_from_thread(painted_then, self.exit)

    Probe(open_library(directory, abstracts_later=True)).run(headless=True, size=(120, 36))
    report()


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        run_bare()
    else:
        run_app(sys.argv[2], steady=sys.argv[1] == "memory")
