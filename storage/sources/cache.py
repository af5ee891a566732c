"""Responses kept on disk, keyed by URL, so a rerun makes no request it already made."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from storage.files.paths import cache_dir
from storage.files.tinystore import atomic_write_bytes

# A listing (today's RSS, an HF daily list) is asked again after an hour: its URL stays the same
# while its content changes. A paper's record (an id, a search) is kept until the cache is cleared.
LISTING_MAX_AGE = 3600.0


class ResponseCache:
    """One file per URL (named by its SHA-256), written atomically: a reader never sees half a file."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else cache_dir()

    def path(self, url: str) -> Path:
        return self.folder / hashlib.sha256(url.encode("utf-8")).hexdigest()

    def get(self, url: str, max_age: float | None = None) -> bytes | None:
        """The stored body, or None if absent, unreadable or older than `max_age` seconds."""
        path = self.path(url)
        try:
            if max_age is not None and time.time() - path.stat().st_mtime > max_age:
                return None
            return path.read_bytes()
        except OSError:
            return None

    def put(self, url: str, body: bytes) -> None:
        """Store the body; a cache that cannot be written is skipped (the answer is still used)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self.path(url), body)
        except OSError:
            pass
