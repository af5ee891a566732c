"""Scripted sync cases: two or three libraries sharing a bare repository on local disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.sync.rules import NOTE_SEPARATOR
from tests.storage.sync.helpers import change, conflict_markers, git, library_with, papers, pid, shelf, state, sync

BASE = ("Attention Is All You Need", "Deep Residual Learning", "Adam: A Method for Stochastic Optimization",
        "Generative Adversarial Networks")  # fmt: skip


@pytest.fixture
def pair(tmp_path: Path, bare: Path, clock) -> tuple[Path, Path]:
    """Library A (four papers), set up on the remote; library B, cloned from it."""
    a = library_with(tmp_path / "a", *BASE)
    assert sync(a, bare).action == "set up"
    b = tmp_path / "b"
    assert sync(b, bare).action == "cloned"
    return a, b


def test_done_when_both_sides_changed_then_synced_a_b_a(pair):
    a, b = pair
    attention, resnet, adam, gan = map(pid, BASE)
    change(a, lambda lib: lib.set_read([attention]))  # different papers
    change(b, lambda lib: lib.set_starred([resnet]))
    change(a, lambda lib: (lib.set_read([adam]), lib.set_starred([adam])))  # the same paper, both sides
    change(b, lambda lib: (lib.set_read([adam]), lib.set_read([adam], False), lib.set_starred([adam], True)))
    change(a, lambda lib: lib.set_notes(gan, "A: read section 3"))  # the same paper's note
    change(b, lambda lib: lib.set_notes(gan, "B: the proof is wrong"))
    change(a, lambda lib: lib.import_papers(papers("Paper only A imported"), "a.txt"))
    change(b, lambda lib: lib.import_papers(papers("Paper only B imported", "Paper both imported"), "b.txt"))
    change(a, lambda lib: lib.import_papers(papers("Paper both imported"), "a2.txt"))

    sync(a), sync(b), sync(a)

    assert state(a) == state(b)
    assert len(state(a)) == 7
    assert shelf(a, BASE[0]).read and shelf(a, BASE[1]).starred
    assert shelf(a, BASE[2]).read is False  # B unmarked it after A marked it: the later change
    assert shelf(a, BASE[2]).starred
    notes = shelf(a, BASE[3]).notes
    assert notes == "B: the proof is wrong" + NOTE_SEPARATOR + "A: read section 3"  # the later first
    assert conflict_markers(a) == conflict_markers(b) == []


def test_summary_says_what_came_in_and_went_out(pair):
    a, b = pair
    attention, resnet = pid(BASE[0]), pid(BASE[1])
    change(a, lambda lib: lib.set_read([attention, resnet]))
    change(a, lambda lib: lib.import_papers(papers("New one"), "x.txt"))
    out = sync(a)
    assert (len(out.went_out.papers), len(out.went_out.annotations)) == (1, 2)
    assert out.summary().endswith("nothing in; 1 paper, 2 annotations out")
    came = sync(b)
    assert came.summary().endswith("1 paper, 2 annotations in; nothing out")
    assert sync(b).summary().endswith("nothing in; nothing out")


def test_a_read_toggle_is_a_one_line_diff(pair):
    a, _ = pair
    change(a, lambda lib: lib.set_read([pid(title) for title in BASE]))
    sync(a)
    change(a, lambda lib: lib.set_read([pid(BASE[2])], False))
    sync(a)
    diff = git(a, "show", "--format=", "--unified=0", "HEAD", "--", "annotations.json")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert [line[0] for line in changed] == ["-", "+"], diff
    assert pid(BASE[2]) in changed[1] and '"read":false' in changed[1]


def test_tags_merge_as_sets_and_a_removal_stays(pair):
    a, b = pair
    attention = pid(BASE[0])
    change(a, lambda lib: lib.add_tags([attention], ["rl", "old"]))
    sync(a), sync(b)
    change(a, lambda lib: (lib.add_tags([attention], ["theory"]), lib.remove_tags([attention], ["old"])))
    change(b, lambda lib: lib.add_tags([attention], ["survey"]))
    sync(a), sync(b), sync(a)
    assert set(shelf(a, BASE[0]).tags) == set(shelf(b, BASE[0]).tags) == {"rl", "theory", "survey"}


def test_note_changed_on_one_side_is_taken_whole(pair):
    a, b = pair
    gan = pid(BASE[3])
    change(a, lambda lib: lib.set_notes(gan, "first"))
    sync(a), sync(b)
    change(b, lambda lib: lib.set_notes(gan, "first, then more"))
    change(a, lambda lib: lib.set_starred([gan]))
    sync(b), sync(a), sync(b)
    assert shelf(a, BASE[3]).notes == shelf(b, BASE[3]).notes == "first, then more"
    assert shelf(b, BASE[3]).starred


def test_settings_merge_key_by_key(pair):
    a, b = pair
    change(a, lambda lib: lib.set_setting("sort", "title"))
    change(b, lambda lib: lib.set_setting("saved_filters", {"rl": "tag:rl"}))
    sync(a), sync(b), sync(a)
    for side in (a, b):
        change(side, lambda lib: (lib.get_setting("sort") == "title" and lib.get_setting("saved_filters") == {"rl": "tag:rl"})
               or pytest.fail(f"settings of {side.name} not merged"))  # fmt: skip


def test_join_keeps_both_libraries(tmp_path, bare, clock):
    a = library_with(tmp_path / "a", "Only in A", "In both")
    change(a, lambda lib: lib.set_notes(pid("In both"), "note from A"))
    sync(a, bare)
    b = library_with(tmp_path / "b", "Only in B", "In both")
    change(b, lambda lib: (lib.set_read([pid("Only in B")]), lib.set_notes(pid("In both"), "note from B")))
    assert sync(b, bare).action == "joined"
    sync(a)
    assert state(a) == state(b)
    assert {t for t, *_ in state(a).values()} == {"Only in A", "Only in B", "In both"}
    assert shelf(a, "Only in B").read
    notes = shelf(a, "In both").notes
    assert "note from A" in notes and "note from B" in notes


def test_three_libraries_converge(tmp_path, bare, clock):
    a = library_with(tmp_path / "a", *BASE)
    sync(a, bare)
    b, c = tmp_path / "b", tmp_path / "c"
    sync(b, bare), sync(c, bare)
    for index, side in enumerate((a, b, c)):
        change(side, lambda lib, i=index: (lib.set_read([pid(BASE[i])]), lib.add_tags([pid(BASE[3])], [f"t{i}"])))
    for side in (a, b, c, a, b):
        sync(side)
    assert state(a) == state(b) == state(c)
    assert shelf(c, BASE[3]).tags == ("t0", "t1", "t2") or set(shelf(c, BASE[3]).tags) == {"t0", "t1", "t2"}
    assert all(shelf(c, title).read for title in BASE[:3])


def test_the_repository_shares_only_the_library_files(pair):
    a, _ = pair
    change(a, lambda lib: lib.set_read([pid(BASE[0])]))  # a journal, and a backup of the day
    sync(a)
    tracked = set(git(a, "ls-files").split())
    assert tracked == {".gitattributes", ".gitignore", "abstracts.json", "annotations.json", "catalogue.json"}
    assert "merge=papershelf" in (a / ".gitattributes").read_text()
    assert "storage.sync.driver" in git(a, "config", "merge.papershelf.driver")
    assert git(a, "status", "--porcelain") == ""


def test_undo_history_survives_a_sync(pair):
    from storage.library import Library

    a, b = pair
    change(b, lambda lib: lib.set_starred([pid(BASE[1])]))
    sync(b)
    library = Library.open(a)
    try:
        library.set_read([pid(BASE[0])])
        sync(a)
        library.refresh()
        assert library.entry(pid(BASE[1])).shelf.starred  # merged in
        assert library.undo() == "undid: marked read"
        assert not library.entry(pid(BASE[0])).shelf.read
    finally:
        library.close()
    sync(a), sync(b)
    assert not shelf(b, BASE[0]).read and shelf(b, BASE[1]).starred


def test_first_sync_needs_a_remote(tmp_path):
    from storage.sync.git import SyncError

    library = library_with(tmp_path / "a", "One")
    with pytest.raises(SyncError, match="--remote URL"):
        sync(library)
    assert not (library / ".git").exists()


def test_undo_after_a_sync_takes_back_only_its_own_change(pair):
    from storage.library import Library

    a, b = pair
    gan = pid(BASE[3])
    library = Library.open(a)
    try:
        library.set_starred([gan])
        library.add_tags([gan], ["mine"])
        change(b, lambda lib: (lib.set_notes(gan, "written on B"), lib.add_tags([gan], ["theirs"])))
        sync(b), sync(a)
        library.refresh()
        assert library.entry(gan).shelf.notes == "written on B"
        library.undo()  # the tag
        library.undo()  # the star
        undone = library.entry(gan).shelf
        assert (undone.starred, undone.tags, undone.notes) == (False, ("theirs",), "written on B")
    finally:
        library.close()


def test_papershelf_undo_never_undoes_another_machines_command(pair):
    from storage.library import LAST_COMMAND, Library
    from storage.sync import engine

    assert engine.LAST_COMMAND == LAST_COMMAND
    a, b = pair
    library = Library.open(a)
    library.import_papers(papers("Imported by a command on A"), "a.txt")
    library.save_last_command()  # what `papershelf import` does
    library.close()
    sync(a), sync(b)
    other = Library.open(b)
    try:
        assert other.undo_last_command() is None  # A's import is not B's to undo
        assert len(other) == 5
    finally:
        other.close()
    change(a, lambda lib: lib.undo_last_command() is None or pytest.fail("A's command was shared: undone after the sync"))
