"""The library's counts as the reader sees them: `10,000 papers · 1,234 read · 5 starred · showing 9`.
The status line and `papershelf list` both show them."""

from __future__ import annotations

from collections.abc import Sequence

from storage import plural


def papers(count: int) -> str:
    return plural(count, "paper")


def counts_text(total: int, read: int, starred: int, showing: int | None = None, extras: Sequence[str] = ()) -> str:
    """`extras`: what else the reader should see at a glance (selection, sort order)."""
    parts = [papers(total), f"{read:,} read", f"{starred:,} starred"]
    if showing is not None:
        parts.append(f"showing {showing:,}")
    return " · ".join([*parts, *extras])
