"""The `papershelf` command line: open the TUI, import, list, mark, export, undo."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from storage import PapershelfError
from storage import printable
from tui.cli import bytecode, completion, sync_command
from tui.platform import memory

if TYPE_CHECKING:
    import argparse

COMMANDS = ("import", "fetch", "add", "enrich", "list", "mark", "export", "demo", "undo", "stats", "doctor", "completion", "sync")

DESCRIPTION = """\
A keyboard-driven reading list for research papers.

  papershelf                      open the reading list (the TUI)
  papershelf FILE...              import the files, then open the reading list
  papershelf import page.txt      import a saved trending page (or BibTeX, or a JSON export)
  papershelf fetch hf             today's Hugging Face daily papers (or: fetch arxiv cs.LG)
  papershelf add 2403.01234       add papers by arXiv id or URL
  papershelf enrich               fill in authors and arXiv ids of papers known only by title
  papershelf list "is:unread rl"  list papers matching a filter
  papershelf mark ID --read       change a paper from scripts
  papershelf export --format md   write a reading list (md, bib, csv, json)
  papershelf stats                reading progress, tags, papers read per day
  papershelf demo                 try it on a throwaway library of generated papers
  papershelf completion bash      print the shell completion script (bash, zsh, fish)
  papershelf sync --remote URL    share the library through git (later: papershelf sync)

The library lives in --library DIR, else $PAPERSHELF_HOME, else the user data directory.
"""


def build_parser() -> argparse.ArgumentParser:
    import argparse  # not needed by plain `papershelf [--library DIR]`: see _plain_tui_library

    from tui.cli import source_commands

    class SubParser(argparse.ArgumentParser):
        """Subcommands accept --library too: `papershelf list --library DIR` works as well."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.add_argument("--library", metavar="DIR", default=argparse.SUPPRESS, help="library directory")

    parser = argparse.ArgumentParser(
        prog="papershelf", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--library", metavar="DIR", help="library directory (default: $PAPERSHELF_HOME or the user data dir)")
    # (not argparse's version action: it wants the version up front, and looking it up costs
    # ~15 ms that every command would pay)
    parser.add_argument("--version", action="store_true", help="print papershelf's version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=SubParser)
    _add_import(sub)
    source_commands.add_parsers(sub)
    _add_list(sub)
    _add_mark(sub)
    _add_export(sub)
    demo = sub.add_parser("demo", help="open the TUI on a throwaway library of generated papers")
    demo.add_argument("--papers", type=int, default=300, metavar="N", help="how many papers (default 300)")
    sub.add_parser("undo", help="undo the last change made by a papershelf command")
    stats = sub.add_parser("stats", help="reading progress, tags, papers read per day")
    stats.add_argument("--days", type=int, default=28, help="days shown in the reading history (default 28)")
    _add_doctor(sub)
    sync_command.add_parser(sub)
    shell = sub.add_parser("completion", help="print the shell completion script: bash, zsh or fish")
    shell.add_argument("shell", choices=completion.SHELLS)
    return parser


def _add_doctor(sub) -> None:
    p = sub.add_parser("doctor", help="check the library for damage; list or restore backups")
    p.add_argument("--restore", metavar="BACKUP", help="replace the annotations with this backup (a name from the list)")


def _add_import(sub) -> None:
    p = sub.add_parser("import", help="import trending pages, BibTeX or papershelf JSON files")
    p.add_argument("files", nargs="+", metavar="FILE", help="files to import; - reads standard input")


def _add_list(sub) -> None:
    p = sub.add_parser("list", help="list papers (optionally matching a filter)")
    p.add_argument("query", nargs="*", help='filter, e.g. "is:starred tag:rlhf critique"')
    p.add_argument("--json", action="store_true", help="print a JSON array instead of a table")


def _add_mark(sub) -> None:
    p = sub.add_parser("mark", help="change papers: read/unread, star, tags, note")
    p.add_argument("ids", nargs="+", metavar="ID", help="paper ids (or unique prefixes), as `list --json` gives them")
    read = p.add_mutually_exclusive_group()
    read.add_argument("--read", dest="read", action="store_true", default=None, help="mark read")
    read.add_argument("--unread", dest="read", action="store_false", help="mark unread")
    star = p.add_mutually_exclusive_group()
    star.add_argument("--star", dest="starred", action="store_true", default=None, help="star")
    star.add_argument("--unstar", dest="starred", action="store_false", help="remove the star")
    p.add_argument("--tag", action="append", default=[], metavar="T", help="add a tag (repeatable)")
    p.add_argument("--untag", action="append", default=[], metavar="T", help="remove a tag (repeatable)")
    p.add_argument("--note", metavar="TEXT", help="set the note ('' clears it)")


def _add_export(sub) -> None:
    p = sub.add_parser("export", help="export papers as Markdown, BibTeX, CSV or JSON")
    p.add_argument("--format", "-f", required=True, choices=("md", "bib", "csv", "json"))
    p.add_argument("--query", "-q", default="", help="only papers matching this filter")
    p.add_argument("-o", "--output", default="-", metavar="FILE", help="output file; - for standard output (default)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")


SIGPIPE_STATUS = 128 + 13  # what a shell reports for a command ended by SIGPIPE


def main(argv: Sequence[str] | None = None) -> int:
    """The command line. When the reader of standard output goes away (`papershelf list | head`)
    the command ends quietly with status 141, as a command killed by SIGPIPE would: Python
    ignores SIGPIPE, so the write raises BrokenPipeError instead. The documented remedy
    (https://docs.python.org/3/library/signal.html#note-on-sigpipe): devnull over stdout, so
    that the interpreter's own last flush does not fail too."""
    try:
        try:
            return _main(argv)
        finally:
            sys.stdout.flush()  # inside the try: most output is still buffered here
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return SIGPIPE_STATUS


def _main(argv: Sequence[str] | None) -> int:
    # Startup creates a great many objects that live as long as the process; the collector
    # would scan them again and again (~10% of the time to the first screen). The app turns it
    # back on once its first screen is up; commands, once the library is open.
    gc.disable()
    bytecode.compile_once()
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if completion.completing():
            completion.complete(build_parser())
            return 0
        if (plain := _plain_tui_library(args_list)) is not None:
            return run_tui(plain or None, [])
        files = _leading_files(args_list)
        args = build_parser().parse_args(args_list[: len(args_list) - len(files)] if files else args_list)
        return _dispatch(args, files)
    except PapershelfError as exc:
        print(f"papershelf: {printable(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _plain_tui_library(args: list[str]) -> str | None:
    """The library of a plain `papershelf` ("") or `papershelf --library DIR` (DIR); None for
    anything else. The way most starts look: they skip building the parser of every
    subcommand (~5 ms of the time to the first screen)."""
    if not args:
        return ""
    if len(args) == 2 and args[0] == "--library" and args[1] and not args[1].startswith("-"):
        return args[1]
    return None


def run_tui(directory: str | None, files: list[str]) -> int:
    """Open the library and the app; the app paints its first screen before the abstracts
    (the biggest file) are read. With a first screen saved by the last session and still
    true (storage's first_screen.py), before the library is read at all."""
    memory.tune_allocator()  # (before the app's threads start)
    if not files:
        from storage import read_first_screen

        if (first_screen := read_first_screen(directory)) is not None:
            return _run_tui_from_first_screen(directory, first_screen)
    from storage import Library

    library = Library.open(directory, abstracts_later=True)
    try:
        if files:
            from tui.cli.library_commands import import_files

            if import_files(library, files) != 0:
                return 1
        from tui.app import PapershelfApp

        app = PapershelfApp(library)
        app.run()
    finally:
        library.close()
    return _after_quit(app)


def _run_tui_from_first_screen(directory: str | None, first_screen: dict) -> int:
    from tui.app import PapershelfApp

    app = PapershelfApp(None, first_screen=first_screen, directory=directory)
    try:
        app.run()
    finally:
        if app.library is not None:
            app.library.close()
    if app.open_error is not None:
        raise app.open_error
    return _after_quit(app)


def _after_quit(app) -> int:
    """Sync once the app has given the terminal back, if the library says so (`sync --on-quit`)
    and the user quit (a closed terminal or a signal ends the process at once)."""
    if app.quit_by_user and app.library is not None:
        from storage import SYNC_ON_QUIT, wants_sync

        if wants_sync(app.library, SYNC_ON_QUIT):  # (the library is closed: its settings are still in memory)
            from tui.cli.sync_command import sync_after_quit

            return sync_after_quit(app.library.directory)
    return 0


def installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("papershelf")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _leading_files(args: list[str]) -> list[str]:
    """`papershelf [--library DIR] FILE...`: the trailing file arguments, if that is the form."""
    rest = args[2:] if args[:1] == ["--library"] else args
    rest = rest[1:] if rest[:1] and rest[0].startswith("--library=") else rest
    if rest and rest[0] not in COMMANDS and not rest[0].startswith("-"):
        return rest
    return []


def _dispatch(args: argparse.Namespace, files: list[str]) -> int:
    if args.version:
        print(f"papershelf {installed_version()}")
        return 0
    if args.command is None:
        return run_tui(args.library, files)
    if args.command == "completion":
        return completion.print_script(args.shell)
    if args.command == "sync":  # works on the files, under the library lock: no need to load them
        return sync_command.run(args.library, args.remote, args.on_start, args.on_quit)
    from tui.cli import tool_commands

    if args.command == "demo":
        return tool_commands.demo(args.papers)
    if args.command == "doctor":  # must work on a library that cannot be opened
        gc.enable()
        return tool_commands.doctor(args.library, args.restore)
    return _on_library(args)


def _on_library(args: argparse.Namespace) -> int:
    """The commands that open the library (and close it, whatever happens)."""
    from storage import Library
    from tui.cli import library_commands as commands
    from tui.cli import source_commands, tool_commands

    library = Library.open(args.library)
    gc.enable()
    handler = {
        "import": lambda: commands.import_files(library, args.files),
        "list": lambda: commands.list_papers(library, " ".join(args.query), args.json),
        "mark": lambda: commands.mark(library, args),
        "export": lambda: commands.export(library, args.format, args.query, args.output, args.force),
        "undo": lambda: commands.undo(library),
        "stats": lambda: tool_commands.stats(library, args.days),
        "fetch": lambda: source_commands.run(library, args),
        "add": lambda: source_commands.run(library, args),
        "enrich": lambda: source_commands.run(library, args),
    }[args.command]
    try:
        return handler()
    finally:
        library.close()


if __name__ == "__main__":
    sys.exit(main())
