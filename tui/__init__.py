"""The terminal UI of papershelf (Textual)."""

import os

# Textual repaints on a timer of at most TEXTUAL_FPS frames a second (default 60). After an
# idle spell its next frame can come 17-33 ms late, so a filter result that is ready in 10 ms
# waited for it (at 240, 4-8 ms: one keystroke at 10,000 papers took 22-42 ms in a pty,
# 17-23 ms at 1000). The cap only matters while something changes; set before Textual is imported.
os.environ.setdefault("TEXTUAL_FPS", "1000")
