"""What starting the app loads: modules needed only later stay out of the startup path."""

from __future__ import annotations

import subprocess
import sys


def test_starting_the_app_does_not_load_the_external_editor():
    code = "import sys, tui.app; print(sorted(m for m in sys.modules if m in ('tui.platform.editor', 'shlex')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
