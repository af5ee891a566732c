"""Every way out of the TUI goes through one door: it saves, then arms the exit watchdog."""

from __future__ import annotations

import pytest

from tests.tui.pilot import SIZE
from tui.app import PapershelfApp


class CountingWatchdog:
    def __init__(self) -> None:
        self.armed = 0

    def arm(self) -> None:
        self.armed += 1


@pytest.mark.parametrize("keys", [("q",), ("ctrl+c",)], ids=["q", "ctrl+c"])
async def test_quitting_saves_and_arms_the_watchdog_once(sample_library, keys):
    app = PapershelfApp(sample_library)
    watchdog = CountingWatchdog()
    async with app.run_test(size=SIZE) as pilot:
        app._watchdog = watchdog  # (a real run makes one; run_test does not)
        await pilot.press("j", *keys)
        await pilot.pause()
    assert watchdog.armed == 1
    assert sample_library.get_setting("cursor") == sample_library.entries()[1].id


async def test_a_signal_as_the_app_starts_still_quits(sample_library, monkeypatch):
    """A SIGINT in the moment between the app running and its main screen being composed (the
    pty tests met it after an import given on the command line): nothing to save yet, and the
    app must still exit, not wait for the watchdog's 5 s (exit 124)."""
    from tui.screens.main import MainScreen

    app = PapershelfApp(sample_library)
    watchdog = CountingWatchdog()
    async with app.run_test(size=SIZE) as pilot:
        app._watchdog = watchdog
        not_up_yet = MainScreen(sample_library)  # made, not composed: its notes pane is not there
        monkeypatch.setattr(PapershelfApp, "screen_stack", property(lambda self: [not_up_yet]))
        app.save_and_exit()  # (as the signal thread's call_soon_threadsafe runs it)
        await pilot.pause()
        assert watchdog.armed == 1 and app._exit
