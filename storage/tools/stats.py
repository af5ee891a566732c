"""Reading statistics: totals, progress, tags, papers read per day, papers per page date."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from storage.model.records import Entry

SPARK = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Stats:
    total: int
    read: int
    starred: int
    with_notes: int
    tags: list[tuple[str, int]]  # most used first
    read_per_day: list[tuple[date, int]]  # oldest first, one per day of the window
    listed: list[tuple[str, int]]  # page date label -> papers, in page order

    @property
    def progress(self) -> float:
        return self.read / self.total if self.total else 0.0


def compute(entries: list[Entry], days: int = 28, today: date | None = None) -> Stats:
    today = today or datetime.now(timezone.utc).date()
    window = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    read_days = Counter(_day(e.shelf.read_at) for e in entries if e.shelf.read and e.shelf.read_at)
    listed = Counter(e.paper.listed or "(no date)" for e in entries)
    return Stats(
        total=len(entries),
        read=sum(e.shelf.read for e in entries),
        starred=sum(e.shelf.starred for e in entries),
        with_notes=sum(bool(e.shelf.notes) for e in entries),
        tags=Counter(t for e in entries for t in e.shelf.tags).most_common(),
        read_per_day=[(day, read_days.get(day, 0)) for day in window],
        listed=list(listed.items()),
    )


def _day(stamp: str) -> date | None:
    try:
        return datetime.fromisoformat(stamp).astimezone(timezone.utc).date()
    except ValueError:
        return None


def sparkline(values: list[int]) -> str:
    top = max(values, default=0)
    if top == 0:
        return SPARK[0] * len(values)
    return "".join(SPARK[min(len(SPARK) - 1, round(v / top * (len(SPARK) - 1)))] for v in values)


def bar(fraction: float, width: int) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)
