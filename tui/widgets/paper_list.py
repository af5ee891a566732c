"""The paper list: a virtualised Line API view that renders only the rows on screen.

Textual's ListView/OptionList/DataTable build a widget or a cached render per row; at
100,000 papers that is far too slow. Here a row exists only as the Entry it shows, and
`render_line` draws the handful that are visible.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from storage import Entry
from tui.paper_rows import MatchLike, PaperRows
from tui.textual_private import forward_key, key_bindings, set_row_count
from tui.widgets.component_style import foreground

if TYPE_CHECKING:
    from textual.binding import BindingType

UNREAD_MARK = "●"
STAR_MARK = "★"
SELECTED_MARK = "▌"
PREFIX_WIDTH = 5  # selection, read mark, space, star, space
MIN_WIDTH_FOR_TAGS = 40


class RowStyles(NamedTuple):
    """The styles of a row's parts, the row's own (background, cursor) already added."""

    base: Style
    selected: Style
    mark: Style
    star: Style
    title: tuple[Style, Style]  # of a read, an unread paper
    match: tuple[Style, Style]  # a match in a read, an unread title
    tags: Style
    score: Style


class PaperList(ScrollView, can_focus=True, inherit_bindings=False):
    """Papers, one per line: read mark, star, title (match highlighted), tags at the right."""

    # Movement keys live in the screen's one binding table (tui/keys.py); the scroll
    # bindings a ScrollView inherits would otherwise shadow them.
    BINDINGS: list[BindingType] = []

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--unread",
        "paper-list--read",
        "paper-list--star",
        "paper-list--tags",
        "paper-list--match",
        "paper-list--selected",
        "paper-list--score",
        "paper-list--empty",
    }

    DEFAULT_CSS = """
    PaperList {
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        & > .paper-list--cursor { background: $panel-lighten-1; }
        &:focus > .paper-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
        & > .paper-list--unread { color: $foreground; text-style: bold; }
        & > .paper-list--read { color: $text-muted; }
        & > .paper-list--star { color: $warning; }
        & > .paper-list--tags { color: $secondary; }
        & > .paper-list--match { color: $accent; text-style: bold underline; }
        & > .paper-list--selected { color: $success; }
        & > .paper-list--score { color: $text-muted; }
        & > .paper-list--empty { color: $text-muted; text-style: italic; }
    }
    """

    class Highlighted(Message):
        """The highlighted paper changed (None: the list is empty)."""

        def __init__(self, paper_list: PaperList, entry: Entry | None) -> None:
            super().__init__()
            self.paper_list = paper_list
            self.entry = entry

        @property
        def control(self) -> PaperList:
            return self.paper_list

    def __init__(self, *, empty_message: str = "No papers", **kwargs) -> None:
        super().__init__(**kwargs)
        self._rows = PaperRows.of_entries([])
        self._cursor = 0
        self._announced: str | None = None
        self._strip_cache: LRUCache[tuple, Strip] = LRUCache(512)
        self._styles: dict[str, Style] = {}
        self._base_style: Style | None = None
        self._row_style_cache: dict[bool, RowStyles] = {}
        self.selected: set[str] = set()
        self.in_key_turn = False  # running a key's binding in the list's own turn (on_key)
        self.empty_message = empty_message

    # --- contents -------------------------------------------------------------------------

    def set_matches(self, matches: Iterable[MatchLike]) -> None:
        """Show filter results in their order, highlighting each title's matched spans."""
        self.set_rows(PaperRows.from_matches(matches))

    def set_entries(self, entries: Iterable[Entry]) -> None:
        self.set_rows(PaperRows.of_entries(entries))

    def set_rows(self, rows: PaperRows, keep_cursor: bool = True) -> None:
        """Replace the rows; the cursor stays on the same paper if it is still listed (else, or
        without `keep_cursor`, it goes to the first row). Cheap at any size: the rows were
        prepared beforehand (in the filter's thread)."""
        current = self.highlighted_id if keep_cursor else None
        shown_before, self._rows = self._rows, rows
        self._set_row_count(len(rows))
        self._cursor = (rows.row(current) or 0) if current else 0
        self._cursor_moved()
        self.refresh()
        # Freeing a broad search's rows (its sets and lists of ~100,000 items) takes ~3 ms:
        # after the new rows are painted, not before.
        self.call_after_refresh(_let_go, shown_before)

    def _set_row_count(self, count: int) -> None:
        """A new number of rows only moves the scrollbar: unlike assigning `virtual_size`, this
        does not lay out (and so repaint) the whole screen, unless the scrollbar appears or goes."""
        set_row_count(self, Size(self.size.width, count))

    def update_entries(self, entries: Iterable[Entry]) -> None:
        """Swap in newer versions of listed papers (after a toggle), keeping rows in place."""
        for entry in entries:
            row = self._rows.row_of.get(entry.id)
            if row is not None:
                self._rows.replace(row, entry)
                self.refresh_line(row)

    @property
    def entries(self) -> Sequence[Entry]:
        return self._rows.entries

    @property
    def scores(self) -> dict[str, float]:
        """Similarity scores of the rows ("more like this"); empty for a plain filter."""
        return self._rows.scores()

    def __len__(self) -> int:
        return len(self._rows)

    # --- cursor ---------------------------------------------------------------------------

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def highlighted(self) -> Entry | None:
        return self._rows.entry(self._cursor) if len(self._rows) else None

    @property
    def highlighted_id(self) -> str | None:
        entry = self.highlighted
        return entry.id if entry else None

    def move_cursor_to(self, row: int) -> None:
        if not len(self._rows):
            return
        row = max(0, min(row, len(self._rows) - 1))
        if row != self._cursor:
            self.refresh_line(self._cursor)
            self._cursor = row
            self.refresh_line(row)
        self._cursor_moved()

    def move_cursor_by(self, delta: int) -> None:
        self.move_cursor_to(self._cursor + delta)

    def move_to_paper(self, paper_id: str) -> bool:
        """Put the cursor on a paper; False if it is not listed."""
        row = self._rows.row(paper_id)
        if row is None:
            return False
        self.move_cursor_to(row)
        return True

    def page_down(self) -> None:
        self.move_cursor_by(self._page_height)

    def page_up(self) -> None:
        self.move_cursor_by(-self._page_height)

    def first(self) -> None:
        self.move_cursor_to(0)

    def last(self) -> None:
        self.move_cursor_to(len(self._rows) - 1)

    @property
    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _cursor_moved(self) -> None:
        self.scroll_to_cursor()
        current = self.highlighted_id
        if current != self._announced:
            self._announced = current
            self.post_message(self.Highlighted(self, self.highlighted))

    def scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + height:
            self.scroll_to(y=self._cursor - height + 1, animate=False)

    # --- selection (bulk actions) -----------------------------------------------------------

    def toggle_selected(self, paper_id: str) -> None:
        self.selected.symmetric_difference_update({paper_id})
        row = self._rows.row_of.get(paper_id)
        if row is not None:
            self.refresh_line(row)

    def select_shown(self, selected: bool = True) -> None:
        """Select (or unselect) every listed paper."""
        ids = self._rows.ids
        if selected:
            self.selected.update(ids)
        else:
            self.selected.difference_update(ids)
        self.refresh()

    def clear_selection(self) -> None:
        self.selected.clear()
        self.refresh()

    # --- events ---------------------------------------------------------------------------

    async def on_key(self, event: events.Key) -> None:
        """A key sent here acts in the list's own turn, in the order typed: the screen's binding
        for it runs now. Left to bubble, it would be looked up in the app's queue, behind keys
        typed later ("jsn…": n moves the focus to the notes, and the s looked up after it would
        be refused as a letter typed there). A key that comes after the focus has moved on (a
        burst: "…nabc", "…tfoo") goes on to the widget that has it now. Priority keys come
        here only when a text widget hands on keys it got late (KeysFollowTheFocus)."""
        target = self.app.focused
        if target is not self:
            if target is not None:
                event.stop()
                event.prevent_default()
                forward_key(target, event)
            return
        for binding in key_bindings(self.screen, event.key):
            event.stop()
            event.prevent_default()
            self.in_key_turn = True
            try:
                await self.screen.run_action(binding.action)
            finally:
                self.in_key_turn = False
            return

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = offset.y + round(self.scroll_y)
        if row < len(self._rows):
            self.move_cursor_to(row)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._rows))  # (cached rows are keyed by width)
        self.scroll_to_cursor()

    def on_focus(self) -> None:
        self._restyle()

    def on_blur(self) -> None:
        self._restyle()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip_cache.clear()
        self._styles.clear()
        self._base_style = None
        self._row_style_cache.clear()

    def _restyle(self) -> None:
        """Focus changes the colours; cached rows are keyed by focus, so they stay."""
        self._base_style = None
        self._row_style_cache.clear()
        self.refresh()

    # --- rendering ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = round(self.scroll_y) + y
        if not len(self._rows):
            return self._render_empty(y, width)
        if row >= len(self._rows):
            return Strip.blank(width, self._base)
        entry, spans, score = self._rows.drawn(row)
        # Everything a row's look depends on (but the theme: a new one clears the cache), so
        # that rows a new query shows again, as they were, are not drawn again.
        key = (entry, spans, score, row == self._cursor, entry.id in self.selected, width, self.has_focus)
        strip = self._strip_cache.get(key)
        if strip is None:
            strip = self._render_row(entry, spans, score, row == self._cursor, width)
            self._strip_cache[key] = strip
        return strip

    def _render_empty(self, y: int, width: int) -> Strip:
        if y != 0:
            return Strip.blank(width, self._base)
        message = Segment(f" {self.empty_message}", self._base + self._style("paper-list--empty"))
        return Strip([message]).crop_extend(0, width, self._base)

    @property
    def _base(self) -> Style:
        """`rich_style`, kept: it walks the ancestors, and every row needs it."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def _render_row(
        self, entry: Entry, spans: Sequence[tuple[int, int]], score: float | None, is_cursor: bool, width: int
    ) -> Strip:
        """Segments straight from the entry (Rich Text cost ~4x as much: every first frame and
        every keystroke draws ~30 rows). tests/tui/test_list.py holds the Text version to compare."""
        styles = self._row_styles(is_cursor)
        shelf = entry.shelf
        tags = self._tags_label(entry, width)
        score_label = "" if score is None else f" {score:3.0f}%"
        suffix = (cell_len(tags) + 1 if tags else 0) + len(score_label)
        segments = [
            Segment(SELECTED_MARK if entry.id in self.selected else " ", styles.selected),
            Segment(" " if shelf.read else UNREAD_MARK, styles.mark),
            Segment(" ", styles.base),
            Segment(STAR_MARK if shelf.starred else " ", styles.star),
            Segment(" ", styles.base),
        ]
        segments += self._title_segments(entry, spans, max(0, width - PREFIX_WIDTH - suffix), styles)
        if tags:
            segments += [Segment(" ", styles.base), Segment(tags, styles.tags)]
        if score_label:
            segments.append(Segment(score_label, styles.score))
        return Strip(fewer_styles(segments)).crop_extend(0, width, styles.base)

    @staticmethod
    def _title_segments(entry: Entry, spans: Sequence[tuple[int, int]], width: int, styles: RowStyles) -> list[Segment]:
        """The title in `width` cells (cut with an ellipsis, or padded), matches highlighted."""
        unread = not entry.shelf.read
        plain, match = styles.title[unread], styles.match[unread]
        title = entry.paper.title
        length = cell_len(title)
        if length > width:
            title = set_cell_size(title, width - 1) + "…"
        segments, done = [], 0
        for start, end in sorted(spans):
            start, end = max(start, done), min(end, len(title))
            if start < end:
                if start > done:
                    segments.append(Segment(title[done:start], plain))
                segments.append(Segment(title[start:end], match))
                done = end
        segments.append(Segment(title[done:] + " " * max(0, width - length), plain))
        return segments

    @staticmethod
    def _tags_label(entry: Entry, width: int) -> str:
        if not entry.shelf.tags or width < MIN_WIDTH_FOR_TAGS:
            return ""
        label = " ".join(f"#{tag}" for tag in entry.shelf.tags)
        limit = (width - PREFIX_WIDTH) // 3
        return set_cell_size(label, limit - 1) + "…" if cell_len(label) > limit else label

    def _row_styles(self, is_cursor: bool) -> RowStyles:
        styles = self._row_style_cache.get(is_cursor)
        if styles is None:
            styles = self._row_style_cache[is_cursor] = self._make_row_styles(is_cursor)
        return styles

    def _make_row_styles(self, is_cursor: bool) -> RowStyles:
        base = self._base
        read, unread = self._style("paper-list--read"), self._style("paper-list--unread")
        if is_cursor:  # the cursor's colours, keeping bold for unread
            base = base + self.get_component_rich_style("paper-list--cursor", partial=True)
            read, unread = Style(bold=read.bold), Style(bold=unread.bold)
        titles = (base + read, base + unread)
        match = self._style("paper-list--match")
        return RowStyles(
            base=base,
            selected=base + self._style("paper-list--selected"),
            mark=base + self._style("paper-list--unread"),
            star=base + self._style("paper-list--star"),
            title=titles,
            match=(titles[0] + match, titles[1] + match),
            tags=base + (Style(italic=True) if is_cursor else self._style("paper-list--tags")),
            score=base + (Style() if is_cursor else self._style("paper-list--score")),
        )

    def _style(self, component: str) -> Style:
        """A component's colour and text style, without its background (the row owns that).

        Resolved against the widget's background, so relative colours ("auto 60%") work."""
        style = self._styles.get(component)
        if style is None:
            style = self._styles[component] = foreground(self, component)
        return style


def fewer_styles(segments: list[Segment]) -> list[Segment]:
    """The same cells in fewer runs of one style: a blank takes the style of the text after it
    (its colour does not show) where neither draws a line or swaps colours, then equal styles
    are joined. Each run costs ~40 bytes of escape codes; a list row drew 8-9 of them, and a
    frame of 16 KB took four round trips through the pseudo-terminal (~5 ms each, measured)."""
    restyled = list(segments)
    for n in range(len(restyled) - 2, -1, -1):
        text, style, _ = restyled[n]
        after = restyled[n + 1].style
        if style is not after and not text.strip(" ") and _blank_can_take(style, after):
            restyled[n] = Segment(text, after)
    return list(Segment.simplify(restyled))


def _let_go(_rows: PaperRows) -> None:
    """Called once the screen is painted: the last reference to `_rows` goes with this call."""


@lru_cache(maxsize=256)
def _blank_can_take(style: Style | None, after: Style | None) -> bool:
    """Blank cells in `style` look the same in `after`: same background, and neither draws a
    line over the cells or swaps their colours."""
    def plain(s: Style | None) -> bool:
        return s is None or not (s.underline or s.reverse or s.strike or s.overline or s.underline2)

    background = (style.bgcolor if style else None) == (after.bgcolor if after else None)
    return background and plain(style) and plain(after)
