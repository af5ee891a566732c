"""Stable paper ids derived from the normalised title."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+")
ID_LENGTH = 12


def normalise_title(title: str) -> str:
    """Fold case, accents, punctuation and whitespace: the identity of a paper's title."""
    if title.isascii():  # no accents to drop, and casefold() is lower() (~5x faster)
        bare = title.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", title.casefold())
        bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", bare).split())


def paper_id(title: str) -> str:
    """12 hex digits of the SHA-1 of the normalised title."""
    import hashlib  # here: opening the library needs no hashing, only an import does (startup)

    key = normalise_title(title) or title
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:ID_LENGTH]


def doc_id(pid: str) -> int:
    """The TinyDB document id of a paper: its id read as a hexadecimal number."""
    return int(pid, 16)


def placeholder_title(arxiv_id: str) -> str:
    """The title of a paper known only by its arXiv id (from an id list), until its record is fetched."""
    return f"arXiv:{arxiv_id}"


def is_placeholder_title(title: str, arxiv_id: str) -> bool:
    return bool(arxiv_id) and title == placeholder_title(arxiv_id)
