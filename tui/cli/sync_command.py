"""`papershelf sync [--remote URL] [--on-start on|off]`: share the library through a git repository."""

from __future__ import annotations

SYNC_ON_START = "sync_on_start"  # the library setting the TUI reads at start (tui/screens/sync_worker.py)


def add_parser(sub) -> None:
    p = sub.add_parser("sync", help="sync the library through a git repository (--remote URL the first time)")
    p.add_argument("--remote", metavar="URL", help="the git repository to sync with (set it once; later syncs remember it)")
    p.add_argument("--on-start", choices=("on", "off"), help="whether the TUI syncs when it starts (this only sets it)")


def run(directory: str | None, remote: str | None, on_start: str | None = None) -> int:
    """Sync and say what came in and went out; errors are raised (the caller prints them)."""
    from storage import library_dir, sync_library  # here: importing this module costs a start nothing

    if on_start is not None:
        return set_on_start(directory, on_start == "on")
    result = sync_library(library_dir(directory), remote)
    print(result.summary())
    return 0


def set_on_start(directory: str | None, value: bool) -> int:
    from storage import Library

    library = Library.open(directory)
    try:
        library.set_setting(SYNC_ON_START, value)
    finally:
        library.close()
    print(f"the TUI {'syncs' if value else 'does not sync'} when it starts")
    return 0
