"""Where a library lives. Computed at call time so that tests and `--library` can move it."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "PAPERSHELF_HOME"
CATALOGUE = "catalogue.json"
ANNOTATIONS = "annotations.json"
ABSTRACTS = "abstracts.json"
LOCK = ".lock"
BACKUPS = "backups"


def default_library_dir() -> Path:
    """`$PAPERSHELF_HOME` if set, else the platform's user data directory for papershelf."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs  # imported when needed: not with --library or $PAPERSHELF_HOME

    return Path(platformdirs.user_data_dir("papershelf", appauthor=False))


def library_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    return Path(explicit).expanduser() if explicit else default_library_dir()


def cache_dir() -> Path:
    """Where source responses are cached: `$PAPERSHELF_CACHE_DIR`, else the platform's user
    cache directory for papershelf."""
    override = os.environ.get("PAPERSHELF_CACHE_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("papershelf", appauthor=False)) / "responses"
