"""PapershelfApp: thin. Theme, stylesheet, the command palette, and which screen comes first;
the main screen holds the session's state and does the work."""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import Iterable
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from storage.library import Library
from tui.keys import MAIN_BINDINGS, help_text, key_labels
from tui.screens.main import MainScreen
from tui.widgets.burst_keys import esc_then_key

THEME_SETTING = "theme"
DEFAULT_THEME = "textual-dark"


class PapershelfApp(App[None]):
    """The reading list. `PapershelfApp(Library.open(directory)).run()`."""

    TITLE = "papershelf"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="quit-ctrl-c")]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library

    def get_default_screen(self) -> Screen:
        self.main_screen = MainScreen(self.library)
        return self.main_screen

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            # Keys typed while papershelf starts (typed ahead, or sent with the command) wait
            # for the main screen, then act in the order typed; they would find no list yet.
            await self.main_screen.ready.wait()
            if (keys := esc_then_key(event)) is not None:  # "\x1bj" read at once: esc, then j
                for key in keys:
                    await super().on_event(key)
                return
        await super().on_event(event)

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_screen_painted)
        self._save_on_signals()
        theme = self.library.get_setting(THEME_SETTING, DEFAULT_THEME)
        self.theme = theme if theme in self.available_themes else DEFAULT_THEME
        if not len(self.library):
            from tui.screens.welcome import WelcomeScreen  # only for an empty library

            self.push_screen(WelcomeScreen(self.library, on_imported=self._leave_welcome))

    @staticmethod
    def _first_screen_painted() -> None:
        """The command line paused the garbage collector for startup (tui/cli.py)."""
        gc.collect()  # the garbage startup left (mounting makes cycles): frozen, it would stay
        gc.freeze()  # what startup made stays: later collections skip it
        gc.enable()

    def _leave_welcome(self) -> None:
        self.pop_screen()
        main = self.screen
        if isinstance(main, MainScreen):
            main.reload()

    def watch_theme(self, theme: str) -> None:
        if self.is_mounted and theme != self.library.get_setting(THEME_SETTING, DEFAULT_THEME):
            self.library.set_setting(THEME_SETTING, theme)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from (c for c in super().get_system_commands(screen) if c.title != "Quit")  # ours saves first
        from tui.screens.welcome import WelcomeScreen

        if isinstance(screen, MainScreen):
            yield from _binding_commands(screen)
        elif isinstance(screen, WelcomeScreen):
            yield SystemCommand("Paste from clipboard", "Import the page on the clipboard", screen.action_import_clipboard)
        yield SystemCommand("Save and quit", "keys: q, ctrl+q", self.action_quit)

    async def action_quit(self) -> None:
        self.save_and_exit()

    def save_and_exit(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.save_state()
        self.exit()

    def _save_on_signals(self) -> None:
        """The terminal closed (SIGHUP), a kill (SIGTERM) or an interrupt: save the note being
        typed and the cursor, then quit, as `q` would."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(signum, self.save_and_exit)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread / no such signal
                pass


def _binding_commands(screen: MainScreen) -> Iterable[SystemCommand]:
    """Every action of the binding table, named as in the footer, with its keys."""
    for binding in MAIN_BINDINGS:
        if binding.action == "quit" or not screen.available(binding.action):
            continue
        yield SystemCommand(
            help_text(binding),
            f"keys: {key_labels(binding)}",
            partial(screen.run_action, binding.action),
        )


def run_app(library: Library) -> None:
    """Open the TUI on a library (what the command line calls)."""
    PapershelfApp(library).run()
