"""Reading the system clipboard (pyperclip)."""

from __future__ import annotations

from storage.errors import PapershelfError


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
