"""tui/render: the counts line and the tables shared by the command line and the screens."""

from __future__ import annotations

import io
from datetime import date

from rich.console import Console

from storage import Entry, Paper, Shelf
from storage.tools.stats import Stats
from tui.render.counts import counts_text
from tui.render.tables import STATS_ROWS, paper_table, stats_table


def _shown(renderable, width: int = 120) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def _entry(paper_id: str, title: str, **shelf) -> Entry:
    return Entry(Paper(id=paper_id, title=title), Shelf(**shelf))


def test_counts_name_one_paper_in_the_singular_and_leave_out_what_is_not_given():
    assert counts_text(1, 0, 0) == "1 paper · 0 read · 0 starred"
    assert counts_text(2, 1, 0, showing=0) == "2 papers · 1 read · 0 starred · showing 0"
    assert counts_text(12345, 1234, 5, 9, ["sorted by date"]) == (
        "12,345 papers · 1,234 read · 5 starred · showing 9 · sorted by date"
    )


def test_the_paper_table_shows_the_counts_marks_and_titles_as_plain_text():
    entries = [
        _entry("aaaaaaaaaaaa", "[bold red]Not markup[/]", read=True, starred=True, tags=("rl", "[link]")),
        _entry("bbbbbbbbbbbb", "Unread one"),
    ]
    shown = _shown(paper_table(entries, total=1500, read=1, starred=1))
    assert "1,500 papers · 1 read · 1 starred · showing 2" in shown
    assert "aaaaaaaaaaaa  ✓★  [bold red]Not markup[/]" in shown and "rl, [link]" in shown
    assert "bbbbbbbbbbbb  •   Unread one" in shown


def test_the_stats_table_caps_tags_and_page_dates_and_names_the_days():
    stats = Stats(
        total=10000, read=2500, starred=1200, with_notes=1001,
        tags=[(f"tag{i:02}", 100 - i) for i in range(20)],
        read_per_day=[(date(2026, 3, 1), 2), (date(2026, 3, 2), 5)],
        listed=[(f"Mar {i}", 10 + i) for i in range(1, 21)],
    )  # fmt: skip
    shown = _shown(stats_table(stats))
    assert "10,000 · 2,500 read · 1,200 starred · 1,001 with notes" in shown
    assert "25%" in shown and "Mar 01 – Mar 02, 7 papers" in shown
    assert f"tag{STATS_ROWS - 1:02}" in shown and f"tag{STATS_ROWS:02}" not in shown
    assert "Mar 20" in shown and "Mar 8 " not in shown  # the latest page dates
