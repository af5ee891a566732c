"""The real app in a real pseudo-terminal: the bytes it writes, and what a closed terminal
(SIGHUP), a kill (SIGTERM) or ctrl+c does to the note being typed."""

from __future__ import annotations

import os
import pty
import select
import signal
import struct
import sys
import time

import pyte
import pytest

from storage.library import Library
from storage.model.imported import ImportedPaper
from tests.helpers import ROOT

HOSTILE_TITLES = [
    "Clipboard \x1b]52;c;SGVsbG8gcHduZWQ=\x07 theft",
    "Title \x1b]0;pwned-window-title\x07 change",
    "Link \x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\ here",
    "Eight-bit \x9b2J clear and \x9d0;c1-title\x9c",
    "Markup [@click=app.quit]x[/] and a[/]b",
]


class Terminal:
    """papershelf running in a pty of 100x30: its output kept as bytes and as a screen."""

    def __init__(self, library_dir, *args: str, env: dict[str, str] | None = None) -> None:
        self.output = b""
        self.screen = pyte.Screen(100, 30)
        self.stream = pyte.ByteStream(self.screen)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become papershelf
            os.chdir(ROOT)
            os.environ.update(TERM="xterm-256color", COLUMNS="100", LINES="30", **(env or {}))
            os.execv(sys.executable, [sys.executable, "-m", "tui", "--library", str(library_dir), *args])
        import fcntl
        import termios

        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for_text(self, needle: str, timeout: float = 30.0) -> None:
        """Read output until the screen shows `needle` (waits on the screen, not the clock)."""
        self.wait_until(lambda: needle in self.text(), repr(needle), timeout)

    def wait_until(self, condition, what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise AssertionError(f"{what} never appeared; the screen:\n{self.text()}")
            self._read()

    def _read(self) -> bool:
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return False
        self.output += chunk
        self.stream.feed(chunk)
        return bool(chunk)

    def type(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def wait_exit(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                return
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready and not self._read():
                continue
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("papershelf did not exit")


@pytest.fixture
def library_dir(tmp_path):
    lib = Library.open(tmp_path / "lib")
    lib.import_papers([ImportedPaper(t, "An abstract long enough to read.") for t in HOSTILE_TITLES], "hostile.txt")
    lib.close()
    return tmp_path / "lib"


def test_no_escape_sequence_from_a_title_reaches_the_terminal(library_dir):
    term = Terminal(library_dir)
    term.wait_for_text("palette")
    term.type("G")  # walk the list so every title is drawn and shown in the detail pane
    term.type("k" * len(HOSTILE_TITLES))
    term.wait_for_text("Clipboard theft")
    assert "[@click=app.quit]x[/] and a[/]b" in term.text()
    term.type("q")
    term.wait_exit()
    out = term.output
    for payload in (b"SGVsbG8gcHduZWQ=", b"pwned-window-title", b"evil.example", b"c1-title"):
        assert payload not in out
    assert b"\xc2\x9b" not in out and b"\xc2\x9d" not in out  # no 8-bit CSI/OSC


@pytest.mark.parametrize("how", ["SIGHUP", "SIGTERM", "ctrl+c"])
def test_the_note_being_typed_survives_a_closed_terminal_a_kill_and_ctrl_c(library_dir, how):
    term = Terminal(library_dir)
    term.wait_for_text("palette")  # the first screen is drawn
    term.type("n")
    # the notes have the focus when the footer offers nothing but "esc Back"
    term.wait_until(lambda: term.screen.display[-1].split("^p palette")[0].strip() == "esc Back", "the notes' footer")
    term.type(f"typed before {how}")
    term.wait_for_text(f"before {how}")
    if how == "ctrl+c":
        term.type("\x03")
    else:
        os.kill(term.pid, getattr(signal, how))
    term.wait_exit()
    notes = [e.shelf.notes for e in Library.open(library_dir).entries() if e.shelf.notes]
    assert notes == [f"typed before {how}"]
