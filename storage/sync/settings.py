"""The library settings that say when the TUI syncs by itself (`papershelf sync --on-start/--on-quit`)."""

SYNC_ON_START = "sync_on_start"  # sync as the TUI starts, in the background
SYNC_ON_QUIT = "sync_on_quit"  # sync once the TUI has quit by `q`, in the terminal it leaves
