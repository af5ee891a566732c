from datetime import date

from storage.model.records import Entry, Paper, Shelf
from storage.tools.stats import bar, compute, sparkline


def entry(n, listed="Mar 11", **shelf):
    return Entry(Paper(f"{n:012x}", f"Paper {n}", listed=listed), Shelf(**shelf))


def test_stats_count_reading_tags_days_and_pages():
    entries = [
        entry(1, read=True, read_at="2026-11-24T09:00:00+00:00", tags=("rlhf", "agents")),
        entry(2, read=True, read_at="2026-11-23T23:30:00+00:00", starred=True, tags=("rlhf",)),
        entry(3, listed="Mar 12", notes="n"),
        entry(4, listed="Mar 12"),
    ]
    stats = compute(entries, days=3, today=date(2026, 11, 24))
    assert (stats.total, stats.read, stats.starred, stats.with_notes) == (4, 2, 1, 1)
    assert stats.progress == 0.5
    assert stats.tags == [("rlhf", 2), ("agents", 1)]
    assert stats.read_per_day == [(date(2026, 11, 22), 0), (date(2026, 11, 23), 1), (date(2026, 11, 24), 1)]
    assert stats.listed == [("Mar 11", 2), ("Mar 12", 2)]


def test_empty_library_has_no_progress():
    assert compute([]).progress == 0.0


def test_sparkline_and_bar_scale():
    assert sparkline([0, 1, 2, 4]) == "▁▃▅█"
    assert sparkline([0, 0]) == "▁▁"
    assert bar(0.5, 10) == "█████░░░░░"
    assert bar(2.0, 4) == "████"
