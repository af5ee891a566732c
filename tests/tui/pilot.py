"""The papershelf app under Pilot, read as the behaviour a test specifies:

    async with tui(sample_library) as shelf:
        await shelf.press("s")
        await shelf.settle()
        assert "1 starred" in shelf.counts

`tui` is a fixture (registered in tests/conftest.py and tests/tui/conftest.py); `ShelfPilot`
passes anything it does not define to Textual's Pilot (`click`, `pause`, `resize_terminal`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # (imported when a test opens the app: every test process loads this module)
    from textual.pilot import Pilot

    from storage.library import Library
    from tui.app import PapershelfApp
    from tui.screens.main import MainScreen

SIZE = (120, 36)


class ShelfPilot:
    def __init__(self, pilot: Pilot) -> None:
        self.pilot = pilot
        self.app: PapershelfApp = pilot.app  # type: ignore[assignment]

    def __getattr__(self, name: str):
        return getattr(self.pilot, name)

    @property
    def main(self) -> MainScreen:
        """The main screen (the test fails if another screen is on top)."""
        from tui.screens.main import MainScreen

        screen = self.app.screen
        assert isinstance(screen, MainScreen), screen
        return screen

    @property
    def counts(self) -> str:
        """The counts line: `48 papers · 1 read · 0 starred · showing 9`."""
        return self.main.status.message

    @property
    def toasts(self) -> list[str]:
        """The notifications shown so far, oldest first."""
        return [n.message for n in self.app._notifications]

    @property
    def listed(self) -> list[str]:
        """The ids of the papers listed, in list order."""
        return [e.id for e in self.main.papers.entries]

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)

    async def settle(self) -> None:
        """Let the workers (the filter, the export) finish and their results reach the screen."""
        await self.pilot.pause()
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()


@asynccontextmanager
async def open_tui(
    library: Library, *, size: tuple[int, int] = SIZE, fresh: bool = False
) -> AsyncIterator[ShelfPilot]:
    """`fresh`: the app on a new Library object for the same folder, as `papershelf` opens it
    (the test's setup is on disk, but not in the session's undo history)."""
    from storage.library import Library
    from tui.app import PapershelfApp

    app = PapershelfApp(Library.open(library.directory) if fresh else library)
    async with app.run_test(size=size) as pilot:
        yield ShelfPilot(pilot)


OpenTui = Callable[..., AbstractAsyncContextManager[ShelfPilot]]


@pytest.fixture
def tui() -> OpenTui:
    """`async with tui(library, size=(80, 24), fresh=True) as shelf:` (see ShelfPilot)."""
    return open_tui
