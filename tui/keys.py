"""The one binding table of the main screen: keys, actions, ids, footer and help text.

The footer, the help screen and the command palette are all built from this table, so a key
is declared once. Ids let a keymap rebind keys (`App.set_keymap`).
The digits are one binding each (a binding cannot tell which of its keys was pressed).
"""

from __future__ import annotations

from textual.binding import Binding

FILTER_SLOTS = "1234567890"  # saved filters: ctrl+s then a digit saves, the digit recalls
SAVED_FILTERS = Binding.Group("Saved filters: a digit applies the filter saved under it", compact=True)

MAIN_BINDINGS: tuple[Binding, ...] = (
    Binding("j,down", "cursor_down", "Down", show=False, id="cursor-down"),
    Binding("k,up", "cursor_up", "Up", show=False, id="cursor-up"),
    Binding("g,home", "cursor_first", "Top", show=False, id="cursor-first"),
    Binding("G,end", "cursor_last", "Bottom", show=False, id="cursor-last"),
    Binding("pagedown", "page_down", "Page down", show=False, id="page-down"),
    Binding("pageup", "page_up", "Page up", show=False, id="page-up"),
    # Keys that move the focus into a text widget are priority bindings: the app runs them as
    # they arrive, so the keys typed right behind them go there (tui/widgets/burst_keys.py).
    Binding("slash", "focus_filter", "Filter", key_display="/", priority=True, id="focus-filter"),
    Binding("enter", "submit_filter", "Results", show=False, id="submit-filter"),
    Binding("escape", "back", "Back", key_display="esc", id="back"),
    Binding("space,r", "toggle_read", "Read", key_display="space", id="toggle-read"),
    Binding("s", "toggle_star", "Star", id="toggle-star"),
    Binding("t", "edit_tags", "Tags", priority=True, id="edit-tags"),
    Binding("n", "focus_notes", "Notes", priority=True, id="focus-notes"),
    Binding("N", "edit_notes_externally", "Note in $EDITOR", show=False, id="edit-notes-externally"),
    Binding("o", "open_link", "Open", id="open-link"),
    Binding("y", "copy", "Copy", id="copy"),
    Binding("e", "export", "Export", id="export"),
    Binding("u", "undo", "Undo", id="undo"),
    Binding("ctrl+r", "redo", "Redo", show=False, id="redo"),
    Binding("v", "toggle_select", "Select", show=False, id="toggle-select"),
    Binding("V", "select_all", "Select all", show=False, id="select-all"),
    Binding("x", "triage_read", "Read, next", show=False, id="triage-read"),
    Binding("X", "triage_star", "Star, next", show=False, id="triage-star"),
    Binding("right_square_bracket", "next_unread", "Next unread", key_display="]", show=False, id="next-unread"),
    Binding(
        "left_square_bracket", "previous_unread", "Previous unread", key_display="[", show=False, id="previous-unread"
    ),
    Binding("S", "cycle_sort", "Sort", show=False, id="cycle-sort"),
    Binding("m", "more_like_this", "More like this", show=False, id="more-like-this"),
    Binding("I", "stats", "Statistics", show=False, id="stats"),
    Binding("ctrl+s", "save_filter", "Save filter", show=False, id="save-filter"),
    *(
        Binding(
            slot, f"recall_filter('{slot}')", f"Filter {slot}", show=False, group=SAVED_FILTERS,
            id=f"recall-filter-{slot}",
        )
        for slot in FILTER_SLOTS
    ),
    Binding("question_mark", "help", "Help", key_display="?", id="help"),
    Binding("q", "quit", "Quit", id="quit"),
)

HELP_TEXT: dict[str, str] = {
    "cursor-down": "Move to the next paper",
    "cursor-up": "Move to the previous paper",
    "cursor-first": "Jump to the first paper",
    "cursor-last": "Jump to the last paper",
    "page-down": "Move down a page",
    "page-up": "Move up a page",
    "focus-filter": "Filter the list as you type; enter goes to the results",
    "submit-filter": "In the filter: go to the results, the best match highlighted",
    "back": 'Clear the selection, leave "more like this", clear the filter / leave the notes',
    "toggle-read": "Mark the paper read / unread",
    "toggle-star": "Star / unstar the paper",
    "edit-tags": "Edit the paper's tags",
    "focus-notes": "Write notes on the paper (saved as you type)",
    "edit-notes-externally": "Edit the note in $EDITOR",
    "open-link": "Open a link of the paper in the browser",
    "copy": "Copy the paper: title, Markdown link or BibTeX",
    "export": "Export a reading list (Markdown, BibTeX, CSV, JSON) to a file or the clipboard",
    "undo": "Undo the last change (read, star, tags, note, bulk change, import)",
    "redo": "Redo what was undone",
    "toggle-select": "Select / unselect the paper for a bulk change, and move down",
    "select-all": "Select every listed paper (again: unselect them)",
    "triage-read": "Mark read and jump to the next unread paper",
    "triage-star": "Star, mark read and jump to the next unread paper",
    "next-unread": "Jump to the next unread paper",
    "previous-unread": "Jump to the previous unread paper",
    "cycle-sort": "Sort: best match, page, newest, title, unread first, starred first",
    "more-like-this": "More like this: papers with similar abstracts (esc goes back)",
    "stats": "Statistics: progress, tags, papers read per day, pages",
    "save-filter": "Save the filter: ctrl+s, then a digit 1-9 or 0",
    **{f"recall-filter-{slot}": f"Saved filter {slot}" for slot in FILTER_SLOTS},
    "help": "Show this help",
    "quit": "Save and quit",
}


def key_labels(binding: Binding) -> str:
    """The keys of a binding as a reader would type them: "j / down"."""
    names = {
        "slash": "/", "question_mark": "?", "escape": "esc", "pagedown": "pgdn", "pageup": "pgup",
        "right_square_bracket": "]", "left_square_bracket": "[",
    }
    return " / ".join(names.get(key.strip(), key.strip()) for key in binding.key.split(","))


def help_text(binding: Binding) -> str:
    return HELP_TEXT.get(binding.id or "", binding.description)
