"""The main screen: filter bar, paper list, detail and notes, wired to the triage session
(tui/session.py, which holds the state and makes the decisions). Its actions are those of the
action table (tui/actions.py); the dialogs they open are given plain data."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual import on
from textual.events import DescendantBlur, DescendantFocus, ScreenResume
from textual.timer import Timer
from textual.widgets import Input

from storage import PapershelfError
from storage import Library
from storage import Entry
from storage import DEFAULT_SORT
from storage import clean_block
from storage import SYNC_ON_START, wants_sync
from tui import actions
from tui.platform.watch import LibraryWatcher
from tui.screens import flows
from tui.screens.notes_swap import swap_in_editor
from tui.screens.palette import SavedFilterCommands, saved_filter_commands
from tui.screens.shelf_layout import ShelfScreen
from tui.session import BULK_CONFIRM_OVER, BulkChange, TriageSession, bulk_read, bulk_star, bulk_tags
from tui.render.counts import papers
from tui.session import next_unread, shorten, sort_label
from tui.textual_private import skip_restyle
from tui.widgets.detail import DetailView
from tui.widgets.filter_bar import FilterBar
from tui.widgets.notes_preview import NotesPreview
from tui.widgets.paper_list import PaperList
from tui.widgets.status import StatusLine

if TYPE_CHECKING:
    import tempfile

    from tui.screens.refresh import SourceRefresh
    from tui.screens.sync_worker import LibrarySync
    from tui.widgets.notes import NotesEditor

CURSOR_SAVE_DELAY = 1.0
POLL_INTERVAL = 2.0
SLOW_FILTER = 0.3  # seconds before the counts line says the filter is still searching
SLOW_LIKE = 0.4  # seconds before "Finding papers like …" is worth a toast
DETAIL_AFTER_TYPING = 0.1  # seconds of no new result while typing a query before the detail follows


class MainScreen(ShelfScreen):
    BINDINGS = list(actions.MAIN_BINDINGS)
    AUTO_FOCUS = "#papers"
    COMMANDS = {SavedFilterCommands}

    def __init__(self, library: Library, demo_folder: tempfile.TemporaryDirectory | None = None) -> None:
        """`demo_folder`: the library is a throwaway demo in that folder, deleted with the screen."""
        super().__init__()
        self.session = TriageSession(library, demo=demo_folder is not None)
        self._demo_folder = demo_folder
        self._classes_for_size()
        self._cursor_timer: Timer | None = None
        self._detail_timer: Timer | None = None
        self._watcher = LibraryWatcher(library)
        self._showed_no_paper = True
        self._detail_pending = False
        self._resumed = False
        self._first_screen_saved = False
        self._notes_swap: asyncio.Task[None] | None = None
        self._sources: SourceRefresh | None = None  # `R`, made when first pressed
        self._sync: LibrarySync | None = None  # `P`, made when first used
        self._fetching = ""  # what the refresh is doing, in the counts line
        self.ready = asyncio.Event()  # set once mounted: the app holds keys back until then

    @property
    def library(self) -> Library:
        return self.session.library

    def make_widgets(self) -> None:
        self.status = StatusLine(id="status")
        self.filter_bar = FilterBar(self.session.rows, id="filter")
        self.papers = PaperList(id="papers", empty_message="No papers match the filter (esc clears it)")
        self.papers.selected = self.session.selected  # the list draws the session's selection
        self.detail = DetailView(id="detail")
        self.detail.abstracts_pending = not self.library.abstracts_loaded
        self.notes: NotesEditor | NotesPreview = NotesPreview()  # the editor a frame later

    @property
    def current(self) -> Entry | None:
        return self.papers.highlighted

    # --- life cycle -----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.papers.set_entries(self.library.entries())
        if self.session.cursor:
            self.papers.move_to_paper(self.session.cursor)
        self._detail_pending = True  # the first frame shows the paper (its abstract follows)
        self._show_current()
        self.set_focus(self.papers)
        self._show_counts()
        if self.session.sort_order() != DEFAULT_SORT:  # the list comes in page order: re-sort it
            self.filter_bar.refilter()
        self.set_interval(POLL_INTERVAL, self.poll_library, name="poll-library")
        self.call_after_refresh(self._start_notes_editor)
        self.ready.set()
        if not self.library.abstracts_loaded:  # read them once the first screen is painted
            self.call_after_refresh(self.library.load_abstracts_in_background, self._abstracts_loaded_elsewhere)
        if wants_sync(self.library, SYNC_ON_START):
            self.call_after_refresh(self.action_sync)

    def on_screen_resume(self, event: ScreenResume) -> None:
        """Runs ahead of Screen's own handler. On the first resume every widget was styled
        as it mounted, a moment ago: restyling them all again cost ~5 ms of the first frame."""
        if not self._resumed:
            self._resumed = True
            skip_restyle(event)

    def _abstracts_loaded_elsewhere(self, error: PapershelfError | None) -> None:
        """Called from the loading thread."""
        try:
            self.app.call_from_thread(self._abstracts_arrived, error)
        except RuntimeError:
            pass  # the app quit before they were in

    def _abstracts_arrived(self, error: PapershelfError | None) -> None:
        if not self.is_attached or not self.detail.children:
            return  # the app is quitting (q pressed before the abstracts were in)
        self.detail.abstracts_pending = False  # the abstracts, or "No abstract.", drawn once: below
        if error is not None:
            self._error(error, "Abstracts", timeout=30)
        self.library_changed()  # the library's entries are newer still: they hold the abstracts

    def reload(self) -> None:
        """Show the library afresh (after an import from the welcome screen)."""
        self.library_changed()
        self.set_focus(self.papers)

    def poll_library(self) -> None:
        """Pick up changes another process made to the library."""
        try:
            changed = self._watcher.changed()
        except PapershelfError as error:
            return self._error(error, "Library")
        if changed:
            self.library_changed()

    def library_changed(self) -> None:
        """The library changed under the screen (elsewhere, an import, the abstracts
        arrived): the list, the counts and the current paper afresh."""
        self.session.library_changed()
        self._show_library_afresh()

    def _show_library_afresh(self) -> None:
        self._watcher.take_snapshot()  # not news for the next poll
        self.filter_bar.refilter()
        self._show_counts()
        self._reshow_current()

    def on_unmount(self) -> None:
        self.save_state()
        if self._demo_folder is not None:
            self.library.close()
            self._demo_folder.cleanup()

    def save_state(self) -> None:
        """Save the note being edited and the cursor, then what the next start shows first
        (once): called on quit and unmount."""
        self.notes.flush()
        self._save_cursor()
        if not self._first_screen_saved:
            self._first_screen_saved = True
            try:
                self.session.save_first_screen(self.app.theme)
            except PapershelfError:
                pass  # (a cache: the next start reads the library first, as without it)

    # --- the notes editor, a frame after the first (see NotesPreview) -----------------------

    def _start_notes_editor(self) -> None:
        self._notes_editor()  # (returns None: call_after_refresh would await the swap in the screen's queue)

    def _notes_editor(self) -> asyncio.Task[None]:
        """Swaps the editor in for the preview, once; `n` awaits this (it types into the editor)."""
        if self._notes_swap is None:
            self._notes_swap = asyncio.create_task(self._swap_in_notes_editor())
        return self._notes_swap

    async def _swap_in_notes_editor(self) -> None:
        if isinstance(self.notes, NotesPreview) and self.is_attached:
            await swap_in_editor(self.query_one("#notes"), self.notes, self.library.set_notes, self._notes_shown)

    def _notes_shown(self, editor: NotesEditor) -> None:
        self.notes = editor

    # --- filtering and the counts line ------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_typed(self) -> None:
        self.set_timer(SLOW_FILTER, self._still_filtering, name="slow-filter")
        if self._detail_pending and self.filter_bar.has_focus:
            self._show_current_later()  # not while keys still come: its redraw holds them back

    def _still_filtering(self) -> None:
        if self.filter_bar.waiting():  # (not "a filter worker runs": one finishing after its answer was shown)
            self.session.searching = True
            self._show_counts()

    @on(FilterBar.Results)
    def _filtered(self, event: FilterBar.Results) -> None:
        if not self.filter_bar.is_newest(event):  # keys came while it bubbled up: stale
            return
        new_query = self.session.results_shown(event.query)
        self.papers.set_rows(event.result, keep_cursor=not new_query)  # (newest entries: PaperRows.overlay)
        self._show_counts()

    @on(FilterBar.Submitted)
    def _filter_submitted(self) -> None:
        self.set_focus(self.papers)

    @on(FilterBar.Failed)
    def _filter_failed(self, event: FilterBar.Failed) -> None:
        if not self.filter_bar.is_newest(event):
            return
        self.session.searching = False
        self.status.show_problem(str(event.error))

    def _show_filter(self, text: str) -> None:
        """Put `text` in the filter bar (its results follow), the list keeping the focus."""
        self.filter_bar.value = text
        self.set_focus(self.papers)

    def _show_counts(self) -> None:
        """The counts line, from the session (which counts again only after a change)."""
        counts = self.session.counts()
        filter_text = self.filter_bar.value
        showing = len(self.papers) if filter_text.strip() else None
        extras = [*self.session.count_extras(filter_text), *([self._fetching] if self._fetching else [])]
        self.status.show_counts(counts.total, counts.read, counts.starred, showing, extras)

    # --- the highlighted paper ------------------------------------------------------------

    @on(PaperList.Highlighted)
    def _highlighted(self, event: PaperList.Highlighted) -> None:
        # The detail and the notes follow a frame later: the list (what a keystroke changes)
        # paints first, and holding j redraws them once, for the paper the cursor stops on.
        # While a query is typed, once the results pause: redrawing the detail (a new layout
        # of the screen) between the keys of a burst would hold back the list.
        if event.entry is not self.detail.entry:
            if self.filter_bar.has_focus:
                self._show_current_later()
            elif not self._detail_pending:
                self.call_after_refresh(self._show_current)
            self._detail_pending = True
        if (event.entry is None) != self._showed_no_paper:
            # Paper actions turn on or off; refreshing bindings rebuilds the footer, so not
            # on every cursor move.
            self._showed_no_paper = event.entry is None
            self.refresh_bindings()
        self._schedule_cursor_save()

    def _show_current_later(self) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_AFTER_TYPING, self._show_current, name="detail-after-typing")

    def _show_current(self) -> None:
        """Bring the detail and the notes to the highlighted paper (if they lag behind)."""
        if not self._detail_pending:
            return
        self._detail_pending = False
        current = self.current
        self.detail.show(current)
        if not (self.notes.has_focus and current is not None and self.notes.paper_id == current.id):
            self.notes.load(current)  # (not again while the reader types its note)

    def _reshow_current(self) -> None:
        if (current := self.current) is None:
            return
        try:
            entry = self.library.entry(current.id)
        except PapershelfError:
            return
        self._apply([entry])
        self.notes.reload_if_untouched(entry)

    def on_notes_editor_saved(self, event: NotesEditor.Saved) -> None:
        self._apply([event.entry], show_detail=False)

    def _apply(self, entries: list[Entry], show_detail: bool = True) -> None:
        """Show entries the library returned after a change."""
        self.session.wrote(entries)
        self._watcher.saw(entries)
        self.papers.update_entries(entries)
        current = self.current
        if show_detail and current is not None and any(e.id == current.id for e in entries):
            self.detail.show(current)
        self._show_counts()

    def _change(self, change: Callable[[Entry], Entry | list[Entry]], paper: Entry | None = None) -> None:
        """Run one library change on a paper (the highlighted one by default) and show the result."""
        current = paper or self.current
        if current is None:
            return
        try:
            updated = change(current)
        except PapershelfError as error:
            return self._error(error, "Not saved")
        self._apply(updated if isinstance(updated, list) else [updated])

    def _schedule_cursor_save(self) -> None:
        if self._cursor_timer is not None:
            self._cursor_timer.stop()
        self._cursor_timer = self.set_timer(CURSOR_SAVE_DELAY, self._save_cursor, name="save-cursor")

    def _save_cursor(self) -> None:
        self.session.remember_cursor(self.papers.highlighted_id)

    def _error(self, error: PapershelfError, title: str, timeout: float | None = None) -> None:
        self.notify(str(error), title=title, severity="error", markup=False, timeout=timeout)

    # --- layout for small terminals -------------------------------------------------------

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self.set_class(event.widget is self.notes, "-notes-open")
        self.refresh_bindings()

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        if event.widget is self.notes:
            self.remove_class("-notes-open")
        self.refresh_bindings()

    # --- which actions work now (the action table, tui/actions.py) ------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Greyed out without a paper; hidden while typing (the keys type text then)."""
        if action == "submit_filter":
            return True if self.available(action) else None
        typing = isinstance(self.focused, Input) or self.focused is self.notes
        return actions.check(action, typing=typing, has_paper=not self.is_mounted or self.current is not None)

    def available(self, action: str) -> bool:
        """Whether an action can do anything now (the command palette lists only these)."""
        if action == "submit_filter":
            return self.is_mounted and self.focused is self.filter_bar
        return action not in actions.PAPER_ACTIONS or not self.is_mounted or self.current is not None

    def saved_filter_commands(self) -> list[tuple[str, Callable[[], None], str]]:
        return saved_filter_commands(self.session.saved_filters(), self.action_recall_filter)

    # --- actions: moving ------------------------------------------------------------------

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

    def action_next_unread(self) -> None:
        self._jump_to_unread(1)

    def action_previous_unread(self) -> None:
        self._jump_to_unread(-1)

    def _jump_to_unread(self, step: int, none_left: str = "No other unread paper in the list") -> None:
        row = next_unread(self.papers.entries, self.papers.cursor, step)
        if row is None:
            self.notify(none_left, markup=False)
        else:
            self.papers.move_cursor_to(row)

    # Focus moves at once (set_focus), not via Widget.focus(), which defers it: keys typed
    # right after `/`, `n` or esc while the app is busy would otherwise reach the old widget
    # as commands ("/crit" marking a paper read).

    async def action_focus_filter(self) -> None:
        await self._after_keys_sent_to_the_list()
        self.set_focus(self.filter_bar)

    def action_submit_filter(self) -> None:
        answer = self.filter_bar.settle()
        if isinstance(answer, FilterBar.Results):
            self._filtered(answer)
        elif isinstance(answer, FilterBar.Failed):
            self._filter_failed(answer)
        self.set_focus(self.papers)

    def action_back(self) -> None:
        """esc: leave the filter or the notes for the list; on the list, drop the selection,
        else leave "more like this", else clear the filter."""
        focused = self.focused
        if focused is self.notes:
            self.notes.flush()
        elif focused is self.filter_bar or focused is self.papers or focused is None:
            if self.session.selected:
                self.papers.clear_selection()
                self._show_counts()
            elif (before := self.session.back_from_like(self.filter_bar.value)) is not None:
                self.filter_bar.value = before
            elif self.filter_bar.value:
                self.filter_bar.value = ""
        self.set_focus(self.papers)

    async def _after_keys_sent_to_the_list(self) -> None:
        """`/` and `n` are priority bindings: they act as they arrive, so that the keys behind
        them go to the filter or the notes. Keys already sent to the list ahead of them ("js"
        of "jsn") act first, in the order typed: the list runs its queue meanwhile, and the
        keys behind wait in the app's."""
        if self.focused is not self.papers or self.papers.in_key_turn:  # (in its turn: in order already)
            return
        done = asyncio.Event()
        if self.papers.call_later(done.set):
            await done.wait()

    # --- actions: one paper -----------------------------------------------------------------

    def action_toggle_read(self) -> None:
        if not self._bulk(bulk_read):  # with a selection, the whole selection
            self._change(lambda e: self.library.set_read([e.id], not e.shelf.read))

    def action_toggle_star(self) -> None:
        if not self._bulk(bulk_star):
            self._change(lambda e: self.library.set_starred([e.id], not e.shelf.starred))

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

    async def action_edit_tags(self) -> None:
        """`t` is a priority binding, like `n`: the letters typed right behind it wait until
        the dialog's input has the focus, and are typed there ("trlhf")."""
        await self._after_keys_sent_to_the_list()
        if (current := self.current) is None:
            return
        known = self.library.all_tags()
        if ids := self._selected_ids():
            title, tags, then = f"Add tags to {papers(len(ids))} (selected)", (), partial(self._add_tags, ids)
        else:  # for the paper the dialog named, wherever the cursor is by then
            title, tags, then = current.paper.title, current.shelf.tags, partial(self._set_tags, current)
        await flows.ask_tags(self.app, title, tags, known, then)

    def _set_tags(self, paper: Entry, tags: tuple[str, ...]) -> None:
        self._change(lambda e: self.library.set_tags(e.id, tags), paper)

    async def action_focus_notes(self) -> None:
        await self._after_keys_sent_to_the_list()
        await self._notes_editor()
        self._detail_pending = True  # the notes of the paper the cursor is on now, at once
        self._show_current()
        self.add_class("-notes-open")
        self.notes.move_cursor(self.notes.document.end)
        self.set_focus(self.notes)

    def action_edit_notes_externally(self) -> None:
        if (current := self.current) is None:
            return
        self._show_current()
        self.notes.flush()
        try:
            before = self.library.entry(current.id).shelf.notes
            from tui.platform.editor import edit_text  # (not needed to start)

            after = edit_text(self.app, before)
        except PapershelfError as error:
            return self._error(error, "Editor")
        if clean_block(after) != before:
            self._change(lambda e: self.library.set_notes(e.id, after))
            self.notes.load(self.current)

    def action_open_link(self) -> None:
        if (current := self.current) is not None:
            flows.open_link(self.app, current.paper)

    def action_copy(self) -> None:
        if (current := self.current) is None:
            return
        try:
            self.library.wait_for_abstracts()  # a BibTeX entry carries the abstract
            current = self.library.entry(current.id)
        except PapershelfError:
            pass  # copy what is known (the error was shown when the abstracts failed to load)
        flows.show_copy(self.app, current)

    def action_more_like_this(self) -> None:
        if (current := self.current) is None:
            return
        if (query := self.session.more_like(current.id, self.filter_bar.value)) is None:
            return
        self._show_filter(query)
        self.app.set_timer(SLOW_LIKE, partial(self._still_finding, query, current.paper.title))

    def _still_finding(self, query: str, title: str) -> None:
        if self.filter_bar.waiting() and self.filter_bar.value == query:
            self.notify(f"Finding papers like «{shorten(title, 48)}»…", markup=False)

    # --- actions: the selection and bulk changes ----------------------------------------------

    def _selected_ids(self) -> list[str]:
        return self.session.selected_ids(self.papers.entries)

    def action_toggle_select(self) -> None:
        if (current := self.current) is None:
            return
        self.papers.toggle_selected(current.id)
        self.papers.move_cursor_by(1)
        self._show_counts()

    def action_select_all(self) -> None:
        """Select every listed paper; if all are selected already, unselect them."""
        listed = {e.id for e in self.papers.entries}
        self.papers.select_shown(not listed <= self.session.selected)
        self._show_counts()

    def _bulk(self, decide: Callable[[list[Entry]], BulkChange]) -> bool:
        """With a selection: `decide` the change for all of it (True); else False."""
        ids = self._selected_ids()
        if not ids:
            return False
        self._confirm_bulk(decide(self.session.entries(ids)), ids)
        return True

    def _add_tags(self, ids: list[str], tags: tuple[str, ...]) -> None:
        if tags:
            self._confirm_bulk(bulk_tags(tags), ids)

    def _confirm_bulk(self, change: BulkChange, ids: Sequence[str]) -> None:
        run = partial(self._run_bulk, change, ids)
        if len(ids) <= BULK_CONFIRM_OVER:
            run()
        else:
            flows.confirm(self.app, change.question(len(ids)), "Change several papers", run)

    def _run_bulk(self, change: BulkChange, ids: Sequence[str]) -> None:
        try:
            entries = change.apply(self.library, ids)
        except PapershelfError as error:
            return self._error(error, "Not saved")
        self._apply(entries)
        self.notify(change.done(len(ids)), markup=False)

    # --- actions: undo, filters, sort, dialogs ------------------------------------------------

    def action_undo(self) -> None:
        self._replay(self.session.undo, "Nothing to undo")

    def action_redo(self) -> None:
        self._replay(lambda: (self.session.redo(), None), "Nothing to redo")

    def _replay(self, step: Callable[[], tuple[str | None, str | None]], nothing: str) -> None:
        self.notes.flush()  # a note still being typed becomes part of what is undone
        try:
            label, back_to = step()
        except PapershelfError as error:
            return self._error(error, "Not undone")
        if label is None:
            self.notify(nothing, markup=False)
            return
        self._show_library_afresh()  # (the session's undo / redo has taken in the change)
        self.notify(label, markup=False)
        if back_to is not None:  # back to the paper, e.g. after a wrong x
            self.papers.move_to_paper(back_to)

    def action_save_filter(self) -> None:
        text = self.filter_bar.value
        flows.ask_filter_slot(self.app, text, self.session.saved_filters(), partial(self._save_filter, text))

    def _save_filter(self, text: str, slot: str) -> None:
        try:
            said = self.session.save_filter(slot, text)
        except PapershelfError as error:
            return self._error(error, "Not saved")
        self.notify(said, title="Saved filter", markup=False)

    def action_recall_filter(self, slot: str) -> None:
        text = self.session.recall_filter(slot)
        if text is None:
            self.notify(f"No filter saved under {slot}: type a filter, then ctrl+s {slot} saves it", markup=False)
            return
        self._show_filter(text)
        self.notify(f"Filter {slot}: {text}", markup=False)

    def action_cycle_sort(self) -> None:
        try:
            order = self.session.cycle_sort()
        except PapershelfError as error:
            return self._error(error, "Sort not saved")
        self.filter_bar.refilter()
        self._show_counts()
        self.notify(f"Sorted by {sort_label(order)}", markup=False)

    def action_stats(self) -> None:
        flows.show_stats(self.app, self.library)

    def action_export(self) -> None:
        self.notes.flush()
        shown = [entry.id for entry in self.papers.entries]
        flows.show_export(self.app, self.library, self.filter_bar.value, shown, frozenset(self._selected_ids()))

    def action_refresh_sources(self) -> None:
        if self._sources is None:
            from tui.screens.refresh import SourceRefresh

            self._sources = SourceRefresh(self, self.library_changed, self._show_fetching)
        self._sources.start()

    def _show_fetching(self, text: str) -> None:
        self._fetching = text
        self._show_counts()

    def action_sync(self) -> None:
        self.notes.flush()  # the note being typed goes out too
        if self._sync is None:
            from tui.screens.sync_worker import LibrarySync

            self._sync = LibrarySync(self)
        self._sync.start()

    def action_help(self) -> None:
        flows.show_help(self.app)

    def action_quit(self) -> None:
        self.app.quit_as_asked()  # (the one way out: it saves and arms the exit watchdog)
