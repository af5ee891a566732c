"""What the main screen and its stand-in for the first frame (tui/screens/first.py) share:
the widgets and how they are laid out, and the size classes the layout depends on. app.tcss
styles `ShelfScreen`, so both look alike."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical
from textual.screen import Screen

from tui import actions
from tui.widgets.key_bar import KeyBar


class ShelfScreen(Screen):
    """Subclasses make the widgets (`make_widgets`); `compose` lays them out."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-tiny"), (14, "-short"), (28, "-tall")]

    def _classes_for_size(self) -> None:
        """The size classes Screen sets on its first resize, set now: setting them then
        restyles every widget once more before the first frame (~5 ms). Not styled here
        (update=False): the screen is styled when it mounts."""
        width, height = self.app.size
        for size, breakpoints in ((width, self.HORIZONTAL_BREAKPOINTS), (height, self.VERTICAL_BREAKPOINTS)):
            self.add_class(*[name for start, name in breakpoints if size >= start][-1:], update=False)

    def make_widgets(self) -> None:
        """Set status, filter_bar, papers, detail and notes (kept as attributes: they are still
        needed in on_unmount, after the DOM is gone)."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        self.make_widgets()
        yield self.status
        yield self.filter_bar
        with Horizontal(id="panes"):
            with Container(id="list-pane"):
                yield self.papers
            with Vertical(id="side"):
                yield self.detail
                with Container(id="notes"):
                    yield self.notes
        yield KeyBar(priority=actions.KEY_BAR_PRIORITY)
