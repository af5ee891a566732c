"""The app paints its first screen before it reads the abstracts, then fills them in."""

from __future__ import annotations

from storage.library import Library
from tests.tui.pilot import SIZE
from tui.app import PapershelfApp
from tui.screens.main import MainScreen


def _held_back(library: Library) -> list:
    """Keep the background load from starting until the test lets it go."""
    held: list = []
    library.load_abstracts_in_background = held.append  # type: ignore[method-assign]
    return held


async def test_first_screen_before_the_abstracts_then_they_fill_in(tui, sample_library, wait_for):
    full = {e.id: e for e in sample_library.entries()}
    lazy = Library.open(sample_library.directory, abstracts_later=True)
    held = _held_back(lazy)
    async with tui(lazy) as shelf:
        screen = shelf.app.screen
        assert isinstance(screen, MainScreen)
        await wait_for(shelf, lambda: held, what="the load to be asked for after the first paint")
        assert len(screen.papers) == 48 and "Loading the abstract…" in screen.detail.describe(screen.current).plain
        await shelf.press("s")  # a change made before the abstracts are in
        await shelf.pause()
        starred = screen.current.id
        Library.load_abstracts_in_background(lazy, held[0])
        await wait_for(shelf, lambda: all(e.paper.abstract == full[e.id].paper.abstract for e in screen.papers.entries),
                       what="the abstracts to arrive")  # fmt: skip
        assert screen.current.paper.abstract == full[starred].paper.abstract and screen.current.shelf.starred
        await shelf.press("q")
    assert Library.open(sample_library.directory).entry(starred).shelf.starred


async def test_a_damaged_abstracts_file_is_reported_and_the_list_still_works(sample_library, wait_for):
    path = sample_library.directory / "abstracts.json"
    path.write_bytes(b"{broken")
    app = PapershelfApp(Library.open(sample_library.directory, abstracts_later=True))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: any("abstracts.json" in str(n.message) for n in app._notifications),
                       what="the error to be shown")  # fmt: skip
        assert "No abstract." in screen.detail.describe(screen.current).plain
        await pilot.press("j", "space")
        await pilot.pause()
        assert screen.current.shelf.read
    assert path.read_bytes() == b"{broken"


async def test_abstracts_arriving_while_the_app_quits_are_ignored(tui, sample_library, wait_for):
    """q before the abstracts are in (seconds at 100,000 papers): the loading thread's news
    comes to a screen whose widgets are already gone, and must not raise there."""
    lazy = Library.open(sample_library.directory, abstracts_later=True)
    held = _held_back(lazy)
    async with tui(lazy) as shelf:
        screen = shelf.app.screen
        await wait_for(shelf, lambda: held, what="the load to be asked for after the first paint")
        await shelf.press("q")
    screen._abstracts_arrived(None)  # what call_from_thread would run; it must not raise


async def test_the_detail_is_drawn_once_when_the_abstracts_arrive(tui, sample_library, wait_for):
    full = {e.id: e for e in sample_library.entries()}
    lazy = Library.open(sample_library.directory, abstracts_later=True)
    held = _held_back(lazy)
    async with tui(lazy) as shelf:
        screen = shelf.app.screen
        await wait_for(shelf, lambda: held, what="the load to be asked for after the first paint")
        drawn: list[str] = []
        show = screen.detail.show
        screen.detail.show = lambda entry: (drawn.append(entry.paper.abstract), show(entry))  # type: ignore[method-assign]
        Library.load_abstracts_in_background(lazy, held[0])
        await wait_for(shelf, lambda: drawn, what="the detail to be redrawn")
        await shelf.pause()
        assert drawn == [full[screen.current.id].paper.abstract]
        assert full[screen.current.id].paper.abstract in screen.detail.describe(screen.current).plain
