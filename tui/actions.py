"""The one action table of the main screen: each action's keys, label, help text, whether it
needs a paper, whether its key types text, and its rank in a narrow key bar.

The bindings, the `?` help screen, the command palette, `check_action` and the key bar are all
made from this table, so an action is declared once. The digits are one action each (a binding
cannot tell which key was pressed).
"""

from __future__ import annotations

from typing import NamedTuple

from textual.binding import Binding

from tui.session import SLOTS as FILTER_SLOTS

SAVED_FILTERS = Binding.Group("Saved filters: a digit applies the filter saved under it", compact=True)
KEY_NAMES = {
    "slash": "/", "question_mark": "?", "escape": "esc", "pagedown": "pgdn", "pageup": "pgup",
    "right_square_bracket": "]", "left_square_bracket": "[",
}


class Action(NamedTuple):
    id: str  # "toggle-read": the binding's id
    keys: str  # "space,r": Textual key names, the first one shown
    action: str  # "toggle_read" (MainScreen.action_toggle_read), maybe with arguments
    label: str  # in the key bar and the footer
    help: str  # in the help screen and the command palette
    needs_paper: bool = False  # greyed out (and not in the palette) with no paper highlighted
    types_text: bool = False  # a printable key: off while the filter or the notes have focus
    bar_rank: int | None = None  # kept this long in a narrow key bar (0 longest; None: dropped first)
    shown: bool = False  # in the key bar
    key_display: str | None = None
    priority: bool = False  # run as the key arrives (keys that move the focus: tui/widgets/burst_keys.py)
    group: Binding.Group | None = None

    @property
    def name(self) -> str:
        """The action without its arguments: what `check_action` is asked about."""
        return self.action.partition("(")[0]

    def binding(self) -> Binding:
        return Binding(
            self.keys, self.action, self.label, show=self.shown, key_display=self.key_display,
            priority=self.priority, tooltip=self.help, id=self.id, group=self.group,
        )

    def key_labels(self) -> str:
        """The keys as a reader would type them: "j / down"."""
        return " / ".join(KEY_NAMES.get(key.strip(), key.strip()) for key in self.keys.split(","))


def _paper(*args, **kwargs) -> Action:
    """An action on the highlighted paper, bound to a printable key."""
    return Action(*args, needs_paper=True, types_text=True, **kwargs)


def _letter(*args, **kwargs) -> Action:
    """An action bound to a printable key."""
    return Action(*args, types_text=True, **kwargs)


ACTIONS: tuple[Action, ...] = (
    Action("cursor-down", "j,down", "cursor_down", "Down", "Move to the next paper"),
    Action("cursor-up", "k,up", "cursor_up", "Up", "Move to the previous paper"),
    Action("cursor-first", "g,home", "cursor_first", "Top", "Jump to the first paper"),
    Action("cursor-last", "G,end", "cursor_last", "Bottom", "Jump to the last paper"),
    Action("page-down", "pagedown", "page_down", "Page down", "Move down a page"),
    Action("page-up", "pageup", "page_up", "Page up", "Move up a page"),
    _letter(
        "focus-filter", "slash", "focus_filter", "Filter", "Filter the list as you type; enter goes to the results",
        shown=True, bar_rank=2, key_display="/", priority=True,
    ),
    Action(
        "submit-filter", "enter", "submit_filter", "Results", "In the filter: go to the results, the best match highlighted"
    ),
    Action(
        "back", "escape", "back", "Back", 'Clear the selection, leave "more like this", clear the filter / leave the notes',
        shown=True, bar_rank=9, key_display="esc",
    ),
    _paper("toggle-read", "space,r", "toggle_read", "Read", "Mark the paper read / unread", shown=True, bar_rank=0, key_display="space"),
    _paper("toggle-star", "s", "toggle_star", "Star", "Star / unstar the paper", shown=True, bar_rank=1),
    _paper("edit-tags", "t", "edit_tags", "Tags", "Edit the paper's tags", shown=True, bar_rank=3, priority=True),
    _paper(
        "focus-notes", "n", "focus_notes", "Notes", "Write notes on the paper (saved as you type)",
        shown=True, bar_rank=5, priority=True,
    ),
    _paper("edit-notes-externally", "N", "edit_notes_externally", "Note in $EDITOR", "Edit the note in $EDITOR"),
    _paper("open-link", "o", "open_link", "Open", "Open a link of the paper in the browser", shown=True, bar_rank=4),
    _paper("copy", "y", "copy", "Copy", "Copy the paper: title, Markdown link or BibTeX", shown=True, bar_rank=7),
    _letter(
        "export", "e", "export", "Export", "Export a reading list (Markdown, BibTeX, CSV, JSON) to a file or the clipboard",
        shown=True, bar_rank=8,
    ),
    _letter(
        "undo", "u", "undo", "Undo", "Undo the last change (read, star, tags, note, bulk change, import)",
        shown=True, bar_rank=6,
    ),
    _letter("redo", "ctrl+r", "redo", "Redo", "Redo what was undone"),
    _paper("toggle-select", "v", "toggle_select", "Select", "Select / unselect the paper for a bulk change, and move down"),
    _letter("select-all", "V", "select_all", "Select all", "Select every listed paper (again: unselect them)"),
    _paper("triage-read", "x", "triage_read", "Read, next", "Mark read and jump to the next unread paper"),
    _paper("triage-star", "X", "triage_star", "Star, next", "Star, mark read and jump to the next unread paper"),
    _letter(
        "next-unread", "right_square_bracket", "next_unread", "Next unread", "Jump to the next unread paper", key_display="]"
    ),
    _letter(
        "previous-unread", "left_square_bracket", "previous_unread", "Previous unread", "Jump to the previous unread paper",
        key_display="[",
    ),
    _letter("cycle-sort", "S", "cycle_sort", "Sort", "Sort: best match, page, newest, published, title, unread first, starred first"),
    _paper(
        "more-like-this", "m", "more_like_this", "More like this", "More like this: papers with similar abstracts (esc goes back)"
    ),
    _letter(
        "refresh-sources", "R", "refresh_sources", "Fetch",
        "Fetch the sources used last (papershelf fetch ...) and fill in authors and arXiv ids (exact titles only)",
    ),
    _letter("stats", "I", "stats", "Statistics", "Statistics: progress, tags, papers read per day, pages"),
    _letter(
        "sync", "P", "sync", "Sync",
        "Sync the library through git (papershelf sync): merge in the other machines' changes, send ours",
    ),
    Action("save-filter", "ctrl+s", "save_filter", "Save filter", "Save the filter: ctrl+s, then a digit 1-9 or 0"),
    *(
        _letter(f"recall-filter-{slot}", slot, f"recall_filter('{slot}')", f"Filter {slot}", f"Saved filter {slot}", group=SAVED_FILTERS)
        for slot in FILTER_SLOTS
    ),
    _letter("help", "question_mark", "help", "Help", "Show this help", shown=True, key_display="?"),
    _letter("quit", "q", "quit", "Quit", "Save and quit", shown=True),
)

MAIN_BINDINGS: tuple[Binding, ...] = tuple(action.binding() for action in ACTIONS)
PAPER_ACTIONS = frozenset(a.name for a in ACTIONS if a.needs_paper)
TYPING_ACTIONS = frozenset(a.name for a in ACTIONS if a.types_text)
KEY_BAR_PRIORITY: tuple[str, ...] = tuple(
    a.action for a in sorted((a for a in ACTIONS if a.bar_rank is not None), key=lambda a: a.bar_rank or 0)
)


def check(action: str, *, typing: bool, has_paper: bool) -> bool | None:
    """What `check_action` answers: False (hidden) for a printable key while text is typed,
    None (greyed out) for a paper action with no paper, else True."""
    if typing and action in TYPING_ACTIONS:
        return False
    return None if action in PAPER_ACTIONS and not has_paper else True
