"""The commands around the library: stats, doctor, demo. Textual is imported only by demo."""

from __future__ import annotations

import tempfile

from rich.console import Console

from storage import Library


def stats(library: Library, days: int) -> int:
    from storage import compute
    from tui.render.tables import stats_table

    console = Console(highlight=False)
    console.print(stats_table(compute(library.entries(), days=max(1, days))))
    sync_line(console, library)
    return 0


def sync_line(console: Console, library: Library) -> None:
    """The library's sync, if it is synced: the remote, the last sync, what has not gone out."""
    from rich.text import Text

    from storage import repository_status

    status = repository_status(library.directory)
    if status is not None:
        problems = "; ".join(status.problems)
        console.print(Text.assemble(("sync", "bold"), "  ", problems or status.summary()))


def doctor(directory: str | None, backup: str | None) -> int:
    """Check the library (without opening it); with `backup`, restore the annotations first."""
    from storage import doctor as checks
    from storage import library_dir

    folder = library_dir(directory)
    if backup is not None:
        restored = checks.restore(folder, backup)
        kept = f"; the replaced file was kept as {restored.saved.name}" if restored.saved else ""
        print(f"restored annotations.json from {checks.shown(restored.source.name)}{kept}")
    report = checks.check(folder)
    print("\n".join(report.lines()))
    return 0 if report.healthy else 1


def demo(count: int) -> int:
    """The TUI on a throwaway library of `count` generated papers."""
    from storage import generate
    from tui.app import PapershelfApp

    with tempfile.TemporaryDirectory(prefix="papershelf-demo-") as folder:
        library = Library.open(folder)
        library.import_papers(generate(count), "demo")
        PapershelfApp(library).run()
    return 0
