"""Pins every private Textual thing papershelf relies on (tui/textual_private.py lists them, and
tui/textual_compat.py the driver's): a Textual upgrade that changes one fails here, not in the app.
Each test uses a bare Textual app, so that what it checks is Textual, not papershelf."""

from __future__ import annotations

import asyncio
import inspect
import io
import queue
import re

import pytest
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.driver import Driver
from textual.geometry import Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, TextArea

from tui.textual_private import (
    STRIP_CACHES,
    app_driver,
    event_loop,
    forward_key,
    key_bindings,
    lazy_strip_caches,
    set_row_count,
    skip_restyle,
)


class KeyLog(Widget, can_focus=True):
    def __init__(self) -> None:
        super().__init__()
        self.keys: list[tuple[str, bool]] = []

    def on_key(self, event: events.Key) -> None:
        self.keys.append((event.key, event.is_forwarded))


class RoutedKeys(App[None]):
    """Records the keys App.on_event routes (those not marked forwarded)."""

    def __init__(self, *widgets: Widget) -> None:
        super().__init__()
        self.widgets = widgets
        self.routed: list[str] = []

    def compose(self) -> ComposeResult:
        yield from self.widgets

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.routed.append(event.key)
        await super().on_event(event)


async def test_a_forwarded_key_reaches_its_widget_and_is_not_routed_again():
    """1 and 8: `_forward_event`, `is_forwarded`, App.on_event seeing typed keys first."""
    log = KeyLog()
    app = RoutedKeys(log)
    async with app.run_test() as pilot:
        log.focus()
        await pilot.press("a")
        assert app.routed == ["a"] and log.keys == [("a", True)]  # the app's routing marks it too
        forward_key(log, events.Key("b", "b"))
        await pilot.pause()
        assert app.routed == ["a"] and log.keys == [("a", True), ("b", True)]


class BoundScreen(Screen[None]):
    BINDINGS = [Binding("j,down", "down", "Down", id="down"), Binding("k", "up", "Up")]


class OneScreen(App[None]):
    def get_default_screen(self) -> Screen:
        return BoundScreen()


async def test_the_bindings_of_a_node_by_key():
    """2: `DOMNode._bindings.key_to_bindings`."""
    app = OneScreen()
    async with app.run_test():
        assert [b.action for b in key_bindings(app.screen, "j")] == ["down"]
        assert [b.action for b in key_bindings(app.screen, "down")] == ["down"]
        assert [b.action for b in key_bindings(app.screen, "k")] == ["up"]
        assert key_bindings(app.screen, "x") == ()


class Rows(ScrollView):
    def render_line(self, y: int):
        from textual.strip import Strip

        return Strip.blank(self.size.width)


async def test_a_new_row_count_moves_the_scrollbar_without_a_layout():
    """3: `ScrollView._scroll_update` sizes the scrollbar; set_reactive skips the layout."""
    rows = Rows()
    app = RoutedKeys(rows)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        laid_out: list[bool] = []
        original = app.screen.refresh
        app.screen.refresh = lambda *a, layout=False, **k: laid_out.append(layout) or original(*a, layout=layout, **k)
        set_row_count(rows, Size(rows.size.width, 500))
        assert rows.virtual_size.height == 500 and rows.max_scroll_y > 0
        assert rows.vertical_scrollbar.window_virtual_size == 500
        assert not any(laid_out)
        await pilot.pause()
        assert rows.show_vertical_scrollbar


class SeenRunning(App[None]):
    def on_mount(self) -> None:
        self.seen = (event_loop(self), app_driver(self), asyncio.get_running_loop())
        self.exit()


async def test_the_app_loop_and_driver_exist_only_while_it_runs():
    """4 and 5: `App._loop` (None again once `run` is over: the quit signals rely on it), `App._driver`."""
    app = SeenRunning()
    assert event_loop(app) is None and app_driver(app) is None
    await app.run_async(headless=True)
    loop, driver, running = app.seen
    assert loop is running and isinstance(driver, Driver)
    assert event_loop(app) is None


def _restyles(screen: Screen) -> list[bool]:
    calls: list[bool] = []
    original = screen.update_node_styles
    screen.update_node_styles = lambda *a, **k: calls.append(True) or original(*a, **k)
    return calls


class Resumed(Screen[None]):
    def __init__(self, skip: bool) -> None:
        super().__init__()
        self.skip = skip

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if self.skip:
            skip_restyle(event)


async def test_a_screen_can_skip_the_restyle_of_its_resume():
    """6: our on_screen_resume runs before Screen's handler, which reads `refresh_styles`."""
    app = RoutedKeys()
    async with app.run_test() as pilot:
        for skip, expected in ((False, [True]), (True, [])):
            screen = Resumed(skip)
            restyles = _restyles(screen)
            await app.push_screen(screen)
            await pilot.pause()
            assert restyles == expected, skip
            app.pop_screen()
            await pilot.pause()


class Refusing:
    """Like KeysFollowTheFocus: a mixin ahead of a text widget that keeps keys from being typed."""

    def on_key(self, event: events.Key) -> None:
        if event.key == "x":
            event.prevent_default()


class RefusingInput(Refusing, Input):
    pass


class RefusingTextArea(Refusing, TextArea):
    pass


async def test_a_mixins_on_key_runs_first_and_prevent_default_stops_the_typing():
    """9: handlers class by class along the MRO; Input/TextArea type in their `_on_key`."""
    field, area = RefusingInput(), RefusingTextArea()
    app = RoutedKeys(field, area)
    async with app.run_test() as pilot:
        field.focus()
        await pilot.press("a", "x", "b")
        area.focus()
        await pilot.press("a", "x", "b")
        assert field.value == "ab" and area.text == "ab"
    assert "_on_key" in vars(Input) and "_on_key" in vars(TextArea)


async def test_the_linux_driver_internals_the_terminal_workaround_uses():
    """tui/textual_compat.py: LinuxDriver's output file, writer thread, SIGTSTP/SIGCONT
    handlers and saved terminal modes; WriterThread's bounded queue."""
    from textual.drivers import _writer_thread
    from textual.drivers.linux_driver import LinuxDriver

    for method in ("_sigtstp_application", "_sigcont_application", "close"):
        assert callable(getattr(LinuxDriver, method)), method
    driver = LinuxDriver(App())
    for attribute in ("_file", "_app", "_auto_restart", "_writer_thread", "attrs_before"):
        assert hasattr(driver, attribute), attribute
    assert driver._writer_thread is None and driver.attrs_before is None
    # the writer thread writes to `_file` (TerminalOutput replaces it before the thread starts)
    assert "WriterThread(self._file)" in inspect.getsource(LinuxDriver.start_application_mode)
    writer = _writer_thread.WriterThread(io.StringIO())
    assert isinstance(writer._queue, queue.Queue) and writer._queue.maxsize == _writer_thread.MAX_QUEUED_WRITES


def test_strip_init_makes_the_caches_and_slots_we_make_lazily():
    """7: Strip.__init__ (as installed, read from its source) fills exactly these slots, the
    caches among them with FIFOCaches of these sizes; a new one would be missing after ours."""
    source = inspect.getsource(Strip)
    init = source[source.index("    def __init__") : source.index("    def __rich_repr__")]
    made = dict(re.findall(r"self\.(_\w+_cache)\b[^=]*=\s*FIFOCache\((\d+)\)", init))
    assert {name: int(size) for name, size in made.items()} == STRIP_CACHES
    assert set(Strip.__slots__) == {"_segments", "_cell_length", "_render_cache", "_link_ids", "_cell_count", *STRIP_CACHES}


def test_a_strip_makes_a_cache_when_it_first_uses_it():
    """7: after lazy_strip_caches (the app does it as it is imported), a new strip holds no
    cache; the first crop makes the crop cache, of Textual's size, and uses it."""
    lazy_strip_caches()
    strip = Strip([Segment("hello "), Segment("world", Style(bold=True))])
    for name in STRIP_CACHES:
        with pytest.raises(AttributeError):
            getattr(Strip, name).__get__(strip)  # the slot itself: not set
    cropped = strip.crop(3, 8)
    assert cropped.text == "lo wo" and strip.crop(3, 8) is cropped  # the second from the cache
    assert strip._crop_cache._maxsize == STRIP_CACHES["_crop_cache"]
    assert strip.divide([6, 11]) == [Strip([Segment("hello ")]), Strip([Segment("world", Style(bold=True))])]
    assert strip.cell_length == 11 and strip.text == "hello world"
    with pytest.raises(AttributeError):
        strip.no_such_thing  # noqa: B018
