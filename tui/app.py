"""PapershelfApp: thin. Theme, stylesheet, the command palette, and which screen comes first;
the main screen holds the session's state and does the work."""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from storage import PapershelfError
from tui.platform.editor_errors import EditorInterrupted
from tui.idle_gc import CHECK_EVERY as COLLECT_CHECK_EVERY
from tui.idle_gc import IdleCollector
from tui.widgets.burst_keys import esc_then_key
from tui.shutdown import HOLD_WRITES_SECONDS, ExitWatchdog, QuitSignals
from tui.textual_private import app_driver, event_loop, lazy_strip_caches

if TYPE_CHECKING:  # (a start from the saved first screen reads the library after its first frame)
    from storage import Library
    from tui.screens.main import MainScreen

THEME_SETTING = "theme"
DEFAULT_THEME = "textual-dark"
# How long a thread that wants the GIL waits for the one running (Python's default: 5 ms). A
# search in its worker thread would hold back the screen's echo of each key by up to that much.
SWITCH_INTERVAL = 0.001

lazy_strip_caches()  # before the first frame: every strip of this app's frames is made lighter


class PapershelfApp(App[None]):
    """The reading list. `PapershelfApp(Library.open(directory)).run()`."""

    TITLE = "papershelf"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="quit-ctrl-c")]

    def __init__(self, library: Library | None, *, first_screen: dict[str, Any] | None = None, directory: str | None = None) -> None:
        """`library`, open; or None with `first_screen` (storage's read_first_screen of the
        library in `directory`): the app draws that, then opens the library in a thread
        (`open_error` holds why it could not)."""
        super().__init__()
        self.library = library
        self.open_error: PapershelfError | None = None
        self._first_screen = first_screen
        self._directory = directory
        self._main_screen_made = asyncio.Event()  # (then keys wait for its `ready`)
        self._quitting = False
        self.quit_by_user = False  # q, ctrl+c or the palette; not a signal or a closed terminal
        self._editor_running = False
        self._editor_poked = False
        self._watchdog: ExitWatchdog | None = None  # real runs only (not run_test)
        self._collector: IdleCollector | None = None  # once the first screen is up

    def get_driver_class(self):
        driver_class = super().get_driver_class()
        if driver_class.__name__ == "LinuxDriver":  # see tui/textual_compat.py
            from tui.textual_compat import TerminalDriver

            return TerminalDriver
        return driver_class

    def run(self, *args, **kwargs):
        """(Pilot tests use run_test: no signal handlers, no watchdog.)"""
        self._watchdog = ExitWatchdog(self._last_moment)
        sys.setswitchinterval(SWITCH_INTERVAL)
        QuitSignals(self._quit_signal_from_thread, self._quit_signal_in_main_thread)
        result = super().run(*args, **kwargs)
        self._watchdog.disarm()  # the app has ended; a signal from now on ends the process at once
        return result

    def get_default_screen(self) -> Screen:
        if self.library is None and self._first_screen is not None:
            from tui.screens.first import FirstScreen, saved_entries

            try:
                return FirstScreen(self._first_screen, saved_entries(self._first_screen))
            except (KeyError, IndexError, TypeError, ValueError):  # a damaged file: the slower way
                self._first_screen = None
                self.library = self._open_library()
        return self._make_main_screen()

    def _open_library(self) -> Library:
        from storage import Library

        return Library.open(self._directory, abstracts_later=True)

    def _make_main_screen(self) -> MainScreen:
        from tui.screens.main import MainScreen

        assert self.library is not None
        self.main_screen = MainScreen(self.library)
        self._main_screen_made.set()
        return self.main_screen

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self._collector is not None:
            self._collector.key_pressed()
        if isinstance(event, events.Key) and not event.is_forwarded:
            # Keys typed while papershelf starts (typed ahead, or sent with the command) wait
            # for the main screen, then act in the order typed; they would find no list yet
            # (the first screen drawn from the saved one is only a picture of it).
            await self._main_screen_made.wait()
            await self.main_screen.ready.wait()
            if (keys := esc_then_key(event)) is not None:  # "\x1bj" read at once: esc, then j
                for key in keys:
                    await super().on_event(key)
                return
        await super().on_event(event)

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_screen_painted)
        if self.library is None:  # the saved first screen is up: the library is read now
            theme = self._first_screen.get("theme") if self._first_screen else None
            self.call_after_refresh(self._open_library_in_background)
        else:
            theme = self.library.get_setting(THEME_SETTING, DEFAULT_THEME)
            self._welcome_if_empty()
        self.theme = theme if theme in self.available_themes else DEFAULT_THEME

    def _welcome_if_empty(self) -> None:
        assert self.library is not None
        if not len(self.library):
            from tui.screens.welcome import WelcomeScreen  # only for an empty library

            self.push_screen(WelcomeScreen(self.library, on_imported=self._leave_welcome))

    def _open_library_in_background(self) -> None:
        def open_library() -> None:
            try:
                library = self._open_library()
            except PapershelfError as error:
                self._from_thread(self._library_failed, error)
            else:
                self._from_thread(self._library_opened, library)

        threading.Thread(target=open_library, name="papershelf-open", daemon=True).start()

    def _from_thread(self, callback, argument) -> None:
        try:
            self.call_from_thread(callback, argument)
        except RuntimeError:  # the app has quit meanwhile
            if isinstance(argument, PapershelfError):
                self.open_error = argument
            elif self.library is None:
                self.library = argument  # (the command line closes it)

    def _library_opened(self, library: Library) -> None:
        """The main screen takes the first screen's place (keys held till now act there)."""
        self.library = library
        if self._quitting:
            return
        self.push_screen(self._make_main_screen())  # (over the first screen: the default one cannot be switched away)
        self._welcome_if_empty()

    def _library_failed(self, error: PapershelfError) -> None:
        self.open_error = error  # the command line reports it, as when the library is read first
        self.exit(return_code=1)

    def _first_screen_painted(self) -> None:
        """The command line paused the garbage collector for startup (tui/cli.py)."""
        gc.collect()  # the garbage startup left (mounting makes cycles): frozen, it would stay
        gc.freeze()  # what startup made stays: later collections skip it
        self._collector = IdleCollector()  # from now on, collections wait for a pause in typing
        self.set_interval(COLLECT_CHECK_EVERY, self._collector.tick, name="collect-when-idle")

    def on_unmount(self) -> None:
        if self._collector is not None:
            self._collector.stop()

    def _leave_welcome(self) -> None:
        from tui.screens.main import MainScreen

        self.pop_screen()
        main = self.screen
        if isinstance(main, MainScreen):
            main.reload()

    def watch_theme(self, theme: str) -> None:
        if self.library is None:
            return
        if self.is_mounted and theme != self.library.get_setting(THEME_SETTING, DEFAULT_THEME):
            self.library.set_setting(THEME_SETTING, theme)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from (c for c in super().get_system_commands(screen) if c.title != "Quit")  # ours saves first
        from tui.screens.main import MainScreen
        from tui.screens.welcome import WelcomeScreen

        if isinstance(screen, MainScreen):
            from tui.screens.palette import action_commands

            yield from action_commands(screen.available, screen.run_action)
        elif isinstance(screen, WelcomeScreen):
            yield SystemCommand("Paste from clipboard", "Import the page on the clipboard", screen.action_import_clipboard)
        yield SystemCommand("Save and quit", "keys: q, ctrl+q", self.action_quit)

    async def action_quit(self) -> None:
        self.quit_as_asked()

    def quit_as_asked(self) -> None:
        """The user quit (not a signal): what `papershelf sync --on-quit on` syncs after."""
        self.quit_by_user = True
        self.save_and_exit()

    def save_and_exit(self) -> None:
        """Save the note being typed and the cursor, then quit; from then on the watchdog
        guarantees the process ends (tui/shutdown.py)."""
        if self._quitting:
            return
        self._quitting = True
        from tui.screens.main import MainScreen

        try:
            for screen in self.screen_stack if self.is_running else ():
                if isinstance(screen, MainScreen) and screen.is_mounted:
                    screen.save_state()
        finally:  # (a signal as the app starts, before its screens are up: quit all the same)
            self._arm_watchdog()
            self.exit()

    def _arm_watchdog(self) -> None:
        if self._watchdog is not None:
            self._watchdog.arm()

    # -- signals: the terminal closed (SIGHUP), a kill (SIGTERM), an interrupt (SIGINT) ------

    def _quit_signal_from_thread(self, signum: int) -> None:
        """Save and quit, as `q` would (tui/shutdown.py's QuitSignals calls this from its thread).
        Before the app runs, or once it has, there is nothing to save: the process ends now."""
        if event_loop(self) is None and self._watchdog is not None:
            self._watchdog.end_now(128 + signum)
        self._arm_watchdog()
        self._call_in_loop(self.save_and_exit)
        if self._editor_running and not self._editor_poked:
            self._editor_poked = True
            QuitSignals.poke_main_thread(signum)  # out of the editor's wait, see below

    def _quit_signal_in_main_thread(self, signum: int) -> None:
        if self._editor_running:
            self._editor_running = False
            raise EditorInterrupted(signum)  # subprocess ends the editor it waits for

    def _call_in_loop(self, callback) -> None:
        if (loop := event_loop(self)) is not None:
            try:
                loop.call_soon_threadsafe(callback)
            except RuntimeError:  # the loop is closed: the app has quit already
                pass

    @contextmanager
    def suspend(self) -> Iterator[None]:
        """Textual's suspend, for the external editor. A signal to quit ends the editor (see
        `_quit_signal_in_main_thread`): EditorInterrupted is raised once the app has its
        terminal back (out of Textual's suspend, which resumes only on a normal exit)."""
        interrupted = None
        with super().suspend():
            try:
                self._editor_running, self._editor_poked = True, False
                yield
            except EditorInterrupted as error:
                interrupted = error
            finally:
                self._editor_running = False
        if interrupted is not None:
            raise interrupted

    def terminal_lost_from_thread(self) -> None:
        """The terminal stopped taking output (called by tui/textual_compat.py's driver): save
        and quit, in case no SIGHUP comes."""
        self._call_in_loop(self.save_and_exit)

    def _last_moment(self) -> None:
        """The watchdog ends the process now: no library write is cut short; the terminal is
        put back as it was."""
        if self.library is not None:  # (None: still being read, nothing written)
            self.library.hold_writes(HOLD_WRITES_SECONDS)  # a write cut short is no worse than a kill -9
        if (restore := getattr(app_driver(self), "restore_terminal_at_once", None)) is not None:
            restore()


def run_app(library: Library) -> None:
    """Open the TUI on a library (what the command line calls)."""
    PapershelfApp(library).run()
