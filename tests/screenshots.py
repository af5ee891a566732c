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
from storage.model.imported import ImportedPaper
from storage.model.records import Details
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


def enriched_library(folder: Path) -> Library:
    """The triaged library once the sources knew the paper under the cursor (`papershelf enrich`)."""
    library = triaged_library(folder)
    arxiv = "2603.04417"
    links = tuple(f"https://{site}/{arxiv}" for site in ("arxiv.org/abs", "arxiv.org/pdf", "huggingface.co/papers"))
    code = "https://github.com/example-lab/online-rlhf"
    paper = ImportedPaper(
        title=library.entries()[21].paper.title,
        authors=("Amara Okafor", "Jonas Müller", "Mei Lin Chen", "Rafael Díaz", "Priya Raman", "Tomás Novák"),
        arxiv_id=arxiv, published="2026-03-10", categories=("cs.LG", "cs.CL", "stat.ML"), links=(*links, code),
        details=Details(upvotes=212, github_stars=1840, code_url=code, hf_url=links[2], primary_category="cs.LG"),
    )  # fmt: skip
    library.import_papers([paper], "arxiv")
    return library


SCENES: dict[str, tuple[tuple[int, int], tuple[str, ...], Callable[[Path], Library]]] = {
    # name: (terminal size, keys pressed, the library it starts from)
    "main": ((120, 36), (), triaged_library),
    "filter": ((120, 36), ("slash", *"critique", "enter"), triaged_library),
    "help": ((120, 36), ("question_mark",), triaged_library),
    "narrow": ((80, 24), (), triaged_library),
    "export": ((120, 36), ("e",), triaged_library),
    "stats": ((100, 30), ("I",), triaged_library),
    "welcome": ((100, 30), (), Library.open),
    "detail-authors": ((120, 36), (), enriched_library),
}


async def shoot(name: str, size: tuple[int, int], keys: tuple[str, ...], build: Callable[[Path], Library]) -> Path:
    with tempfile.TemporaryDirectory() as folder:
        library = build(Path(folder))
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
    for name, (size, keys, build) in scenes().items():
        print(asyncio.run(shoot(name, size, keys, build)))


if __name__ == "__main__":
    main()
