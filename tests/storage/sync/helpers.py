"""Builders for the sync tests: papers, a ticking clock, what a library holds."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

from storage.library import Library
from storage.model.ids import paper_id
from storage.model.imported import ImportedPaper
from storage.sync.engine import SyncResult, sync_library

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


class Clock:
    """now_iso's stand-in: one second later at each call."""

    def __init__(self, ticks: Iterator[int]) -> None:
        self.ticks = ticks

    def __call__(self) -> str:
        return (START + timedelta(seconds=next(self.ticks))).isoformat(timespec="seconds")


def papers(*titles: str) -> list[ImportedPaper]:
    return [ImportedPaper(title=title, abstract=f"Abstract of {title}.") for title in titles]


def pid(title: str) -> str:
    return paper_id(title)


def library_with(directory: Path, *titles: str) -> Path:
    library = Library.open(directory)
    try:
        if titles:
            library.import_papers(papers(*titles), "page.txt")
    finally:
        library.close()
    return directory


def sync(directory: Path, remote: Path | None = None) -> SyncResult:
    return sync_library(directory, str(remote) if remote else None)


def state(directory: Path) -> dict:
    """What a library holds, as a user sees it: per paper (in page order) its title, abstract
    and shelf (without the times of changes)."""
    library = Library.open(directory)
    try:
        return {e.id: (e.paper.title, e.paper.abstract, e.shelf.read, e.shelf.starred, e.shelf.tags, e.shelf.notes)
                for e in library.entries()}
    finally:
        library.close()


def shelf(directory: Path, title: str):
    library = Library.open(directory)
    try:
        return library.entry(pid(title)).shelf
    finally:
        library.close()


def change(directory: Path, action) -> None:
    """`action(library)` on the library in `directory`, opened and closed around it."""
    library = Library.open(directory)
    try:
        action(library)
    finally:
        library.close()


def git(directory: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=directory, check=True, capture_output=True, text=True).stdout


def conflict_markers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.is_file() and b"<<<<<<<" in p.read_bytes()]
