"""The main screen: filter bar, paper list, detail and notes. It holds the state of a session
(the library, the newest entries it wrote) and does every action of the binding table."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical
from textual.events import DescendantBlur, DescendantFocus, ScreenResume
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from storage import PapershelfError
from storage import Counts, Library
from storage import Entry
from storage import clean_block
from tui import triage
from tui.keys import MAIN_BINDINGS
from tui.platform.watch import LibraryWatcher
from tui.widgets.detail import DetailView
from tui.widgets.filter_bar import FilterBar
from tui.widgets.key_bar import KeyBar
from tui.widgets.notes_preview import NotesPreview
from tui.widgets.paper_list import PaperList, PaperRows
from tui.widgets.status import StatusLine

from .triage_actions import TRIAGE_PAPER_ACTIONS, TRIAGE_TYPING_ACTIONS, SavedFilterCommands, TriageActions

if TYPE_CHECKING:
    import tempfile

    from textual.widget import AwaitMount

    from tui.widgets.notes import NotesEditor

CURSOR_SETTING = "cursor"
CURSOR_SAVE_DELAY = 1.0
POLL_INTERVAL = 2.0
SLOW_FILTER = 0.3  # seconds before the counts line says the filter is still searching
PAPER_ACTIONS = {"toggle_read", "toggle_star", "edit_tags", "focus_notes", "edit_notes_externally", "open_link", "copy"}
PAPER_ACTIONS |= TRIAGE_PAPER_ACTIONS
# Actions bound to printable keys: while the filter or the notes have focus those keys type.
LETTER_ACTIONS = PAPER_ACTIONS | {"focus_filter", "help", "quit", "export"}
LETTER_ACTIONS |= TRIAGE_TYPING_ACTIONS
# The key bar of a narrow terminal keeps these longest (after help and quit), in this order.
KEY_BAR_PRIORITY = (
    "toggle_read", "toggle_star", "focus_filter", "edit_tags", "open_link", "focus_notes", "undo", "copy", "export", "back",
)


class MainScreen(TriageActions, Screen):
    BINDINGS = list(MAIN_BINDINGS)
    AUTO_FOCUS = "#papers"
    COMMANDS = {SavedFilterCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-tiny"), (14, "-short"), (28, "-tall")]

    def __init__(self, library: Library, demo_folder: tempfile.TemporaryDirectory | None = None) -> None:
        """`demo_folder`: the library is a throwaway demo in that folder, deleted with the screen."""
        super().__init__()
        self.library = library
        self._demo_folder = demo_folder
        self._classes_for_size()
        # Entries this session wrote, newest version: a filter that ran before a toggle
        # returns the old entry, and must not undo the toggle on screen.
        self._written: dict[str, Entry] = {}
        self._cursor_timer: Timer | None = None
        self._saved_cursor: str | None = library.get_setting(CURSOR_SETTING)
        self._watcher = LibraryWatcher(library)
        self._counts: Counts | None = None
        self._showed_no_paper = True
        self._detail_pending = False
        self._shown_query = ""
        self._searching = False  # a filter is taking long (the index is being built, at 100,000 papers)
        self._resumed = False
        self._notes_swap: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()  # set once mounted: the app holds keys back until then

    def _classes_for_size(self) -> None:
        """The size classes Screen sets on its first resize, set now: setting them then
        restyles every widget once more before the first frame (~5 ms). Not styled here
        (update=False): the screen is styled when it mounts."""
        width, height = self.app.size
        for size, breakpoints in ((width, self.HORIZONTAL_BREAKPOINTS), (height, self.VERTICAL_BREAKPOINTS)):
            self.add_class(*[name for start, name in breakpoints if size >= start][-1:], update=False)

    def compose(self) -> ComposeResult:
        # Kept as attributes: they are still needed in on_unmount, after the DOM is gone.
        self.status = StatusLine(id="status")
        self.filter_bar = FilterBar(self._search, id="filter")
        self.papers = PaperList(id="papers", empty_message="No papers match the filter (esc clears it)")
        self.detail = DetailView(id="detail")
        self.notes: NotesEditor | NotesPreview = NotesPreview()  # the editor a frame later
        yield self.status
        yield self.filter_bar
        with Horizontal(id="panes"):
            yield self.papers
            with Vertical(id="side"):
                yield self.detail
                with Container(id="notes"):
                    yield self.notes
        yield KeyBar(priority=KEY_BAR_PRIORITY)

    @property
    def current(self) -> Entry | None:
        return self.papers.highlighted

    # --- life cycle -----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.detail.abstracts_pending = not self.library.abstracts_loaded
        self.papers.set_entries(self.library.entries())
        if self._saved_cursor:
            self.papers.move_to_paper(self._saved_cursor)
        self._detail_pending = True  # the first frame shows the paper (its abstract follows)
        self._show_current()
        self.set_focus(self.papers)
        self._show_counts()
        self.restore_sort()
        self.set_interval(POLL_INTERVAL, self.poll_library, name="poll-library")
        self.call_after_refresh(self._start_notes_editor)
        self.ready.set()
        if not self.library.abstracts_loaded:  # read them once the first screen is painted
            self.call_after_refresh(self.library.load_abstracts_in_background, self._abstracts_loaded_elsewhere)

    def on_screen_resume(self, event: ScreenResume) -> None:
        """Runs ahead of Screen's own handler. On the first resume every widget was styled
        as it mounted, a moment ago: restyling them all again cost ~5 ms of the first frame."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def _abstracts_loaded_elsewhere(self, error: PapershelfError | None) -> None:
        """Called from the loading thread."""
        try:
            self.app.call_from_thread(self._abstracts_arrived, error)
        except RuntimeError:
            pass  # the app quit before they were in

    def _abstracts_arrived(self, error: PapershelfError | None) -> None:
        if not self.is_attached or not self.detail.children:
            return  # the app is quitting (q pressed before the abstracts were in)
        self.detail.abstracts_pending = False
        if error is not None:
            self.notify(str(error), title="Abstracts", severity="error", markup=False, timeout=30)
        self._written.clear()  # the library's entries are newer still: they hold the abstracts
        self._watcher.take_snapshot()  # new entries, but no news from elsewhere
        self.filter_bar.refilter()
        self._reshow_current()

    # --- the notes editor, a frame after the first (see NotesPreview) -----------------------

    def _start_notes_editor(self) -> None:
        self._notes_editor()  # (returns None: call_after_refresh would await the swap in the screen's queue)

    def _notes_editor(self) -> asyncio.Task[None]:
        """Swaps the editor in for the preview, once; `n` awaits this (it types into the editor)."""
        if self._notes_swap is None:
            self._notes_swap = asyncio.create_task(self._swap_in_notes_editor())
        return self._notes_swap

    async def _swap_in_notes_editor(self) -> None:
        from tui.widgets.notes import NotesEditor

        preview = self.notes
        if not isinstance(preview, NotesPreview) or not self.is_attached:
            return
        editor = NotesEditor(self.library.set_notes)
        editor.display = False  # mounted out of sight, then shown in the preview's place at once
        await self.query_one("#notes").mount(editor)
        editor.load(preview.entry)  # the paper the preview showed last
        preview.display = False
        editor.display = True
        self.notes = editor
        await preview.remove()

    def reload(self) -> None:
        """Show the library afresh (after an import from the welcome screen)."""
        self._watcher.take_snapshot()
        self._written.clear()
        self.filter_bar.refilter()
        self._show_counts()
        self.set_focus(self.papers)

    def on_unmount(self) -> None:
        self.save_state()
        if self._demo_folder is not None:
            self.library.close()
            self._demo_folder.cleanup()

    def _show_current(self) -> None:
        """Bring the detail and the notes to the highlighted paper (if they lag behind)."""
        if not self._detail_pending:
            return
        self._detail_pending = False
        current = self.current
        self.detail.show(current)
        if not (self.notes.has_focus and current is not None and self.notes.paper_id == current.id):
            self.notes.load(current)  # (not again while the reader types its note)

    def save_state(self) -> None:
        """Save the note being edited and the cursor: called on quit and unmount."""
        self.notes.flush()
        self._save_cursor()

    def poll_library(self) -> None:
        """Pick up changes another process made to the library."""
        try:
            changed = self._watcher.changed()
        except PapershelfError as error:
            self.notify(str(error), title="Library", severity="error", markup=False)
            return
        if not changed:
            return
        self._written.clear()
        self.filter_bar.refilter()
        self._show_counts()
        self._reshow_current()

    def _reshow_current(self) -> None:
        if (current := self.current) is None:
            return
        try:
            entry = self.library.entry(current.id)
        except PapershelfError:
            return
        self._apply([entry])
        self.notes.reload_if_untouched(entry)

    # --- filtering ------------------------------------------------------------------------

    def _search(self, text: str) -> PaperRows:
        """Runs in the filter worker thread: the filter in the chosen sort order, or `like:ID`."""
        return triage.rows(self.library, text, triage.sort_order(self.library))

    @on(Input.Changed, "#filter")
    def _filter_typed(self) -> None:
        self.set_timer(SLOW_FILTER, self._still_filtering, name="slow-filter")

    def _still_filtering(self) -> None:
        if any(w.node is self.filter_bar and not w.is_finished for w in self.app.workers):
            self._searching = True
            self._show_counts(recount=False)

    @on(FilterBar.Results)
    def _filtered(self, event: FilterBar.Results) -> None:
        self._searching = False
        # A new query puts the cursor on its best match; the same query run again (the library
        # or the sort changed) and a cleared filter keep it on the paper it was on.
        new_query = event.query.strip() not in ("", self._shown_query)
        self._shown_query = event.query.strip()
        self.papers.set_rows(event.result, keep_cursor=not new_query)
        self.papers.update_entries(self._written.values())
        self._show_counts(recount=False)

    @on(FilterBar.Submitted)
    def _filter_submitted(self) -> None:
        self.set_focus(self.papers)

    @on(FilterBar.Failed)
    def _filter_failed(self, event: FilterBar.Failed) -> None:
        self._searching = False
        self.status.show_problem(str(event.error))

    def _show_counts(self, recount: bool = True) -> None:
        """The status line; `recount=False` when only the filter changed (the library did not)."""
        if recount or self._counts is None:
            self._counts = self.library.counts()
        counts = self._counts
        showing = len(self.papers) if self.filter_bar.value.strip() else None
        extras = [*self.count_extras(), *(["searching…"] if self._searching else [])]
        if self._demo_folder is not None:
            extras.append("demo: deleted on quit")
        self.status.show_counts(counts.total, counts.read, counts.starred, showing, extras)

    # --- the highlighted paper ------------------------------------------------------------

    @on(PaperList.Highlighted)
    def _highlighted(self, event: PaperList.Highlighted) -> None:
        # The detail and the notes follow a frame later: the list (what a keystroke changes)
        # paints first, and holding j redraws them once, for the paper the cursor stops on.
        if not self._detail_pending and event.entry is not self.detail.entry:
            self._detail_pending = True
            self.call_after_refresh(self._show_current)
        if (event.entry is None) != self._showed_no_paper:
            # Paper actions turn on or off; refreshing bindings rebuilds the footer, so not
            # on every cursor move.
            self._showed_no_paper = event.entry is None
            self.refresh_bindings()
        self._schedule_cursor_save()

    def on_notes_editor_saved(self, event: NotesEditor.Saved) -> None:
        self._apply([event.entry], show_detail=False)

    def _apply(self, entries: list[Entry], show_detail: bool = True) -> None:
        """Show entries the library returned after a change."""
        for entry in entries:
            self._written[entry.id] = entry
        self._watcher.saw(entries)
        self.papers.update_entries(entries)
        current = self.current
        if show_detail and current is not None and any(e.id == current.id for e in entries):
            self.detail.show(current)
        self._show_counts()

    def _schedule_cursor_save(self) -> None:
        if self._cursor_timer is not None:
            self._cursor_timer.stop()
        self._cursor_timer = self.set_timer(CURSOR_SAVE_DELAY, self._save_cursor, name="save-cursor")

    def _save_cursor(self) -> None:
        pid = self.papers.highlighted_id
        if pid is None or pid == self._saved_cursor:
            return
        try:
            self.library.set_setting(CURSOR_SETTING, pid)
        except PapershelfError:
            return  # the cursor is a convenience; the next move tries again
        self._saved_cursor = pid

    def _change(self, change: Callable[[Entry], Entry | list[Entry]], paper: Entry | None = None) -> None:
        """Run one library change on a paper (the highlighted one by default) and show the result."""
        current = paper or self.current
        if current is None:
            return
        try:
            updated = change(current)
        except PapershelfError as error:
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return
        self._apply(updated if isinstance(updated, list) else [updated])

    # --- layout for small terminals -------------------------------------------------------

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self.set_class(event.widget is self.notes, "-notes-open")
        self.refresh_bindings()

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        if event.widget is self.notes:
            self.remove_class("-notes-open")
        self.refresh_bindings()

    # --- actions (the binding table in tui/keys.py) ----------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Greyed out without a paper; hidden while typing (the keys type text then)."""
        if action in LETTER_ACTIONS and (isinstance(self.focused, Input) or self.focused is self.notes):
            return False
        return True if self.available(action) else None

    def available(self, action: str) -> bool:
        """Whether an action can do anything now (the command palette lists only these)."""
        if action == "submit_filter":
            return self.is_mounted and self.focused is self.filter_bar
        return action not in PAPER_ACTIONS or not self.is_mounted or self.current is not None

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
        """esc: leave the filter or the notes for the list; on the list, clear the filter."""
        focused = self.focused
        if focused is self.notes:
            self.notes.flush()
        elif focused is self.filter_bar or focused is self.papers or focused is None:
            if not self.unwind() and self.filter_bar.value:
                self.filter_bar.value = ""
        self.set_focus(self.papers)

    def action_toggle_read(self) -> None:
        if not self.bulk_read():  # with a selection, the whole selection
            self._change(lambda e: self.library.set_read([e.id], not e.shelf.read))

    def action_toggle_star(self) -> None:
        if not self.bulk_star():
            self._change(lambda e: self.library.set_starred([e.id], not e.shelf.starred))

    async def action_edit_tags(self) -> None:
        """`t` is a priority binding, like `n`: the letters typed right behind it wait until
        the dialog's input has the focus, and are typed there ("trlhf")."""
        await self._after_keys_sent_to_the_list()
        if (current := self.current) is None:
            return
        await (self.bulk_tags() or self._edit_tags(current))

    def _edit_tags(self, current: Entry) -> AwaitMount:
        def save(tags: tuple[str, ...] | None) -> None:
            if tags is not None:  # for the paper the dialog named, wherever the cursor is now
                self._change(lambda e: self.library.set_tags(e.id, tags), current)

        from .tags import TagsScreen  # the dialogs are imported when first opened: startup time

        screen = TagsScreen(current.paper.title, current.shelf.tags, self.library.all_tags())
        return self.app.push_screen(screen, save)

    async def action_focus_notes(self) -> None:
        await self._after_keys_sent_to_the_list()
        await self._notes_editor()
        self._detail_pending = True  # the notes of the paper the cursor is on now, at once
        self._show_current()
        self.add_class("-notes-open")
        self.notes.move_cursor(self.notes.document.end)
        self.set_focus(self.notes)

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
            self.notify(str(error), title="Editor", severity="error", markup=False)
            return
        if clean_block(after) != before:
            self._change(lambda e: self.library.set_notes(e.id, after))
            self.notes.load(self.current)

    def action_open_link(self) -> None:
        if (current := self.current) is None:
            return
        links = current.paper.links
        if not links:
            self.notify("This paper has no links.", markup=False)
        elif len(links) == 1:
            self._open(links[0])
        else:
            from .links import LinkChooser

            self.app.push_screen(LinkChooser(links), self._open)

    def _open(self, url: str | None) -> None:
        if url:
            self.app.open_url(url)
            self.notify(url, title="Opening", markup=False)

    def action_copy(self) -> None:
        if (current := self.current) is None:
            return
        try:
            self.library.wait_for_abstracts()  # a BibTeX entry carries the abstract
            current = self.library.entry(current.id)
        except PapershelfError:
            pass  # copy what is known (the error was shown when the abstracts failed to load)
        from .copy import CopyChooser  # dialogs are imported when first opened: startup time

        self.app.push_screen(CopyChooser(current))

    def action_export(self) -> None:
        self.notes.flush()
        from .export import ExportScreen

        self.app.push_screen(ExportScreen.of(self))

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen(MAIN_BINDINGS))

    def action_quit(self) -> None:
        self.save_state()
        self.app.exit()
