"""The key bar: the keys that work now, in one line at the bottom, each clickable.

Textual's Footer mounts a widget per key and re-mounts them all whenever the bindings change
(focus moves, the list becomes empty): ~100 ms at startup and a frame's worth on each change.
This draws the same content as one line of text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

from tui.widgets.component_style import foreground

ALWAYS_SHOWN = ("help", "quit")  # kept when the terminal is too narrow for every key
GAP = " "


class Key(NamedTuple):
    key: str
    display: str
    description: str
    action: str
    enabled: bool


class KeyBar(Widget):
    """Shown bindings of the focused widget and its screen, then the command palette's key."""

    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        & > .key-bar--key { color: $footer-key-foreground; text-style: bold; }
        & > .key-bar--description { color: $footer-description-foreground; }
    }
    """

    def __init__(self, priority: Sequence[str] = (), **kwargs) -> None:
        """`priority`: actions, most useful first, kept longest when the line is too short
        (after help and quit); keys not listed are dropped first, from the right."""
        super().__init__(**kwargs)
        self._rank = {action: rank for rank, action in enumerate(priority)}
        self._spans: list[tuple[int, int, str]] = []  # cell range -> key, for clicks
        self._style_cache: dict[bool, tuple[Style, Style]] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        self.refresh()

    def keys(self) -> list[Key]:
        """One entry per shown action (an action bound to several keys shows its first)."""
        found: dict[str, Key] = {}
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in found:
                display = self.app.get_key_display(binding)
                found[binding.action] = Key(binding.key, display, binding.description, binding.action, enabled)
        return list(found.values())

    def _palette_key(self) -> Key | None:
        if not self.app.ENABLE_COMMAND_PALETTE:
            return None
        active = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if active is None:
            return None
        binding = active.binding
        return Key(binding.key, self.app.get_key_display(binding), "palette", binding.action, active.enabled)

    def _fitting(self, keys: list[Key], width: int) -> list[Key]:
        """Drop the least useful keys until the line fits; the rest keep their order."""
        keys = list(keys)
        while keys and sum(_width(k) for k in keys) > width:
            keys.pop(max(range(len(keys)), key=lambda i: self._expendability(keys[i], i)))
        return keys

    def _expendability(self, key: Key, position: int) -> tuple[int, int]:
        """The highest goes first: keys without a priority from the right, then the listed
        ones from the least useful; help and quit last."""
        if _always_shown(key):
            return (0, position)
        if key.action in self._rank:
            return (1, self._rank[key.action])
        return (2, position)

    def render(self) -> Text:
        width = self.size.width
        palette, shown = self._palette_key(), self.keys()
        keys = self._fitting(shown, width - (_width(palette) + 1 if palette else 0))
        kept = {k.action for k in keys}
        if palette and any(_always_shown(k) and k.action not in kept for k in shown):
            palette, keys = None, self._fitting(shown, width)  # too narrow: help and quit first
        text = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for key in keys:
            self._append(text, key)
        if palette and text.cell_len + _width(palette) < width:
            text.append(" " * (width - text.cell_len - _width(palette)))
            self._append(text, palette)
        return text

    def _append(self, text: Text, key: Key) -> None:
        start = text.cell_len
        key_style, description_style = self._styles(key.enabled)
        text.append(f" {key.display}", style=key_style)
        text.append(f" {key.description}{GAP}", style=description_style)
        self._spans.append((start, text.cell_len, key.key))

    def _styles(self, enabled: bool) -> tuple[Style, Style]:
        """The key's and the description's style, looked up once (not per key and render)."""
        if self._style_cache is None:
            self._style_cache = {
                on: (self._style("key-bar--key") + Style(dim=not on), self._style("key-bar--description") + Style(dim=not on))
                for on in (True, False)
            }
        return self._style_cache[enabled]

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_cache = None

    def _style(self, component: str) -> Style:
        return foreground(self, component, partial=True)

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return


def _always_shown(key: Key) -> bool:
    return key.action.rpartition(".")[2] in ALWAYS_SHOWN  # ("app.quit" too)


def _width(key: Key | None) -> int:
    if key is None:
        return 0
    return len(f" {key.display} {key.description}{GAP}")
