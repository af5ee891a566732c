"""SIGKILL during `papershelf sync` at random moments, then sync again: nothing is lost, no file
holds conflict markers, the library opens and passes doctor, and both machines end the same.

Each round both machines change their library (a tag and a piece of note that are never taken
away, so that every one of them must be found at the end); the other machine syncs, so that the
killed sync has a merge to do; then the sync is killed, somewhere between its start and its end.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage.library import Library
from storage.sync.engine import sync_library
from storage.tools import doctor
from tests.helpers import ROOT

if shutil.which("git") is None:
    pytest.skip("sync tests need the git command, and none was found", allow_module_level=True)

TITLES = [f"Kill test paper {n}" for n in range(6)]
ROUNDS = 8
pytestmark = pytest.mark.usefixtures("git_without_user_config")


def start_sync(directory: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tui", "--library", str(directory), "sync"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip


def annotate(directory: Path, rng: random.Random, token: str, new_paper: str | None) -> None:
    """A tag and a piece of note that stay, and a read flag that may flip back and forth."""
    from storage.model.imported import ImportedPaper

    library = Library.open(directory)
    try:
        if new_paper:
            library.import_papers([ImportedPaper(new_paper, f"Abstract of {new_paper}.")], "page.txt")
        entry = rng.choice(library.entries())
        library.annotate([entry.id], add_tags=[token], read=rng.random() < 0.5)
        target = rng.choice(library.entries())
        library.set_notes(target.id, f"{target.shelf.notes} {token}".strip())
    finally:
        library.close()


def holds(directory: Path) -> tuple[dict, str]:
    """Per paper its title and shelf, and all tags and notes as one text."""
    library = Library.open(directory)
    try:
        view = {e.id: (e.paper.title, e.shelf.read, e.shelf.starred, e.shelf.tags, e.shelf.notes) for e in library.entries()}
        text = " ".join(" ".join([*e.shelf.tags, e.shelf.notes]) for e in library.entries())
        return view, text
    finally:
        library.close()


def assert_sound(directory: Path) -> None:
    for path in directory.iterdir():
        if path.is_file():
            assert b"<<<<<<<" not in path.read_bytes(), path.name
    report = doctor.check(directory)
    assert report.healthy, "\n".join(report.lines())


def kill_within(process: subprocess.Popen, seconds: float) -> bool:
    """SIGKILL `process` if it is still running `seconds` from now (it is waited on, not slept
    on: an earlier end is seen at once). Whether it was killed."""
    try:
        process.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        return True


def time_of_a_merging_sync(a: Path, b: Path) -> float:
    """How long `papershelf sync` of A takes here when B's changes are there to merge: the
    span the kills are spread over (a fixed span would miss a fast machine's syncs)."""
    annotate(b, random.Random(0), "calibration", None)
    annotate(a, random.Random(0), "calibration", None)
    sync_library(b)
    started = time.monotonic()
    process = start_sync(a)
    assert process.wait(timeout=60) == 0, process.stderr.read()
    return time.monotonic() - started


@pytest.mark.parametrize("seed", [1, 2])
def test_a_killed_sync_loses_nothing_and_the_next_one_finishes(tmp_path: Path, seed: int):
    from storage.model.imported import ImportedPaper

    rng = random.Random(seed)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    a, b = tmp_path / "a", tmp_path / "b"
    library = Library.open(a)
    library.import_papers([ImportedPaper(t, f"Abstract of {t}.") for t in TITLES], "first.txt")
    library.close()
    sync_library(a, str(remote))
    sync_library(b, str(remote))
    tokens, killed = [], 0
    span = time_of_a_merging_sync(a, b)
    for round_ in range(ROUNDS):
        for side in (a, b):
            tokens.append(f"k{seed}r{round_}{side.name}")
            annotate(side, rng, tokens[-1], f"Round {round_} paper from {side.name}" if rng.random() < 0.4 else None)
        sync_library(b)  # the killed sync of A has B's changes to merge
        killed += kill_within(start_sync(a), rng.uniform(0.0, span))  # anywhere from the start to the end
        assert_sound(a)
        sync_library(a)  # the next sync finishes the job
        assert_sound(a)
        _, text = holds(a)
        assert all(token in text for token in tokens), [t for t in tokens if t not in text]
    sync_library(b), sync_library(a), sync_library(b)
    (view_a, text_a), (view_b, _) = holds(a), holds(b)
    assert view_a == view_b
    assert all(token in text_a for token in tokens)
    assert killed >= ROUNDS // 3  # most kills landed inside a sync
    print(f"seed {seed}: {killed} of {ROUNDS} syncs killed (within {span * 1000:.0f} ms of the start), {len(tokens)} tags and notes checked after each, {len(view_a)} papers")


def test_a_killed_first_sync_of_a_new_machine_is_finished_by_the_same_command(tmp_path: Path):
    from storage.model.imported import ImportedPaper

    rng = random.Random(7)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    a = tmp_path / "a"
    library = Library.open(a)
    library.import_papers([ImportedPaper(t, f"Abstract of {t}.") for t in TITLES], "first.txt")
    library.annotate([library.entries()[0].id], read=True, add_tags=["kept"])
    library.close()
    sync_library(a, str(remote))
    for attempt in range(4):
        machine = tmp_path / f"new{attempt}"
        if attempt % 2:  # a machine with a library of its own: a join
            annotate(machine, rng, f"own{attempt}", f"Own paper {attempt}")
        process = subprocess.Popen([sys.executable, "-m", "tui", "--library", str(machine), "sync", "--remote", str(remote)],
                                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        kill_within(process, rng.uniform(0.1, 0.7))
        sync_library(machine, str(remote))
        sync_library(a)
        assert_sound(machine)
        view, text = holds(machine)
        assert view == holds(a)[0]
        assert "kept" in text and all(f"own{n}" in holds(a)[1] for n in range(1, attempt + 1, 2))
