"""`papershelf doctor`: checking a library that may not open, listing and restoring backups."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from storage.files import backups
from storage.tools import doctor
from storage.model.errors import DamagedLibraryError, PapershelfError
from storage.model.ids import doc_id, paper_id
from storage.files.journal import fold
from storage.library import Library
from tests.helpers import papers, run_cli, snapshot_dir


@pytest.fixture
def lib(tmp_path) -> Library:
    library = Library.open(tmp_path / "lib")
    library.import_papers(papers(6), "page.txt")
    return library


def _ids(lib: Library) -> list[str]:
    return [e.id for e in lib.entries()]


def _edit(path: Path, change) -> None:
    fold(path)  # recent changes live in the journal until folded into the file
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _messages(report: doctor.Report, serious: bool = True) -> list[str]:
    return [f"{f.file}: {f.message}" for f in report.findings if f.serious == serious]


def _backups_with_states(lib: Library) -> list[Path]:
    """Three backups: after 1, 2 and 3 papers were marked read (oldest first)."""
    made = []
    for pid in _ids(lib)[:3]:
        lib.set_read([pid])
        made.append(backups.make_backup(lib.directory / "annotations.json", "test"))
    return made


def test_a_healthy_library_passes_and_lists_its_backups_newest_first(lib):
    made = _backups_with_states(lib)
    report = doctor.check(lib.directory)
    assert report.healthy and report.findings == ()
    assert [b.path.name for b in report.backups] == [p.name for p in reversed(made)]
    assert [b.annotated for b in report.backups[:3]] == [3, 2, 1]
    assert all(b.taken is not None and b.reason == "test" for b in report.backups[:3])
    out = run_cli("doctor", library=lib.directory)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "catalogue.json: 6 papers" in out.stdout and "annotations.json: 3 annotated papers" in out.stdout
    lines = out.stdout.splitlines()
    listed = [next(i for i, line in enumerate(lines) if p.name in line) for p in reversed(made)]
    assert listed == sorted(listed)  # newest first
    assert "3 annotated papers" in lines[listed[0]] and " UTC " in lines[listed[0]]
    assert lines[-1] == "healthy"


def test_an_empty_or_missing_library(tmp_path):
    assert doctor.check(Library.open(tmp_path / "new").directory).healthy
    out = run_cli("doctor", library=tmp_path / "nowhere")
    assert out.returncode == 1 and "does not exist" in out.stdout
    assert not (tmp_path / "nowhere").exists()


DAMAGE = {
    "catalogue not JSON": ("catalogue.json", lambda p: p.write_bytes(b'{"papers": {"1": '), "not valid JSON"),
    "annotations not tables": ("annotations.json", lambda p: p.write_bytes(b"[1, 2]"), "expected a JSON object"),
    "empty catalogue file": ("catalogue.json", lambda p: p.write_bytes(b""), "not valid JSON"),
    "newer schema": (
        "catalogue.json",
        lambda p: _edit(p, lambda d: d.update(meta={"1": {"schema": 99}})),
        "newer papershelf",
    ),
    "malformed meta": ("annotations.json", lambda p: _edit(p, lambda d: d.update(meta={"1": 5})), "schema version"),
    "title changed under its id": (
        "catalogue.json",
        lambda p: _edit(p, lambda d: next(iter(d["papers"].values())).update(title="Something else")),
        "does not match its title",
    ),
    "duplicate positions": (
        "catalogue.json",
        lambda p: _edit(p, lambda d: [doc.update(position=7) for doc in list(d["papers"].values())[:2]]),
        "2 papers share position 7",
    ),
    "record under the wrong key": (
        "catalogue.json",
        lambda p: _edit(p, lambda d: d["papers"].update({"12": d["papers"].popitem()[1]})),
        "stored under key '12'",
    ),
    "position not a number": (
        "catalogue.json",
        lambda p: _edit(p, lambda d: next(iter(d["papers"].values())).update(position="first")),
        "position should be a whole number",
    ),
    "tags not strings": (
        "annotations.json",
        lambda p: _edit(p, lambda d: next(iter(d["shelves"].values())).update(tags=[1, None])),
        "tags should be a list of strings",
    ),
    "shelf id not hex": (
        "annotations.json",
        lambda p: _edit(p, lambda d: next(iter(d["shelves"].values())).update(id="zzz")),
        "is not 12 hex digits",
    ),
    "abstracts not JSON": ("abstracts.json", lambda p: p.write_bytes(b'{"abstracts": '), "not valid JSON"),
    "abstract not a string": (
        "abstracts.json",
        lambda p: _edit(p, lambda d: next(iter(d["abstracts"].values())).update(abstract=["x"])),
        "abstract should be a string",
    ),
    "settings not an object": (
        "annotations.json",
        lambda p: _edit(p, lambda d: d.update(settings={"1": [1]})),
        "settings: expected an object",
    ),
}


@pytest.mark.parametrize("case", DAMAGE)
def test_each_kind_of_damage_is_reported_naming_the_file(lib, case):
    name, damage, expected = DAMAGE[case]
    lib.annotate(_ids(lib)[:2], read=True, add_tags=["x"])
    damage(lib.directory / name)
    before = snapshot_dir(lib.directory)
    report = doctor.check(lib.directory)
    assert not report.healthy
    assert any(m.startswith(f"{name}: ") and expected in m for m in _messages(report)), _messages(report)
    out = run_cli("doctor", library=lib.directory)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert any(name in line and expected in line for line in out.stdout.splitlines()), out.stdout
    assert snapshot_dir(lib.directory) == before  # checking never writes


def test_orphaned_annotations_are_reported_but_harmless(lib):
    orphan = paper_id("A paper that was never imported")
    shelves = lib.directory / "annotations.json"
    lib.set_read(_ids(lib)[:1])
    _edit(shelves, lambda d: d["shelves"].update({str(doc_id(orphan)): {"id": orphan, "read": True}}))
    report = doctor.check(lib.directory)
    assert report.healthy
    assert _messages(report, serious=False) == [f"annotations.json: annotation of paper {orphan} is orphaned (not in the catalogue)"]
    assert len(Library.open(lib.directory)) == 6  # and the library opens as before


def test_leftover_temp_files_are_warnings(lib):
    (lib.directory / ".annotations.json.x1y2.tmp").write_bytes(b"{")
    report = doctor.check(lib.directory)
    assert report.healthy and _messages(report, serious=False)[0].startswith(".annotations.json.x1y2.tmp: leftover")


def test_strings_from_a_hostile_file_are_shown_escaped(lib):
    evil = "\x1b]52;c;SGVsbG8=\x07\x1b[2J\u202e"
    _edit(lib.directory / "catalogue.json", lambda d: d["papers"].update({evil: {"id": evil, "title": evil}}))
    out = run_cli("doctor", library=lib.directory)
    assert out.returncode == 1
    assert "\\x1b]52" in out.stdout and "\x1b" not in out.stdout and "\u202e" not in out.stdout


def _damage_annotations(lib: Library) -> bytes:
    damaged = b'{"shelves": {"1": '
    (lib.directory / "annotations.json").write_bytes(damaged)
    return damaged


def test_damage_message_names_a_real_backup_that_doctor_restores(lib):
    made = _backups_with_states(lib)
    damaged = _damage_annotations(lib)
    with pytest.raises(DamagedLibraryError) as info:
        Library.open(lib.directory)
    message = str(info.value)
    assert f"papershelf doctor --restore {made[-1].name}" in message
    out = run_cli("doctor", "--restore", made[-1].name, library=lib.directory)
    assert out.returncode == 0, out.stdout + out.stderr
    assert (lib.directory / "annotations.json").read_bytes() == made[-1].read_bytes()
    kept = [b for b in backups.list_backups(lib.directory) if b.name.endswith("-before-restore.json")]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged  # the damaged bytes, as they were
    assert kept[0].name in out.stdout
    reopened = Library.open(lib.directory)
    assert sum(e.shelf.read for e in reopened.entries()) == 3


def test_restore_by_path_inside_backups_picks_that_state(lib, tmp_path, monkeypatch):
    made = _backups_with_states(lib)
    _damage_annotations(lib)
    monkeypatch.chdir(tmp_path)
    out = run_cli("doctor", "--restore", str(made[0]), library=lib.directory)
    assert out.returncode == 0, out.stderr
    assert sum(e.shelf.read for e in Library.open(lib.directory).entries()) == 1
    doctor.restore(lib.directory, os.path.relpath(made[1], tmp_path))
    assert sum(e.shelf.read for e in Library.open(lib.directory).entries()) == 2


@pytest.mark.parametrize("kind", ["damaged backup", "outside backups", "no such backup", "symlink out"])
def test_restore_refuses_what_it_cannot_use_and_changes_nothing(lib, tmp_path, kind):
    made = _backups_with_states(lib)
    target = {
        "damaged backup": made[0],
        "outside backups": tmp_path / "annotations-elsewhere.json",
        "no such backup": lib.directory / "backups" / "annotations-nope.json",
        "symlink out": lib.directory / "backups" / "annotations-link.json",
    }[kind]
    if kind == "damaged backup":
        target.write_bytes(b'{"shelves": {"1": {"id": 5}}}')
    elif kind == "outside backups":
        target.write_bytes(made[1].read_bytes())
    elif kind == "symlink out":
        outside = tmp_path / "outside.json"
        outside.write_bytes(made[1].read_bytes())
        target.symlink_to(outside)
    before = snapshot_dir(lib.directory)
    out = run_cli("doctor", "--restore", str(target), library=lib.directory)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "papershelf:" in out.stderr
    assert snapshot_dir(lib.directory) == before


def test_restoring_the_oldest_backup_survives_rotation(lib):
    lib.set_read(_ids(lib)[:1])
    oldest = backups.make_backup(lib.directory / "annotations.json", "first")
    expected = oldest.read_bytes()
    lib.set_read(_ids(lib)[1:3])
    while len(backups.list_backups(lib.directory)) < backups.KEEP:
        backups.make_backup(lib.directory / "annotations.json", "filler")
    assert backups.list_backups(lib.directory)[-1] == oldest
    doctor.restore(lib.directory, oldest.name)  # the before-restore copy rotates `oldest` out
    assert (lib.directory / "annotations.json").read_bytes() == expected
    assert not oldest.exists() and len(backups.list_backups(lib.directory)) == backups.KEEP


def test_damage_hint_skips_unreadable_backups_and_is_current(lib):
    made = _backups_with_states(lib)
    _damage_annotations(lib)
    doctor.restore(lib.directory, made[1].name)  # newest backup is now the damaged before-restore copy
    running = Library.open(lib.directory)
    newer = backups.make_backup(lib.directory / "annotations.json", "later")  # made after the open
    _damage_annotations(lib)
    with pytest.raises(DamagedLibraryError) as info:
        running.refresh()
    assert info.value.backup == newer
    assert backups.is_readable(info.value.backup)
    newer.write_bytes(b"garbage")
    with pytest.raises(DamagedLibraryError) as info:
        Library.open(lib.directory)
    assert info.value.backup == made[2]  # neither the garbage nor the damaged copy


def test_restore_without_a_library_is_refused(tmp_path):
    with pytest.raises(PapershelfError, match="no library"):
        doctor.restore(tmp_path / "nowhere", "annotations-x.json")
