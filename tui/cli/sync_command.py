"""`papershelf sync [--remote URL] [--on-start on|off] [--on-quit on|off]`: share the library
through a git repository; and the sync a quit of the TUI runs when `--on-quit on` is set."""

from __future__ import annotations

import sys


def add_parser(sub) -> None:
    p = sub.add_parser("sync", help="sync the library through a git repository (--remote URL the first time)")
    p.add_argument("--remote", metavar="URL", help="the git repository to sync with (set it once; later syncs remember it)")
    p.add_argument("--on-start", choices=("on", "off"), help="whether the TUI syncs when it starts (this only sets it)")
    p.add_argument("--on-quit", choices=("on", "off"), help="whether the TUI syncs when you quit it with q (this only sets it)")


def run(directory: str | None, remote: str | None, on_start: str | None = None, on_quit: str | None = None) -> int:
    """Sync and say what came in and went out; errors are raised (the caller prints them)."""
    from storage import SYNC_ON_QUIT, SYNC_ON_START, library_dir, sync_library  # here: importing this module costs a start nothing

    if on_start is not None or on_quit is not None:
        return set_when(directory, {SYNC_ON_START: on_start, SYNC_ON_QUIT: on_quit})
    result = sync_library(library_dir(directory), remote)
    print(result.summary())
    return 0


def set_when(directory: str | None, choices: dict[str, str | None]) -> int:
    """Set the sync-on-start/quit settings chosen ("on"/"off"; None leaves one as it is)."""
    from storage import SYNC_ON_START, Library

    library = Library.open(directory)
    try:
        for setting, choice in choices.items():
            if choice is not None:
                library.set_setting(setting, choice == "on")
                when = "starts" if setting == SYNC_ON_START else "quits"
                print(f"the TUI {'syncs' if choice == 'on' else 'does not sync'} when it {when}")
    finally:
        library.close()
    return 0


def sync_after_quit(directory) -> int:
    """The TUI has quit (by `q`) and its terminal is back: sync there, saying so first, as a
    plain `papershelf sync` would. A failure is one line and status 1; the library is as the
    TUI left it (a sync changes nothing it cannot finish, and the next one finishes it)."""
    from storage import PapershelfError, printable, sync_library

    print("papershelf: syncing (papershelf sync --on-quit off stops this)…", flush=True)
    try:
        print(f"papershelf: {sync_library(directory).summary()}")
    except PapershelfError as problem:
        print(f"papershelf: sync: {printable(str(problem))}", file=sys.stderr)
        return 1
    return 0
