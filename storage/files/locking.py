"""A cross-process lock around each read-modify-write of a library.

flock() is released by the kernel when its holder dies, so a killed process never leaves a
stale lock behind. The lock file is opened with O_NOFOLLOW: a symlink planted at its path
makes papershelf refuse, never write through it.
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
from pathlib import Path

from storage.model.errors import PapershelfError


class LibraryLock:
    """Re-entrant within a process (counted), exclusive across processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._depth = 0
        self._fd: int | None = None
        self._thread_lock = threading.RLock()

    def __enter__(self) -> LibraryLock:
        self._thread_lock.acquire()
        if self._depth == 0:
            self._fd = self._open()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        self._depth += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        self._thread_lock.release()

    def hold(self, timeout: float) -> bool:
        """Wait (at most `timeout` s) for this process's write in progress to end, then keep any
        other thread from starting one, for good: the process is about to end."""
        return self._thread_lock.acquire(timeout=timeout)

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            hint = "; it must be a regular file, not a link" if exc.errno == errno.ELOOP else ""
            raise PapershelfError(f"{self.path}: cannot open the library lock ({exc.strerror}){hint}") from None
