"""The detail pane: everything about the highlighted paper, built as rich Text (never markup)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from storage import Entry
from tui.widgets.component_style import foreground
from tui.widgets.paper_list import STAR_MARK, UNREAD_MARK


class DetailView(VerticalScroll, can_focus=True):
    """Title, status, tags, dates, links and the abstract of one paper; scrollable."""

    COMPONENT_CLASSES = {
        "detail--title",
        "detail--unread",
        "detail--read",
        "detail--star",
        "detail--tags",
        "detail--label",
        "detail--link",
        "detail--muted",
    }

    DEFAULT_CSS = """
    DetailView {
        padding: 0 1;
        & > .detail--title { text-style: bold; color: $text; }
        & > .detail--unread { color: $accent; text-style: bold; }
        & > .detail--read { color: $text-muted; }
        & > .detail--star { color: $warning; }
        & > .detail--tags { color: $secondary; }
        & > .detail--label { color: $text-muted; }
        & > .detail--link { color: $primary; text-style: underline; }
        & > .detail--muted { color: $text-muted; text-style: italic; }
        #detail-body { width: 1fr; }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.entry: Entry | None = None
        self.abstracts_pending = False  # the library is still reading the abstracts (the screen says)

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body", markup=False)

    def show(self, entry: Entry | None) -> None:
        """Show a paper (or a hint when there is none); scroll back to the top on a new paper."""
        new_paper = entry is None or self.entry is None or entry.id != self.entry.id
        self.entry = entry
        body = self.query_one("#detail-body", Static)
        body.update(self.describe(entry) if entry else self._nothing())
        if new_paper:
            self.scroll_home(animate=False)

    def on_mount(self) -> None:
        self.show(self.entry)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self.call_later(self.show, self.entry)

    def describe(self, entry: Entry) -> Text:
        text = Text(end="")
        text.append(entry.paper.title, style=self._style("detail--title"))
        text.append("\n\n")
        text.append_text(self._status(entry))
        text.append_text(self._dates(entry))
        text.append_text(self._links(entry))
        text.append("\n")
        if entry.paper.abstract:
            text.append(entry.paper.abstract)
        else:
            missing = "Loading the abstract…" if self.abstracts_pending else "No abstract."
            text.append(missing, style=self._style("detail--muted"))
        return text

    def _status(self, entry: Entry) -> Text:
        shelf = entry.shelf
        text = Text()
        if shelf.read:
            text.append("read", style=self._style("detail--read"))
        else:
            text.append(f"{UNREAD_MARK} unread", style=self._style("detail--unread"))
        if shelf.starred:
            text.append("  ")
            text.append(f"{STAR_MARK} starred", style=self._style("detail--star"))
        text.append("\n")
        text.append("Tags    ", style=self._style("detail--label"))
        if shelf.tags:
            text.append(" ".join(f"#{tag}" for tag in shelf.tags), style=self._style("detail--tags"))
        else:
            text.append("none  (t to add)", style=self._style("detail--muted"))
        text.append("\n")
        return text

    def _dates(self, entry: Entry) -> Text:
        paper = entry.paper
        parts = []
        if paper.listed:
            parts.append(f"listed {paper.listed}")
        if paper.first_seen:
            parts.append(f"first seen {paper.first_seen[:10]}")
        if not parts:
            return Text()
        text = Text("Dates   ", style=self._style("detail--label"))
        text.append(" · ".join(parts))
        text.append("\n")
        return text

    def _links(self, entry: Entry) -> Text:
        text = Text()
        for number, url in enumerate(entry.paper.links, start=1):
            label = "Links   " if number == 1 else "        "
            text.append(label, style=self._style("detail--label"))
            text.append(f"{number} ", style=self._style("detail--label"))
            text.append(url, style=self._style("detail--link") + Style(link=url))
            text.append("\n")
        return text

    def _nothing(self) -> Text:
        return Text("No paper selected.", style=self._style("detail--muted"))

    def _style(self, component: str) -> Style:
        return foreground(self, component)
