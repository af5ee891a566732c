"""Regenerate the SVGs in screenshots/ from the real app: `uv run python -m tests.screenshots`.

Each scene opens papershelf headless on a throwaway copy of the sample page, triaged the way a
reader leaves it after a morning (some papers read, starred, tagged, a note), presses keys as a
user would, and saves what the terminal shows.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from pathlib import Path

from storage.library import Library
from tests.helpers import ROOT, SAMPLE_PAGE
from tui.app import PapershelfApp

OUT = ROOT / "screenshots"


def triaged_library(folder: Path) -> Library:
    library = Library.open(folder)
    library.import_file(SAMPLE_PAGE)
    ids = [entry.id for entry in library.entries()]
    library.set_read(ids[:12])
    library.set_starred([ids[2], ids[4], ids[13], ids[21], ids[30]])
    library.add_tags([ids[21], ids[16]], "rlhf")
    library.set_tags(ids[13], ["offline-rl", "to-read"])
    library.set_notes(ids[21], "Read with the group on Friday 🎉\nCompare with the reward models audited in 'Who Critiques the Critic?'.")
    library.set_setting("cursor", ids[21])
    return library


SCENES: dict[str, tuple[tuple[int, int], tuple[str, ...], bool]] = {
    # name: (terminal size, keys pressed, start from an empty library)
    "main": ((120, 36), (), False),
    "filter": ((120, 36), ("slash", *"critique", "enter"), False),
    "help": ((120, 36), ("question_mark",), False),
    "narrow": ((80, 24), (), False),
    "export": ((120, 36), ("e",), False),
    "stats": ((100, 30), ("I",), False),
    "welcome": ((100, 30), (), True),
}


async def shoot(name: str, size: tuple[int, int], keys: tuple[str, ...], empty: bool) -> Path:
    with tempfile.TemporaryDirectory() as folder:
        library = Library.open(folder) if empty else triaged_library(Path(folder))
        app = PapershelfApp(library)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
                await app.workers.wait_for_complete()
                await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            return Path(app.save_screenshot(f"{name}.svg", str(OUT)))


def main(scenes: Callable[[], dict] = lambda: SCENES) -> None:
    OUT.mkdir(exist_ok=True)
    for name, (size, keys, empty) in scenes().items():
        print(asyncio.run(shoot(name, size, keys, empty)))


if __name__ == "__main__":
    main()
