"""The dialog flows of the main screen: each opens one dialog with the plain data it needs and
hands the answer to a callback. They take the app (to push the dialog) and never the screen.

The dialogs are imported when first opened, not with this module: startup time."""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from typing import TYPE_CHECKING

from storage import Entry, Library, Paper
from tui import actions

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import AwaitMount


def ask_tags(
    app: App, title: str, tags: Sequence[str], known: Sequence[str], then: Callable[[tuple[str, ...]], None]
) -> AwaitMount:
    """The tags dialog for `title`, starting from `tags`; `then` gets the tags unless cancelled."""
    from tui.screens.tags import TagsScreen

    def answered(chosen: tuple[str, ...] | None) -> None:
        if chosen is not None:
            then(chosen)

    return app.push_screen(TagsScreen(title, tuple(tags), known), answered)


def confirm(app: App, question: str, title: str, then: Callable[[], None]) -> None:
    """Ask `question`; `then` runs on yes."""
    from tui.screens.confirm import ConfirmScreen

    def answered(yes: bool | None) -> None:
        if yes:
            then()

    app.push_screen(ConfirmScreen(question, title), answered)


def ask_filter_slot(app: App, text: str, saved: dict[str, str], then: Callable[[str], None]) -> None:
    """Which slot to save the filter `text` under; `then` gets the slot unless cancelled."""
    from tui.screens.save_filter import SaveFilterScreen

    def answered(slot: str | None) -> None:
        if slot is not None:
            then(slot)

    app.push_screen(SaveFilterScreen(text, saved), answered)


def open_link(app: App, paper: Paper) -> None:
    """Open the paper's web link; with several, the reader chooses one first, and with none,
    chooses a search for its title (on arXiv or Hugging Face)."""
    from tui.paper_links import title_searches, web_links
    from tui.screens.links import LinkChooser

    if len(links := web_links(paper)) == 1:
        open_url(app, links[0].url)
    elif links:
        app.push_screen(LinkChooser(links), lambda url: open_url(app, url))
    else:
        chooser = LinkChooser(title_searches(paper.title), "No link known: search for the title?")
        app.push_screen(chooser, lambda url: open_url(app, url))


def open_url(app: App, url: str | None) -> None:
    if url:
        app.open_url(url)
        app.notify(url, title="Opening", markup=False)


def show_copy(app: App, entry: Entry) -> None:
    from tui.screens.copy import CopyChooser

    app.push_screen(CopyChooser(entry))


def show_export(app: App, library: Library, query: str, shown: Sequence[str], selected: Set[str]) -> None:
    """The export dialog: the filter `query` lists `shown` (ids, in list order)."""
    from tui.screens.export import ExportScreen, export_scopes

    app.push_screen(ExportScreen(library, export_scopes(library, query, shown, selected)))


def show_stats(app: App, library: Library) -> None:
    from tui.screens.stats import StatsScreen

    app.push_screen(StatsScreen(library))


def show_help(app: App) -> None:
    from tui.screens.help import HelpScreen

    app.push_screen(HelpScreen(actions.ACTIONS))
