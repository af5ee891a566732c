"""`papershelf sync [--remote URL]`: share the library through a git repository."""

from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("sync", help="sync the library through a git repository (--remote URL the first time)")
    p.add_argument("--remote", metavar="URL", help="the git repository to sync with (set it once; later syncs remember it)")


def run(directory: str | None, remote: str | None) -> int:
    """Sync and say what came in and went out; errors are raised (the caller prints them)."""
    from storage import library_dir, sync_library  # here: importing this module costs a start nothing

    result = sync_library(library_dir(directory), remote)
    print(result.summary())
    return 0
