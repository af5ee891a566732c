"""What several formats write alike: the export time, one-line text, the first web link."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from storage.model.records import Entry


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


def one_line(text: str) -> str:
    """Line breaks folded to single spaces; other characters kept as they are."""
    return " ".join(part.strip(" \t") for part in re.split(r"[\r\n]+", text.strip(" \t\r\n")))
