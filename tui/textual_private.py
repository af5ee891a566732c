"""Every private Textual (8.2) thing papershelf relies on, but the terminal driver's, in one place.

tests/tui/test_textual_compat.py pins each of them, so that a Textual upgrade that changes one
fails a test there rather than the app. Call sites use the functions below, never the names.

1. `Widget._forward_event(event)`: marks an event forwarded and posts it to a widget, as the
   app's own key routing does. Keys typed in one burst are handed on to the widget that has
   the focus now (tui/widgets/burst_keys.py, tui/widgets/paper_list.py): `forward_key`.
2. `DOMNode._bindings`: a node's BindingsMap (its class's bindings merged with its bases').
   The paper list runs the screen's binding for a key in its own turn: `key_bindings`.
3. `ScrollView._scroll_update(size)`: updates the scrollbars for a new virtual size without a
   layout of the whole screen (assigning `virtual_size` does one): `set_row_count`.
4. `App._loop`: the app's event loop, None before it runs and after. Signals arrive on another
   thread and call into the loop (tui/app.py): `event_loop`.
5. `App._driver`: the running driver (None before the app runs). At the very last moment the
   app asks it to put the terminal back (tui/app.py): `app_driver`.
6. `ScreenResume.refresh_styles` (a public field, read only by Screen's own private handler):
   set to False by a screen's `on_screen_resume`, which runs first, it skips restyling every
   widget on that resume (tui/screens/main.py, the first frame): `skip_restyle`.
7. `Strip`'s seven memo caches, slots that `Strip.__init__` fills with a FIFOCache each and
   only Strip's own methods use: made when first used instead (`lazy_strip_caches`).

Public, but behaviour relied on (pinned as well):
8. `App.on_event` sees each key from the driver before it is routed; a key marked forwarded
   (`Message.is_forwarded`) is not routed again (tui/app.py holds keys typed during startup).
9. Handlers are looked up class by class along the MRO, the subclass's first; a mixin's
   `on_key` that calls `prevent_default()` keeps Input's and TextArea's own `_on_key` from
   typing the key (tui/widgets/burst_keys.py).

The terminal driver's workaround (LinuxDriver's and WriterThread's internals) is in
tui/textual_compat.py, which lists what it uses; it is imported only when the app runs in a
terminal, which keeps this module (on the startup path) light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.cache import FIFOCache
from textual.geometry import Size
from textual.reactive import Reactive
from textual.strip import Strip

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop

    from textual.app import App
    from textual.binding import Binding
    from textual.dom import DOMNode
    from textual.driver import Driver
    from textual.scroll_view import ScrollView
    from textual.widget import Widget


def forward_key(target: Widget, key: events.Key) -> None:
    """Post a fresh copy of `key` to `target`, marked forwarded (the app will not route it again)."""
    target._forward_event(events.Key(key.key, key.character))


def key_bindings(node: DOMNode, key: str) -> tuple[Binding, ...]:
    """The bindings `node` has for `key` (none: an empty tuple)."""
    return tuple(node._bindings.key_to_bindings.get(key, ()))


def set_row_count(view: ScrollView, size: Size) -> None:
    """Give `view` a new virtual size: the scrollbars follow, the screen is not laid out again."""
    view.set_reactive(type(view).virtual_size, size)
    view._scroll_update(size)


def event_loop(app: App) -> AbstractEventLoop | None:
    """The loop the app runs in; None before it runs and once it has."""
    return app._loop


def app_driver(app: App) -> Driver | None:
    """The app's driver; None before it runs."""
    return app._driver


def skip_restyle(event: events.ScreenResume) -> None:
    """From a screen's `on_screen_resume`: this resume does not restyle the screen's widgets."""
    event.refresh_styles = False


def virtual_size_without_layout() -> Reactive[Size]:
    """For a widget's class body, `virtual_size = virtual_size_without_layout()`: Textual's
    Input sets its virtual size (the width of its text) on every keystroke, and Widget's
    `virtual_size` reactive lays the whole screen out again on each change (every widget
    drawn anew: most of a keystroke's frame). This one repaints the widget alone; the
    widget's scrolling reads the virtual size as it is (Widget.max_scroll_x)."""
    return Reactive(Size(0, 0), layout=False)


# Strip's memo caches and their sizes, as Strip.__init__ makes them (Textual 8.2).
STRIP_CACHES = {
    "_divide_cache": 4, "_crop_cache": 16, "_style_cache": 16, "_filter_cache": 4,
    "_line_length_cache": 4, "_crop_extend_cache": 4, "_offsets_cache": 4,
}  # fmt: skip


def lazy_strip_caches() -> None:
    """Strips are made by the thousand for every frame, most used once; Textual gives each
    seven caches up front, and the caches of many hold the strip itself (a cycle: garbage
    for the collector). After this a cache is made the first time a strip uses it. In a
    session of the pty_burst benchmark at 1,000 papers: peak memory 64 -> 55 MiB (the freed
    cycles left Python's small-object arenas in pieces, and the list's line cache held the
    caches of every strip it kept)."""
    def __init__(self: Strip, segments: Any, cell_length: int | None = None) -> None:
        self._segments = list(segments)
        self._cell_length = cell_length
        self._render_cache = None
        self._link_ids = None
        self._cell_count = None

    def __getattr__(self: Strip, name: str) -> Any:  # (called only for a slot not yet set)
        if (size := STRIP_CACHES.get(name)) is None:
            raise AttributeError(name)
        cache: FIFOCache = FIFOCache(size)
        setattr(self, name, cache)
        return cache

    Strip.__init__ = __init__  # type: ignore[method-assign]
    Strip.__getattr__ = __getattr__  # type: ignore[attr-defined]
