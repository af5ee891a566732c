"""Responses kept on disk, keyed by URL, so a rerun makes no request it already made."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path

import platformdirs


def cache_dir() -> Path:
    """`PAPERSHELF_CACHE_DIR`, else the platform's user cache folder for papershelf."""
    configured = os.environ.get("PAPERSHELF_CACHE_DIR", "").strip()
    return Path(configured) if configured else Path(platformdirs.user_cache_dir("papershelf")) / "responses"


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
            fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".part-")
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(body)
            os.replace(temp, self.path(url))
        except OSError:
            Path(temp).unlink(missing_ok=True)
