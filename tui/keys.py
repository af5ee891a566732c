"""The one binding table of the main screen: keys, actions, ids, footer and help text.

The footer, the help screen and the command palette are all built from this table, so a key
is declared once. Ids let a keymap rebind keys (`App.set_keymap`).
Reserved for later issues, deliberately unbound: u / ctrl+r (undo / redo), v / V (select),
S (sort).
"""

from __future__ import annotations

from textual.binding import Binding

MAIN_BINDINGS: tuple[Binding, ...] = (
    Binding("j,down", "cursor_down", "Down", show=False, id="cursor-down"),
    Binding("k,up", "cursor_up", "Up", show=False, id="cursor-up"),
    Binding("g,home", "cursor_first", "Top", show=False, id="cursor-first"),
    Binding("G,end", "cursor_last", "Bottom", show=False, id="cursor-last"),
    Binding("pagedown", "page_down", "Page down", show=False, id="page-down"),
    Binding("pageup", "page_up", "Page up", show=False, id="page-up"),
    Binding("slash", "focus_filter", "Filter", key_display="/", id="focus-filter"),
    Binding("escape", "back", "Back", key_display="esc", id="back"),
    Binding("space,r", "toggle_read", "Read", key_display="space", id="toggle-read"),
    Binding("s", "toggle_star", "Star", id="toggle-star"),
    Binding("t", "edit_tags", "Tags", id="edit-tags"),
    Binding("n", "focus_notes", "Notes", id="focus-notes"),
    Binding("N", "edit_notes_externally", "Note in $EDITOR", show=False, id="edit-notes-externally"),
    Binding("o", "open_link", "Open", id="open-link"),
    Binding("y", "copy", "Copy", id="copy"),
    Binding("e", "export", "Export", id="export"),
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
    "back": "Clear the filter / leave the notes and go back to the list",
    "toggle-read": "Mark the paper read / unread",
    "toggle-star": "Star / unstar the paper",
    "edit-tags": "Edit the paper's tags",
    "focus-notes": "Write notes on the paper (saved as you type)",
    "edit-notes-externally": "Edit the note in $EDITOR",
    "open-link": "Open a link of the paper in the browser",
    "copy": "Copy the paper: title, Markdown link or BibTeX",
    "export": "Export a reading list (Markdown, BibTeX, CSV, JSON) to a file or the clipboard",
    "help": "Show this help",
    "quit": "Save and quit",
}


def key_labels(binding: Binding) -> str:
    """The keys of a binding as a reader would type them: "j / down"."""
    names = {"slash": "/", "question_mark": "?", "escape": "esc", "pagedown": "pgdn", "pageup": "pgup"}
    return " / ".join(names.get(key.strip(), key.strip()) for key in binding.key.split(","))


def help_text(binding: Binding) -> str:
    return HELP_TEXT.get(binding.id or "", binding.description)
