"""What doctor and stats say about a synced library's repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.sync.git import SyncError
from storage.sync.status import repository_status
from storage.tools import doctor
from tests.helpers import run_cli
from tests.storage.sync.helpers import change, library_with, pid, sync


@pytest.fixture
def synced(tmp_path: Path, bare: Path, clock) -> Path:
    a = library_with(tmp_path / "a", "One", "Two")
    sync(a, bare)
    return a


def test_a_library_that_is_not_synced_has_no_status(tmp_path):
    library = library_with(tmp_path / "a", "One")
    assert repository_status(library) is None
    assert not any("sync" in line for line in doctor.check(library).lines())


def test_status_says_what_has_not_gone_out(synced, bare):
    status = repository_status(synced)
    assert status.remote == str(bare) and status.last_sync is not None
    assert status.summary().endswith("; up to date")
    change(synced, lambda lib: lib.set_read([pid("One")]))
    assert repository_status(synced).summary().endswith("changes since the last sync")
    bare.rename(bare.with_name("gone.git"))
    with pytest.raises(SyncError):
        sync(synced)
    assert repository_status(synced).summary().endswith("1 commit not sent yet")


def test_doctor_reports_the_repository(synced):
    report = doctor.check(synced)
    assert report.healthy
    assert any(line.strip().startswith("ok       sync: synced with") for line in report.lines())
    (synced / ".git" / "index.lock").write_text("")
    report = doctor.check(synced)
    assert report.healthy and any("index.lock" in line and "warning" in line for line in report.lines())


def test_doctor_finds_conflict_markers_left_by_a_merge_by_hand(synced):
    path = synced / "catalogue.json"
    path.write_bytes(path.read_bytes() + b"\n<<<<<<< HEAD\n=======\n>>>>>>> theirs\n")
    report = doctor.check(synced)
    assert not report.healthy
    assert any("conflict markers" in line for line in report.lines())


def test_stats_shows_the_sync_line(synced, bare):
    done = run_cli("stats", library=synced)
    assert done.returncode == 0, done.stderr
    assert f"sync synced with {bare}" in " ".join(done.stdout.split())
