"""Triage at full speed, the main screen's side of it: undo / redo, selection and bulk
changes, read-and-next, saved filters, sorting, statistics and "more like this".

`TriageActions` is mixed into MainScreen (which owns the widgets and `_apply`); its actions
are bound in the one binding table, tui/keys.py. The decisions live in tui/triage.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from storage import PapershelfError
from storage import Library
from storage import Entry
from storage import DEFAULT_SORT, next_sort
from tui import triage
from tui.triage import BULK_CONFIRM_OVER, BulkChange


if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from tui.platform.watch import LibraryWatcher
    from tui.widgets.filter_bar import FilterBar
    from tui.widgets.notes import NotesEditor
    from tui.widgets.paper_list import PaperList

# Greyed out without a highlighted paper.
TRIAGE_PAPER_ACTIONS = {"toggle_select", "triage_read", "triage_star", "more_like_this"}
# Bound to printable keys (or changing notes under the editor): off while the filter or notes have focus.
TRIAGE_TYPING_ACTIONS = TRIAGE_PAPER_ACTIONS | {
    "undo", "redo", "select_all", "next_unread", "previous_unread", "recall_filter", "cycle_sort", "stats",
}
SLOW_LIKE = 0.4  # seconds before "Finding papers like …" is worth a toast


class TriageActions:
    """Needs from the screen (annotated below): the library, the widgets, and the helpers
    MainScreen uses for its own actions; plus Screen's notify and app."""

    library: Library
    papers: PaperList
    filter_bar: FilterBar
    notes: NotesEditor
    current: Entry | None
    _apply: Callable[..., None]
    _show_counts: Callable[..., None]
    _change: Callable[..., None]
    _reshow_current: Callable[[], None]
    _written: dict[str, Entry]
    _watcher: LibraryWatcher
    notify: Callable[..., None]
    app: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._like_trail: list[str] = []  # the filters "more like this" replaced, newest last

    # --- undo / redo -------------------------------------------------------------------------

    def action_undo(self) -> None:
        step = self.library.history.newest()
        self._replay(self.library.undo, "Nothing to undo")
        if step is not None and len(step.before) == 1:  # back to the paper, e.g. after a wrong x
            self.papers.move_to_paper(next(iter(step.before)))

    def action_redo(self) -> None:
        self._replay(self.library.redo, "Nothing to redo")

    def _replay(self, step: Callable[[], str | None], nothing: str) -> None:
        self.notes.flush()  # a note still being typed becomes part of what is undone
        try:
            label = step()
        except PapershelfError as error:
            self.notify(str(error), title="Not undone", severity="error", markup=False)
            return
        if label is None:
            self.notify(nothing, markup=False)
            return
        self.library_changed()
        self.notify(label[:1].upper() + label[1:], markup=False)

    def library_changed(self) -> None:
        """After an undo / redo: the list, the counts and the current paper afresh."""
        self._written.clear()
        self._watcher.take_snapshot()  # not news for the next poll
        self.filter_bar.refilter()
        self._show_counts()
        self._reshow_current()

    # --- selection and bulk changes ---------------------------------------------------------

    def selected_ids(self) -> list[str]:
        """The selected papers still in the library: those listed in list order, then the rest."""
        chosen = self.papers.selected
        if not chosen:
            return []
        shown = [e.id for e in self.papers.entries if e.id in chosen]
        hidden = chosen.difference(shown)
        rest = [e.id for e in self.library.entries() if e.id in hidden] if hidden else []
        return shown + rest

    def action_toggle_select(self) -> None:
        if (current := self.current) is None:
            return
        self.papers.toggle_selected(current.id)
        self.papers.move_cursor_by(1)
        self._show_counts(recount=False)

    def action_select_all(self) -> None:
        """Select every listed paper; if all are selected already, unselect them."""
        listed = {e.id for e in self.papers.entries}
        self.papers.select_shown(not listed <= self.papers.selected)
        self._show_counts(recount=False)

    def bulk_read(self) -> bool:
        """With a selection: read / unread for all of it (True), else False (one paper's toggle)."""
        return self._bulk(triage.bulk_read)

    def bulk_star(self) -> bool:
        return self._bulk(triage.bulk_star)

    def bulk_tags(self) -> AwaitMount | None:
        """With a selection: the dialog adding tags to all of it, being mounted; else None."""
        ids = self.selected_ids()
        if not ids:
            return None

        def add(tags: tuple[str, ...] | None) -> None:
            if tags:
                self._confirm_bulk(triage.bulk_tags(tags), ids)

        title = f"Add tags to {triage.papers(len(ids))} (selected)"
        from .tags import TagsScreen  # the dialogs are imported when first opened: startup time

        return self.app.push_screen(TagsScreen(title, (), self.library.all_tags()), add)

    def _bulk(self, decide: Callable[[list[Entry]], BulkChange]) -> bool:
        ids = self.selected_ids()
        if not ids:
            return False
        self._confirm_bulk(decide([self.library.entry(pid) for pid in ids]), ids)
        return True

    def _confirm_bulk(self, change: BulkChange, ids: Sequence[str]) -> None:
        if len(ids) <= BULK_CONFIRM_OVER:
            self._run_bulk(change, ids)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._run_bulk(change, ids)

        from .confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen(change.question(len(ids)), "Change several papers"), answered)

    def _run_bulk(self, change: BulkChange, ids: Sequence[str]) -> None:
        try:
            entries = change.apply(self.library, ids)
        except PapershelfError as error:
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return
        self._apply(entries)
        self.notify(change.done(len(ids)), markup=False)

    # --- triage: read and move on ----------------------------------------------------------

    def action_triage_read(self) -> None:
        self._triage(read=True)

    def action_triage_star(self) -> None:
        self._triage(read=True, starred=True)

    def _triage(self, **changes: bool) -> None:
        """Change the highlighted paper (one undo step), then go to the next unread one."""
        if self.current is None:
            return
        self._change(lambda e: self.library.annotate([e.id], **changes))
        self._jump_to_unread(1, none_left="That was the last unread paper in the list")

    def action_next_unread(self) -> None:
        self._jump_to_unread(1)

    def action_previous_unread(self) -> None:
        self._jump_to_unread(-1)

    def _jump_to_unread(self, step: int, none_left: str = "No other unread paper in the list") -> None:
        row = triage.next_unread(self.papers.entries, self.papers.cursor, step)
        if row is None:
            self.notify(none_left, markup=False)
        else:
            self.papers.move_cursor_to(row)

    # --- saved filters ---------------------------------------------------------------------------

    def action_save_filter(self) -> None:
        text = self.filter_bar.value

        def save(slot: str | None) -> None:
            if slot is None:
                return
            try:
                triage.save_filter(self.library, slot, text)
            except PapershelfError as error:
                self.notify(str(error), title="Not saved", severity="error", markup=False)
                return
            said = f"Filter {slot}: {text.strip()}" if text.strip() else f"Filter {slot} forgotten"
            self.notify(said, title="Saved filter", markup=False)

        from .save_filter import SaveFilterScreen

        self.app.push_screen(SaveFilterScreen(text, triage.saved_filters(self.library)), save)

    def action_recall_filter(self, slot: str) -> None:
        text = triage.saved_filters(self.library).get(slot)
        if text is None:
            self.notify(f"No filter saved under {slot}: type a filter, then ctrl+s {slot} saves it", markup=False)
            return
        self.show_filter(text)
        self.notify(f"Filter {slot}: {text}", markup=False)

    def show_filter(self, text: str) -> None:
        """Put `text` in the filter bar and show its results, the list keeping the focus."""
        self._like_trail.clear()
        self.filter_bar.value = text
        self.set_focus(self.papers)

    # --- sorting ----------------------------------------------------------------------------------

    def action_cycle_sort(self) -> None:
        order = next_sort(triage.sort_order(self.library))
        try:
            self.library.set_setting(triage.SORT_SETTING, order)
        except PapershelfError as error:
            self.notify(str(error), title="Sort not saved", severity="error", markup=False)
            return
        self.filter_bar.refilter()
        self._show_counts(recount=False)
        self.notify(f"Sorted by {triage.sort_label(order)}", markup=False)

    def restore_sort(self) -> None:
        """At start: the list comes in page order; re-sort it if the reader chose another order."""
        if triage.sort_order(self.library) != DEFAULT_SORT:
            self.filter_bar.refilter()

    # --- statistics, more like this ------------------------------------------------------------

    def action_stats(self) -> None:
        from .stats import StatsScreen  # imported when first opened: startup time

        self.app.push_screen(StatsScreen(self.library))

    def action_more_like_this(self) -> None:
        if (current := self.current) is None:
            return
        query = triage.like_query(current.id)
        if self.filter_bar.value == query:
            return
        self._like_trail.append(self.filter_bar.value)
        self.filter_bar.value = query
        self.set_focus(self.papers)
        self.app.set_timer(SLOW_LIKE, partial(self._still_finding, query, current.paper.title))

    def _still_finding(self, query: str, title: str) -> None:
        busy = any(w.node is self.filter_bar and not w.is_finished for w in self.app.workers)
        if busy and self.filter_bar.value == query:
            self.notify(f"Finding papers like «{triage.shorten(title, 48)}»…", markup=False)

    # --- esc and the counts line -------------------------------------------------------------

    def unwind(self) -> bool:
        """esc, before it clears the filter: drop the selection, else leave "more like this"."""
        if self.papers.selected:
            self.papers.clear_selection()
            self._show_counts(recount=False)
            return True
        if self._like_trail and triage.split_like(self.filter_bar.value)[0] is not None:
            self.filter_bar.value = self._like_trail.pop()
            return True
        self._like_trail.clear()
        return False

    def count_extras(self) -> list[str]:
        like, _ = triage.split_like(self.filter_bar.value)
        title = self._title_of(like) if like else None
        return triage.count_extras(len(self.papers.selected), triage.sort_order(self.library), title)

    def _title_of(self, paper_id: str) -> str | None:
        try:
            return self.library.entry(self.library.resolve(paper_id)).paper.title
        except PapershelfError:
            return None


class SavedFilterCommands(Provider):
    """The command palette's "Filter 1: is:starred tag:rlhf": one command per saved filter."""

    def _commands(self) -> list[tuple[str, Callable[[], None], str]]:
        screen = self.screen
        if not isinstance(screen, TriageActions):
            return []
        saved = triage.saved_filters(screen.library)
        return [
            (f"Filter {slot}: {text}", partial(screen.action_recall_filter, slot), f"keys: {slot}")
            for slot, text in saved.items()
        ]

    async def discover(self) -> Hits:
        for title, command, help_text in self._commands():
            yield DiscoveryHit(Content(title), command, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, command, help_text in self._commands():
            if (score := matcher.match(title)) > 0:
                yield Hit(score, _highlight(matcher, title), command, text=title, help=help_text)


def _highlight(matcher: Matcher, title: str) -> Content:
    """Matcher.highlight reads its text as markup; a saved filter is plain text."""
    content = Content(title)
    _, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
