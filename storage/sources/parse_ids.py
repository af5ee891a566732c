"""A plain list of arXiv ids or URLs, one a line (`#` starts a comment)."""

from __future__ import annotations

from .errors import SourceError
from .ids import arxiv_id


def parse_id_list(data: bytes | str, source: str = "id list") -> list[str]:
    """The versionless arXiv ids of the list, in order, without duplicates. A line that is not an
    arXiv id, `arXiv:ID`, an arXiv abs/pdf URL or an HF paper URL raises SourceError naming it."""
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    ids = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
        if not line:
            continue
        found = arxiv_id(line)
        if not found:
            raise SourceError(f"{source}:{number}", f"not an arXiv id or paper URL: {line[:80]}")
        ids.append(found)
    return list(dict.fromkeys(ids))


def is_id_list(text: str) -> bool:
    """Every non-blank, non-comment line is an arXiv id or paper URL, and there is at least one."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return bool(lines) and all(arxiv_id(line) for line in lines)
