"""Fixtures of the TUI tests: `tui` opens the app under Pilot (tests/tui/pilot.py)."""

from tests.tui.pilot import tui  # noqa: F401
