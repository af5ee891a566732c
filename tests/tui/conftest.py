"""Fixtures of the TUI tests: `tui` opens the app under Pilot (tests/tui/pilot.py); the sources'
local server (`endpoints`) and a cache in the test's folder, for `R`."""

from tests.storage.sources.conftest import cache_dir, endpoints  # noqa: F401
from tests.tui.pilot import tui  # noqa: F401
