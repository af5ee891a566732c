"""arXiv identifiers: found in ids, `arXiv:` tags, arXiv abs/pdf URLs and HF paper URLs, without version."""

from __future__ import annotations

import re

# New style (0704.0001 on): YYMM.NNNN or YYMM.NNNNN; old style: archive(.SUBJECT)/YYMMNNN.
_NEW = r"\d{4}\.\d{4,5}"
_OLD = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}"
_ID = re.compile(rf"(?<![\w.-])({_NEW}|{_OLD})(?:v\d+)?(?![\w-]|\.\d)")
_WHOLE = re.compile(rf"(?i:arxiv:)?\s*({_NEW}|{_OLD})(?:v\d+)?")
_URL = re.compile(
    rf"https?://(?:[\w-]+\.)?(?:arxiv\.org/(?:abs|pdf|html)|huggingface\.co/papers)/({_NEW}|{_OLD})(?:v\d+)?(?:\.pdf)?/?(?:[?#]\S*)?",
    re.IGNORECASE,
)


def arxiv_id(text: str) -> str:
    """The versionless arXiv id that `text` is (an id, `arXiv:ID`, an abs/pdf/HF URL), or ""."""
    text = text.strip()
    match = _WHOLE.fullmatch(text) or _URL.fullmatch(text)
    return match.group(1) if match else ""


def find_arxiv_id(text: str) -> str:
    """The first versionless arXiv id found anywhere in `text` (a URL, an Atom entry id), or ""."""
    whole = arxiv_id(text)
    if whole:
        return whole
    match = _ID.search(text)
    return match.group(1) if match else ""
