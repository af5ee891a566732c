"""What each `papershelf` subcommand does. Textual is imported only by the ones that open the TUI."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from storage import ImportFormatError, PapershelfError
from storage import clean_line, printable
from storage import ImportResult, Library
from storage import Entry


def import_files(library: Library, files: list[str]) -> int:
    """Import each file all-or-nothing; report every file; exit 1 if any failed."""
    status = 0
    for name in files:
        try:
            result = _import_one(library, name)
        except ImportFormatError as exc:
            print(f"papershelf: {printable(str(exc))}", file=sys.stderr)
            status = 1
            continue
        print(result.summary())
    library.save_last_command()
    return status


def _import_one(library: Library, name: str) -> ImportResult:
    if name == "-":
        data = sys.stdin.buffer.read()
        from storage import load_bytes

        return library.import_papers(load_bytes(data, "<stdin>"), "<stdin>", cleaned=True)
    return library.import_file(name)


def list_papers(library: Library, query: str, as_json: bool) -> int:
    entries = [m.entry for m in library.search(query)]
    if as_json:
        json.dump([e.to_doc() for e in entries], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    Console(highlight=False).print(_table(entries, library))
    return 0


def _table(entries: list[Entry], library: Library) -> Table:
    counts = library.counts()
    table = Table(
        title=f"{counts.total:,} papers · {counts.read:,} read · {counts.starred:,} starred · showing {len(entries):,}",
        box=None, pad_edge=False, expand=False,
    )
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("title", overflow="fold", ratio=1)
    table.add_column("tags", style="cyan")
    for e in entries:
        marks = ("✓" if e.shelf.read else "•") + ("★" if e.shelf.starred else " ")
        title = Text(e.paper.title, style="dim" if e.shelf.read else "bold")
        table.add_row(e.id, marks, title, Text(", ".join(e.shelf.tags)))
    return table


def mark(library: Library, args: argparse.Namespace) -> int:
    ids = [library.resolve(i) for i in args.ids]  # every id checked before anything changes
    nothing = args.read is None and args.starred is None and not (args.tag or args.untag) and args.note is None
    if nothing:
        raise PapershelfError("mark: say what to change (--read, --unread, --star, --unstar, --tag, --untag, --note)")
    entries = library.annotate(
        ids, read=args.read, starred=args.starred, add_tags=args.tag, remove_tags=args.untag, notes=args.note
    )
    library.save_last_command()
    for e in entries:
        state = ("read" if e.shelf.read else "unread") + (", starred" if e.shelf.starred else "")
        tags = f", tags: {', '.join(e.shelf.tags)}" if e.shelf.tags else ""
        print(f"{e.id}  {state}{tags}  {e.paper.title}")
    return 0


def export(library: Library, fmt: str, query: str, output: str, force: bool) -> int:
    from storage import export as render
    from storage import write_new_file

    entries = [m.entry for m in library.search(query)]
    text = render(entries, fmt, scope=clean_line(query) or "all papers")
    if output == "-":
        sys.stdout.write(text)
        return 0
    target = write_new_file(Path(output), text, force, protect=library.directory)
    print(f"wrote {len(entries):,} papers as {fmt} to {target}", file=sys.stderr)
    return 0


def undo(library: Library) -> int:
    message = library.undo_last_command()
    print(message or "nothing to undo")
    return 0


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


def stats(library: Library, days: int) -> int:
    from storage import compute

    Console(highlight=False).print(stats_table(compute(library.entries(), days=max(1, days))))
    return 0


def stats_table(stats) -> Table:
    """The stats as a Rich table: shared by `papershelf stats` and the TUI's stats screen."""
    from storage import bar, sparkline

    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row("papers", f"{stats.total:,} · {stats.read:,} read · {stats.starred:,} starred · {stats.with_notes:,} with notes")
    table.add_row("progress", f"{bar(stats.progress, 30)} {stats.progress:.0%}")
    counts = [n for _, n in stats.read_per_day]
    if counts:
        first, last = stats.read_per_day[0][0], stats.read_per_day[-1][0]
        table.add_row("read per day", f"{sparkline(counts)}  {first:%b %d} – {last:%b %d}, {sum(counts):,} papers")
    top = max((n for _, n in stats.tags), default=1)
    for i, (tag, n) in enumerate(stats.tags[:12]):
        table.add_row("tags" if i == 0 else "", Text.assemble((f"{tag:<16.16} ", "cyan"), bar(n / top, 20), f" {n:,}"))
    for i, (label, n) in enumerate(stats.listed[-12:]):
        table.add_row("pages" if i == 0 else "", Text(f"{label:<16.16} {n:,} papers"))
    return table


def demo(count: int) -> int:
    from storage import generate
    from tui.app import PapershelfApp

    with tempfile.TemporaryDirectory(prefix="papershelf-demo-") as folder:
        library = Library.open(folder)
        library.import_papers(generate(count), "demo")
        PapershelfApp(library).run()
    return 0
