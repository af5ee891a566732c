"""Startup as a terminal sees it: `uv run python -m tests.benchmarks.pty_startup [--papers 10000] [--runs 11]`.

Runs the bare Textual app and `papershelf --library DIR` in turn on a 120x36 pseudo-terminal
and times process start until the first frame's last line is read from the terminal ("hello",
the bare app's only text; "palette", the end of papershelf's key bar). Unlike probe.py this
includes writing the frame out, which is bigger for papershelf's screen than for one word.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from tests.benchmarks.run import ROOT, compile_bytecode, library_of

BARE_APP = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

Bare().run()
"""


def first_frame_ms(argv: list[str], last_text: bytes) -> float:
    """Milliseconds from starting `argv` on a new pty until `last_text` is read from it."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, start_new_session=True,
        env=dict(os.environ, TERM="xterm-256color"),
    )
    os.close(slave)
    seen, elapsed = b"", None
    try:
        while elapsed is None and select.select([master], [], [], 10)[0]:
            seen += os.read(master, 1 << 16)
            if last_text in seen:
                elapsed = (time.perf_counter() - started) * 1000
    finally:
        process.kill()
        process.wait()
        os.close(master)
    if elapsed is None:
        raise RuntimeError(f"{argv}: {last_text!r} never appeared; the terminal got {seen[-300:]!r}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    compile_bytecode()
    library = library_of(args.papers)
    bare_script = Path(os.environ.get("TMPDIR", "/tmp")) / "papershelf-bare-app.py"
    bare_script.write_text(BARE_APP)
    bare, app = [], []
    for _ in range(args.runs):  # in turn, so that the machine's drift hits both alike
        bare.append(first_frame_ms([sys.executable, str(bare_script)], b"hello"))
        app.append(first_frame_ms([sys.executable, "-m", "tui", "--library", str(library)], b"palette"))
    bare_ms, app_ms = statistics.median(bare), statistics.median(app)
    print(f"{args.papers:,} papers, {args.runs} runs: bare app {bare_ms:.0f} ms, papershelf {app_ms:.0f} ms = {app_ms / bare_ms:.2f}x")


if __name__ == "__main__":
    main()
