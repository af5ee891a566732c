"""What several formats write alike: the export time, one-line text, the paper's links, its
authors in short."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from storage.model.records import Entry, Paper
from storage.sources.ids import arxiv_id

ARXIV_ABS_PAGE = "https://arxiv.org/abs/{}"
DOI_PAGE = "https://doi.org/{}"
SHORT_AUTHORS = 3  # names shown before "et al."


def now_or_local(now: datetime | None) -> datetime:
    """`now`, or the current local time: when the export was made."""
    return now if now is not None else datetime.now().astimezone()


def first_web_link(entry: Entry) -> str:
    """The first http(s) link of the paper, or "": other schemes are never exported as links."""
    for link in entry.paper.links:
        parts = urlsplit(link.strip())
        if parts.scheme.lower() in ("http", "https") and parts.netloc:
            return link.strip()
    return ""


def arxiv_of(paper: Paper) -> str:
    """The paper's arXiv id if it is one (a record is outside data too), else ""."""
    return paper.arxiv_id if paper.arxiv_id and arxiv_id(paper.arxiv_id) == paper.arxiv_id else ""


def abstract_page(paper: Paper) -> str:
    """The arXiv abstract page of the paper, or "" if it has no arXiv id."""
    arxiv = arxiv_of(paper)
    return ARXIV_ABS_PAGE.format(arxiv) if arxiv else ""


def paper_url(entry: Entry) -> str:
    """The page to cite: the arXiv abstract page, else the first web link, else ""."""
    return abstract_page(entry.paper) or first_web_link(entry)


def short_authors(authors: tuple[str, ...], few: int = SHORT_AUTHORS) -> str:
    """"A, B, C" or, past `few` names, "A, B, C et al." (each name on one line)."""
    names = [one_line(name) for name in authors[:few]]
    return ", ".join(names) + (" et al." if len(authors) > few else "")


def is_published_date(text: str) -> bool:
    """An ISO date "2024-03-11", or as much of one as is known: "2024-03", "2024"."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not match:
        return False
    try:
        datetime(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return False
    return True


def one_line(text: str) -> str:
    """Line breaks folded to single spaces; other characters kept as they are."""
    return " ".join(part.strip(" \t") for part in re.split(r"[\r\n]+", text.strip(" \t\r\n")))
