"""The command line: `papershelf` and its subcommands (argparse), one module per command group."""

from tui.cli.program import main

__all__ = ["main"]
