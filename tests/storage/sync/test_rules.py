"""The merge rules on record dicts (storage/sync/rules.py), case by case."""

from __future__ import annotations

from storage.sync.rules import NOTE_SEPARATOR, changed_keys, merge_notes, merge_tables

T1, T2, T3 = "2026-01-01T00:00:01+00:00", "2026-01-01T00:00:02+00:00", "2026-01-01T00:00:03+00:00"
BLANK = {"id": "p", "read": False, "starred": False, "tags": [], "notes": "", "read_at": "", "updated": ""}


def shelf(**fields) -> dict:
    return {**BLANK, **fields}


def merged_shelf(base, ours, theirs) -> dict:
    tables = merge_tables({"shelves": {"1": base}} if base else {}, {"shelves": {"1": ours}}, {"shelves": {"1": theirs}})
    return tables["shelves"]["1"]


def test_the_later_change_of_read_wins_even_one_that_changed_it_back():
    base = shelf()
    ours = shelf(read=True, read_at=T1, updated=T1, changed_at={"read": T1})
    theirs = shelf(updated=T2, changed_at={"read": T2})  # marked read and unread again, later
    result = merged_shelf(base, ours, theirs)
    assert result["read"] is False and result["read_at"] == ""
    assert merged_shelf(base, theirs, ours)["read"] is False  # the same from the other side


def test_read_at_follows_the_read_that_won():
    base = shelf(read=True, read_at=T1, changed_at={"read": T1})
    ours = shelf(read=False, updated=T2, changed_at={"read": T2})
    theirs = shelf(read=True, read_at=T3, updated=T3, changed_at={"read": T3})
    result = merged_shelf(base, ours, theirs)
    assert (result["read"], result["read_at"]) == (True, T3)


def test_a_field_one_side_never_touched_is_the_other_sides():
    ours = shelf(read=True, read_at=T1, updated=T1, changed_at={"read": T1})
    theirs = shelf(starred=True, updated=T3, changed_at={"starred": T3})
    result = merged_shelf(None, ours, theirs)  # both new (no common ancestor: a join)
    assert (result["read"], result["starred"], result["updated"]) == (True, True, T3)
    assert result["changed_at"] == {"read": T1, "starred": T3}


def test_records_without_change_times_use_updated():
    base = shelf()
    ours, theirs = shelf(starred=True, updated=T2), shelf(read=True, starred=False, updated=T1)
    assert merged_shelf(base, ours, theirs)["starred"] is True


def test_notes_keep_both_texts_later_first_and_never_twice():
    assert merge_notes("later", "earlier") == "later" + NOTE_SEPARATOR + "earlier"
    assert merge_notes("first, then more", "first") == "first, then more"
    assert merge_notes("", "kept") == "kept"
    twice = merge_notes("later" + NOTE_SEPARATOR + "earlier", "earlier")
    assert twice == "later" + NOTE_SEPARATOR + "earlier"


def test_tags_merge_as_sets_a_removal_stays():
    base = shelf(tags=["a", "b"])
    ours = shelf(tags=["a", "c"], updated=T1, changed_at={"tags": T1})  # removed b, added c
    theirs = shelf(tags=["a", "b", "d"], updated=T2, changed_at={"tags": T2})  # added d
    assert merged_shelf(base, ours, theirs)["tags"] == ["a", "c", "d"]


def test_a_record_removed_on_one_side_and_changed_on_the_other_is_kept():
    base = {"shelves": {"1": shelf(), "2": shelf(id="q")}}
    ours = {"shelves": {"2": shelf(id="q")}}  # removed 1
    theirs = {"shelves": {"1": shelf(notes="mine", updated=T1), "2": shelf(id="q")}}
    assert merge_tables(base, ours, theirs)["shelves"]["1"]["notes"] == "mine"
    assert "1" not in merge_tables(base, ours, {"shelves": {"1": shelf(), "2": shelf(id="q")}})["shelves"]


def paper(pid: str, position: int, **fields) -> dict:
    return {"id": pid, "title": pid, "links": [], "listed": "", "first_seen": T1, "position": position, "source": "", **fields}


def test_papers_are_a_union_with_unique_positions():
    base = {"papers": {"1": paper("a", 1)}}
    ours = {"papers": {"1": paper("a", 1), "2": paper("b", 2), "3": paper("c", 3)}}
    theirs = {"papers": {"1": paper("a", 1), "4": paper("d", 2), "5": paper("e", 5)}}
    papers = merge_tables(base, ours, theirs)["papers"]
    assert {k: p["position"] for k, p in papers.items()} == {"1": 1, "2": 2, "3": 3, "4": 6, "5": 5}


def test_paper_fields_merge_field_by_field_new_fields_included():
    base = {"papers": {"1": paper("a", 1)}}
    ours = {"papers": {"1": paper("a", 1, links=["x"], authors=["Ann"])}}
    theirs = {"papers": {"1": paper("a", 1, links=["y"], first_seen="2025-01-01", details={"doi": "10/1"})}}
    result = merge_tables(base, ours, theirs)["papers"]["1"]
    assert result["links"] == ["x", "y"] and result["authors"] == ["Ann"] and result["details"] == {"doi": "10/1"}
    assert result["first_seen"] == "2025-01-01"  # the lower: first seen is the earliest


def test_settings_merge_key_by_key_nested_too():
    base = {"settings": {"1": {"sort": "date", "filters": {"a": "is:read"}}}}
    ours = {"settings": {"1": {"sort": "title", "filters": {"a": "is:read", "b": "tag:x"}}}}
    theirs = {"settings": {"1": {"sort": "date", "filters": {"c": "is:starred"}}}}  # removed a, added c
    assert merge_tables(base, ours, theirs)["settings"]["1"] == {"sort": "title", "filters": {"b": "tag:x", "c": "is:starred"}}


def test_changed_keys_counts_added_removed_and_changed():
    old = {"shelves": {"1": {"x": 1}, "2": {"x": 1}}}
    new = {"shelves": {"1": {"x": 2}, "3": {"x": 1}}}
    assert changed_keys(old, new, "shelves") == {"1", "2", "3"}
