"""The statistics screen: totals, progress, tags, papers read per day, papers per page date.
The same table as `papershelf stats`, counted off the UI thread."""

from __future__ import annotations

from datetime import date, datetime, timezone

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from storage import library as library_module
from storage import Library
from storage import Stats, compute
from tui.render.tables import stats_table

DAYS = 28


def library_today() -> date:
    """Today by the library's clock (the one that stamps read_at), in UTC like storage.tools.stats."""
    return datetime.fromisoformat(library_module.now_iso()).astimezone(timezone.utc).date()


class StatsScreen(ModalScreen[None]):
    """esc, q or I closes it; the arrows and page keys scroll a small terminal."""

    BINDINGS = [Binding("escape,q,I", "close", "Close", id="stats-close")]

    DEFAULT_CSS = """
    StatsScreen { align: center middle; }
    StatsScreen > VerticalScroll {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    StatsScreen #stats-body { width: 1fr; height: auto; }
    """

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats-scroll") as scroll:
            scroll.border_title = "Statistics"
            scroll.border_subtitle = "esc to close"
            yield Static("Counting…", id="stats-body")

    def on_mount(self) -> None:
        self.query_one("#stats-scroll").focus()
        self._count()

    @work(thread=True, exclusive=True, group="stats")
    def _count(self) -> None:
        stats = compute(self.library.entries(), days=DAYS, today=library_today())
        self.app.call_from_thread(self._show, stats)

    def _show(self, stats: Stats) -> None:
        if not self.is_attached:  # closed before the counting finished
            return
        self.stats = stats
        self.query_one("#stats-body", Static).update(stats_table(stats))

    def action_close(self) -> None:
        self.dismiss(None)
