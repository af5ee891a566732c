"""The first screen a start draws from what the last session saved, before the library is read:
the same as the main screen's, never stale, and every key typed meanwhile acts on the main
screen afterwards, in order, on the paper it was meant for."""

from __future__ import annotations

import asyncio

import orjson

from storage import Library, PapershelfError, read_first_screen
from storage.files.first_screen import FIRST_SCREEN
from tui.app import PapershelfApp
from tui.screens.first import FirstScreen
from tui.screens.main import MainScreen

SIZE = (120, 36)


async def quit_after(library: Library, *keys: str) -> None:
    """A session that types `keys` on the list, then quits with q (it saves the first screen)."""
    app = PapershelfApp(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*keys, "q")
        await pilot.pause()


def start(library: Library) -> PapershelfApp:
    """An app started as `papershelf --library DIR` starts with a saved first screen."""
    first = read_first_screen(library.directory)
    assert first is not None, "no first screen saved"
    return PapershelfApp(None, first_screen=first, directory=str(library.directory))


def shown(screen: FirstScreen | MainScreen) -> dict:
    papers = screen.papers
    rows = ["".join(segment.text for segment in papers.render_line(y)) for y in range(papers.scrollable_content_region.height)]
    return {
        "counts": screen.status.message,
        "rows": rows,
        "cursor": papers.cursor,
        "detail": screen.detail.entry.id if screen.detail.entry else None,
        "detail text": str(screen.detail.query_one("#detail-body").render()),
        "notes": screen.notes.text,
    }


async def wait_for_main_screen(app: PapershelfApp, pilot) -> MainScreen:
    while not isinstance(app.screen, MainScreen) or not app.screen.ready.is_set():
        await pilot.pause(0.01)
    await pilot.pause()
    return app.screen


async def test_a_quit_saves_the_first_screen_and_the_next_start_draws_it_as_the_main_screen_does(sample_library):
    sample_library.set_starred([sample_library.entries()[12].id], True)
    await quit_after(sample_library, *"jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj", "space")  # far down: the list is scrolled
    reopened = Library.open(sample_library.directory, abstracts_later=True)
    expected_app = PapershelfApp(reopened)
    async with expected_app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        expected = shown(expected_app.screen)
        expected["detail text"] = expected["detail text"].replace(reopened.entry(expected["detail"]).paper.abstract, "Loading the abstract…")
    app = start(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        first = app.screen
        assert isinstance(first, FirstScreen) and app.library is None  # drawn before the library is read
        assert shown(first) == expected
        assert expected["cursor"] == 39 and "1 read · 1 starred" in expected["counts"]
        main = await wait_for_main_screen(app, pilot)
        assert shown(main)["rows"] == expected["rows"]


async def test_keys_typed_on_the_first_screen_act_in_order_on_the_main_screen(sample_library):
    await quit_after(sample_library, "j", "j")
    ids = [e.id for e in sample_library.entries()]
    app = start(sample_library)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, FirstScreen)
        await pilot.press("j", "space", "j", "s", "slash", *"model")  # all before the library is read
        main = await wait_for_main_screen(app, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.library.entry(ids[3]).shelf.read and not app.library.entry(ids[2]).shelf.read
        assert app.library.entry(ids[4]).shelf.starred
        assert main.filter_bar.value == "model"
        assert [e.id for e in main.papers.entries] == main.session.rows("model").ids


async def test_a_change_from_anywhere_makes_the_saved_first_screen_stale(sample_library, tmp_path):
    await quit_after(sample_library, "j")
    assert read_first_screen(sample_library.directory) is not None
    other = Library.open(sample_library.directory)  # another process, say `papershelf mark`
    other.set_read([other.entries()[5].id], True)
    assert read_first_screen(sample_library.directory) is None
    await quit_after(sample_library)  # this session had not seen that change: saves nothing
    assert read_first_screen(sample_library.directory) is None
    other.close()


async def test_a_damaged_first_screen_is_not_used(sample_library):
    await quit_after(sample_library)
    path = sample_library.directory / FIRST_SCREEN
    data = orjson.loads(path.read_bytes())
    path.write_bytes(b"{not json")
    assert read_first_screen(sample_library.directory) is None
    path.write_bytes(orjson.dumps({**data, "papers": [{"id": 3}]}))  # right signatures, wrong records
    app = PapershelfApp(None, first_screen=read_first_screen(sample_library.directory), directory=str(sample_library.directory))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and len(app.screen.papers) == 48  # read the library first, as before


async def test_a_library_that_cannot_be_read_ends_the_app_with_its_error(sample_library, monkeypatch):
    await quit_after(sample_library)
    app = start(sample_library)

    def broken():
        raise PapershelfError("catalogue.json: damaged")

    monkeypatch.setattr(app, "_open_library", broken)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if app.open_error is not None:
                break
            await pilot.pause(0.01)
    assert str(app.open_error) == "catalogue.json: damaged"
    assert app.return_code == 1


def test_no_first_screen_for_an_empty_library(empty_library):
    asyncio.run(quit_after(empty_library))
    assert read_first_screen(empty_library.directory) is None
