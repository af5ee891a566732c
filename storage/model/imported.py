"""What an importer hands the library: a paper as read, before it has an id and a position.

Its own module: the app's startup never imports a page, so it does not define this class.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.model.records import NO_DETAILS, Details, Shelf


@dataclass(frozen=True, slots=True)
class ImportedPaper:
    """A paper as an importer read it, before the library gives it an id and a position.

    `shelf` is set only by importers that carry annotations (papershelf JSON export);
    `first_seen` only where the input records it. `line` is the 1-based line of the title.
    The facts (authors ... details) come from sources and exports that know them.
    """

    title: str
    abstract: str = ""
    links: tuple[str, ...] = ()
    listed: str = ""
    line: int = 0
    first_seen: str = ""
    shelf: Shelf | None = None
    authors: tuple[str, ...] = ()
    arxiv_id: str = ""
    published: str = ""
    categories: tuple[str, ...] = ()
    details: Details = NO_DETAILS
