"""`papershelf sync --on-quit on`: quitting the real app with `q` syncs in the terminal it gives
back, and says so; a closed terminal or a kill ends the process without a sync."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

from storage.library import Library
from storage.sync.engine import sync_library
from tests.helpers import synced_pair
from tests.reliability.test_pty import Terminal
from tui.cli.sync_command import set_when

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="sync needs the git command, and none was found"),
    pytest.mark.usefixtures("git_without_user_config"),
]


@pytest.fixture
def machines(tmp_path: Path) -> tuple[Path, Path]:
    """Two machines' libraries through one bare repository; `a` syncs on quit."""
    a, b = synced_pair(tmp_path)
    set_when(str(a), {"sync_on_quit": "on"})
    return a, b


def read_on(directory: Path) -> int:
    sync_library(directory)
    library = Library.open(directory)
    try:
        return sum(entry.shelf.read for entry in library.entries())
    finally:
        library.close()


def mark_one_read(term: Terminal) -> None:
    term.wait_for_text("palette")
    term.type(" ")
    term.wait_for_text("1 read")


def test_q_syncs_once_the_terminal_is_back(machines):
    a, b = machines
    term = Terminal(a)
    mark_one_read(term)
    term.type("q")
    term.wait_exit()
    assert b"papershelf: syncing" in term.output
    assert b"papershelf: synced with" in term.output, term.output[-400:]
    assert read_on(b) == 1  # the read flag reached the other machine


@pytest.mark.parametrize("how", [signal.SIGHUP, signal.SIGTERM])
def test_a_closed_terminal_or_a_kill_does_not_sync(machines, how):
    a, b = machines
    term = Terminal(a)
    mark_one_read(term)
    os.kill(term.pid, how)
    term.wait_exit()
    assert b"syncing" not in term.output
    assert read_on(b) == 0
    assert read_on(a) == 1  # saved here all the same, and the next sync takes it out
    assert read_on(b) == 1
