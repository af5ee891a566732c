"""The virtualised paper list on its own: cursor, scrolling, rendering, 100,000 rows."""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from textual import events
from textual.app import App, ComposeResult
from textual.strip import Strip

from storage.model.records import Entry
from tui.actions import MAIN_BINDINGS
from tui.widgets.paper_list import STAR_MARK, UNREAD_MARK, PaperList


class FakeMatch(NamedTuple):
    entry: Entry
    score: float = 0.0
    title_spans: tuple[tuple[int, int], ...] = ()


class ListApp(App[None]):
    """The list with the main screen's movement keys, recording what it announces."""

    BINDINGS = [b for b in MAIN_BINDINGS if b.action.startswith(("cursor_", "page_"))]

    def __init__(self, entries: list[Entry]) -> None:
        super().__init__()
        self.entries = entries
        self.announced: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield PaperList()

    def on_mount(self) -> None:
        self.query_one(PaperList).set_entries(self.entries)
        self.query_one(PaperList).focus()

    def on_paper_list_highlighted(self, event: PaperList.Highlighted) -> None:
        self.announced.append(event.entry.id if event.entry else None)

    @property
    def papers(self) -> PaperList:
        return self.query_one(PaperList)

    def action_cursor_down(self) -> None:
        self.papers.move_cursor_by(1)

    def action_cursor_up(self) -> None:
        self.papers.move_cursor_by(-1)

    def action_cursor_first(self) -> None:
        self.papers.first()

    def action_cursor_last(self) -> None:
        self.papers.last()

    def action_page_down(self) -> None:
        self.papers.page_down()

    def action_page_up(self) -> None:
        self.papers.page_up()


def visible_lines(papers: PaperList) -> list[str]:
    return [papers.render_line(y).text for y in range(papers.scrollable_content_region.height)]


async def test_cursor_moves_and_announces_the_highlighted_paper(make_entries):
    app = ListApp(make_entries(50))
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.press("j", "j", "down")
        await pilot.pause()
        assert app.papers.cursor == 3
        await pilot.press("k", "up")
        await pilot.pause()
        assert app.papers.cursor == 1
        assert app.announced == ["p000000", "p000001", "p000002", "p000003", "p000002", "p000001"]
        await pilot.press("G")
        assert app.papers.highlighted_id == "p000049"
        await pilot.press("g")
        assert app.papers.cursor == 0
        await pilot.press("end")
        assert app.papers.cursor == 49
        await pilot.press("home")
        assert app.papers.cursor == 0


async def test_page_keys_move_by_a_screen_and_keep_the_cursor_visible(make_entries):
    app = ListApp(make_entries(100))
    async with app.run_test(size=(80, 20)) as pilot:
        height = app.papers.scrollable_content_region.height
        await pilot.press("pagedown")
        await pilot.pause()
        assert app.papers.cursor == height - 1
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        cursor, top = app.papers.cursor, round(app.papers.scroll_y)
        assert top <= cursor < top + height
        await pilot.press("pageup", "pageup", "pageup", "pageup")
        assert app.papers.cursor == 0
        await pilot.pause()
        assert app.papers.scroll_y == 0


async def test_cursor_stops_at_the_ends(make_entries):
    app = ListApp(make_entries(3))
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.press("k", "k")
        assert app.papers.cursor == 0
        await pilot.press("j", "j", "j", "j")
        assert app.papers.cursor == 2


async def test_rows_show_read_star_title_and_tags(make_entries):
    entries = make_entries(10)
    app = ListApp(entries)
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        lines = visible_lines(app.papers)
        # entry 0: read, starred, tagged; entry 1: unread, plain
        assert lines[0][1] == " " and lines[0][3] == STAR_MARK
        assert "Paper 0 about reinforcement learning" in lines[0]
        assert lines[0].rstrip().endswith("#rl")
        assert lines[1][1] == UNREAD_MARK and lines[1][3] == " "
        assert "#rl" not in lines[1]
        assert all(len(line) == app.papers.scrollable_content_region.width for line in lines)


async def test_unread_rows_are_bold_and_read_rows_are_not(make_entries):
    app = ListApp(make_entries(4))
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.press("j", "j", "j")  # the cursor away from rows 0 and 1
        await pilot.pause()

        def title_bold(y: int) -> bool:
            return any(seg.style and seg.style.bold for seg in app.papers.render_line(y) if "Paper" in seg.text)

        assert not title_bold(0)  # read
        assert title_bold(1)  # unread


async def test_long_titles_are_cut_with_an_ellipsis_and_keep_the_tags(make_entries):
    entries = make_entries(2, title="A very long title {i} " + "words " * 40)
    app = ListApp(entries)
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        first = visible_lines(app.papers)[0]
        assert "…" in first and first.rstrip().endswith("#rl")
        assert len(first) == app.papers.scrollable_content_region.width


async def test_set_matches_keeps_the_cursor_on_the_same_paper(make_entries):
    entries = make_entries(30)
    app = ListApp(entries)
    async with app.run_test(size=(80, 12)) as pilot:
        app.papers.move_to_paper("p000010")
        subset = [FakeMatch(e) for e in entries if int(e.id[1:]) % 2 == 0]
        app.papers.set_matches(subset)
        await pilot.pause()
        assert app.papers.highlighted_id == "p000010"
        assert app.papers.cursor == 5
        # the paper is filtered out: the cursor goes to the best match, the first row
        app.papers.set_matches([FakeMatch(e) for e in entries[20:]])
        await pilot.pause()
        assert app.papers.highlighted_id == "p000020"
        assert app.announced[-1] == "p000020"


async def test_matched_spans_are_highlighted(make_entries):
    entries = make_entries(3)
    app = ListApp(entries)
    async with app.run_test(size=(80, 8)) as pilot:
        app.papers.set_matches([FakeMatch(entries[1], 1.0, ((8, 13),)), FakeMatch(entries[0])])
        await pilot.press("j")  # highlight row 1 so row 0 has no cursor colours
        await pilot.pause()
        match_style = app.papers._style("paper-list--match")
        segments = [seg for seg in app.papers.render_line(0) if seg.style and seg.style.underline]
        assert "".join(seg.text for seg in segments) == "about"
        assert segments[0].style.color == match_style.color


async def test_an_empty_list_says_so_and_announces_nothing_highlighted(make_entries):
    app = ListApp(make_entries(3))
    async with app.run_test(size=(80, 8)) as pilot:
        app.papers.set_entries([])
        await pilot.pause()
        assert app.papers.highlighted is None
        assert app.announced[-1] is None
        assert "No papers" in visible_lines(app.papers)[0]
        message = [seg for seg in app.papers.render_line(0) if "No papers" in seg.text][0]
        empty = app.papers._style("paper-list--empty")
        assert (message.style.color, message.style.italic) == (empty.color, empty.italic)
        assert message.style.bgcolor == app.papers.rich_style.bgcolor  # the list's, not the terminal's
        await pilot.press("j", "G")  # nothing to move to, nothing breaks


async def test_update_entries_changes_rows_in_place(make_entries):
    entries = make_entries(5)
    app = ListApp(entries)
    async with app.run_test(size=(80, 8)) as pilot:
        changed = replace(entries[1], shelf=replace(entries[1].shelf, starred=True))
        app.papers.update_entries([changed])
        await pilot.pause()
        assert app.papers.entries[1] is changed
        assert visible_lines(app.papers)[1][3] == STAR_MARK


async def test_selected_papers_are_marked(make_entries):
    app = ListApp(make_entries(5))
    async with app.run_test(size=(80, 8)) as pilot:
        app.papers.toggle_selected("p000002")
        await pilot.pause()
        lines = visible_lines(app.papers)
        assert lines[2][0] != " " and lines[1][0] == " "
        app.papers.toggle_selected("p000002")
        await pilot.pause()
        assert visible_lines(app.papers)[2][0] == " "


async def test_clicking_a_row_highlights_it(make_entries):
    app = ListApp(make_entries(20))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.click(PaperList, offset=(10, 4))
        await pilot.pause()
        assert app.papers.cursor == 4
        assert app.announced[-1] == "p000004"


async def test_mouse_wheel_scrolls_the_view(make_entries):
    app = ListApp(make_entries(200))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        # Pilot has no wheel helper; this routes the event through the screen as the driver does.
        await pilot._post_mouse_events([events.MouseScrollDown], PaperList, offset=(5, 5), times=3)
        assert app.papers.scroll_y > 0


async def test_a_hundred_thousand_rows(make_entries):
    entries = make_entries(100_000)
    app = ListApp(entries)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert len(app.papers) == 100_000
        assert app.papers.virtual_size.height == 100_000
        await pilot.press("G")
        await pilot.pause()
        assert app.papers.highlighted_id == "p099999"
        height = app.papers.scrollable_content_region.height
        assert round(app.papers.scroll_y) == 100_000 - height
        assert "Paper 99999 " in visible_lines(app.papers)[-1]
        await pilot.press("k", "k", "pageup")
        await pilot.press("g")
        assert app.papers.highlighted_id == "p000000"
        assert "Paper 0 " in visible_lines(app.papers)[0]


def text_row(papers: PaperList, entry: Entry, spans, score, is_cursor: bool, width: int):
    """The row as the list drew it with Rich Text before it built segments itself: the
    straightforward version the fast one must match, cell for cell."""
    from rich.cells import cell_len
    from rich.style import Style
    from rich.text import Text
    from textual.strip import Strip

    from tui.widgets.paper_list import MIN_WIDTH_FOR_TAGS, PREFIX_WIDTH, SELECTED_MARK

    style = papers._style
    base = papers._base
    if is_cursor:
        base = base + papers.get_component_rich_style("paper-list--cursor", partial=True)
    shelf = entry.shelf
    text = Text(style=base, no_wrap=True, end="")
    text.append_text(Text.assemble(
        (SELECTED_MARK if entry.id in papers.selected else " ", style("paper-list--selected")),
        (" " if shelf.read else UNREAD_MARK, style("paper-list--unread")),
        " ",
        (STAR_MARK if shelf.starred else " ", style("paper-list--star")),
        " ",
    ))
    tags = None
    if shelf.tags and width >= MIN_WIDTH_FOR_TAGS:
        tags = Text(" ".join(f"#{t}" for t in shelf.tags), style=Style(italic=True) if is_cursor else style("paper-list--tags"))
        if tags.cell_len > (width - PREFIX_WIDTH) // 3:
            tags.truncate((width - PREFIX_WIDTH) // 3, overflow="ellipsis")
    score_text = None if score is None else Text(f" {score:3.0f}%", style=Style() if is_cursor else style("paper-list--score"))
    suffix = (tags.cell_len + 1 if tags else 0) + (score_text.cell_len if score_text else 0)
    title_style = style("paper-list--read" if shelf.read else "paper-list--unread")
    if is_cursor:
        title_style = Style(bold=title_style.bold)
    title = Text(entry.paper.title, style=title_style, no_wrap=True, end="")
    for start, end in spans:
        title.stylize(style("paper-list--match"), start, end)
    title.truncate(max(0, width - PREFIX_WIDTH - suffix), overflow="ellipsis", pad=True)
    text.append_text(title)
    if tags:
        text.append(" ")
        text.append_text(tags)
    if score_text:
        text.append_text(score_text)
    strip = Strip(list(text.render(papers.app.console, end="")), cell_len(text.plain))
    return strip.crop_extend(0, width, base)


def cells(strip) -> list[tuple[str, object]]:
    """Each cell as it looks: a blank shows only its background and the lines or colour swap
    drawn over it (its text colour and boldness do not show)."""
    return [(char, look(char, segment.style)) for segment in strip for char in segment.text]


def look(char: str, style) -> object:
    if char != " " or style is None:
        return style
    return ("blank", style.bgcolor, style.underline, style.underline2, style.reverse, style.strike, style.overline)


def test_rows_use_fewer_runs_of_style_than_segments_they_are_built_of() -> None:
    """Blanks take the style of the text after them, so a row is two or three runs, not nine."""
    from rich.segment import Segment
    from rich.style import Style

    from tui.widgets.paper_list import fewer_styles

    bg = Style(bgcolor="black")
    bold, green, under = bg + Style(bold=True), bg + Style(color="green"), bg + Style(underline=True)
    row = [Segment(" ", green), Segment("●", bold), Segment(" ", bg), Segment(" ", green), Segment(" ", bg),
           Segment("Title ", bold), Segment("match", under), Segment(" ", bg), Segment("#tag", green)]  # fmt: skip
    merged = fewer_styles(row)
    assert [(s.text, s.style) for s in merged] == [
        (" ●   Title ", bold), ("match", under), (" #tag", green)]
    assert "".join(s.text for s in merged) == "".join(s.text for s in row)
    assert fewer_styles([Segment(" ", bg + Style(reverse=True)), Segment("x", bold)])[0].style.reverse


async def test_rows_are_drawn_cell_for_cell_as_rich_text_draws_them(make_entries):
    """The list builds its rows' segments itself (speed); against the Rich Text version on
    random titles (wide characters, emoji, matches at the edges), tags, scores and widths."""
    import random

    from storage.model.records import Paper, Shelf

    rng = random.Random(7)
    words = ["policy", "RLHF", "強化学習", "🎉", "a[/]b", "critique", "x" * 30, "Ω", "—", "ok"]
    app = ListApp(make_entries(3))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        papers = app.papers
        for case in range(600):
            title = " ".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
            tags = tuple(rng.choice(["rl", "to-read", "长标签", "x" * 20]) for _ in range(rng.randint(0, 4)))
            entry = Entry(Paper(id=f"r{case}", title=title), Shelf(read=rng.random() < 0.5, starred=rng.random() < 0.3, tags=tags))
            cuts = sorted(rng.sample(range(len(title) + 3), k=min(len(title) + 3, 2 * rng.randint(0, 3))))
            spans = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
            score = rng.choice([None, 0.0, 57.4, 100.0])
            papers.selected = {entry.id} if rng.random() < 0.2 else set()
            papers.set_matches([FakeMatch(entry, score or 0.0, tuple(spans))])
            papers._rows.with_scores = score is not None
            is_cursor, width = rng.random() < 0.5, rng.randint(0, 160)
            fast = papers._render_row(*papers._rows.drawn(0), is_cursor, width)
            assert cells(fast) == cells(text_row(papers, entry, spans, score, is_cursor, width)), (title, spans, tags, width)
            assert fast.cell_length == width


async def test_the_scrollbar_follows_the_number_of_rows_as_a_full_layout_would(make_entries):
    """New rows only move the scrollbar (no screen layout), unless it must appear or go."""
    entries = make_entries(200)
    app = ListApp(entries)
    async with app.run_test(size=(80, 12)) as pilot:
        papers = app.papers

        async def show(rows: list[Entry]) -> str:
            papers.set_entries(rows)
            await pilot.pause()
            fast = app.export_screenshot()
            app.screen.refresh(layout=True)
            await pilot.pause()
            assert app.export_screenshot() == fast  # what a layout of the whole screen shows
            return fast

        await pilot.press("G")
        await show(entries[:100])
        assert papers.show_vertical_scrollbar
        assert papers.vertical_scrollbar.window_virtual_size == 100
        assert papers.scroll_y <= papers.max_scroll_y
        await show(entries[:3])
        assert not papers.show_vertical_scrollbar and papers.scroll_y == 0
        assert [f"Paper {n} " in line for n, line in enumerate(visible_lines(papers)[:3])] == [True] * 3
        await show(entries)
        assert papers.show_vertical_scrollbar
        assert papers.vertical_scrollbar.window_virtual_size == 200


async def test_a_row_shown_again_is_drawn_with_its_new_highlights_and_not_again_as_it_was(make_entries):
    """Drawn rows are kept by what they show (entry, highlights, score, cursor...), across
    queries: a row a new query shows as before is not drawn again; one it highlights
    otherwise is."""
    entries = make_entries(3)
    app = ListApp(entries)
    async with app.run_test(size=(80, 10)) as pilot:
        papers = app.papers

        async def first_row(spans: tuple[tuple[int, int], ...]) -> Strip:
            papers.set_matches([FakeMatch(entries[0], 1.0, spans), FakeMatch(entries[1], 1.0)])
            await pilot.pause()
            return papers.render_line(0)

        short, longer = await first_row(((0, 3),)), await first_row(((0, 6),))
        assert short.text == longer.text and list(short) != list(longer)  # same words, other highlight
        assert await first_row(((0, 3),)) is short
        assert papers.render_line(1) is papers.render_line(1)
