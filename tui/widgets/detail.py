"""The detail pane: everything about the highlighted paper, built as rich Text (never markup)."""

from __future__ import annotations

import textwrap

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from storage import Entry, Paper
from tui.paper_links import is_web, web_links
from tui.widgets.component_style import foreground
from tui.widgets.paper_list import STAR_MARK, UNREAD_MARK


class DetailView(VerticalScroll, can_focus=True):
    """Title, authors, status, tags, facts from the sources, dates, links and the abstract of
    one paper; scrollable. A fact nobody knows takes no line (a page import's paper shows none)."""

    COMPONENT_CLASSES = {
        "detail--title",
        "detail--authors",
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
        & > .detail--authors { color: $text; text-style: italic; }
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

    def on_resize(self) -> None:
        if self.query("#detail-body"):
            self.show(self.entry)  # the labelled rows are wrapped to the width

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self.call_later(self.show, self.entry)

    def describe(self, entry: Entry) -> Text:
        text = Text(end="")
        text.append(entry.paper.title, style=self._style("detail--title"))
        if entry.paper.authors:
            text.append("\n")
            text.append(short_authors(entry.paper.authors), style=self._style("detail--authors"))
        text.append("\n\n")
        text.append_text(self._status(entry))
        text.append_text(self._facts(entry.paper))
        text.append_text(self._dates(entry))
        text.append_text(self._links(entry))
        text.append("\n")
        if abstract := entry.paper.abstract:  # (once: it may be unpacked on each read)
            text.append(abstract)
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
        if shelf.tags:
            text.append_text(self._row("Tags", " ".join(f"#{tag}" for tag in shelf.tags), self._style("detail--tags")))
        else:
            text.append_text(self._row("Tags", "none  (t to add)", self._style("detail--muted")))
        return text

    def _dates(self, entry: Entry) -> Text:
        paper = entry.paper
        parts = []
        if paper.published:
            parts.append(f"published {paper.published}")
        if paper.listed:
            parts.append(f"listed {paper.listed}")
        if paper.first_seen:
            parts.append(f"first seen {paper.first_seen[:10]}")
        return self._row("Dates", " · ".join(parts), self._style("detail--label")) if parts else Text()

    def _facts(self, paper: Paper) -> Text:
        """The arXiv id and categories, the upvotes and stars: a line each, when known."""
        text = Text()
        if arxiv := " · ".join(part for part in (paper.arxiv_id, ", ".join(paper.categories)) if part):
            text.append_text(self._row("arXiv", arxiv))
        if popular := popularity(paper):
            text.append_text(self._row("Popular", popular))
        return text

    def _links(self, entry: Entry) -> Text:
        """The web links numbered as `o` offers them (it labels them); any other link after, as is."""
        text = Text()
        links = web_links(entry.paper)
        others = [link for link in entry.paper.links if not is_web(link.strip())]
        for number, (_, url) in enumerate(links, start=1):
            label = f"{'Links' if number == 1 else '':{LABEL_WIDTH}}{number} "
            text.append_text(self._row(label, url, self._style("detail--link") + Style(link=url)))
        for n, link in enumerate(others):
            text.append_text(self._row(f"{'Links' if not links and n == 0 else '':{LABEL_WIDTH}}  ", link))
        return text

    def _row(self, label: str, value: str, style: Style | str = "") -> Text:
        """`Label   value`, the value wrapped under itself (not under the label) when too long."""
        label, label_style = f"{label:{LABEL_WIDTH}}", self._style("detail--label")
        # Indents in runs of their own (styled unlike what follows): SVG viewers drop a run's leading spaces.
        indent_style = Style() if style == label_style else label_style
        shown = label.lstrip(" ")
        text = Text(label[: len(label) - len(shown)])
        first, *more = hanging_lines(value, self._text_width() - len(label))
        if style == label_style:  # one run, not two of one style (drawn sometimes merged, sometimes not)
            text.append(shown + first, style=label_style)
        else:
            text.append(shown, style=label_style)
            text.append(first, style=style)
        for line in more:
            text.append(f"\n{' ' * len(label)}", style=indent_style)
            text.append(line, style=style)
        text.append("\n")
        return text

    def _text_width(self) -> int:
        """The columns the text has (a vertical scrollbar's taken or not); 0 before layout."""
        return self.content_region.width - self.styles.scrollbar_size_vertical if self.is_mounted else 0

    def _nothing(self) -> Text:
        return Text("No paper selected.", style=self._style("detail--muted"))

    def _style(self, component: str) -> Style:
        return foreground(self, component)


SHORT_AUTHORS = 3  # names before "et al."; a list only one name longer is shown whole
LABEL_WIDTH = 8  # "Tags    ", "Popular ": the values start in one column


def hanging_lines(value: str, width: int) -> list[str]:
    """`value` in lines of `width` columns at most, broken at spaces (long words, like a
    link, cut); as is when it fits, when the width is unknown, or when it has wide characters
    (rich then wraps it, from the start of the line)."""
    if width < 8 or len(value) <= width or cell_len(value) != len(value):
        return [value]
    return textwrap.wrap(value, width, break_on_hyphens=False) or [value]


def short_authors(authors: tuple[str, ...]) -> str:
    """`A, B, C et al. (12 authors)`, or every name when there are few."""
    if len(authors) <= SHORT_AUTHORS + 1:
        return ", ".join(authors)
    return f"{', '.join(authors[:SHORT_AUTHORS])} et al. ({len(authors)} authors)"


def popularity(paper: Paper) -> str:
    """`123 upvotes · 4,567 GitHub stars`, as far as known ("" when neither is)."""
    details = paper.details
    parts = []
    if details.upvotes is not None:
        parts.append(f"{details.upvotes:,} upvote{'' if details.upvotes == 1 else 's'}")
    if details.github_stars is not None:
        parts.append(f"{details.github_stars:,} GitHub star{'' if details.github_stars == 1 else 's'}")
    return " · ".join(parts)
