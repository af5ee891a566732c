"""`e` exports a reading list to a file or the clipboard; `y` copies one paper. Driven
through Pilot; the clipboard is faked at pyperclip's level and at Textual's OSC 52 level."""

from __future__ import annotations

import csv
import io
import re
import threading
from pathlib import Path

import bibtexparser
import pyperclip
import pytest
from textual.widgets import Input, RadioButton, RadioSet, Static
from textual.widgets._toast import Toast

from storage.formats.bibtex import to_bibtex
from storage.formats.markdown import md_escape
from storage.formats.detect import load_text
from tui.platform import clipboard
from tui.app import PapershelfApp
from tui.screens.copy import CopyChooser
from tui.screens.export import ConfirmOverwrite, ExportScreen
from tui.screens.main import MainScreen

SIZE = (120, 36)
TASK_ITEM = re.compile(r"^- \[[ x]\] ", re.MULTILINE)


class FakeClipboards:
    """pyperclip (the system clipboard) and the terminal's OSC 52, recording what they got."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, app: PapershelfApp, system_works: bool) -> None:
        self.system: list[str] = []
        self.terminal: list[str] = []
        monkeypatch.setattr(app, "copy_to_clipboard", self.terminal.append)
        if system_works:
            monkeypatch.setattr(pyperclip, "copy", self.system.append)
            monkeypatch.setattr(pyperclip, "paste", lambda: self.system[-1])
        else:
            monkeypatch.setattr(pyperclip, "copy", self._fail)

    @staticmethod
    def _fail(text: str) -> None:
        raise pyperclip.PyperclipException("could not find a copy/paste mechanism")


def messages(app: PapershelfApp) -> list[str]:
    return [n.message for n in app._notifications]


def dialog(app: PapershelfApp) -> ExportScreen:
    assert isinstance(app.screen, ExportScreen), app.screen
    return app.screen


async def open_export(pilot, wait_for) -> ExportScreen:
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExportScreen), what="the export dialog")
    return dialog(pilot.app)


async def pick(pilot, radio_set: str, label_start: str) -> None:
    """Press the radio button whose label starts with `label_start`."""
    buttons = pilot.app.screen.query_one(radio_set, RadioSet).query(RadioButton)
    matching = [b for b in buttons if str(b.label).startswith(label_start)]
    assert len(matching) == 1, [str(b.label) for b in buttons]
    matching[0].value = True
    await pilot.pause()


def scope_labels(screen: ExportScreen) -> list[str]:
    return [str(b.label) for b in screen.query_one("#export-scope", RadioSet).query(RadioButton)]


async def write_to(pilot, path: Path) -> None:
    """Type the path and press enter in it; wait for the export to finish."""
    field = pilot.app.screen.query_one("#export-path", Input)
    field.value = str(path)
    field.focus()
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def problem(screen: ExportScreen) -> str:
    return str(screen.query_one("#export-message", Static).content)


# --- writing files ----------------------------------------------------------------------


async def test_markdown_to_a_file_has_one_task_item_per_paper(sample_library, tmp_path, wait_for):
    target = tmp_path / "reading.md"
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot, wait_for)
        await write_to(pilot, target)
        assert isinstance(app.screen, MainScreen)
        assert messages(app) == [f"Wrote 48 papers as Markdown to {target}"]
    text = target.read_text(encoding="utf-8")
    assert len(TASK_ITEM.findall(text)) == 48
    first = sample_library.entries()[0]
    assert f"[{md_escape(first.paper.title)}]({first.paper.links[0]})" in text


async def test_csv_to_a_file_parses_back_with_the_csv_module(sample_library, tmp_path, wait_for):
    target = tmp_path / "reading.csv"
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot, wait_for)
        await pick(pilot, "#export-format", "CSV")
        await write_to(pilot, target)
        assert messages(app) == [f"Wrote 48 papers as CSV to {target}"]
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert [row["id"] for row in rows] == [e.id for e in sample_library.entries()]
    assert [row["title"] for row in rows] == [e.paper.title for e in sample_library.entries()]


async def test_json_to_a_file_reimports_every_paper(sample_library, tmp_path, wait_for):
    target = tmp_path / "reading.json"
    sample_library.set_tags(sample_library.entries()[5].id, ["rlhf"])
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot, wait_for)
        await pick(pilot, "#export-format", "JSON")
        await write_to(pilot, target)
    papers = load_text(target.read_text(encoding="utf-8"), str(target))
    assert [p.title for p in papers] == [e.paper.title for e in sample_library.entries()]
    assert papers[5].shelf is not None and papers[5].shelf.tags == ("rlhf",)


async def test_bibtex_to_a_file_has_one_entry_per_paper(sample_library, tmp_path, wait_for):
    target = tmp_path / "reading.bib"
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot, wait_for)
        await pick(pilot, "#export-format", "BibTeX")
        await write_to(pilot, target)
        assert messages(app) == [f"Wrote 48 papers as BibTeX to {target}"]
    parsed = bibtexparser.parse_string(target.read_text(encoding="utf-8"))
    assert len(parsed.entries) == 48 and not parsed.failed_blocks


async def test_the_file_name_follows_the_format_chosen_with_the_keys(sample_library, wait_for):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot, wait_for)
        path = screen.query_one("#export-path", Input)
        assert path.value == "~/papershelf-reading-list.md"
        await pilot.press("down", "enter")  # the format list has the focus: BibTeX
        assert screen.format == "bib"
        assert path.value == "~/papershelf-reading-list.bib"
        path.value = "/tmp/group/notes.txt"  # a name of the user's own is left alone
        await pilot.press("down", "enter")
        assert screen.format == "csv"
        assert path.value == "/tmp/group/notes.txt"


async def test_escape_closes_the_dialog_without_writing(sample_library, tmp_path, wait_for):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot, wait_for)
        screen.query_one("#export-path", Input).value = str(tmp_path / "x.md")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, MainScreen)
    assert not (tmp_path / "x.md").exists()


async def test_e_types_in_the_filter(sample_library):
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "e")
        assert isinstance(app.screen, MainScreen)
        assert app.screen.filter_bar.value == "e"


# --- scopes -------------------------------------------------------------------------------


async def test_starred_scope_exports_only_starred_papers(sample_library, tmp_path, wait_for):
    ids = [e.id for e in sample_library.entries()]
    sample_library.set_starred([ids[3], ids[10], ids[40]], True)
    target = tmp_path / "starred.json"
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot, wait_for)
        assert scope_labels(screen) == ["All (48)", "Starred (3)"]  # no filter, no selection
        await pick(pilot, "#export-scope", "Starred")
        await pick(pilot, "#export-format", "JSON")
        await write_to(pilot, target)
        assert messages(app) == [f"Wrote 3 papers as JSON to {target}"]
    titles = [p.title for p in load_text(target.read_text(encoding="utf-8"), "starred.json")]
    assert titles == [sample_library.entry(i).paper.title for i in (ids[3], ids[10], ids[40])]


async def test_current_filter_scope_exports_the_list_as_shown(sample_library, tmp_path, wait_for):
    target = tmp_path / "critique.csv"
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"critique", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = [e.id for e in app.screen.papers.entries]
        assert 0 < len(shown) < 48
        screen = await open_export(pilot, wait_for)
        assert screen.scope.key == "filter"  # the default while a filter is on
        assert scope_labels(screen)[0] == f"Current filter: critique ({len(shown)})"
        await pick(pilot, "#export-format", "CSV")
        await write_to(pilot, target)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert [row["id"] for row in rows] == shown


async def test_all_follows_the_order_the_list_is_sorted_in(sample_library, tmp_path, wait_for):
    target = tmp_path / "sorted.csv"
    backwards = list(reversed(sample_library.entries()))
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.papers.set_entries(backwards)  # as a sort key would list them
        await open_export(pilot, wait_for)
        await pick(pilot, "#export-format", "CSV")
        await write_to(pilot, target)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert [row["id"] for row in rows] == [e.id for e in backwards]


async def test_a_selection_is_offered_and_chosen_first(sample_library, tmp_path, wait_for):
    ids = [e.id for e in sample_library.entries()]
    target = tmp_path / "picked.md"
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        for pid in (ids[7], ids[2]):
            app.screen.papers.toggle_selected(pid)
        screen = await open_export(pilot, wait_for)
        assert scope_labels(screen) == ["Selection (2)", "All (48)", "Starred (0)"]
        assert screen.scope.key == "selection"
        await write_to(pilot, target)
    text = target.read_text(encoding="utf-8")
    assert len(TASK_ITEM.findall(text)) == 2
    assert text.index(md_escape(sample_library.entry(ids[2]).paper.title)) < text.index(
        md_escape(sample_library.entry(ids[7]).paper.title)
    )


async def test_an_empty_scope_writes_nothing_and_says_so(sample_library, tmp_path, wait_for):
    target = tmp_path / "none.md"
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot, wait_for)
        await pick(pilot, "#export-scope", "Starred")
        await write_to(pilot, target)
        assert "Nothing to export" in problem(dialog(app))
    assert not target.exists()


# --- refusals -----------------------------------------------------------------------------


async def test_an_existing_file_is_kept_unless_overwriting_is_confirmed(sample_library, tmp_path, wait_for):
    target = tmp_path / "reading.md"
    target.write_text("my own notes\n", encoding="utf-8")
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot, wait_for)
        field = app.screen.query_one("#export-path", Input)
        field.value = str(target)
        field.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmOverwrite), what="the question")
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "already exists" in problem(dialog(app))
        assert target.read_text(encoding="utf-8") == "my own notes\n"
        assert messages(app) == []

        await pilot.click("#export-write")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmOverwrite), what="the question")
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert messages(app) == [f"Wrote 48 papers as Markdown to {target}"]
    assert len(TASK_ITEM.findall(target.read_text(encoding="utf-8"))) == 48


async def test_a_file_inside_the_library_is_refused_in_the_dialog(sample_library, wait_for):
    target = sample_library.directory / "reading.md"
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot, wait_for)
        await write_to(pilot, target)
        assert "inside the library directory" in problem(dialog(app))
        assert messages(app) == []
    assert not target.exists()


async def test_a_missing_folder_is_reported_in_the_dialog(sample_library, tmp_path, wait_for):
    target = tmp_path / "no-such-folder" / "reading.md"
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot, wait_for)
        await write_to(pilot, target)
        assert "does not exist" in problem(dialog(app))
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_a_hostile_file_name_shows_literally_in_the_toast(sample_library, tmp_path, wait_for):
    target = tmp_path / "[bold]list[@click=app.quit].md"
    app = PapershelfApp(sample_library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_export(pilot, wait_for)
        await write_to(pilot, target)
        await wait_for(pilot, lambda: app.screen.query(Toast), what="the toast")
        toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
        assert any("[bold]list[@click=app.quit].md" in text for text in toasts), toasts
        assert app.is_running
    assert target.exists()


# --- the clipboard ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("system_works", "toast"),
    [
        (True, "Copied 48 papers as BibTeX to the clipboard"),
        (False, "Sent 48 papers as BibTeX to the terminal clipboard (OSC 52) — your terminal must allow it"),
    ],
    ids=["system clipboard", "osc52 when there is none"],
)
async def test_export_to_the_clipboard_says_which_one_it_used(sample_library, monkeypatch, wait_for, system_works, toast):
    app = PapershelfApp(sample_library)
    fake = FakeClipboards(monkeypatch, app, system_works=system_works)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot, wait_for)
        await pick(pilot, "#export-format", "BibTeX")
        await pilot.click("#export-copy")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert messages(app) == [toast]
    used, unused = (fake.system, fake.terminal) if system_works else (fake.terminal, fake.system)
    assert used == [to_bibtex(sample_library.entries())]
    assert unused == []


async def test_a_clipboard_tool_that_hangs_falls_back_without_freezing(sample_library, monkeypatch, wait_for):
    release = threading.Event()
    monkeypatch.setattr(clipboard, "SYSTEM_CLIPBOARD_TIMEOUT", 0.2)
    app = PapershelfApp(sample_library)
    fake = FakeClipboards(monkeypatch, app, system_works=True)
    monkeypatch.setattr(pyperclip, "copy", lambda text: release.wait(30))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_export(pilot, wait_for)
            await pilot.click("#export-copy")
            assert isinstance(app.screen, ExportScreen)  # the UI still runs while it waits
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert messages(app)[0].startswith("Sent 48 papers as Markdown to the terminal clipboard (OSC 52)")
        assert len(fake.terminal) == 1 and len(TASK_ITEM.findall(fake.terminal[0])) == 48
    finally:
        release.set()


async def test_a_clipboard_that_does_not_hold_the_text_afterwards_is_not_trusted(sample_library, monkeypatch, wait_for):
    app = PapershelfApp(sample_library)
    fake = FakeClipboards(monkeypatch, app, system_works=True)
    monkeypatch.setattr(pyperclip, "paste", lambda: "")  # e.g. xclip without a display
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y", "1")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert messages(app)[0].startswith("Sent the title of")
    assert fake.terminal == [sample_library.entries()[0].paper.title]


# --- y: copy one paper --------------------------------------------------------------------


@pytest.mark.parametrize("key", ["1", "2", "3"])
async def test_y_copies_the_paper_in_the_chosen_form(sample_library, monkeypatch, wait_for, key):
    first = sample_library.entries()[0]  # TIDAL, which has a GitHub link
    title, link = first.paper.title, first.paper.links[0]
    app = PapershelfApp(sample_library)
    fake = FakeClipboards(monkeypatch, app, system_works=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, CopyChooser), what="the chooser")
        await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        name = {"1": "title", "2": "Markdown link", "3": "BibTeX entry"}[key]
        assert messages(app) == [f"Copied the {name} of “{title[:59].rstrip()}…” to the clipboard"]
    (copied,) = fake.system
    if key == "1":
        assert copied == title
    elif key == "2":
        assert copied == f"[{md_escape(title)}]({link})"
    else:
        (entry,) = bibtexparser.parse_string(copied).entries
        assert entry.entry_type == "misc" and "TIDAL" in entry["title"]


async def test_y_chooser_works_with_arrows_and_enter(sample_library, monkeypatch, wait_for):
    app = PapershelfApp(sample_library)
    fake = FakeClipboards(monkeypatch, app, system_works=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, CopyChooser), what="the chooser")
        await pilot.press("down", "down", "enter")
        await app.workers.wait_for_complete()
    assert fake.system == [to_bibtex(sample_library.entries()[:1])]


async def test_y_offers_no_markdown_link_for_a_paper_without_one(sample_library, monkeypatch, wait_for):
    app = PapershelfApp(sample_library)
    fake = FakeClipboards(monkeypatch, app, system_works=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "y")  # the second paper has no link
        await wait_for(pilot, lambda: isinstance(app.screen, CopyChooser), what="the chooser")
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, CopyChooser)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, MainScreen)
    assert fake.system == [] and fake.terminal == []


async def test_a_hostile_title_shows_literally_in_the_copy_toast(empty_library, monkeypatch, wait_for):
    empty_library.import_text("Mar 11\n\n[bold]x[/]\n\nAn abstract.\n", "hostile.txt")
    app = PapershelfApp(empty_library)
    fake = FakeClipboards(monkeypatch, app, system_works=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("y", "1")
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: app.screen.query(Toast), what="the toast")
        toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
        assert any("the title of “[bold]x[/]” to the terminal clipboard (OSC 52)" in t for t in toasts), toasts
    assert fake.terminal == ["[bold]x[/]"]
