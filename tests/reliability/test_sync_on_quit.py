"""`papershelf sync --on-quit on`: quitting the real app with `q` syncs in the terminal it gives
back, and says so; a closed terminal or a kill ends the process without a sync."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from storage.library import Library
from storage.model.imported import ImportedPaper
from storage.sync.engine import sync_library
from tests.reliability.test_pty import Terminal
from tui.cli.sync_command import set_when

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="sync needs the git command, and none was found")


@pytest.fixture(autouse=True)
def git_without_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def synced_pair(tmp_path: Path) -> tuple[Path, Path]:
    """Two machines' libraries of five papers through one bare repository; `a` syncs on quit."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    a, b = tmp_path / "a", tmp_path / "b"
    library = Library.open(a)
    library.import_papers([ImportedPaper(f"Shared paper {n}", "An abstract.") for n in range(5)], "page.txt")
    library.close()
    sync_library(a, str(remote))
    sync_library(b, str(remote))
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


def test_q_syncs_once_the_terminal_is_back(synced_pair):
    a, b = synced_pair
    term = Terminal(a)
    mark_one_read(term)
    term.type("q")
    term.wait_exit()
    assert b"papershelf: syncing" in term.output
    assert b"papershelf: synced with" in term.output, term.output[-400:]
    assert read_on(b) == 1  # the read flag reached the other machine


@pytest.mark.parametrize("how", [signal.SIGHUP, signal.SIGTERM])
def test_a_closed_terminal_or_a_kill_does_not_sync(synced_pair, how):
    a, b = synced_pair
    term = Terminal(a)
    mark_one_read(term)
    os.kill(term.pid, how)
    term.wait_exit()
    assert b"syncing" not in term.output
    assert read_on(b) == 0
    assert read_on(a) == 1  # saved here all the same, and the next sync takes it out
    assert read_on(b) == 1
