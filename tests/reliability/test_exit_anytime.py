"""papershelf always ends, and keeps the note being typed, whichever way it is told to and
whenever: the terminal closed (master fd closed: a real hang-up), SIGHUP, SIGTERM, SIGINT,
ctrl+c, `q`; while the catalogue loads, while the abstracts load and the index builds, with a
note being typed, mid-filter, with a dialog open, during the external editor, mid-import.

Each case is drawn at random (a seeded generator) on a generated library. The default run
is quick; on request:

    PAPERSHELF_EXIT_CASES=50 PAPERSHELF_EXIT_PAPERS=100000 uv run pytest -n 0 tests/reliability/test_exit_anytime.py

(PAPERSHELF_EXIT_SEED picks another draw.) The random delays are the point here, not a way
to wait for the UI: everything else waits on the screen.
"""

from __future__ import annotations

import os
import random
import select
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from storage.tools.demo import generate
from storage.library import Library
from tests.reliability.test_pty import Terminal
from tui.shutdown import WATCHDOG_STATUS

CASES = int(os.environ.get("PAPERSHELF_EXIT_CASES", "14"))
PAPERS = int(os.environ.get("PAPERSHELF_EXIT_PAPERS", "20000"))
SEED = int(os.environ.get("PAPERSHELF_EXIT_SEED", "18"))
IMPORTED = 3000  # papers in the page imported by the "import" cases
EXIT_SECONDS = 10.0  # the process is gone this long after it was told (the watchdog: 5 s)
NOTE_FOOTER = "esc Back"

METHODS = ("close", "SIGHUP", "SIGTERM", "SIGINT", "ctrl+c", "q")
PHASES = ("note", "startup", "import", "abstracts", "filter", "dialog", "editor")
NEEDS_THE_APP = {"ctrl+c", "q"}  # keys: acted on once the app reads them


@dataclass(frozen=True)
class Case:
    phase: str
    method: str
    delay: float  # seconds between the phase's moment and the quit
    note: str | None  # typed (and on screen) before the quit: must be saved


def draw(index: int) -> Case:
    """Every method and every phase come round in turn, and 42 cases meet every pair (6 and 7
    are coprime); the delay is random."""
    rng = random.Random(SEED * 1000 + index)
    phase = PHASES[index % len(PHASES)]
    method = METHODS[index % len(METHODS)]
    if phase == "editor" and method == "q":  # the editor has the keyboard: q is its key
        method = "SIGTERM"
    delay = rng.uniform(0, 1.5 if phase in ("startup", "import") else 0.4)
    note = None if phase in ("startup", "abstracts", "import") else f"note {index} typed {rng.randrange(10**6)}"
    return Case(phase, method, delay, note)


def generated_page(path: Path, count: int) -> Path:
    blocks = ["new", "Get trending papers in your email inbox!", "Subscribe", "byAK and the research community", "Mar 11"]
    for paper in generate(count, seed=99):
        blocks += [f"Imported: {paper.title}", paper.abstract]
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def big_library(tmp_path_factory) -> Path:
    """Generated once per test session."""
    folder = tmp_path_factory.mktemp("exit") / f"library-{PAPERS}"
    library = Library.open(folder)
    library.import_papers(generate(PAPERS), "generated")
    library.close()
    generated_page(folder.parent / "page.txt", IMPORTED)
    return folder


def copy_of(library: Path, target: Path) -> Path:
    """A private copy; the big files are hard links (the library replaces them by rename,
    never writes into them: only the annotations' journal grows in place, and it is copied)."""
    target.mkdir()
    for item in library.iterdir():
        if item.is_file() and item.stat().st_size > 1 << 20 and item.suffix == ".json":
            os.link(item, target / item.name)
        elif item.is_file():
            shutil.copy2(item, target / item.name)
    return target


def fake_editor(folder: Path) -> Path:
    """An editor that never finishes: it records its pid and waits."""
    script = folder / "editor.sh"
    script.write_text(f'#!/bin/sh\necho $$ > "{folder}/editor.pid"\nexec sleep 120\n')
    script.chmod(0o755)
    return script


def pause_reading(term: Terminal, seconds: float) -> None:
    """Let `seconds` pass while reading the terminal (a real terminal never stops reading)."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if select.select([term.fd], [], [], left)[0] and not term._read():
            return


def wait_for_the_editor(term: Terminal, pid_file: Path, timeout: float = 30.0) -> None:
    """(The app writes nothing while the editor runs: look for the file it writes.)"""
    deadline = time.monotonic() + timeout
    while not pid_file.exists():
        assert time.monotonic() < deadline, "the editor never started"
        pause_reading(term, 0.02)


def notes_have_focus(term: Terminal) -> bool:
    return term.screen.display[-1].split("^p palette")[0].strip() == NOTE_FOOTER


def type_note(term: Terminal, note: str) -> None:
    term.wait_for_text("palette", timeout=60)
    term.type("n")
    term.wait_until(lambda: notes_have_focus(term), "the notes' footer")
    term.type(note)
    term.wait_for_text(note)


def leave_for_the_list(term: Terminal) -> None:
    term.type("\x1b")
    term.wait_until(lambda: not notes_have_focus(term) and "palette" in term.text(), "the list's footer")


def bring_about(term: Terminal, case: Case, folder: Path) -> None:
    """Run the case's phase up to its moment, then wait its random delay."""
    if case.phase == "abstracts":
        term.wait_for_text("palette", timeout=60)  # the first screen: the abstracts and index follow
    if case.note is not None:
        type_note(term, case.note)
    if case.phase == "filter":
        leave_for_the_list(term)
        term.type("/")
        term.type("attention pol")
    elif case.phase == "dialog":
        leave_for_the_list(term)
        term.type(random.Random(case.note).choice("t?"))
        term.wait_until(lambda: "Tags" in term.text() or "Help" in term.text() or "help" in term.text(), "a dialog")
    elif case.phase == "editor":
        leave_for_the_list(term)
        term.type("N")
        wait_for_the_editor(term, folder / "editor.pid")
    pause_reading(term, case.delay)


def tell_it_to_quit(term: Terminal, case: Case) -> None:
    if case.method == "close":
        os.close(term.fd)
    elif case.method == "ctrl+c":
        term.type("\x03")
    elif case.method == "q":
        term.type("\x1b" if case.note is not None else "")
        if case.note is not None:  # esc leaves the notes / closes the dialog / clears the filter
            term.wait_until(lambda: not notes_have_focus(term), "esc to act")
        term.type("q")
    else:
        os.kill(term.pid, getattr(signal, case.method))


def wait_for_the_end(term: Terminal, case: Case, record_property) -> int:
    """The exit status; fails (after a SIGKILL) if the process outlives EXIT_SECONDS. Waits on
    the process itself (a pidfd), reading the terminal meanwhile unless it was closed."""
    start = time.monotonic()
    deadline = start + EXIT_SECONDS
    process = os.pidfd_open(term.pid)
    watched = [process] if case.method == "close" else [process, term.fd]
    try:
        while (left := deadline - time.monotonic()) > 0:
            ready = select.select(watched, [], [], left)[0]
            if process in ready:
                record_property("exit_seconds", round(time.monotonic() - start, 2))  # (--junitxml)
                return os.waitpid(term.pid, 0)[1]
            if ready and not term._read():
                watched = [process]  # the terminal's other side is gone: only the process is left
    finally:
        os.close(process)
    os.kill(term.pid, signal.SIGKILL)
    os.waitpid(term.pid, 0)
    raise AssertionError(f"papershelf was still running {EXIT_SECONDS:.0f} s after {case}")


def editor_is_gone(folder: Path) -> bool:
    pid = int((folder / "editor.pid").read_text())
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")  # a zombie: ended, not yet reaped by its new parent


@pytest.mark.parametrize("index", range(CASES))
def test_papershelf_ends_and_keeps_the_note(big_library, tmp_path, index, record_property):
    case = draw(index)
    library = copy_of(big_library, tmp_path / "library")
    args = [str(big_library.parent / "page.txt")] if case.phase == "import" else []
    term = Terminal(library, *args, env={"EDITOR": str(fake_editor(tmp_path)), "VISUAL": ""})
    try:
        bring_about(term, case, tmp_path)
        tell_it_to_quit(term, case)
        status = wait_for_the_end(term, case, record_property)
    finally:
        if case.method != "close":
            os.close(term.fd)
    assert not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == WATCHDOG_STATUS), f"the watchdog ended {case}"
    reopened = Library.open(library)
    assert len(reopened) in (PAPERS, PAPERS + IMPORTED)  # an import is all or nothing
    if case.note is not None:
        assert any(case.note in e.shelf.notes for e in reopened.entries()), f"note lost: {case}"
    if case.phase == "editor":
        assert editor_is_gone(tmp_path)
