"""One sync at a time per library, and git's lock files left by a killed sync cleared.

The sync lock is a flock on .git/papershelf-sync.lock whose descriptor every git command of
the sync inherits: a sync killed with SIGKILL leaves its git commands running on their own (a
push half done), and the lock stays held until the last of them has ended. Whoever holds it
next knows that no papershelf git command is running in the library, so git's own `*.lock`
files are leftovers of a killed one (git refuses to run while they exist) and are removed.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from storage.sync.git import SyncError

NAME = "papershelf-sync.lock"
WAIT_SECONDS = 60.0


class SyncLock:
    def __init__(self, git_dir: Path) -> None:
        self.path = git_dir / NAME
        self.fd: int | None = None

    def __enter__(self) -> int:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)  # no O_CLOEXEC: git inherits it
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self._close()
                    raise SyncError("another sync of this library is still running; try again when it has finished") from None
                time.sleep(0.05)
        remove_stale_git_locks(self.path.parent)
        return self.fd

    def __exit__(self, *exc_info: object) -> None:
        self._close()

    def _close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # the lock goes with the last descriptor (a git still running keeps it)
            self.fd = None


def remove_stale_git_locks(git_dir: Path) -> list[Path]:
    """git's `*.lock` files in the repository (index.lock, ref locks, ...), removed."""
    stale = [p for p in [*git_dir.glob("*.lock"), *(git_dir / "refs").rglob("*.lock")] if p.name != NAME and p.is_file()]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale
