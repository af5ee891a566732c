"""The triage session without an app: what the main screen shows and decides, on a library."""

from __future__ import annotations

import subprocess
import sys

import pytest

from storage import PapershelfError
from storage.search.sorting import DEFAULT_SORT, SORTS, next_sort
from tui.session import CURSOR_SETTING, SAVED_FILTERS_SETTING, SORT_SETTING, TriageSession, shorten


@pytest.fixture
def session(sample_library) -> TriageSession:
    return TriageSession(sample_library)


def test_importing_the_session_loads_no_textual():
    code = "import sys, tui.session; print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_counts_are_taken_once_until_something_is_written(session, sample_library):
    first = session.counts()
    pid = sample_library.entries()[0].id
    sample_library.set_read([pid], True)
    assert session.counts() is first  # the library changed behind the session's back: still cached
    session.wrote([sample_library.entry(pid)])
    assert session.counts().read == first.read + 1


def test_written_entries_overlay_until_the_library_changes(session, sample_library):
    pid = sample_library.entries()[0].id
    [entry] = sample_library.set_starred([pid], True)
    session.wrote([entry])
    assert session.written == {pid: entry}
    session.library_changed()
    assert session.written == {}


def test_rows_of_a_search_show_what_the_session_wrote_after_it(session, sample_library):
    """A search that read the library before a toggle must not undo the toggle on screen: its
    rows show the session's newest version of each paper, as they are drawn."""
    rows = session.rows("")
    pid = rows.entry(2).id
    assert not rows.entry(2).shelf.starred
    [entry] = sample_library.set_starred([pid], True)
    session.wrote([entry])
    assert rows.entry(2) is entry
    assert rows.entries[2] is entry
    assert [e.id for e in rows.entries] == [e.id for e in session.rows("").entries]  # same order


def test_a_new_query_moves_the_cursor_the_same_or_a_cleared_one_does_not(session):
    assert session.results_shown("agents ") is True
    assert session.query == "agents"
    assert session.results_shown("agents") is False  # run again (a toggle, a new sort)
    assert session.results_shown("") is False
    assert session.results_shown("agents") is True


def test_the_counts_line_extras_name_selection_sort_search_and_demo(sample_library):
    session = TriageSession(sample_library, demo=True)
    assert session.count_extras("") == ["demo: deleted on quit"]
    session.selected.update(e.id for e in sample_library.entries()[:3])
    session.searching = True
    session.cycle_sort()
    order = next_sort(DEFAULT_SORT)
    assert session.count_extras("") == ["3 selected", f"sorted: {SORTS[order]}", "searching…", "demo: deleted on quit"]


def test_like_names_the_paper_in_the_counts_line(session, sample_library):
    paper = sample_library.entries()[0].paper
    [extra] = session.count_extras(f"like:{paper.id}")
    assert extra.startswith("like «") and "esc to go back" in extra
    assert session.title_of("no-such-paper") is None


def test_cycle_sort_is_remembered_in_the_library(session, sample_library):
    assert session.sort_order() == DEFAULT_SORT
    order = session.cycle_sort()
    assert order == next_sort(DEFAULT_SORT) and sample_library.get_setting(SORT_SETTING) == order
    sample_library.set_setting(SORT_SETTING, "nonsense")
    assert session.sort_order() == DEFAULT_SORT


def test_saved_filters_round_trip_and_a_recall_leaves_more_like_this(session, sample_library):
    assert session.save_filter("3", "  is:starred ") == "Filter 3: is:starred"
    assert session.saved_filters() == {"3": "is:starred"}
    session.like_trail.append("tag:rl")
    assert session.recall_filter("3") == "is:starred" and session.like_trail == []
    assert session.recall_filter("4") is None
    assert session.save_filter("3", "") == "Filter 3 forgotten"
    assert sample_library.get_setting(SAVED_FILTERS_SETTING) == {}
    with pytest.raises(PapershelfError):
        session.save_filter("x", "is:read")


def test_more_like_this_keeps_a_trail_esc_walks_back(session):
    assert session.more_like("a1", "tag:rl") == "like:a1"
    assert session.more_like("a1", "like:a1") is None  # already there: no second step
    assert session.more_like("b2", "like:a1") == "like:b2"
    assert session.back_from_like("like:b2") == "like:a1"
    assert session.back_from_like("like:a1") == "tag:rl"
    assert session.back_from_like("tag:rl") is None


def test_leaving_more_like_this_by_typing_forgets_the_trail(session):
    session.more_like("a1", "tag:rl")
    assert session.back_from_like("is:unread") is None  # the reader typed another filter
    assert session.like_trail == []


def test_selected_ids_list_shown_papers_first_then_hidden_ones(session, sample_library):
    entries = sample_library.entries()
    session.selected.update({entries[0].id, entries[5].id, "gone"})
    shown = [entries[5], entries[7]]
    assert session.selected_ids(shown) == [entries[5].id, entries[0].id]  # "gone" is not in the library
    session.selected.clear()
    assert session.selected_ids(shown) == []


def test_undo_names_the_step_and_the_paper_to_go_back_to(session, sample_library):
    pid = sample_library.entries()[2].id
    session.wrote(sample_library.set_read([pid], True))
    assert session.undo() == ("Undid: marked read", pid)
    assert session.written == {}  # the library is the newest again
    assert not sample_library.entry(pid).shelf.read
    assert session.redo() == "Redid: marked read"
    assert sample_library.entry(pid).shelf.read


def test_undo_of_a_step_on_many_papers_goes_back_to_none(session, sample_library):
    assert session.undo() == ("Undid: import of trending-sample.txt", None)
    assert session.undo() == (None, None)
    assert session.redo() == "Redid: import of trending-sample.txt"
    assert session.redo() is None


def test_the_cursor_is_remembered_for_the_next_sitting(session, sample_library):
    first, second = (e.id for e in sample_library.entries()[:2])
    session.remember_cursor(second)
    session.remember_cursor(None)  # no paper highlighted: the last one is kept
    assert session.cursor == second and sample_library.get_setting(CURSOR_SETTING) == second
    assert TriageSession(sample_library).cursor == second


def test_a_cursor_the_library_cannot_keep_is_tried_again_at_the_next_move(session, sample_library, monkeypatch):
    pid = sample_library.entries()[0].id

    def refuse(name, value):
        raise PapershelfError("read-only")

    with monkeypatch.context() as patch:
        patch.setattr(sample_library, "set_setting", refuse)
        session.remember_cursor(pid)  # must not raise
    assert session.cursor != pid and sample_library.get_setting(CURSOR_SETTING) != pid
    session.remember_cursor(pid)
    assert sample_library.get_setting(CURSOR_SETTING) == pid


def test_shorten_cuts_long_text_to_the_width_with_an_ellipsis():
    assert shorten("Attention", 9) == "Attention"
    assert shorten("Attention is all you need", 14) == "Attention is…"  # (the space before the cut dropped)
    assert len(shorten("x" * 100, 48)) == 48
