"""Atomic writes, crashes and concurrent processes: nothing returned is ever lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap

import pytest

from storage.files import tinystore
from storage.model.errors import LibraryWriteError
from storage.library import Library
from tests.helpers import ROOT, papers


@pytest.fixture
def lib(tmp_path):
    library = Library.open(tmp_path / "lib")
    library.import_papers(papers(40), "page.txt")
    return library


def test_crash_between_temp_write_and_replace_leaves_old_file(lib, monkeypatch):
    pid = lib.entries()[0].id
    lib.set_read([pid])
    lib.compact()
    path = lib.directory / "annotations.json"
    before = path.read_bytes()
    lib.set_starred([pid])  # durable in the journal

    def crash(*args):
        raise OSError(5, "simulated crash before rename")

    monkeypatch.setattr(tinystore.os, "replace", crash)
    with pytest.raises(LibraryWriteError, match="unchanged"):
        lib.compact()
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert not [p for p in lib.directory.iterdir() if p.name.endswith(".tmp")]
    reopened = Library.open(lib.directory)
    assert reopened.entry(pid).shelf.read and reopened.entry(pid).shelf.starred


def test_a_toggle_is_one_journal_line_and_folds_into_the_file(lib):
    pid = lib.entries()[0].id
    lib.set_read([pid])
    journal = lib.directory / "annotations.journal"
    size = journal.stat().st_size
    lib.set_starred([pid])
    assert journal.read_bytes().count(b"\n") == journal.read_bytes()[:size].count(b"\n") + 1
    lib.close()
    assert journal.stat().st_size == 0
    assert Library.open(lib.directory).entry(pid).shelf.starred


def test_a_torn_journal_line_is_ignored_and_cut_by_the_next_writer(lib):
    a, b = (e.id for e in lib.entries()[:2])
    lib.set_read([a])
    journal = lib.directory / "annotations.journal"
    with open(journal, "ab") as handle:
        handle.write(b'{"table": "shelves", "upsert": {"1": {"id": "x", "re')  # killed mid-append
    other = Library.open(lib.directory)
    assert other.entry(a).shelf.read
    other.set_starred([b])
    assert Library.open(lib.directory).entry(b).shelf.starred
    assert b'"re{' not in journal.read_bytes() and journal.read_bytes().endswith(b"\n")


def test_long_journals_are_folded_automatically(lib, monkeypatch):
    from storage.files import journal as journal_module

    monkeypatch.setattr(journal_module, "COMPACT_BYTES", 2000)
    pid = lib.entries()[0].id
    for i in range(30):
        lib.set_notes(pid, f"note {i} " * 10)
    assert (lib.directory / "annotations.journal").stat().st_size <= 2000 + 1000
    assert Library.open(lib.directory).entry(pid).shelf.notes.startswith("note 29")


def test_failed_write_keeps_memory_consistent_with_disk(lib, monkeypatch):
    pid = lib.entries()[0].id
    monkeypatch.setattr(tinystore.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(LibraryWriteError, match="No space left"):
        lib.set_read([pid])
    monkeypatch.undo()
    assert not lib.entry(pid).shelf.read
    lib.set_read([pid])  # works again once the disk has room
    assert Library.open(lib.directory).entry(pid).shelf.read


WRITER = textwrap.dedent(
    """
    import sys
    from storage.library import Library
    lib = Library.open(sys.argv[1])
    for pid in sys.argv[2:]:
        lib.set_read([pid])
        lib.add_tags([pid], "seen")
        print(pid, flush=True)
    """
)


def _spawn(directory, ids):
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(directory), *ids], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )


def test_two_processes_marking_at_once_lose_nothing(lib):
    ids = [e.id for e in lib.entries()]
    procs = [_spawn(lib.directory, ids[0::2]), _spawn(lib.directory, ids[1::2])]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    final = Library.open(lib.directory)
    assert all(final.entry(i).shelf.read and final.entry(i).shelf.tags == ("seen",) for i in ids)


def test_kill_9_during_a_burst_never_breaks_the_library(lib):
    ids = [e.id for e in lib.entries()]
    rng = random.Random(1)
    survived = 0
    for _ in range(8):
        proc = _spawn(lib.directory, ids)
        done = [proc.stdout.readline().strip() for _ in range(rng.randint(1, 6))]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        reopened = Library.open(lib.directory)  # must open, and hold every returned change
        assert all(reopened.entry(pid).shelf.read for pid in done if pid)
        survived += 1
    assert survived == 8


def test_stray_temp_files_are_removed_at_the_next_start(lib):
    stray = lib.directory / ".annotations.json.abc123.tmp"
    stray.write_bytes(b'{"half": ')
    Library.open(lib.directory)
    assert not stray.exists()
