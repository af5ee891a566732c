"""How papershelf ends. SIGHUP (the terminal closed), SIGTERM and SIGINT save and quit as `q`
does (tui/app.py), noticed by `QuitSignals`; once quitting begins, `ExitWatchdog` makes sure
the process ends within GRACE_SECONDS even if the shutdown hangs, after any library write in
progress is complete."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable

EXIT_SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)
GRACE_SECONDS = 5.0
WATCHDOG_STATUS = 124  # (as timeout(1)): the shutdown hung and the watchdog ended the process
HOLD_WRITES_SECONDS = 2.0


class QuitSignals:
    """Calls `on_signal(signum)` from a thread of its own for each SIGHUP, SIGTERM or SIGINT.

    Not asyncio's `add_signal_handler`: its callback waits for the event loop, and Python runs
    a signal handler in the main thread only, when that thread next runs Python code. The
    kernel may hand the signal to any thread, so a main thread blocked in a system call (the
    external editor's `waitpid`) never hears of it. Here the C-level handler writes the signal
    number to a pipe (`signal.set_wakeup_fd`) read by a daemon thread. `in_main_thread(signum)`
    still runs in the main thread when it gets the signal (or is `poke_main_thread`ed)."""

    def __init__(self, on_signal: Callable[[int], None], in_main_thread: Callable[[int], None]) -> None:
        self._on_signal = on_signal
        read_end, write_end = os.pipe()
        os.set_blocking(write_end, False)
        for signum in EXIT_SIGNALS:
            signal.signal(signum, lambda signum, _frame: in_main_thread(signum))
        signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)  # (other signals too: skipped)
        threading.Thread(target=self._run, args=(read_end,), name="papershelf-signals", daemon=True).start()

    def _run(self, read_end: int) -> None:
        while data := os.read(read_end, 64):
            for signum in data:
                if signum in EXIT_SIGNALS:
                    self._on_signal(signum)

    @staticmethod
    def poke_main_thread(signum: int) -> None:
        """Deliver `signum` to the main thread itself: a blocking call there is interrupted."""
        signal.pthread_kill(threading.main_thread().ident, signum)


class ExitWatchdog:
    """An idle daemon thread until `arm()`; then, GRACE_SECONDS later, `before_exit()` and
    `os._exit`. `arm()` is one write to a pipe: safe in a signal handler (no lock)."""

    def __init__(self, before_exit: Callable[[], None], grace: float = GRACE_SECONDS) -> None:
        self._before_exit = before_exit
        self._grace = grace
        self._disarmed = threading.Event()
        self._read_end, self._write_end = os.pipe()
        os.set_blocking(self._write_end, False)
        threading.Thread(target=self._run, name="papershelf-exit-watchdog", daemon=True).start()

    def arm(self) -> None:
        try:
            os.write(self._write_end, b"!")
        except OSError:  # the pipe is full: armed long ago
            pass

    def disarm(self) -> None:
        """The app ended in time: what the process does next (a sync on quit) may take longer."""
        self._disarmed.set()
        self.arm()  # (wakes the thread if it was never armed)

    def _run(self) -> None:
        os.read(self._read_end, 1)
        if not self._disarmed.wait(self._grace):
            self.end_now(WATCHDOG_STATUS)

    def end_now(self, status: int) -> None:
        try:
            self._before_exit()
        finally:
            os._exit(status)
