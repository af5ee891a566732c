"""Keys typed in one burst must land where the user meant them.

Textual sends each key to the widget that has the focus when the key *arrives*, and moves the
focus only when an earlier key's binding runs. Typed in one burst (a paste, tmux send-keys, a
busy moment), "/crit⏎js" would otherwise go: "crit" to the list (r marks a paper read), or
"js" into the filter. The main screen makes the keys that move the focus *into* a text widget
priority bindings (run as they arrive); this mixin does the rest for the text widgets.
"""

from __future__ import annotations

from textual import events

from tui.textual_private import forward_key


class KeysFollowTheFocus:
    """For a text widget: its keys that leave it (enter, escape) act in its own turn, before
    the keys queued behind them; keys that reach it after it lost the focus are not typed but
    go on, in the order typed, to the widget that has the focus now: typed there if it is a
    text widget, the screen's binding if it is the list ("/crit⏎js", "/crit⏎nabc")."""

    LEAVING_KEYS: dict[str, str] = {}  # key -> action of the screen

    async def on_key(self, event: events.Key) -> None:
        focused = self.app.focused  # type: ignore[attr-defined]  (has_focus lags: set by the Blur event)
        if focused is not self:
            event.prevent_default()  # not typed here
            if focused is not None:  # a fresh event, marked forwarded as the app's own routing does
                event.stop()
                forward_key(focused, event)
            return
        action = self.LEAVING_KEYS.get(event.key)
        if action is not None:
            event.stop()
            event.prevent_default()
            await self.screen.run_action(action)  # type: ignore[attr-defined]


def esc_then_key(event: events.Key) -> tuple[events.Key, events.Key] | None:
    """esc and a letter typed fast arrive in one read, and Textual's parser reports ESC+x as
    alt+x ("\\x1bj" is alt+j). papershelf binds no alt+letter: the reader meant esc, then the
    letter ("/crit", esc, j). Those two keys, or None for any other key."""
    character = event.character
    if not event.key.startswith("alt+") or character is None or len(character) != 1 or not character.isalnum():
        return None
    return events.Key("escape", "\x1b"), events.Key(character, character)
