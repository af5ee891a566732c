"""Records of the library: a Paper (catalogue) and its Shelf (the reader's annotations).

Both are frozen; a change makes a new record (`dataclasses.replace`). `to_doc`/`from_doc`
convert to and from the JSON documents stored in the TinyDB files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass, field, fields, replace
from operator import itemgetter
from sys import intern
from typing import Any, TypeVar
from zlib import compress, decompress

from storage.model.text import clean_line

T = TypeVar("T")


def positional_maker(cls: type[T]) -> Callable[..., T]:
    """A constructor taking every field of a frozen slots dataclass, in order, that sets the
    slots directly. The generated __init__ goes through object.__setattr__ for each field
    (that is what frozen costs): twice as slow, and 100,000 papers are made before the first
    screen. The result is the same record (equal, same hash); written as dataclasses itself
    writes __init__, so that each field is one call."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    scope |= {f"set_{name}": getattr(cls, name).__set__ for name in names}
    scope |= {f"default_{f.name}": f.default for f in fields(cls) if f.default is not MISSING}  # type: ignore[arg-type]
    params = [f"{name}=default_{name}" if f"default_{name}" in scope else name for name in names]
    lines = [f"def make({', '.join(params)}):", "    record = new(cls)"]
    lines += [f"    set_{name}(record, {name})" for name in names]
    exec("\n".join([*lines, "    return record"]), scope)
    return scope["make"]


# A catalogue record's fields in one call (the usual record has them all).
PAPER_FIELDS = itemgetter("id", "title", "links", "listed", "first_seen", "position", "source")
TEXT_TYPES = (str, bytes)  # an abstract as a paper holds it: the text, or packed (pack_text)
BASE_FIELD_COUNT = 7  # a record with only these (a page import) needs no look at the optional ones
FACT_FIELDS = ("authors", "arxiv_id", "published", "categories")  # optional, stored only when known


@dataclass(frozen=True, slots=True)
class Details:
    """What the sources know beyond the common facts: each is empty/None where unknown.
    `origin` says where each fact came from: (field, source) pairs, sorted by field."""

    doi: str = ""
    journal_ref: str = ""
    primary_category: str = ""
    upvotes: int | None = None
    github_stars: int | None = None
    code_url: str = ""
    project_url: str = ""
    hf_url: str = ""
    origin: tuple[tuple[str, str], ...] = ()

    def to_doc(self) -> dict[str, Any]:
        """Only the known facts (a page import's paper stores nothing)."""
        doc: dict[str, Any] = {}
        for name in DETAIL_NAMES:
            value = getattr(self, name)
            if value not in ("", None, ()):
                doc[name] = [list(pair) for pair in value] if name == "origin" else value
        return doc

    @classmethod
    def from_doc(cls, doc: Any) -> Details:
        if type(doc) is not dict:  # noqa: E721
            raise TypeError("paper details must be an object")
        values = {name: doc[name] for name in DETAIL_NAMES if name in doc}
        for name in ("upvotes", "github_stars"):
            if name in values and not (type(values[name]) is int and values[name] >= 0):  # noqa: E721
                raise TypeError(f"paper {name} must be a whole number")
        for name in DETAIL_NAMES[:3] + DETAIL_NAMES[5:8]:
            if type(values.get(name, "")) is not str:  # noqa: E721
                raise TypeError(f"paper {name} must be text")
        origin = values.get("origin", ())
        if type(origin) is not list or not all(_is_pair(pair) for pair in origin):  # noqa: E721
            if origin != ():
                raise TypeError("paper origin must be a list of [field, source] pairs")
        values["origin"] = tuple(sorted(tuple(pair) for pair in origin))
        return cls(**values)

    def merged(self, newer: Details) -> Details:
        """These details with every fact `newer` knows put over them (its origin too)."""
        values = {name: getattr(newer, name) for name in DETAIL_NAMES[:-1] if getattr(newer, name) not in ("", None)}
        origin = dict(self.origin) | dict(newer.origin)
        return replace(self, **values, origin=tuple(sorted(origin.items())))


def _is_pair(value: Any) -> bool:
    return type(value) is list and len(value) == 2 and all(type(v) is str for v in value)  # noqa: E721


DETAIL_NAMES = tuple(f.name for f in fields(Details))
NO_DETAILS = Details()


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper as the catalogue knows it: text from outside, already sanitised."""

    id: str
    title: str
    abstract: str = field(default="", hash=False)  # (may be held packed: see PackedAbstract)
    links: tuple[str, ...] = ()
    listed: str = ""  # the page's date label, e.g. "Mar 11"
    first_seen: str = ""  # ISO-8601 timestamp of the first import that saw it
    position: int = 0  # page order across imports: lower came first
    source: str = ""  # file name it was first imported from
    authors: tuple[str, ...] = ()  # names as the source gives them, in order
    arxiv_id: str = ""  # without version, e.g. "2403.01234" or "hep-th/9901001"
    published: str = ""  # ISO date of first publication
    categories: tuple[str, ...] = ()  # arXiv categories, primary first
    details: Details = NO_DETAILS

    def to_doc(self) -> dict[str, Any]:
        """The stored record: the optional facts only when known (a page import's paper has none)."""
        doc = {
            "id": self.id,
            "title": self.title,
            "abstract": self.abstract,
            "links": list(self.links),
            "listed": self.listed,
            "first_seen": self.first_seen,
            "position": self.position,
            "source": self.source,
        }
        if self.authors:
            doc["authors"] = list(self.authors)
        if self.arxiv_id:
            doc["arxiv_id"] = self.arxiv_id
        if self.published:
            doc["published"] = self.published
        if self.categories:
            doc["categories"] = list(self.categories)
        if self.details is not NO_DETAILS and (details := self.details.to_doc()):
            doc["details"] = details
        return doc

    def public_doc(self) -> dict[str, Any]:
        """Every field, unknown facts as empty lists or null: the `list --json` / JSON export shape."""
        facts = {"authors": list(self.authors), "arxiv_id": self.arxiv_id or None,
                 "published": self.published or None, "categories": list(self.categories)}
        return {"id": self.id, "title": self.title, **facts, **self.to_doc(), **facts, "details": self.details.to_doc()}

    def catalogue_doc(self) -> dict[str, Any]:
        """The catalogue's record: everything but the abstract, which lives in its own file."""
        doc = self.to_doc()
        del doc["abstract"]
        return doc

    def with_abstract(self, abstract: str | bytes) -> Paper:
        """This paper with its abstract, maybe packed (positional: ~8x faster than `replace` over 100,000 papers)."""
        return make_paper(self.id, self.title, abstract, self.links, self.listed, self.first_seen, self.position,
                          self.source, self.authors, self.arxiv_id, self.published, self.categories, self.details)

    @classmethod
    def from_doc(cls, doc: dict[str, Any], abstract: str | bytes | None = None) -> Paper:
        """From a record; `abstract` (from the abstracts file, maybe packed) wins over one
        stored inline (libraries of schema 1 kept abstracts in the catalogue).

        Exact type checks, written out because this runs 100,000 times before the first
        screen: a wrong-shape file is refused at open, not met later as a crash in a list."""
        try:
            pid, title, links, listed, first_seen, position, source = PAPER_FIELDS(doc)
        except KeyError:  # a record without the optional fields (hand-written, older)
            get = doc.get
            pid, title, links = doc["id"], doc["title"], get("links")
            listed, first_seen, position, source = get("listed", ""), get("first_seen", ""), get("position", 0), get("source", "")
        if abstract is None:
            abstract = doc.get("abstract", "")
        if not (type(pid) is str and type(title) is str and type(abstract) in TEXT_TYPES and type(listed) is str  # noqa: E721
                and type(first_seen) is str and type(source) is str and type(position) is int):  # noqa: E721
            raise TypeError("paper fields have the wrong types")
        if links:
            if type(links) is not list:  # noqa: E721
                raise TypeError("paper links must be a list of strings")
            for link in links:
                if type(link) is not str:  # noqa: E721
                    raise TypeError("paper links must be a list of strings")
            links = tuple(links)
        else:
            links = ()
        # Page date, import time and file name repeat across thousands of papers: one copy each.
        if len(doc) == BASE_FIELD_COUNT:
            return make_paper(pid, title, abstract, links, intern(listed), intern(first_seen), position, intern(source))
        authors, arxiv_id, published, categories, details = _facts(doc)
        return make_paper(pid, title, abstract, links, intern(listed), intern(first_seen), position, intern(source),
                          authors, arxiv_id, published, categories, details)


def _facts(doc: dict[str, Any]) -> tuple[tuple[str, ...], str, str, tuple[str, ...], Details]:
    """The optional facts of a record, checked (absent ones empty)."""
    get = doc.get
    authors, categories = _strings(get("authors", ()), "authors"), _strings(get("categories", ()), "categories")
    arxiv_id, published = get("arxiv_id", ""), get("published", "")
    if not (type(arxiv_id) is str and type(published) is str):  # noqa: E721
        raise TypeError("paper arxiv_id and published must be text")
    details = Details.from_doc(doc["details"]) if "details" in doc else NO_DETAILS
    return authors, arxiv_id, published, categories, details


def _strings(values: Any, name: str) -> tuple[str, ...]:
    if values == ():
        return ()
    if type(values) is not list or not all(type(v) is str for v in values):  # noqa: E721
        raise TypeError(f"paper {name} must be a list of strings")
    return tuple(values)


@dataclass(frozen=True, slots=True)
class Shelf:
    """What the reader did with a paper. The default Shelf means "untouched"."""

    read: bool = False
    starred: bool = False
    tags: tuple[str, ...] = ()
    notes: str = ""
    read_at: str = ""  # ISO timestamp of the last time it was marked read
    updated: str = ""  # ISO timestamp of the last change

    @property
    def is_blank(self) -> bool:
        return not (self.read or self.starred or self.tags or self.notes)

    def to_doc(self, paper_id: str) -> dict[str, Any]:
        return {
            "id": paper_id,
            "read": self.read,
            "starred": self.starred,
            "tags": list(self.tags),
            "notes": self.notes,
            "read_at": self.read_at,
            "updated": self.updated,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Shelf:
        """From a record; checks written out, as for Paper (thousands are read before the first screen)."""
        get = doc.get
        read, starred, notes, read_at, updated = (
            get("read", False), get("starred", False), get("notes", ""), get("read_at", ""), get("updated", "")
        )
        tags = tuple(get("tags", ()))
        if not (type(read) is bool and type(starred) is bool and type(notes) is str  # noqa: E721
                and type(read_at) is str and type(updated) is str):  # noqa: E721
            raise TypeError("annotation fields have the wrong types")
        for tag in tags:
            if type(tag) is not str:  # noqa: E721
                raise TypeError("annotation fields have the wrong types")
        return make_shelf(read, starred, tags, notes, read_at, updated)


BLANK_SHELF = Shelf()
make_paper = positional_maker(Paper)  # (sets `abstract` as given: made before PackedAbstract is put in)
make_shelf = positional_maker(Shelf)


def pack_text(text: str) -> str | bytes:
    """`text` deflated, for a Paper's abstract, if that is smaller. Abstracts are most of a
    library's text and are read a few at a time (the detail pane, an export, a phrase
    search): a library keeps the ones it reads from its file packed (real abstracts come
    out ~2x smaller; level 1: 10,000 of them pack in ~0.2 s and unpack in ~0.08 s)."""
    packed = compress(text.encode(), 1)
    return packed if len(packed) < len(text) else text


class PackedAbstract:
    """Paper.abstract: the slot holds the text, or the text packed (pack_text); reading it
    always gives the text. Papers compare and convert by their text, and hash without it
    (a lookup would unpack it)."""

    def __init__(self, slot: Any) -> None:
        self._get, self._set = slot.__get__, slot.__set__

    def __set__(self, paper: Paper, value: str | bytes) -> None:
        self._set(paper, value)

    def __get__(self, paper: Paper | None, owner: type | None = None) -> Any:
        if paper is None:
            return self
        value = self._get(paper, owner)
        return value if type(value) is str else decompress(value).decode()  # noqa: E721


Paper.abstract = PackedAbstract(Paper.__dict__["abstract"])  # type: ignore[assignment, misc]


@dataclass(frozen=True, slots=True)
class Entry:
    """A paper with its shelf: what lists, filters and exports work on."""

    paper: Paper
    shelf: Shelf = field(default=BLANK_SHELF)

    @property
    def id(self) -> str:
        return self.paper.id

    def to_doc(self) -> dict[str, Any]:
        """Everything about the entry, flat: the JSON export / `list --json` shape."""
        doc = self.paper.public_doc()
        shelf = self.shelf.to_doc(self.paper.id)
        del shelf["id"]
        doc.update(shelf)
        return doc


make_entry = positional_maker(Entry)  # Entry(paper, shelf), for the loops over every paper


def normalise_tags(tags: object) -> tuple[str, ...]:
    """Tags: stripped, lower-cased, commas/whitespace folded, de-duplicated, order kept."""
    seen: dict[str, None] = {}
    for tag in tags if isinstance(tags, (list, tuple)) else [tags]:
        for part in str(tag).replace(",", " ").split():
            seen.setdefault(part.strip().lower(), None)
    return tuple(t for t in seen if t)


def clean_tags(tags: Iterable[str] | str) -> tuple[str, ...]:
    """Tags from outside (a user, a script, an imported file): no escapes or controls, then normalised."""
    items = [tags] if isinstance(tags, str) else list(tags)
    return normalise_tags([clean_line(str(tag)) for tag in items])


__all__ = ["Paper", "Details", "NO_DETAILS", "Shelf", "Entry", "BLANK_SHELF", "normalise_tags", "clean_tags", "replace", "fields"]
