"""Crash and concurrency safety proven on real processes: SIGKILL at random moments, failures
injected between writing a temp file and renaming it, read-only folders, several writers on
one paper, stale and hijacked locks. After every one of them the library opens, passes
`doctor`, and holds every change whose completion was reported."""

from __future__ import annotations

import errno
import fcntl
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from storage.tools import doctor
from storage.files import journal
from storage.files import tinystore
from storage.model.errors import LibraryWriteError, PapershelfError
from storage.library import Library
from tests.helpers import ROOT, papers, run_cli, snapshot_dir

BASE_PAPERS = 30

# Writes forever, printing each change once it has returned (i.e. is durable).
WRITER = textwrap.dedent(
    """
    import sys
    from storage.library import Library

    directory, kind, run = sys.argv[1], sys.argv[2], int(sys.argv[3])
    lib = Library.open(directory)
    ids = [e.id for e in lib.entries()][:BASE_PAPERS]
    step = 0
    while True:
        step += 1
        pid = ids[step % len(ids)]
        if kind == "mark":
            lib.annotate([pid], read=True, starred=step % 2 == 0, add_tags=[f"run{run}"])
            print(pid, flush=True)
        elif kind == "note":
            lib.set_notes(pid, NOTE.format(run=run, step=step))
            print(pid, step, flush=True)
        else:
            result = lib.import_text(PAGE.format(run=run, step=step), f"gen-{run}-{step}.txt")
            print(*result.added, flush=True)
    """
)
NOTE = "run {run} step {step} 📝🦜✨ naïve 日本語\nsecond line — 👩🏽‍🔬"
PAGE = (
    "new\n\nMar 11\n\nCrash run {run} step {step}: a study of alpha\n\n"
    "We study alpha in depth. Results at https://example.org/{run}/{step}.\n\n"
    "Upvote\n\n12\n\nCrash run {run} step {step}: beta revisited\n\n"
    "Beta is revisited here. It works well.\n"
)
WRITER_CODE = f"BASE_PAPERS = {BASE_PAPERS}\nNOTE = {NOTE!r}\nPAGE = {PAGE!r}\n" + WRITER
KILLS = {"mark": 9, "note": 8, "import": 8}  # 25 in all


@pytest.fixture
def lib(tmp_path) -> Library:
    library = Library.open(tmp_path / "lib")
    library.import_papers(papers(BASE_PAPERS), "page.txt")
    return library


def _temp_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*.tmp"))


def _write_until_killed(directory: Path, kind: str, run: int, rng: random.Random) -> list[list[str]]:
    """Start a writer, let it report 0-10 changes, SIGKILL it; every line it completed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER_CODE, str(directory), kind, str(run)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    seen = [proc.stdout.readline() for _ in range(rng.randint(0, 10))]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    output, errors = b"".join(seen) + proc.stdout.read(), proc.stderr.read()
    assert proc.returncode == -signal.SIGKILL, errors.decode()  # it was still writing
    complete = output.split(b"\n")[:-1]  # a line cut off by the kill was not reported
    return [line.decode().split() for line in complete]


def _check_after_kill(directory: Path) -> Library:
    report = doctor.check(directory)
    assert report.healthy, "\n".join(report.lines())
    library = Library.open(directory)
    assert _temp_files(directory) == []
    return library


def _check_marks(library: Library, lines: list[list[str]], run: int) -> int:
    for (pid,) in lines:
        shelf = library.entry(pid).shelf
        assert shelf.read and f"run{run}" in shelf.tags, (pid, shelf)
    return len(lines)


def _check_notes(library: Library, lines: list[list[str]], run: int) -> int:
    """Each paper's note is the last one reported for it, or a later one (its write may have
    completed just before the kill, unreported)."""
    last = {pid: int(step) for pid, step in lines}
    for pid, step in last.items():
        note = library.entry(pid).shelf.notes
        found = re.match(r"run (\d+) step (\d+) ", note)
        assert found and (int(found[1]), int(found[2])) >= (run, step), (pid, step, note)
        assert note == NOTE.format(run=found[1], step=found[2])  # the text came back exactly
    return len(lines)


def _check_imports(library: Library, lines: list[list[str]], run: int) -> int:
    added = [pid for line in lines for pid in line]
    assert len(added) == 2 * len(lines)
    titles = {pid: library.entry(pid).paper.title for pid in added}
    assert all(title.startswith(f"Crash run {run} step ") for title in titles.values())
    return len(lines)


CHECKS: dict[str, Callable[[Library, list[list[str]], int], int]] = {
    "mark": _check_marks, "note": _check_notes, "import": _check_imports,
}  # fmt: skip


@pytest.mark.parametrize("kind", KILLS)
def test_sigkill_at_random_moments_loses_no_reported_change(lib, kind):
    rng = random.Random(f"papershelf-{kind}")
    survived = verified = 0
    for run in range(1, KILLS[kind] + 1):
        lines = _write_until_killed(lib.directory, kind, run, rng)
        library = _check_after_kill(lib.directory)
        verified += CHECKS[kind](library, lines, run)
        survived += 1
    assert survived == KILLS[kind]
    assert verified > 0  # the writers did get changes through between the kills


# --- injected failures ------------------------------------------------------------------

PAGE_TEXT = "Mar 12\n\nA new paper on gamma\n\nGamma is new. It is good.\n\nAnother on delta\n\nDelta too. Fine.\n"


def test_catalogue_replace_failing_mid_import_changes_nothing(lib, monkeypatch):
    lib.set_read([lib.entries()[0].id])
    before_disk, before_memory = snapshot_dir(lib.directory), lib.entries()
    real_replace = os.replace

    def fail_for_the_catalogue(src, dst, *args, **kwargs):
        if Path(dst).name == "catalogue.json":
            assert Path(src).exists()  # the temp file was written: fail just before the rename
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(tinystore.os, "replace", fail_for_the_catalogue)
    with pytest.raises(LibraryWriteError, match=r"catalogue\.json: could not save \(Input/output error\); the file on disk is unchanged"):
        lib.import_text(PAGE_TEXT, "day2.txt")
    monkeypatch.undo()
    assert snapshot_dir(lib.directory) == before_disk  # no temp file left either
    assert lib.entries() == before_memory and len(lib.search("gamma")) == 0
    assert Library.open(lib.directory).entries() == before_memory
    assert lib.import_text(PAGE_TEXT, "day2.txt").added  # and it works once the disk does


@pytest.fixture
def read_only(monkeypatch) -> Callable[[Path], None]:
    """Make a directory read-only. Where chmod does not stop us (root), writes into it fail
    with EACCES as they would for anyone else."""
    changed: list[Path] = []

    def make(directory: Path) -> None:
        for path in [*directory.iterdir(), directory]:
            if path.is_file() or path == directory:
                path.chmod(0o400 if path.is_file() else 0o500)
                changed.append(path)
        if not os.access(directory, os.W_OK):
            return
        real_open = os.open

        def guarded_open(path, flags, *args, **kwargs):
            if flags & (os.O_WRONLY | os.O_RDWR) and Path(path).parent == directory and Path(path).name != ".lock":
                raise PermissionError(errno.EACCES, "Permission denied")
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(journal.os, "open", guarded_open)
        denied = OSError(errno.EACCES, "Permission denied")
        real_mkstemp, real_mkdir = tempfile.mkstemp, os.mkdir

        def mkstemp(*args, dir=None, **kwargs):  # noqa: A002 - tempfile's own name
            if dir is not None and Path(dir) == directory:
                raise PermissionError(*denied.args)
            return real_mkstemp(*args, dir=dir, **kwargs)

        def mkdir(path, *args, **kwargs):
            if Path(path).parent == directory:
                raise PermissionError(*denied.args)
            return real_mkdir(path, *args, **kwargs)

        monkeypatch.setattr(tinystore.tempfile, "mkstemp", mkstemp)
        monkeypatch.setattr(os, "mkdir", mkdir)

    yield make
    for directory in changed:
        directory.chmod(0o700)


def test_read_only_library_refuses_clearly_and_keeps_memory_equal_to_disk(lib, read_only):
    a, b = (e.id for e in lib.entries()[:2])
    lib.set_read([a])
    lib.set_read([b])  # the second write of the day made today's backup
    path = lib.directory / "annotations.journal"
    before = path.read_bytes()
    read_only(lib.directory)
    with pytest.raises(LibraryWriteError) as info:
        lib.annotate([a], starred=True, add_tags=["x"], notes="lost?")
    assert str(info.value) == f"{path}: could not save (Permission denied); the file on disk is unchanged"
    assert path.read_bytes() == before
    assert not lib.entry(a).shelf.starred and lib.entry(a).shelf.notes == ""
    assert Library.open(lib.directory).entries() == lib.entries()


def test_read_only_library_without_backups_folder_refuses_clearly(lib, read_only):
    pid = lib.entries()[0].id
    lib.set_read([pid])  # annotations exist, no backup yet: the next write starts with one
    before = snapshot_dir(lib.directory)
    read_only(lib.directory)
    if not os.access(lib.directory, os.W_OK):  # really read-only (not root): the CLI as a user meets it
        out = run_cli("mark", pid, "--star", library=lib.directory)
        assert out.returncode == 1 and "Permission denied" in out.stderr and "Traceback" not in out.stderr
    with pytest.raises(LibraryWriteError, match=r"could not save a backup \(Permission denied\); the library is unchanged"):
        lib.set_starred([pid])
    assert snapshot_dir(lib.directory) == before and not lib.entry(pid).shelf.starred


# --- several writers at once ------------------------------------------------------------

CLI_ROUNDS = 12


def _cli_toggling_read(directory: Path, pid: str, checker: Library) -> int:
    expected = None
    for i in range(CLI_ROUNDS):
        checker.refresh()
        assert checker.entry(pid).shelf.read is bool(expected), f"read toggle {i - 1} lost"
        expected = i % 2 == 0
        out = run_cli("mark", pid, "--read" if expected else "--unread", library=directory)
        assert out.returncode == 0, out.stderr
    return CLI_ROUNDS


def _cli_adding_tags(directory: Path, pid: str, checker: Library) -> int:
    for i in range(CLI_ROUNDS):
        checker.refresh()
        assert set(checker.entry(pid).shelf.tags) == {f"t{n}" for n in range(i)}, f"a tag before t{i} lost"
        out = run_cli("mark", pid, "--tag", f"t{i}", library=directory)
        assert out.returncode == 0, out.stderr
    return CLI_ROUNDS


def _library_writing_notes(directory: Path, pid: str, stop: threading.Event) -> int:
    lib, rounds = Library.open(directory), 0
    while not stop.is_set() or rounds < 10:
        lib.refresh()
        assert lib.entry(pid).shelf.notes == (f"note {rounds - 1} 🦜" if rounds else ""), "a note was lost"
        lib.set_notes(pid, f"note {rounds} 🦜")
        rounds += 1
    return rounds


def _library_toggling_star(directory: Path, pid: str, stop: threading.Event) -> int:
    lib, rounds = Library.open(directory), 0
    while not stop.is_set() or rounds < 10:
        lib.refresh()
        assert lib.entry(pid).shelf.starred is (rounds % 2 == 1), "a star toggle was lost"
        lib.set_starred([pid], rounds % 2 == 0)
        rounds += 1
    return rounds


def test_two_clis_and_two_libraries_on_one_paper_lose_nothing(lib):
    pid, directory, stop = lib.entries()[0].id, lib.directory, threading.Event()
    with ThreadPoolExecutor(4) as pool:
        in_process = [pool.submit(f, directory, pid, stop) for f in (_library_writing_notes, _library_toggling_star)]
        clis = [pool.submit(f, directory, pid, Library.open(directory)) for f in (_cli_toggling_read, _cli_adding_tags)]
        try:
            cli_writes = sum(f.result() for f in clis)
        finally:
            stop.set()
        notes, stars = (f.result() for f in in_process)
    shelf = Library.open(directory).entry(pid).shelf
    assert shelf.read is ((CLI_ROUNDS - 1) % 2 == 0)
    assert set(shelf.tags) == {f"t{n}" for n in range(CLI_ROUNDS)}
    assert shelf.notes == f"note {notes - 1} 🦜" and shelf.starred is (stars % 2 == 1)
    assert cli_writes + notes + stars >= 2 * CLI_ROUNDS + 20
    assert doctor.check(directory).healthy


HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from storage.files.locking import LibraryLock

    with LibraryLock(Path(sys.argv[1])):
        print("locked", flush=True)
        sys.stdin.read()
    """
)


def test_lock_of_a_killed_holder_never_blocks_the_next_writer(lib):
    lock = lib.directory / ".lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert holder.stdout.readline() == b"locked\n"
    probe = os.open(lock, os.O_RDWR)
    try:
        with pytest.raises(BlockingIOError):
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # it really holds the lock
        holder.kill()
        holder.wait()
        pid = lib.entries()[0].id
        out = run_cli("mark", pid, "--read", library=lib.directory)
        assert out.returncode == 0, out.stderr
        assert Library.open(lib.directory).entry(pid).shelf.read
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # and nobody holds it now
    finally:
        os.close(probe)
        holder.stdin.close()


@pytest.mark.parametrize("target_exists", [True, False])
def test_lock_replaced_by_a_symlink_is_refused_and_its_target_untouched(lib, tmp_path, target_exists):
    victim = tmp_path / "victim.txt"
    if target_exists:
        victim.write_text("precious")
    pid = lib.entries()[0].id
    (lib.directory / ".lock").unlink(missing_ok=True)
    (lib.directory / ".lock").symlink_to(victim)
    before = snapshot_dir(lib.directory)
    out = run_cli("mark", pid, "--read", library=lib.directory)
    assert out.returncode == 1 and ".lock" in out.stderr and "not a link" in out.stderr
    with pytest.raises(PapershelfError, match="not a link"):
        lib.set_read([pid])  # a library that was already open refuses too
    assert not lib.entry(pid).shelf.read
    assert snapshot_dir(lib.directory) == before
    assert victim.read_text() == "precious" if target_exists else not victim.exists()
