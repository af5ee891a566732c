"""The clipboard: reading it (pyperclip), and copying to it honestly.

Copying tries the system clipboard first (pyperclip, which shells out to xclip, xsel,
wl-copy, pbcopy…) and falls back to OSC 52 (`App.copy_to_clipboard`), where the terminal
itself puts the text on the clipboard if it allows that. Callers get back which way the
text went, so that the message never claims a copy that did not happen.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable
from typing import TypeVar

from textual.app import App

from storage import PapershelfError

SYSTEM = "system"
TERMINAL = "osc52"
# pyperclip runs a helper program that can hang (a stuck X server, an unanswered selection).
SYSTEM_CLIPBOARD_TIMEOUT = 2.0

T = TypeVar("T")


class ClipboardError(PapershelfError):
    """No clipboard to read (no xclip/xsel/wl-paste, or no display)."""


def read_clipboard() -> str:
    import pyperclip

    try:
        text = pyperclip.paste()
    except pyperclip.PyperclipException as error:
        raise ClipboardError(
            "cannot read the clipboard here (install xclip, xsel or wl-clipboard); "
            "save the page to a file and import that instead"
        ) from error
    return text or ""


async def copy_text(app: App, text: str) -> str:
    """Put text on the clipboard without blocking the UI; returns SYSTEM or TERMINAL."""
    try:
        if await in_daemon_thread(_system_copy, text, timeout=SYSTEM_CLIPBOARD_TIMEOUT):
            return SYSTEM
    except TimeoutError:
        pass
    app.copy_to_clipboard(text)
    return TERMINAL


def copied_message(what: str, how: str) -> str:
    """What a toast says after `copy_text`: "Copied 12 papers as BibTeX to the clipboard"."""
    if how == SYSTEM:
        return f"Copied {what} to the clipboard"
    return f"Sent {what} to the terminal clipboard (OSC 52) — your terminal must allow it"


def _system_copy(text: str) -> bool:
    """Copy with pyperclip and read it back: True only if the clipboard now holds the text."""
    import pyperclip

    try:
        pyperclip.copy(text)
        held = pyperclip.paste()
    # Whatever goes wrong in a helper program (missing, no display, bad output), the
    # answer is the same: there is no working system clipboard, so use the terminal's.
    except Exception:  # noqa: BLE001
        return False
    return isinstance(held, str) and _same_text(held, text)


def _same_text(a: str, b: str) -> bool:
    """Equal up to line endings (Windows clipboards turn \\n into \\r\\n)."""
    return a.replace("\r\n", "\n") == b.replace("\r\n", "\n")


async def in_daemon_thread(function: Callable[..., T], *args: object, timeout: float) -> T:
    """Run a blocking call in a daemon thread and wait at most `timeout` seconds for it.

    Not `asyncio.to_thread`: a call that never returns would keep the executor (and so the
    app's exit) waiting for it; a daemon thread is simply left behind.
    """
    future: concurrent.futures.Future[T] = concurrent.futures.Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(function(*args))
        except BaseException as error:  # noqa: BLE001 - handed to the waiting coroutine
            future.set_exception(error)

    threading.Thread(target=run, name="papershelf-clipboard", daemon=True).start()
    return await asyncio.wait_for(asyncio.wrap_future(future), timeout)
