"""Editing a note in the reader's own editor ($VISUAL / $EDITOR) with the app suspended."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from textual.app import App

from tui.platform.editor_errors import EditorError

FALLBACK_EDITORS = ("nano", "vi")


def editor_command() -> list[str]:
    """The editor to run: $VISUAL, then $EDITOR, then a common default."""
    for variable in ("VISUAL", "EDITOR"):
        if command := os.environ.get(variable, "").strip():
            return shlex.split(command)
    for name in FALLBACK_EDITORS:
        if any((Path(d) / name).exists() for d in os.environ.get("PATH", "").split(os.pathsep) if d):
            return [name]
    raise EditorError("no editor found: set $EDITOR (for example EDITOR=nano)")


def run_editor(command: list[str], path: Path) -> int:
    """Run the editor on a file; the terminal belongs to it until it exits."""
    try:
        return subprocess.call([*command, str(path)])
    except OSError as error:
        raise EditorError(f"could not run {command[0]}: {error.strerror}") from error


def edit_text(app: App, text: str, *, suffix: str = ".md") -> str:
    """Suspend the app, let the reader edit `text` in their editor, return the result.

    Raises EditorError when there is no editor, it fails, or the terminal cannot be
    handed over (textual's SuspendNotSupported).
    """
    from textual.app import SuspendNotSupported

    command = editor_command()
    with tempfile.TemporaryDirectory(prefix="papershelf-") as directory:
        path = Path(directory) / f"note{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            with app.suspend():
                status = run_editor(command, path)
        except SuspendNotSupported as error:
            raise EditorError("this terminal cannot hand over to an editor") from error
        if status != 0:
            raise EditorError(f"{command[0]} exited with status {status}; the note was not changed")
        return path.read_text(encoding="utf-8")
