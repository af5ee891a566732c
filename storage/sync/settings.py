"""The library settings that say when the TUI syncs by itself (`papershelf sync --on-start/--on-quit`)."""

SYNC_ON_START = "sync_on_start"  # sync as the TUI starts, in the background
SYNC_ON_QUIT = "sync_on_quit"  # sync once the TUI has quit by `q`, in the terminal it leaves


def wants_sync(library, when: str) -> bool:
    """The library asks to be synced `when` (SYNC_ON_START or SYNC_ON_QUIT) and is synced:
    a git repository (`papershelf sync --remote URL` made it one)."""
    return bool(library.get_setting(when)) and (library.directory / ".git").is_dir()
