"""What the main screen and its stand-in for the first frame (tui/screens/first.py) share:
the size classes the layout depends on. app.tcss styles `ShelfScreen`, so both look alike."""

from __future__ import annotations

from textual.screen import Screen


class ShelfScreen(Screen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-tiny"), (14, "-short"), (28, "-tall")]

    def _classes_for_size(self) -> None:
        """The size classes Screen sets on its first resize, set now: setting them then
        restyles every widget once more before the first frame (~5 ms). Not styled here
        (update=False): the screen is styled when it mounts."""
        width, height = self.app.size
        for size, breakpoints in ((width, self.HORIZONTAL_BREAKPOINTS), (height, self.VERTICAL_BREAKPOINTS)):
            self.add_class(*[name for start, name in breakpoints if size >= start][-1:], update=False)
