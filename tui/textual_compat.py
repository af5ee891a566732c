"""The one place papershelf works around Textual (8.2) so that it always exits.

Textual's LinuxDriver hands every write to a `WriterThread` through a queue of 30 items and
stops it with `queue.put(None); join()`. When the terminal is closed (a pty hang-up):

1. The kernel sends the session leader SIGHUP *and* SIGCONT. The driver's SIGCONT handler
   restarts application mode whether or not it had been suspended: a new writer thread
   replaces the old one (which is left idle in `Queue.get`, for ever) and a second
   (non-daemon) input thread starts.
2. A writer thread dies on the first write or flush that fails (EIO on a hung-up pty). Nothing
   consumes its queue after that: 30 writes later `put` blocks the event loop for ever, in a
   repaint or in `close()` -> `WriterThread.stop`. A blocked loop never runs asyncio's signal
   handlers, so SIGTERM did nothing either (issue 18's stack: exactly this).

`TerminalDriver` fixes both for papershelf: its output goes through `TerminalOutput`, which
swallows the errors of a terminal that is gone (so the writer thread lives on and drains the
queue) and reports the loss once; its SIGCONT handler only resumes what its SIGTSTP handler
suspended; and `close()` waits a bounded time for the writer.

Textual internals used here (pinned by tests/tui/test_textual_compat.py; every other private
Textual thing papershelf uses is in tui/textual_private.py):
- `LinuxDriver._file`: the output file; the writer thread is made with it in
  `start_application_mode`, so replacing it in `__init__` routes all output through ours.
- `LinuxDriver._sigtstp_application`, `._sigcont_application`, `._auto_restart`: the
  suspend/resume handlers and whether a SIGTSTP really suspended the app.
- `LinuxDriver._writer_thread` and `WriterThread._queue` (30 items, `None` stops it): `close()`.
- `LinuxDriver._app`, `.attrs_before` (the terminal's modes before the app), `.fileno`.
"""

from __future__ import annotations

import os
import queue
import select
import termios
from collections.abc import Callable
from typing import IO

from textual.drivers.linux_driver import LinuxDriver

WRITER_STOP_SECONDS = 2.0


class TerminalOutput:
    """The driver's output file, made safe for a terminal that can vanish: once a write or
    a flush fails, later output is dropped and `on_lost` is called (once, from the writer thread)."""

    def __init__(self, file: IO[str], on_lost: Callable[[], None]) -> None:
        self._file = file
        self._on_lost = on_lost
        self.lost = False

    def write(self, text: str) -> None:
        if not self.lost:
            self._guarded(self._file.write, text)

    def flush(self) -> None:
        if not self.lost:
            self._guarded(self._file.flush)

    def _guarded(self, call: Callable, *args) -> None:
        try:
            call(*args)
        except (OSError, ValueError):  # EIO/EPIPE from a hung-up pty; ValueError: file closed
            self.lost = True
            self._on_lost()

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return self._file.isatty()


class TerminalDriver(LinuxDriver):
    """LinuxDriver that exits cleanly whatever happens to the terminal (see the module doc).
    When the terminal stops taking output it calls the app's `terminal_lost_from_thread()`
    (if it has one) from the writer thread."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._file = TerminalOutput(self._file, self._terminal_lost)
        self._stopped_by_sigtstp = False

    def _terminal_lost(self) -> None:
        if (report := getattr(self._app, "terminal_lost_from_thread", None)) is not None:
            report()

    def _sigtstp_application(self, *args) -> None:
        self._stopped_by_sigtstp = self._auto_restart
        super()._sigtstp_application(*args)

    def _sigcont_application(self, *args) -> None:
        """Resume only after our own suspension; a hang-up's SIGCONT (or a stray `kill -CONT`)
        would otherwise start a second writer and input thread."""
        if self._stopped_by_sigtstp:
            self._stopped_by_sigtstp = False
            super()._sigcont_application(*args)

    def close(self) -> None:
        """Stop the writer thread, waiting a bounded time (it is a daemon: if it is stuck in a
        write to a terminal nobody reads, it is left behind)."""
        writer = self._writer_thread
        if writer is None or not writer.is_alive():
            return
        try:
            writer._queue.put(None, timeout=WRITER_STOP_SECONDS)
        except queue.Full:  # the writer is stuck in a write
            return
        writer.join(WRITER_STOP_SECONDS)

    def restore_terminal_at_once(self) -> None:
        """Best effort, from any thread and without the writer (the process is about to end):
        the terminal's modes as they were, the main screen, the cursor; no mouse reports."""
        if self.attrs_before is not None:
            try:
                termios.tcsetattr(self.fileno, termios.TCSANOW, self.attrs_before)
            except termios.error:
                pass
        try:
            fd = self._file.fileno()
            if select.select([], [fd], [], 0)[1]:
                os.write(fd, RESET_SEQUENCE)
        except (OSError, ValueError):
            pass


# kitty keys off, mouse reports off, bracketed paste off, focus reports off, main screen, cursor
RESET_SEQUENCE = b"\x1b[<u\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?2004l\x1b[?1004l\x1b[?1049l\x1b[?25h"

