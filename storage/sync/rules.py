"""The three-way merge of a library file's tables, record by record, that loses nothing.

A file is a dict of tables (name -> {record key -> record}); every rule works on plain record
dicts, so a field added to a record later merges without a change here. For each record:
changed on one side only (or the same on both) -> that side's; changed on both -> field by
field, each field as changed on one side, or by its rule when both changed it:

- shelves: `read` and `starred` keep the later change, even where one side changed a field
  and back (each field's time is in the record's `changed_at`, written by
  files/annotations.py; without one, the record's `updated`; a tie keeps ours); `read_at`
  follows `read`; `tags` merge as sets (a tag removed on one side stays removed); `notes`
  keep both texts, the later first, under a visible separator (unless one text holds the
  other); `updated` and `changed_at` keep the later times.
- papers and abstracts: lists are joined (order kept), `position` and `first_seen` keep the
  lower, any other text or number the fuller one.
- settings, meta and anything else: merged key by key (nested objects too); a value changed
  differently on both sides keeps ours.

A record removed on one side and changed on the other is kept (the change is not lost).
Positions stay unique: a paper whose position from their side collides with one of ours moves after the last.
Pure functions: no files, no git.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Table = dict[str, Any]
Tables = dict[str, Table]

MISSING: Any = object()
NOTE_SEPARATOR = "\n\n-------- earlier note, kept by papershelf sync --------\n\n"
LOWER_WINS = frozenset({"position", "first_seen"})


# -- values --------------------------------------------------------------------------------


def three_way(base: Any, ours: Any, theirs: Any, conflict: Callable[[Any, Any, Any], Any]) -> Any:
    """One value: unchanged or changed alike -> it; changed on one side -> that side's;
    changed on both -> `conflict(base, ours, theirs)`."""
    if ours == theirs or base == theirs:
        return ours
    if base == ours:
        return theirs
    return conflict(base, ours, theirs)


def merge_dicts(base: Any, ours: dict, theirs: dict, field_rule: Callable[[str, Any, Any, Any], Any]) -> dict:
    """Key by key (ours' key order, then theirs' new keys); a key deleted on one side and
    unchanged on the other is deleted. `field_rule(key, base, ours, theirs)` settles a key
    changed on both sides."""
    base = base if isinstance(base, dict) else {}
    out = {}
    for key in [*ours, *(k for k in theirs if k not in ours), *(k for k in base if k not in ours and k not in theirs)]:
        b, o, t = base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING)
        value = three_way(b, o, t, lambda b, o, t, key=key: field_rule(key, b, o, t))
        if value is not MISSING:
            out[key] = value
    return out


def merge_lists(base: Any, ours: list, theirs: list) -> list:
    """As sets, order kept: what either side added is in, what either side removed is out."""
    before = set(map(_hashable, base)) if isinstance(base, list) else set()
    kept_theirs = set(map(_hashable, theirs))
    kept_ours = set(map(_hashable, ours))
    out = [v for v in ours if _hashable(v) in kept_theirs or _hashable(v) not in before]
    seen = set(map(_hashable, out))
    out += [v for v in theirs if _hashable(v) not in kept_ours and _hashable(v) not in before and _hashable(v) not in seen]
    return out


def _hashable(value: Any) -> Any:
    return repr(value) if isinstance(value, (list, dict)) else value


def merge_notes(later: str, earlier: str) -> str:
    """Both texts, the later first; one that already holds the other (a note extended on one
    side, a merge done twice) is enough on its own."""
    if not later or earlier in later:
        return later or earlier
    if later in earlier:
        return earlier
    return later + NOTE_SEPARATOR + earlier


def fuller(ours: Any, theirs: Any) -> Any:
    """Of two texts or numbers, the fuller (longer, else greater); ties keep ours."""
    if ours is MISSING or theirs is MISSING:
        return theirs if ours is MISSING else ours
    key_o, key_t = (len(str(ours)), str(ours)), (len(str(theirs)), str(theirs))
    return theirs if key_t > key_o else ours


# -- records ---------------------------------------------------------------------------------


def generic_value(key: str, base: Any, ours: Any, theirs: Any, scalar: Callable[[str, Any, Any], Any]) -> Any:
    """A field changed on both sides: objects key by key, lists as sets, else `scalar`."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return merge_dicts(base, ours, theirs, lambda k, b, o, t: generic_value(k, b, o, t, scalar))
    if isinstance(ours, list) and isinstance(theirs, list):
        return merge_lists(base, ours, theirs)
    return scalar(key, ours, theirs)


def paper_scalar(key: str, ours: Any, theirs: Any) -> Any:
    if key in LOWER_WINS and ours is not MISSING and theirs is not MISSING:
        try:
            return min(ours, theirs)
        except TypeError:
            return ours
    return fuller(ours, theirs)


def merge_paper(base: Any, ours: dict, theirs: dict) -> dict:
    return merge_dicts(base, ours, theirs, lambda k, b, o, t: generic_value(k, b, o, t, paper_scalar))


def keep_ours(key: str, ours: Any, theirs: Any) -> Any:
    """A setting changed on both sides keeps ours; a schema version, the newer."""
    if key == "schema" and type(ours) is int and type(theirs) is int:  # noqa: E721
        return max(ours, theirs)
    return theirs if ours is MISSING else ours


def merge_plain(base: Any, ours: dict, theirs: dict) -> dict:
    return merge_dicts(base, ours, theirs, lambda k, b, o, t: generic_value(k, b, o, t, keep_ours))


CHANGED_AT = "changed_at"  # field -> when it last changed (written by files/annotations.py)
LAST_WRITER_WINS = ("read", "starred")
STAMP_OF = {"read_at": "read"}  # a field that changes with another has its stamp


def merge_shelf(base: Any, ours: dict, theirs: dict) -> dict:
    sides = ShelfSides(ours, theirs)

    def rule(key: str, b: Any, o: Any, t: Any) -> Any:
        if key == "tags" and isinstance(o, list) and isinstance(t, list):
            return merge_lists(b, o, t)
        if key == "notes" and isinstance(o, str) and isinstance(t, str):
            return merge_notes(sides.later(key, o, t), sides.later(key, t, o))
        if key in ("updated", CHANGED_AT):
            return latest(o, t)
        value = sides.later(key, o, t)
        return sides.later(key, t, o) if value is MISSING else value

    merged = merge_dicts(base, ours, theirs, rule)
    for key in LAST_WRITER_WINS:  # changed on both sides, even if one changed it back: the later change
        if key in ours and key in theirs and sides.both_stamped(key):
            merged[key] = sides.later(key, ours[key], theirs[key])
    return _read_at_follows_read(ours, theirs, merged)


class ShelfSides:
    """When each side last changed a field: its stamp in `changed_at` ("" if that has none:
    never changed); for a record without `changed_at` (older papershelf), its `updated`."""

    def __init__(self, ours: dict, theirs: dict) -> None:
        self.ours, self.theirs = _stamps(ours), _stamps(theirs)
        self.ours_default = "" if CHANGED_AT in ours else str(ours.get("updated", ""))
        self.theirs_default = "" if CHANGED_AT in theirs else str(theirs.get("updated", ""))

    def later(self, key: str, ours: Any, theirs: Any) -> Any:
        """`theirs` if their side changed `key` later, else `ours` (a tie keeps ours)."""
        key = STAMP_OF.get(key, key)
        mine, other = self.ours.get(key, self.ours_default), self.theirs.get(key, self.theirs_default)
        return theirs if other > mine else ours

    def both_stamped(self, key: str) -> bool:
        return bool(self.ours.get(key)) and bool(self.theirs.get(key))


def _stamps(doc: dict) -> dict[str, str]:
    stamps = doc.get(CHANGED_AT)
    return {k: v for k, v in stamps.items() if isinstance(v, str)} if isinstance(stamps, dict) else {}


def latest(ours: Any, theirs: Any) -> Any:
    """The later of two stamps, or of two stamp tables key by key."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return {k: latest(ours.get(k, ""), theirs.get(k, "")) for k in [*ours, *(k for k in theirs if k not in ours)]}
    if ours is MISSING or theirs is MISSING:
        return theirs if ours is MISSING else ours
    return max(str(ours), str(theirs))


def _read_at_follows_read(ours: dict, theirs: dict, merged: dict) -> dict:
    """`read_at` is the time of the `read` that won: taken from the side whose `read` it is."""
    if "read" not in merged or ours.get("read") == theirs.get("read"):
        return merged
    source = ours if merged["read"] == ours.get("read") else theirs
    if "read_at" in source:
        merged["read_at"] = source["read_at"]
    return merged


RecordRule = Callable[[Any, dict, dict], dict]
RULES: dict[str, RecordRule] = {"shelves": merge_shelf, "papers": merge_paper, "abstracts": merge_paper}


# -- tables ----------------------------------------------------------------------------------


def merge_table(name: str, base: Table, ours: Table, theirs: Table) -> Table:
    """Record by record (see the module's docstring)."""
    rule = RULES.get(name, merge_plain)
    out: Table = {}
    for key in [*ours, *(k for k in theirs if k not in ours)]:
        b, o, t = base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING)
        if o is MISSING or t is MISSING:  # new on one side, or removed on one side
            present = t if o is MISSING else o
            if b is MISSING or b != present:  # new, or changed on the side that kept it
                out[key] = present
            continue
        if not (isinstance(o, dict) and isinstance(t, dict)):
            out[key] = three_way(b, o, t, lambda b, o, t: o)
            continue
        out[key] = three_way(b, o, t, lambda b, o, t: rule(b if isinstance(b, dict) else {}, o, t))
    if name == "papers":
        place_their_new_papers(base, ours, out)
    return out


def merge_tables(base: Tables, ours: Tables, theirs: Tables) -> Tables:
    """A whole file's tables, merged table by table (a table new on one side is taken)."""
    names = [*ours, *(n for n in theirs if n not in ours)]
    return {name: merge_table(name, base.get(name, {}), ours.get(name, {}), theirs.get(name, {})) for name in names}


def place_their_new_papers(base: Table, ours: Table, merged: Table) -> None:
    """Positions stay unique (they are the page order): a paper whose position came from their
    side and is one of ours too (both sides imported since the last sync) moves after the last
    paper, in position order. Papers that keep our position never move."""
    ours_kept = [k for k, doc in merged.items() if k in ours and _position(doc) is not None and _position(doc) == _position(ours[k])]
    used, kept = {_position(merged[k]) for k in ours_kept}, set(ours_kept)
    others = sorted((k for k, doc in merged.items() if k not in kept and _position(doc) is not None),
                    key=lambda k: (_position(merged[k]), k))  # fmt: skip
    movers = []
    for key in others:
        if _position(merged[key]) in used:
            movers.append(key)
        else:
            used.add(_position(merged[key]))
    last = max(used, default=0)
    for offset, key in enumerate(movers, 1):
        merged[key] = {**merged[key], "position": last + offset}


def _position(doc: Any) -> int | None:
    position = doc.get("position") if isinstance(doc, dict) else None
    return position if type(position) is int else None  # noqa: E721


def changed_keys(old: Tables, new: Tables, table: str) -> set[str]:
    """The keys of the records of `table` that differ between two versions of a file
    (added, removed or changed)."""
    before, after = old.get(table, {}), new.get(table, {})
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
