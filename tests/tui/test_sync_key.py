"""`P` syncs the library in a worker: what came in shows in the list, a toast says what came
in and went out; a library that is not synced yet says how to set it up."""

from __future__ import annotations

import shutil

import pytest

from storage.library import Library
from storage.model.imported import ImportedPaper
from storage.sync.engine import sync_library
from tests.helpers import synced_pair

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="sync needs the git command, and none was found"),
    pytest.mark.usefixtures("git_without_user_config"),
]


async def test_p_syncs_and_what_came_in_is_listed(tmp_path, tui):
    a, b = synced_pair(tmp_path)
    other = Library.open(b)
    other.set_starred([other.entries()[2].id])
    other.close()
    sync_library(b)
    library = Library.open(a)
    try:
        async with tui(library) as shelf:
            assert "0 starred" in shelf.counts
            await shelf.press("s")  # a change here goes out in the same sync
            await shelf.press("P")
            await shelf.app.workers.wait_for_complete()
            await shelf.settle()
            assert "2 starred" in shelf.counts
            assert any(t.startswith("Synced with") and t.endswith("1 annotation in; 1 annotation out") for t in shelf.toasts), shelf.toasts
    finally:
        library.close()
    sync_library(b)
    other = Library.open(b)
    assert sum(e.shelf.starred for e in other.entries()) == 2
    other.close()


async def test_p_on_a_library_not_synced_yet_says_how(tmp_path, tui):
    library = Library.open(tmp_path / "alone")
    library.import_papers([ImportedPaper("A paper", "An abstract.")], "page.txt")
    try:
        async with tui(library) as shelf:
            await shelf.press("P")
            await shelf.app.workers.wait_for_complete()
            await shelf.settle()
            assert any("papershelf sync --remote URL" in t for t in shelf.toasts), shelf.toasts
    finally:
        library.close()


async def test_sync_on_start(tmp_path, tui):
    from tui.cli.sync_command import set_when

    a, b = synced_pair(tmp_path)
    set_when(str(a), {"sync_on_start": "on"})
    other = Library.open(b)
    other.set_read([other.entries()[0].id])
    other.close()
    sync_library(b)
    library = Library.open(a)
    try:
        async with tui(library) as shelf:
            await shelf.app.workers.wait_for_complete()
            await shelf.settle()
            assert "1 read" in shelf.counts
    finally:
        library.close()
