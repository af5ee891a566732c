"""Shelf changes: what marking read, starring, tagging and notes do to a paper's shelf.

Each function returns a ShelfChange: the new shelf as a function of the old one, and the label
the undo history shows. Pure: the time of a change is handed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from storage.model.records import Shelf, clean_tags, normalise_tags
from storage.model.text import clean_block


class ShelfChange:
    """A change of shelf: `apply` makes the new shelf from the old one; `label` is what undo
    says it undid; consecutive steps with the same `merge_key` are one undo step (typing a note).
    (A plain class: this module is read at every start, and a NamedTuple costs 0.3 ms to define.)"""

    __slots__ = ("apply", "label", "merge_key")

    def __init__(self, apply: Callable[[Shelf], Shelf], label: str, merge_key: str = "") -> None:
        self.apply, self.label, self.merge_key = apply, label, merge_key


def annotate(
    stamp: str,
    *,
    read: bool | None = None,
    starred: bool | None = None,
    add_tags: Iterable[str] = (),
    remove_tags: Iterable[str] = (),
    notes: str | None = None,
) -> ShelfChange:
    """Several changes at once (None and () leave a field as it is); `stamp`: when, if marked read."""
    extra, gone = clean_tags(add_tags), set(clean_tags(remove_tags))
    text = None if notes is None else clean_block(notes)

    def change(s: Shelf) -> Shelf:
        if read is not None and read != s.read:
            s = replace(s, read=read, read_at=stamp if read else "")
        if starred is not None:
            s = replace(s, starred=starred)
        tags = tuple(t for t in normalise_tags([*s.tags, *extra]) if t not in gone)
        return replace(s, tags=tags, notes=s.notes if text is None else text)

    return ShelfChange(change, describe(read, starred, extra, gone, text))


def set_read(read: bool, stamp: str) -> ShelfChange:
    return ShelfChange(lambda s: replace(s, read=read, read_at=stamp if read else ""), "marked read" if read else "marked unread")


def set_starred(starred: bool) -> ShelfChange:
    return ShelfChange(lambda s: replace(s, starred=starred), "starred" if starred else "unstarred")


def set_tags(tags: Iterable[str] | str) -> ShelfChange:
    new = clean_tags(tags)
    return ShelfChange(lambda s: replace(s, tags=new), "tags set")


def add_tags(tags: Iterable[str] | str) -> ShelfChange:
    extra = clean_tags(tags)
    return ShelfChange(lambda s: replace(s, tags=normalise_tags([*s.tags, *extra])), "tagged")


def remove_tags(tags: Iterable[str] | str) -> ShelfChange:
    gone = set(clean_tags(tags))
    return ShelfChange(lambda s: replace(s, tags=tuple(t for t in s.tags if t not in gone)), "untagged")


def set_notes(pid: str, notes: str) -> ShelfChange:
    text = clean_block(notes)
    return ShelfChange(lambda s: replace(s, notes=text), "note edited", merge_key=f"notes:{pid}")


def changed(before: Mapping[str, Shelf], change: ShelfChange) -> dict[str, Shelf]:
    """The new shelves of the papers `change` changes (paper id -> shelf), in the order given."""
    after = {pid: change.apply(shelf) for pid, shelf in before.items()}
    return {pid: shelf for pid, shelf in after.items() if shelf != before[pid]}


def replayed(current: Shelf, left: Shelf, wanted: Shelf) -> Shelf:
    """An undo (or redo) of a change that took a shelf to `left`, meant to bring back `wanted`,
    applied to the shelf as it is now (`current`): only what the change did is taken back,
    so that whatever came in since (a sync, another process) stays. A flag or note that was
    changed again since is left as it is; tags are taken back one by one."""
    if current == left:
        return wanted
    read, read_at = (wanted.read, wanted.read_at) if current.read == left.read else (current.read, current.read_at)
    starred = wanted.starred if current.starred == left.starred else current.starred
    notes = wanted.notes if current.notes == left.notes else current.notes
    added, removed = set(left.tags) - set(wanted.tags), set(wanted.tags) - set(left.tags)
    tags = normalise_tags([*(t for t in current.tags if t not in added), *removed])
    return replace(current, read=read, read_at=read_at, starred=starred, notes=notes, tags=tags)


def describe(read: bool | None, starred: bool | None, added: Iterable[str], removed: Iterable[str], notes: str | None) -> str:
    parts = [
        {True: "marked read", False: "marked unread", None: ""}[read],
        {True: "starred", False: "unstarred", None: ""}[starred],
        f"tagged {', '.join(added)}" if added else "",
        f"untagged {', '.join(sorted(removed))}" if removed else "",
        "note set" if notes is not None else "",
    ]
    return ", ".join(p for p in parts if p) or "no change"
