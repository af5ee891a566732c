"""The help screen: every key of the main screen's action table (tui/actions.py), and the filter language."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.actions import ACTIONS, Action

FILTER_HELP = (
    ("words", "fuzzy match on title, tags, notes and abstract; best first"),
    ('"a phrase"', "exact phrase"),
    ("is:read is:unread", "read status"),
    ("is:starred is:unstarred", "starred or not"),
    ("has:note has:tags has:link", "papers with a note / tags / links"),
    ("has:arxiv has:authors", "papers with an arXiv id / authors (facts from the sources)"),
    ("has:code has:doi", "papers with a code link / a DOI"),
    ("tag:NAME", "papers with the tag"),
    ("title:WORD note:WORD", "a word in the title / in the notes"),
    ('author:NAME author:"de la"', "part of an author's name (case and accents ignored)"),
    ("cat:cs.LG cat:cs", "an arXiv category, or every category of an archive (cs.*)"),
    ("year:2024 year:2023..2024", "published that year, or in the range (2020.. and ..2019 too)"),
    ("-TOKEN", "negate any token, e.g. -is:read"),
)


class HelpScreen(ModalScreen[None]):
    """Keys and filter syntax; any of esc, q, ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help-close")]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 84; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    HelpScreen .help-heading { text-style: italic; color: $text-muted; margin-top: 1; }
    HelpScreen Grid { grid-size: 2; grid-columns: auto 1fr; grid-gutter: 0 2; height: auto; padding-left: 1; }
    HelpScreen Grid Static { height: auto; }
    HelpScreen .help-key { text-style: bold; color: $accent; }
    HelpScreen Grid.help-group { grid-size: 6; column-span: 2; padding-left: 0; height: auto; grid-rows: auto; }
    """

    def __init__(self, actions: Iterable[Action] = ACTIONS) -> None:
        super().__init__()
        self._actions = tuple(actions)

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "papershelf help"
            scroll.border_subtitle = "esc to close"
            yield Static("Keys", classes="help-heading")
            with Grid(id="help-keys"):
                for group, actions in groupby(self._actions, key=lambda a: a.group):
                    yield from _rows(group, list(actions))
                yield from _row("ctrl+p", "Command palette: every action by name")
            yield Static("Filter", classes="help-heading")
            with Grid(id="help-filter"):
                for syntax, meaning in FILTER_HELP:
                    yield from _row(syntax, meaning)

    def action_close(self) -> None:
        self.dismiss(None)


def _rows(group: Binding.Group | None, actions: list[Action]) -> ComposeResult:
    """One row per action; a group (the saved filters' digits) shares rows, three to a row."""
    if group is None:
        for action in actions:
            yield from _row(action.key_labels(), action.help)
        return
    with Grid(classes="help-group"):
        for action in actions:
            yield from _row(action.key_labels(), action.help)


def _row(key: str, meaning: str) -> ComposeResult:
    yield Static(Text(key), classes="help-key")
    yield Static(Text(meaning))


def help_lines(screen: HelpScreen) -> list[str]:
    """The help as text rows ("key  meaning"): for tests and for reading it back."""
    cells = [str(cell.content) for cell in screen.query("#help-keys Static")]
    return [f"{key}  {meaning}" for key, meaning in zip(cells[::2], cells[1::2])]
