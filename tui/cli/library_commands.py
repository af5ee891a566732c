"""The commands that read or change the library: import, list, mark, export, undo."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from storage import ImportFormatError, ImportResult, Library, PapershelfError
from storage import clean_line, printable
from tui.render.counts import papers

if TYPE_CHECKING:
    import argparse

NOTHING_TO_MARK = "mark: say what to change (--read, --unread, --star, --unstar, --tag, --untag, --note)"


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
        from storage import load_bytes

        return library.import_papers(load_bytes(sys.stdin.buffer.read(), "<stdin>"), "<stdin>", cleaned=True)
    return library.import_file(name)


def list_papers(library: Library, query: str, as_json: bool) -> int:
    entries = [m.entry for m in library.search(query)]
    if as_json:
        json.dump([e.to_doc() for e in entries], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    from tui.render.tables import paper_table

    counts = library.counts()
    Console(highlight=False).print(paper_table(entries, counts.total, counts.read, counts.starred))
    return 0


def mark(library: Library, args: argparse.Namespace) -> int:
    ids = [library.resolve(i) for i in args.ids]  # every id checked before anything changes
    if args.read is None and args.starred is None and not (args.tag or args.untag) and args.note is None:
        raise PapershelfError(NOTHING_TO_MARK)
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
    print(f"wrote {papers(len(entries))} as {fmt} to {target}", file=sys.stderr)
    return 0


def undo(library: Library) -> int:
    message = library.undo_last_command()
    print(message or "nothing to undo")
    return 0
