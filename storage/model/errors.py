"""Errors with a message a person can act on: which file, which line, what was expected."""

from __future__ import annotations

from pathlib import Path


class PapershelfError(Exception):
    """Base of every error papershelf reports to the user as one clear line."""


class ImportFormatError(PapershelfError):
    """An input file that cannot be imported. Nothing was changed."""

    def __init__(self, source: str | Path, message: str, line: int | None = None) -> None:
        self.source = str(source)
        self.line = line
        self.reason = message
        where = f"{self.source}:{line}" if line else self.source
        super().__init__(f"{where}: {message}")


class UnknownPaperError(PapershelfError, KeyError):
    def __init__(self, paper_id: str, detail: str = "no paper with this id in the library") -> None:
        self.paper_id = paper_id
        super().__init__(f"{paper_id}: {detail}")

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


class DamagedLibraryError(PapershelfError):
    """A library file that cannot be read. It is left exactly as it is."""

    def __init__(self, path: Path, problem: str, backup: Path | None = None) -> None:
        self.path = path
        self.problem = problem
        self.backup = backup
        if path.name in ("catalogue.json", "abstracts.json"):
            advice = "; move it aside and import your pages again (papershelf doctor explains)"
        elif backup:
            advice = f"; the newest backup is {backup} (papershelf doctor --restore {backup.name})"
        else:
            advice = "; no backup exists yet"
        super().__init__(f"{path}: {problem}. The file was left untouched{advice}")


class LibraryWriteError(PapershelfError):
    """Saving failed (disk full, read-only, permissions). The old file is intact."""
