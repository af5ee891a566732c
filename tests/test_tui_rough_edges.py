"""Rough edges of the TUI (issue 14, item 5): the first frame, counts, the key bar at narrow
widths, keys typed right behind `t`, esc read together with a letter, the welcome's demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.imported import ImportedPaper
from storage.library import Library
from storage.models import Shelf
from tui.app import PapershelfApp
from tui.screens.main import MainScreen

SIZE = (120, 36)


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
