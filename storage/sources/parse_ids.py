"""A plain list of arXiv ids or URLs, one a line (`#` starts a comment)."""

from __future__ import annotations

from collections.abc import Iterator

from storage.model.errors import ImportFormatError
from storage.sources.ids import arxiv_id


def parse_id_list(data: bytes | str, source: str = "id list") -> list[str]:
    """The versionless arXiv ids of the list, in order, without duplicates. A line that is not an
    arXiv id, `arXiv:ID`, an arXiv abs/pdf URL or an HF paper URL raises ImportFormatError naming it."""
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    ids = []
    for number, line in _id_lines(text):
        found = arxiv_id(line)
        if not found:
            raise ImportFormatError(source, f"not an arXiv id or paper URL: {line[:80]}", line=number)
        ids.append(found)
    return list(dict.fromkeys(ids))


def is_id_list(text: str) -> bool:
    """Every non-blank, non-comment line is an arXiv id or paper URL, and there is at least one."""
    lines = [line for _, line in _id_lines(text)]
    return bool(lines) and all(arxiv_id(line) for line in lines)


def _id_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, the line without its comment) for each line with something on it."""
    for number, line in enumerate(text.splitlines(), 1):
        if line := line.split("#", 1)[0].strip():
            yield number, line
