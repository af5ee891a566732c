"""Random changes on two or three machines, synced in random orders: after a final round of
syncs every library is the same, and every change is there unless a later change to the same
field superseded it; no note is ever lost.

The oracle records each action as the field changes it made on its machine (read the library
before and after), so an undo is checked like any change. Libraries stay open between steps
(the undo history lives in them), as the TUI keeps its library open while syncs come and go.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import storage.library
from storage.library import Library
from storage.sync.engine import sync_library
from storage.tools import doctor
from tests.storage.sync.helpers import Clock, conflict_markers, papers, pid

FIRST = ("Paper one", "Paper two", "Paper three")
POOL = ("Imported four", "Imported five", "Imported six", "Imported seven")
TAGS = ("rl", "nlp", "vision")
ALL = FIRST + POOL


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="papershelf-sync-sm-"))
        self.real_now = storage.library.now_iso
        storage.library.now_iso = Clock(itertools.count())
        self.notes = itertools.count()
        self.libraries: list[Library] = []
        self.ops: list[tuple[str, str, str, object, int]] = []  # (stamp, paper id, field, value, machine)
        self.live_notes: dict[str, set[str]] = {}  # paper id -> texts that must survive
        self.removed: set[str] = set()  # papers an undone import took away somewhere
        self.imported: set[str] = set()

    @initialize(count=st.integers(2, 3))
    def set_up(self, count: int) -> None:
        remote = self.root / "remote.git"
        subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
        first = Library.open(self.root / "m0")
        first.import_papers(papers(*FIRST), "first.txt")
        self.imported |= {pid(t) for t in FIRST}
        sync_library(first.directory, str(remote))
        self.libraries.append(first)
        for number in range(1, count):
            sync_library(self.root / f"m{number}", str(remote))
            self.libraries.append(Library.open(self.root / f"m{number}"))

    def teardown(self) -> None:
        try:
            if self.libraries:
                self.everything_converges()
        finally:
            for library in self.libraries:
                library.close()
            storage.library.now_iso = self.real_now
            shutil.rmtree(self.root, ignore_errors=True)

    # -- actions ---------------------------------------------------------------------------

    def _act(self, machine: int, action) -> None:
        machine %= len(self.libraries)
        library = self.libraries[machine]
        before = {e.id: e for e in library.entries()}
        action(library)
        after = {e.id: e for e in library.entries()}
        self.removed |= before.keys() - after.keys()
        for key in after.keys() & before.keys():
            old, new = before[key].shelf, after[key].shelf
            for name in ("read", "starred"):
                if getattr(old, name) != getattr(new, name):
                    self.ops.append((new.updated, key, name, getattr(new, name), machine))
            for tag in set(old.tags) ^ set(new.tags):
                self.ops.append((new.updated, key, f"tag:{tag}", tag in new.tags, machine))
            if old.notes != new.notes:
                live = self.live_notes.setdefault(key, set())
                live -= {text for text in live if text in old.notes}  # seen and replaced on purpose
                live |= {new.notes} if new.notes else set()

    def _known(self, machine: int, which: int) -> list[str]:
        entries = self.libraries[machine % len(self.libraries)].entries()
        return [entries[which % len(entries)].id] if entries else []

    machines = st.integers(0, 2)
    which = st.integers(0, 9)

    @rule(m=machines, w=which, value=st.booleans())
    def mark(self, m, w, value):
        self._act(m, lambda lib: lib.set_read(self._known(m, w), value))

    @rule(m=machines, w=which, value=st.booleans())
    def star(self, m, w, value):
        self._act(m, lambda lib: lib.set_starred(self._known(m, w), value))

    @rule(m=machines, w=which, tag=st.sampled_from(TAGS), add=st.booleans())
    def tag(self, m, w, tag, add):
        self._act(m, lambda lib: (lib.add_tags if add else lib.remove_tags)(self._known(m, w), [tag]))

    @rule(m=machines, w=which, keep=st.booleans())
    def note(self, m, w, keep):
        text = f"n{next(self.notes):04d}"

        def write(lib):
            for key in self._known(m, w):
                old = lib.entry(key).shelf.notes
                lib.set_notes(key, f"{old} {text}".strip() if keep else text)

        self._act(m, write)

    @rule(m=machines, titles=st.sets(st.sampled_from(POOL), min_size=1, max_size=2))
    def import_papers(self, m, titles):
        self.imported |= {pid(t) for t in titles}
        self._act(m, lambda lib: lib.import_papers(papers(*sorted(titles)), "page.txt"))

    @rule(m=machines)
    def undo(self, m):
        self._act(m, lambda lib: lib.undo())

    @rule(m=machines)
    def sync(self, m):
        library = self.libraries[m % len(self.libraries)]
        sync_library(library.directory)
        library.refresh()

    @invariant()
    def no_conflict_markers(self):
        for library in self.libraries:
            assert conflict_markers(library.directory) == []

    # -- the final check -------------------------------------------------------------------

    def everything_converges(self):
        """After a final round of syncs (run at the end of every example)."""
        for _ in range(2):
            for number in range(len(self.libraries)):
                self.sync(number)
        views = [{e.id: (e.paper.title, e.shelf.read, e.shelf.starred, set(e.shelf.tags), e.shelf.notes)
                  for e in library.entries()} for library in self.libraries]  # fmt: skip
        assert all(view == views[0] for view in views[1:])
        for library in self.libraries:
            report = doctor.check(library.directory)
            assert report.healthy, "\n".join(report.lines())
        final = {e.id: e for e in self.libraries[0].entries()}
        assert self.imported - self.removed <= final.keys()
        for key, entry in final.items():
            self._check_fields(key, entry)
            for text in self.live_notes.get(key, ()):
                assert text in entry.shelf.notes, (key, text, entry.shelf.notes)

    def _check_fields(self, key: str, entry) -> None:
        if key in self.removed:
            return  # its shelf went with the paper on one machine: not comparable field by field
        last: dict[str, tuple[str, object, int]] = {}
        machines_of: dict[str, set[int]] = {}
        for stamp, paper, name, value, machine in sorted(self.ops, key=lambda op: op[0]):
            if paper == key:
                last[name] = (stamp, value, machine)
                machines_of.setdefault(name, set()).add(machine)
        added_only = {name for name in last if all(op[3] for op in self.ops if op[1] == key and op[2] == name)}
        for name, (_, value, _) in last.items():
            if name in ("read", "starred"):  # the later change wins, whatever machine made it
                assert getattr(entry.shelf, name) == value, (key, name, last[name])
            elif len(machines_of[name]) == 1 or name in added_only:  # tags: sets, a removal stays removed
                assert (name.removeprefix("tag:") in entry.shelf.tags) == value, (key, name, last[name])


TestSync = SyncMachine.TestCase
# Modest in the suite; PAPERSHELF_SYNC_EXAMPLES=200 for a long run on request.
TestSync.settings = settings(max_examples=int(os.environ.get("PAPERSHELF_SYNC_EXAMPLES", 10)), stateful_step_count=20, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])  # fmt: skip
