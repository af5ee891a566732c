"""Sort orders for the paper list. Sorting is stable: ties keep the order they came in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the query module pulls in rapidfuzz: not needed for the first screen
    from storage.search.matching import Match

SORTS: dict[str, str] = {
    "match": "best match",
    "page": "page order",
    "newest": "newest first seen",
    "published": "newest published",
    "title": "title",
    "unread": "unread first",
    "starred": "starred first",
}
DEFAULT_SORT = "match"

_KEYS: dict[str, Callable[[Match], object]] = {
    "page": lambda m: m.entry.paper.position,
    "title": lambda m: m.entry.paper.title.casefold(),
    "unread": lambda m: m.entry.shelf.read,
    "starred": lambda m: not m.entry.shelf.starred,
}


def sort_matches(matches: Sequence[Match], order: str) -> Sequence[Match]:
    """`matches` come best first (or in page order without free words); reorder them.
    "match" keeps that order (returning `matches` itself), which is page order when nothing
    is being ranked."""
    if order == "newest":
        by_page = sorted(matches, key=_KEYS["page"])
        return sorted(by_page, key=lambda m: m.entry.paper.first_seen, reverse=True)
    if order == "published":
        return by_publication(matches)
    key = _KEYS.get(order)
    return matches if key is None else sorted(matches, key=key)


def next_sort(order: str) -> str:
    names = list(SORTS)
    return names[(names.index(order) + 1) % len(names)] if order in SORTS else DEFAULT_SORT


def by_publication(matches: Sequence[Match]) -> list[Match]:
    """Newest publication date first; papers without one after them, in the order they came."""
    dated = [m for m in matches if m.entry.paper.published]
    undated = [m for m in matches if not m.entry.paper.published] if len(dated) < len(matches) else []
    dated.sort(key=lambda m: m.entry.paper.published, reverse=True)  # stable: same day, order kept
    return dated + undated
