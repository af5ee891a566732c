"""papershelf's git merge driver: `python -m storage.sync.driver %O %A %B %P`.

git calls it for the files .gitattributes marks `merge=papershelf` (a `git pull` or `git merge`
by hand in the library, too): %O is the common ancestor, %A ours (the result goes there), %B
theirs, %P the file's path. It merges record by record (storage/sync/rules.py) and exits 0;
a file it cannot merge leaves %A as it was (ours, never conflict markers) and exits 1, which
git reports as a conflict.
"""

from __future__ import annotations

import sys
from pathlib import Path

from storage.files.tinystore import atomic_write_bytes
from storage.sync.files import MergeError, merge_bytes


def merge_paths(base: Path, ours: Path, theirs: Path, name: str) -> None:
    merged, *_ = merge_bytes(name, _read(base), _read(ours), _read(theirs))
    atomic_write_bytes(ours, merged)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print("usage: python -m storage.sync.driver BASE OURS THEIRS PATH", file=sys.stderr)
        return 2
    base, ours, theirs, name = argv
    try:
        merge_paths(Path(base), Path(ours), Path(theirs), name)
    except (MergeError, OSError) as exc:
        print(f"papershelf merge driver: {name}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
