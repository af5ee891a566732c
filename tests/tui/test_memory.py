"""The session's allocator shares one arena between its threads (tui/platform/memory.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT


def on_glibc() -> bool:
    try:
        return bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        return False


pytestmark = pytest.mark.skipif(not on_glibc(), reason="the allocator is tuned on glibc only")

# Four threads alive at once, each allocating blocks too big for Python's own small-object
# allocator (so they come from malloc, in the calling thread's arena); glibc's malloc_stats
# then prints one "Arena N:" paragraph per arena, to stderr.
THREADS_ALLOCATING = """
import ctypes, sys, threading
from tui.platform import memory
if sys.argv[1] == "tuned":
    assert memory.tune_allocator()
everyone_allocated = threading.Barrier(4)
def work():
    blocks = [bytearray(300_000) for _ in range(4)]
    everyone_allocated.wait()
threads = [threading.Thread(target=work) for _ in range(4)]
for thread in threads: thread.start()
for thread in threads: thread.join()
memory.give_back_free_memory()
ctypes.CDLL(None).malloc_stats()
"""


def arenas_used(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", THREADS_ALLOCATING, mode], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stderr.count("Arena ")


def test_threads_share_one_arena_once_tuned() -> None:
    assert arenas_used("tuned") == 1


def test_without_tuning_threads_get_arenas_of_their_own() -> None:
    """(what the tuning is for: the check above would pass for nothing otherwise)"""
    assert arenas_used("default") > 1
