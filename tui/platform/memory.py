"""Memory the session gives back to the system: glibc's allocator set for many big, short-lived blocks.

Each keystroke's search makes sets and lists of up to ~100,000 items (0.5-4 MB each) and frees
them at the next key. With glibc's defaults a session's resident memory kept growing with every
query (10,000 papers: 93 MB at the first screen, 137 MB after the pty_burst benchmark's 15
queries). The process's memory map (/proc/PID/smaps) at the end showed ~70 MB in per-thread
malloc arenas: searches and loading run in worker threads, a thread may get an arena of its
own, and space freed in one arena is no use to the others.

So: one arena (the threads take turns under the GIL anyway), and the free pages handed back
while the keyboard rests. Only on glibc; elsewhere this does nothing. Peak memory over the bare
app in the pty_burst benchmark: 10,000 papers 81-91 -> 67-73 MiB, 100,000 papers 565-576 ->
492-499 MiB; keystrokes unchanged within the machine's noise. (Tried as well: a fixed mmap
threshold of 64 KiB, so that big blocks go back to the kernel as they are freed. It changed
nothing at 10,000 papers, 70 vs 71 MiB, and single keystrokes at 100,000 came slower, median
39 vs 34 ms: every big set came fresh from the kernel, page by page.)
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

M_ARENA_MAX = -8  # (glibc's malloc.h)


@cache
def _glibc() -> Any | None:
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return None
        import ctypes

        return ctypes.CDLL(None)  # the C library the interpreter runs on
    except (ValueError, OSError, AttributeError):  # not glibc (no such confstr name there)
        return None


def tune_allocator() -> bool:
    """Set the allocator up for the session; before any thread starts. Whether it could."""
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, 1))


def give_back_free_memory() -> None:
    """Hand the allocator's free pages back to the system (0.1-15 ms at 100,000 papers)."""
    if (libc := _glibc()) is not None:
        libc.malloc_trim(0)
