"""Rough edges of the TUI (issue 14, item 5): the first frame, counts, the key bar at narrow
widths, keys typed right behind `t`, esc read together with a letter, the welcome's demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.model.imported import ImportedPaper
from storage.library import Library
from storage.model.records import Shelf
from tests.tui.pilot import SIZE
from tui.app import PapershelfApp
from tui.screens.main import MainScreen


def _papers(count: int) -> list[ImportedPaper]:
    return [
        ImportedPaper(f"Paper {i} on critique and reward models", f"Abstract {i}: we study rewards.")
        for i in range(count)
    ]


@pytest.fixture
def library(tmp_path: Path) -> Library:
    """Twelve papers, the first starred and tagged, opened as `papershelf` opens it: the
    abstracts are read after the first frame."""
    folder = tmp_path / "library"
    papers = _papers(12)
    papers[0] = ImportedPaper(
        "Agents that critique their own plans", "An abstract.", shelf=Shelf(starred=True, tags=("rlhf", "agents"))
    )
    Library.open(folder).import_papers(papers, "made")
    opened = Library.open(folder, abstracts_later=True)
    yield opened
    opened.close()


def _frame_text(update) -> str:
    """The text of a compositor update (the first frame is a full LayoutUpdate)."""
    return "\n".join("".join(segment.text for segment in strip) for strip in update.strips)


# --- 1. the first frame shows the highlighted paper -------------------------------------------


async def test_the_first_frame_shows_the_highlighted_papers_title_and_status(library, monkeypatch):
    frames: list[str] = []
    display = PapershelfApp._display

    def recorded(app, screen, renderable) -> None:
        display(app, screen, renderable)
        if not frames and renderable is not None and isinstance(screen, MainScreen) and len(screen.papers):
            frames.append(_frame_text(renderable))

    monkeypatch.setattr(PapershelfApp, "_display", recorded)
    app = PapershelfApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert frames, "no frame showed the main screen"
    first = frames[0]
    assert "No paper selected." not in first
    assert "Agents that critique" in first
    assert "unread" in first and "starred" in first
    assert "#rlhf #agents" in first


# --- 2. counts carry a thousands separator ---------------------------------------------------


def test_counts_shown_to_the_reader_have_thousands_separators():
    from storage.library import ImportResult
    from tui import session as triage
    from tui.screens import export
    from tui.widgets.status import counts_text

    assert counts_text(10000, 1234, 5, 9999, ["1,500 selected"]) == (
        "10,000 papers · 1,234 read · 5 starred · showing 9,999 · 1,500 selected"
    )
    assert triage.count_extras(1500, triage.DEFAULT_SORT, None) == ["1,500 selected"]
    assert triage.bulk_read([]).done(2500).startswith("Marked 2,500 papers")
    assert export.papers(1000) == "1,000 papers" and export.papers(1) == "1 paper"
    result = ImportResult("page.txt", 12345, ("x",) * 1200, 11145)
    assert result.summary() == "page.txt: 12,345 papers (1,200 new, 11,145 already in the library)"


def test_the_stats_table_and_the_cli_list_use_separators(tmp_path, capsys, monkeypatch):
    from rich.console import Console

    from storage.tools.stats import Stats
    from tui.cli.library_commands import list_papers
    from tui.render.tables import stats_table

    stats = Stats(total=10000, read=2500, starred=1200, with_notes=1001,
                  tags=[("rlhf", 1500)], read_per_day=[], listed=[("Mar 11", 4321)])
    console = Console(width=120, record=True)
    console.print(stats_table(stats))
    shown = console.export_text()
    assert "10,000 · 2,500 read · 1,200 starred · 1,001 with notes" in shown
    assert " 1,500" in shown and "4,321 papers" in shown

    library = Library.open(tmp_path / "cli")
    library.import_papers(_papers(1001), "made")
    monkeypatch.setenv("COLUMNS", "200")
    list_papers(library, "", as_json=False)
    assert "1,001 papers · 0 read · 0 starred · showing 1,001" in capsys.readouterr().out


async def test_the_status_line_counts_a_big_library_with_separators(tui, tmp_path):
    folder = tmp_path / "big"
    Library.open(folder).import_papers(_papers(1200), "made")
    library = Library.open(folder)
    async with tui(library) as shelf:
        await shelf.pause()
        assert shelf.counts.startswith("1,200 papers · 0 read · 0 starred")


# --- 3. the key bar of a narrow terminal keeps the most useful keys -------------------------


@pytest.mark.parametrize(
    ("size", "shown", "dropped"),
    [
        ((120, 36), ["/ Filter", "esc Back", "space Read", "s Star", "t Tags", "n Notes", "o Open", "u Undo"], []),
        ((80, 24), ["/ Filter", "space Read", "s Star", "t Tags", "o Open"], ["esc Back", "e Export", "y Copy"]),
        ((60, 20), ["/ Filter", "space Read", "s Star"], ["esc Back", "t Tags"]),
    ],
)
async def test_a_narrow_key_bar_drops_the_least_useful_keys_first(tui, library, size, shown, dropped):
    from tui.widgets.key_bar import KeyBar

    async with tui(library, size=size) as shelf:
        await shelf.pause()
        line = shelf.app.screen.query_one(KeyBar).render().plain
    assert len(line) <= size[0]
    assert line.rstrip().endswith("^p palette")
    for label in [*shown, "? Help", "q Quit"]:
        assert label in line, (label, line)
    for label in dropped:
        assert label not in line, (label, line)
    positions = [line.index(label) for label in shown]
    assert positions == sorted(positions)  # in the table's order still


# --- 4. letters typed right behind `t` go into the tags dialog --------------------------------


def _burst(app: PapershelfApp, keys: list[str]) -> None:
    """Queue keys all at once, as a terminal's reader delivers a burst (Pilot waits between keys)."""
    from textual import events

    for key in keys:
        character = {"space": " ", "comma": ",", "enter": "\r", "escape": "\x1b"}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)


async def test_letters_typed_right_after_t_go_into_the_tags_dialog(tui, library, wait_for):
    from textual.widgets import Input

    from tui.screens.tags import TagsScreen

    async with tui(library) as shelf:
        await shelf.pause()
        second = shelf.app.screen.papers.entries[1].id
        _burst(shelf.app, ["j", "t", *"rlhf"])
        await wait_for(shelf, lambda: isinstance(shelf.app.screen, TagsScreen), what="the tags dialog")
        await shelf.pause()
        assert shelf.app.screen.query_one(Input).value == "rlhf"
        _burst(shelf.app, ["enter", "j", "t", *"xy", "comma", "space", "z", "enter"])
        third = library.entries()[2].id
        await wait_for(shelf, lambda: library.entry(third).shelf.tags == ("xy", "z"), what="the third paper's tags")
        assert library.entry(second).shelf.tags == ("rlhf",)
        assert not any(e.shelf.read or e.shelf.starred for e in library.entries()[1:])  # no "r" or "s" acted


async def test_t_and_letters_behind_enter_in_the_filter_tag_the_best_match(tui, library, wait_for):
    """"/plans⏎tnew⏎" at once: the "t" of the query is typed; the t behind enter reaches the
    list late (handed on by the filter) and still gets "new" typed into its dialog."""
    async with tui(library) as shelf:
        await shelf.pause()
        screen = shelf.app.screen
        _burst(shelf.app, ["slash", *"plans", "enter", "t", *"new", "enter"])
        first = library.entries()[0].id  # "Agents that critique their own plans", tagged rlhf, agents
        await wait_for(shelf, lambda: library.entry(first).shelf.tags == ("rlhf", "agentsnew"), what="the tags")
        assert screen.filter_bar.value == "plans" and isinstance(shelf.app.screen, MainScreen)
        assert not any(e.shelf.read for e in library.entries())


# --- 5. esc and a letter read together (Textual's parser makes them alt+letter) ---------------


def _typed(app: PapershelfApp, data: str) -> None:
    """Bytes from the terminal, read at once: through Textual's own parser, as its driver
    does, then to the app."""
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    for event in [*parser.feed(data), *parser.feed("")]:  # "" : the end of the read
        event.set_sender(app)
        app._driver.send_message(event)


def test_textual_reads_esc_and_a_letter_as_alt_letter():
    """What the fix is for: the parser's report of ESC j in one read."""
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    (key,) = [*parser.feed("\x1bj"), *parser.feed("")]
    assert (key.key, key.character) == ("alt+j", "j")


async def test_esc_then_j_read_at_once_leaves_the_filter_then_moves_down(tui, library, wait_for):
    async with tui(library) as shelf:
        await shelf.pause()
        screen = shelf.app.screen
        _typed(shelf.app, "/crit")
        await wait_for(shelf, lambda: screen.filter_bar.value == "crit", what="the query")
        _typed(shelf.app, "\x1bj")
        await wait_for(shelf, lambda: screen.focused is screen.papers and screen.papers.cursor == 1, what="the list, a row down")
        assert screen.filter_bar.value == ""  # esc cleared it, "j" was not typed into it


async def test_esc_then_a_capital_or_a_star_on_the_list(tui, library, wait_for):
    async with tui(library) as shelf:
        await shelf.pause()
        screen = shelf.app.screen
        _typed(shelf.app, "\x1bG")
        await wait_for(shelf, lambda: screen.papers.cursor == len(screen.papers) - 1, what="the last row")
        _typed(shelf.app, "\x1bs")
        last = screen.papers.entries[-1].id
        await wait_for(shelf, lambda: library.entry(last).shelf.starred, what="the star")


# --- 6. the welcome screen offers a throwaway demo library -----------------------------------


async def test_the_welcome_screen_opens_a_throwaway_demo_and_leaves_the_library_empty(tui, tmp_path, wait_for):
    from tui.screens.welcome import WelcomeScreen

    library = Library.open(tmp_path / "mine")
    async with tui(library, size=(100, 30)) as shelf:
        await shelf.pause()
        assert isinstance(shelf.app.screen, WelcomeScreen)
        assert "demo" in shelf.app.screen.query_one("#welcome-intro").content.plain.lower()
        await shelf.press("f3")
        await wait_for(shelf, lambda: isinstance(shelf.app.screen, MainScreen) and len(shelf.app.screen.papers) > 0, what="the demo")
        demo = shelf.app.screen
        assert demo.library is not library and len(demo.library) >= 100
        assert "demo" in demo.status.message  # the reader is told it is not their library
        folder = demo.library.directory
        await shelf.press("s")  # a change in the demo
        await shelf.pause()
        assert demo.library.entries()[0].shelf.starred
        await shelf.press("q")
    assert len(Library.open(tmp_path / "mine")) == 0  # nothing was added to the reader's library
    assert not folder.exists()  # and the demo is gone


async def test_the_welcome_key_bar_keeps_quit_when_narrow(tmp_path):
    from tui.widgets.key_bar import KeyBar

    app = PapershelfApp(Library.open(tmp_path / "mine"))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        line = app.screen.query_one(KeyBar).render().plain
    assert "esc Quit" in line and "f2 Paste from clipboard" in line, line
