"""The startup probe of the benchmark suite still finds the moment it measures (it hooks into
Textual's frame output, which a Textual upgrade could move): run it on a small library."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from tests.helpers import ROOT


def probe(*args: str) -> dict:
    started = time.time()
    out = subprocess.run([sys.executable, "tests/benchmarks/probe.py", *args], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True)  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert started < result["painted"] < time.time() and result["peak_rss"] > 10 * 2**20
    return result


def test_the_probe_times_the_first_frame_of_the_bare_app_and_of_papershelf(sample_library):
    probe("bare")
    first_rows = probe("app", str(sample_library.directory))
    steady = probe("memory", str(sample_library.directory))
    assert steady["peak_rss"] >= first_rows["peak_rss"]  # abstracts in and the index built


def test_the_pty_probe_sees_both_first_frames_on_a_terminal(sample_library, tmp_path):
    from tests.benchmarks.pty_startup import BARE_APP, first_frame_ms

    bare = tmp_path / "bare.py"
    bare.write_text(BARE_APP)
    # first_frame_ms raises if the text never reaches the terminal
    assert first_frame_ms([sys.executable, str(bare)], b"hello") > 0
    assert first_frame_ms([sys.executable, "-m", "tui", "--library", str(sample_library.directory)], b"palette") > 0
