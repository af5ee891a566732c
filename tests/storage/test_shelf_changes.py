"""Shelf changes (storage.changes.shelves): what each change does to a shelf, and its undo label."""

from __future__ import annotations

from storage.changes import shelves
from storage.model import records
from storage.model.records import BLANK_SHELF, Shelf

T0, T1 = "2026-01-01T00:00:00+00:00", "2026-02-02T00:00:00+00:00"


def test_marking_read_stamps_when_and_unread_clears_it():
    read = shelves.set_read(True, T1).apply(BLANK_SHELF)
    assert (read.read, read.read_at) == (True, T1)
    assert shelves.set_read(False, T1).apply(read) == replace_shelf(read, read=False, read_at="")
    assert shelves.set_read(True, T1).label == "marked read"
    assert shelves.set_read(False, T1).label == "marked unread"


def replace_shelf(shelf: Shelf, **fields) -> Shelf:
    from dataclasses import replace

    return replace(shelf, **fields)


def test_annotate_keeps_the_first_read_time_of_a_paper_already_read():
    read = Shelf(read=True, read_at=T0)
    assert shelves.annotate(T1, read=True).apply(read).read_at == T0
    assert shelves.annotate(T1, read=False).apply(read).read_at == ""


def test_annotate_leaves_the_fields_it_is_not_given():
    shelf = Shelf(read=True, starred=True, tags=("a",), notes="n", read_at=T0)
    assert shelves.annotate(T1).apply(shelf) == shelf
    assert shelves.annotate(T1).label == "no change"


def test_annotate_adds_before_it_removes_and_describes_everything():
    change = shelves.annotate(T1, read=True, starred=False, add_tags=["B", "a"], remove_tags=["c"], notes="x")
    after = change.apply(Shelf(tags=("c", "d")))
    assert after == Shelf(read=True, starred=False, tags=("d", "b", "a"), notes="x", read_at=T1)
    assert change.label == "marked read, unstarred, tagged b, a, untagged c, note set"
    assert shelves.annotate(T1, add_tags=["x"], remove_tags=["x"]).apply(BLANK_SHELF).tags == ()


def test_tags_from_outside_are_cleaned_and_normalised_in_order():
    assert records.clean_tags("One, two") == ("one", "two")
    assert records.clean_tags(["b", "A", "b", "\x1b[31mred", 7]) == ("b", "a", "red", "7")


def test_tag_changes():
    shelf = Shelf(tags=("a", "b"))
    assert shelves.add_tags("C").apply(shelf).tags == ("a", "b", "c")
    assert shelves.remove_tags(["a", "zz"]).apply(shelf).tags == ("b",)
    assert shelves.set_tags(["z"]).apply(shelf).tags == ("z",)
    assert [c.label for c in (shelves.add_tags("c"), shelves.remove_tags("c"), shelves.set_tags("c"))] == [
        "tagged", "untagged", "tags set"]  # fmt: skip


def test_starring():
    assert shelves.set_starred(True).apply(BLANK_SHELF).starred
    assert not shelves.set_starred(False).apply(Shelf(starred=True)).starred
    assert (shelves.set_starred(True).label, shelves.set_starred(False).label) == ("starred", "unstarred")


def test_notes_are_cleaned_and_typing_in_one_note_is_one_undo_step():
    change = shelves.set_notes("abc", "line one\nline \x07two")
    assert change.apply(BLANK_SHELF).notes == "line one\nline two"
    assert change.merge_key == shelves.set_notes("abc", "other").merge_key != shelves.set_notes("def", "x").merge_key
    assert shelves.set_starred(True).merge_key == ""


def test_changed_keeps_only_the_shelves_that_differ_in_the_order_given():
    before = {"p2": Shelf(), "p1": Shelf(starred=True), "p3": Shelf()}
    assert shelves.changed(before, shelves.set_starred(True)) == {"p2": Shelf(starred=True), "p3": Shelf(starred=True)}
    assert list(shelves.changed(before, shelves.set_starred(True))) == ["p2", "p3"]
    assert shelves.changed(before, shelves.add_tags([])) == {}
