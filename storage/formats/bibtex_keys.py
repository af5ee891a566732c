"""Citation keys, as reference managers make them: `lastname2024word` (the first author's last
name folded to ASCII, the year, the first significant title word); a paper without a usable
author name keeps the older `word_idfragment` key. Keys are unique in a file and do not depend
on the order of the export: papers sharing a key get a, b, ... in order of date, arXiv id, id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence

from storage.formats.shared import arxiv_of, one_line
from storage.model.records import Entry, Paper

_KEY_STOPWORDS = frozenset(
    "a an the of on in for to and or with without from by at as via is are do does can "
    "what why how when towards toward into over under not no".split()
)
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Letters that Unicode does not decompose into an ASCII letter and an accent.
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                       "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "ı": "i"})  # fmt: skip


def ascii_fold(name: str) -> str:
    """Lower-case ASCII letters only: accents dropped (ø is o, ß is ss), other scripts dropped."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_FOLD))
    return re.sub(r"[^a-z]", "", decomposed.encode("ascii", "ignore").decode().lower())


def key_word(title: str) -> str:
    """The first title word that is not a stop word (and starts with a letter), or "paper"."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    for word in re.findall(r"[a-z0-9]+", ascii_title.lower()):
        if word not in _KEY_STOPWORDS and word[0].isalpha():
            return word[:24]
    return "paper"


def last_name(name: str) -> str:
    """The folded last name of "First Last", "Last, First" or "First Last Jr." ("" if none)."""
    words = [ascii_fold(word) for word in one_line(name).split(",")[0].split()]
    words = [word for word in words if word]
    while len(words) > 1 and words[-1] in _NAME_SUFFIXES:
        words.pop()
    return words[-1][:24] if words else ""


def author_key(paper: Paper) -> str:
    """`lastname2024word`, or "" for a paper without a usable first author."""
    last = last_name(paper.authors[0]) if paper.authors else ""
    if not last:
        return ""
    year = paper.published[:4] if re.match(r"\d{4}", paper.published) else ""
    return f"{last}{year}{key_word(paper.title.translate(_FOLD))}"


def _id_fragment(paper_id: str, length: int) -> str:
    safe = re.sub(r"[^A-Za-z0-9]", "", paper_id)
    if not safe:
        safe = hashlib.sha1(paper_id.encode("utf-8")).hexdigest()
    return safe[:length]


def id_key(paper: Paper, fragment_length: int = 8) -> str:
    """`word_idfragment`: the first significant title word and a piece of the paper id."""
    return f"{key_word(paper.title)}_{_id_fragment(paper.id, fragment_length)}"


def bibtex_key(entry: Entry) -> str:
    """The paper's key when no other paper of the file claims it."""
    return author_key(entry.paper) or id_key(entry.paper)


def unique_keys(entries: Sequence[Entry]) -> list[str]:
    """One key per entry, none twice."""
    keys = [author_key(entry.paper) for entry in entries]
    _number_shared_author_keys(entries, keys)
    taken = set(keys)
    for i, entry in enumerate(entries):
        if not keys[i]:
            keys[i] = _free_id_key(entry.paper, taken)
            taken.add(keys[i])
    return keys


def _number_shared_author_keys(entries: Sequence[Entry], keys: list[str]) -> None:
    """The first of the papers sharing a key (by date, arXiv id, id) keeps it; the others
    get the next free suffix a, b, ..."""
    sharing: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key:
            sharing.setdefault(key, []).append(i)
    taken = set(sharing)
    for key, indexes in sharing.items():
        indexes.sort(key=lambda i: _order(entries[i].paper))
        suffixes = _suffixes()
        for i in indexes[1:]:
            keys[i] = next(candidate for candidate in (key + s for s in suffixes) if candidate not in taken)
            taken.add(keys[i])


def _order(paper: Paper) -> tuple[str, str, str]:
    return paper.published, arxiv_of(paper), paper.id


def _suffixes() -> Iterator[str]:
    """a, b, ..., z, aa, ab, ..."""
    n = 0
    while True:
        n += 1
        value, letters = n, ""
        while value:
            value, rest = divmod(value - 1, 26)
            letters = chr(ord("a") + rest) + letters
        yield letters


def _free_id_key(paper: Paper, taken: set[str]) -> str:
    key = id_key(paper)
    if key in taken:
        key = id_key(paper, fragment_length=64)
    base, n = key, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key
