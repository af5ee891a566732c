"""SVG snapshots of the real screens (pytest-textual-snapshot). Update after a deliberate
change of the look with `uv run pytest tests/snapshots --snapshot-update`, then review the SVGs."""

from __future__ import annotations

import pytest

from tui.app import PapershelfApp


@pytest.fixture
def shelf(fixed_clock, empty_library, sample_path):
    """The sample page as a reader leaves it after a morning: some read, starred, tagged, a note.
    Every timestamp is fixed, so the screens are the same on every run."""
    library = empty_library
    library.import_file(sample_path)
    ids = [entry.id for entry in library.entries()]
    library.set_read(ids[:12], True)
    library.set_starred([ids[2], ids[4], ids[13], ids[20], ids[30]], True)
    library.set_tags(ids[13], ["offline-rl", "to-read"])
    library.set_tags(ids[2], ["meta-learning"])
    library.set_notes(ids[13], "Compare with IQL.\nThe appendix has the hyperparameters.")
    library.set_setting("cursor", ids[13])
    return library


def test_main_screen(snap_compare, shelf):
    assert snap_compare(PapershelfApp(shelf), terminal_size=(120, 36))


def test_main_screen_filtered(snap_compare, shelf):
    async def filter_critique(pilot) -> None:
        await pilot.press("slash", *"critique", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(PapershelfApp(shelf), terminal_size=(120, 36), run_before=filter_critique)


def test_main_screen_60_by_20(snap_compare, shelf):
    assert snap_compare(PapershelfApp(shelf), terminal_size=(60, 20))


def test_help_screen(snap_compare, shelf):
    assert snap_compare(PapershelfApp(shelf), terminal_size=(120, 36), press=["question_mark"])


def test_tags_dialog(snap_compare, shelf):
    assert snap_compare(PapershelfApp(shelf), terminal_size=(120, 36), press=["t", "comma", "space", "o"])


def test_welcome_screen(snap_compare, fixed_clock, empty_library):
    assert snap_compare(PapershelfApp(empty_library), terminal_size=(100, 30))


def test_export_dialog(snap_compare, shelf):
    assert snap_compare(PapershelfApp(shelf), terminal_size=(120, 36), press=["e"])


def test_stats_screen(snap_compare, shelf):
    async def open_stats(pilot) -> None:
        await pilot.press("I")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(PapershelfApp(shelf), terminal_size=(100, 30), run_before=open_stats)
