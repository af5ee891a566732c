"""Shell completion (argcomplete), for `papershelf completion SHELL`. Not on the path of a plain start."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

SHELLS = ("bash", "zsh", "fish")


def completing() -> bool:
    """True when a shell's completion hook is asking (argcomplete sets _ARGCOMPLETE)."""
    return "_ARGCOMPLETE" in os.environ


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request and exit (argcomplete's protocol)."""
    import argcomplete

    argcomplete.autocomplete(parser)


def print_script(shell: str) -> int:
    """The script a user sources (or saves) to get completion in SHELL."""
    import argcomplete

    sys.stdout.write(argcomplete.shellcode(["papershelf"], shell=shell))
    return 0
