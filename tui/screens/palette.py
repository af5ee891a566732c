"""The main screen's commands in the command palette: every action of the action table
(tui/actions.py) that can do something now, and one command per saved filter."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from tui.actions import ACTIONS


def action_commands(available: Callable[[str], bool], run: Callable[[str], object]) -> Iterable[SystemCommand]:
    """Every action of the table, named by its help text, with its keys; quit is the app's."""
    for action in ACTIONS:
        if action.action == "quit" or not available(action.name):
            continue
        yield SystemCommand(action.help, f"keys: {action.key_labels()}", partial(run, action.action))


def saved_filter_commands(saved: Mapping[str, str], recall: Callable[[str], None]) -> list[tuple[str, Callable[[], None], str]]:
    return [(f"Filter {slot}: {text}", partial(recall, slot), f"keys: {slot}") for slot, text in saved.items()]


class SavedFilterCommands(Provider):
    """The command palette's "Filter 1: is:starred tag:rlhf": one command per saved filter.
    The screen offers them as `saved_filter_commands()`."""

    def _commands(self) -> list[tuple[str, Callable[[], None], str]]:
        commands = getattr(self.screen, "saved_filter_commands", None)
        return commands() if callable(commands) else []

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
