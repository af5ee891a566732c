"""Rich tables: the papers of `papershelf list`, and the statistics (`papershelf stats` and the
TUI's statistics screen)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from storage import Entry, Stats, bar, sparkline
from tui.render.counts import counts_text

STATS_ROWS = 12  # tags, and page dates, shown at most


def paper_table(entries: Sequence[Entry], total: int, read: int, starred: int) -> Table:
    """One row a paper: id, read and star marks, title, tags; the counts as the title."""
    table = Table(title=counts_text(total, read, starred, len(entries)), box=None, pad_edge=False, expand=False)
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("title", overflow="fold", ratio=1)
    table.add_column("tags", style="cyan")
    for e in entries:
        marks = ("✓" if e.shelf.read else "•") + ("★" if e.shelf.starred else " ")
        title = Text(e.paper.title, style="dim" if e.shelf.read else "bold")
        table.add_row(e.id, marks, title, Text(", ".join(e.shelf.tags)))
    return table


def stats_table(stats: Stats) -> Table:
    """Totals, progress, papers read per day, tags, papers per page date."""
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row("papers", f"{stats.total:,} · {stats.read:,} read · {stats.starred:,} starred · {stats.with_notes:,} with notes")
    table.add_row("progress", f"{bar(stats.progress, 30)} {stats.progress:.0%}")
    _add_read_per_day(table, stats)
    _add_tags(table, stats)
    for i, (label, n) in enumerate(stats.listed[-STATS_ROWS:]):
        table.add_row("pages" if i == 0 else "", Text(f"{label:<16.16} {n:,} papers"))
    return table


def _add_read_per_day(table: Table, stats: Stats) -> None:
    counts = [n for _, n in stats.read_per_day]
    if counts:
        first, last = stats.read_per_day[0][0], stats.read_per_day[-1][0]
        table.add_row("read per day", f"{sparkline(counts)}  {first:%b %d} – {last:%b %d}, {sum(counts):,} papers")


def _add_tags(table: Table, stats: Stats) -> None:
    top = max((n for _, n in stats.tags), default=1)
    for i, (tag, n) in enumerate(stats.tags[:STATS_ROWS]):
        table.add_row("tags" if i == 0 else "", Text.assemble((f"{tag:<16.16} ", "cyan"), bar(n / top, 20), f" {n:,}"))
