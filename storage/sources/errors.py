"""The one error every source reports: which source, what happened, in one line."""

from __future__ import annotations

from storage.model.errors import PapershelfError
from storage.model.text import clean_line


class SourceError(PapershelfError):
    """A source could not be read: network failure, HTTP error, or an answer that is not what was
    expected. `status` and `body` are set for HTTP errors (the arXiv API explains a 400 in its body)."""

    def __init__(self, source: str, message: str, *, status: int | None = None, body: bytes = b"") -> None:
        self.source = source
        self.reason = clean_line(message)
        self.status = status
        self.body = body
        super().__init__(f"{source}: {self.reason}")
