"""Every command that writes to standard output ends quietly when its reader goes away
(`papershelf list --json | head -c 100`): no traceback, and status 141 (as SIGPIPE would: the
command line's own handling), 1 (tables and stats are printed by Rich, whose Console does the
same remedy with status 1) or 0 (argparse's help ignores write errors)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from storage.tools.demo import generate
from storage.library import Library
from tests.helpers import ROOT

COMMANDS = [
    ["list"],
    ["list", "--json"],
    ["list", "is:unread"],
    ["export", "--format", "md"],
    ["export", "--format", "bib", "-o", "-"],
    ["export", "--format", "csv"],
    ["export", "--format", "json"],
    ["stats"],
    ["doctor"],
    ["--help"],
    ["list", "--help"],
]


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """Big enough that `list --json` and the exports overflow a pipe's buffer (64 KiB)."""
    folder = tmp_path_factory.mktemp("pipes") / "library"
    lib = Library.open(folder)
    lib.import_papers(generate(2000), "generated")
    lib.close()
    return folder


def papershelf(library, args: list[str], stdout) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tui", "--library", str(library), *args],
        cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE,
    )


QUIET = (0, 1, 141)


def assert_quiet(process: subprocess.Popen, statuses: tuple[int, ...]) -> None:
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()
    assert process.returncode in statuses, (process.returncode, err.decode())


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_reader_that_stops_after_100_bytes(library, args):
    writer = papershelf(library, args, subprocess.PIPE)
    head = subprocess.Popen(["head", "-c", "100"], stdin=writer.stdout, stdout=subprocess.PIPE)
    writer.stdout.close()  # head holds the only read end
    out, _ = head.communicate(timeout=60)
    assert out  # it did write before its reader left
    assert_quiet(writer, QUIET)


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_reader_gone_before_the_first_write(library, args):
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        writer = papershelf(library, args, write_end)
    finally:
        os.close(write_end)
    assert_quiet(writer, QUIET)


def test_the_big_outputs_meet_the_closed_pipe_through_head(library):
    """(So the first test is not passing only because everything fitted in the pipe.)"""
    writer = papershelf(library, ["list", "--json"], subprocess.PIPE)
    head = subprocess.Popen(["head", "-c", "100"], stdin=writer.stdout, stdout=subprocess.DEVNULL)
    writer.stdout.close()
    head.wait(timeout=60)
    assert_quiet(writer, (141,))
