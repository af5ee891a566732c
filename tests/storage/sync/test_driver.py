"""The git merge driver: a `git pull` by hand in the library merges record by record too."""

from __future__ import annotations

import subprocess
import sys

import pytest

from storage.sync import driver
from storage.sync.files import encode, parse
from tests.storage.sync.helpers import change, conflict_markers, git, library_with, pid, shelf, sync

ID = ("-c", "user.name=t", "-c", "user.email=t@example.invalid")


def test_git_pull_by_hand_uses_the_driver(tmp_path, bare, clock):
    a = library_with(tmp_path / "a", "One", "Two")
    sync(a, bare)
    b = tmp_path / "b"
    sync(b, bare)
    change(a, lambda lib: (lib.set_read([pid("One")]), lib.set_notes(pid("Two"), "from A")))
    sync(a)
    change(b, lambda lib: (lib.set_starred([pid("One")]), lib.set_notes(pid("Two"), "from B")))
    git(b, "add", "--all")  # closing the library folded the journal
    git(b, *ID, "commit", "--quiet", "-m", "by hand")
    git(b, *ID, "pull", "--quiet", "--no-rebase", "--no-edit", "origin", "main")
    assert conflict_markers(b) == []
    one = shelf(b, "One")
    assert one.read and one.starred
    assert "from A" in shelf(b, "Two").notes and "from B" in shelf(b, "Two").notes


def test_driver_writes_the_merge_into_ours(tmp_path):
    base, ours, theirs = (tmp_path / name for name in ("O", "A", "B"))
    record = {"id": "x", "read": False, "starred": False, "tags": ["a"], "notes": "", "read_at": "", "updated": "1"}
    base.write_bytes(encode({"shelves": {"1": record}}))
    ours.write_bytes(encode({"shelves": {"1": {**record, "tags": ["a", "b"], "updated": "2"}}}))
    theirs.write_bytes(encode({"shelves": {"1": {**record, "tags": [], "updated": "3"}}, "settings": {"1": {"k": 1}}}))
    assert driver.main([str(base), str(ours), str(theirs), "annotations.json"]) == 0
    merged = parse(ours.read_bytes(), "annotations.json", "result")
    assert merged["shelves"]["1"]["tags"] == ["b"]  # a removed on their side, b added on ours
    assert merged["settings"] == {"1": {"k": 1}}


def test_driver_refuses_what_is_not_a_library_file_and_leaves_ours(tmp_path):
    base, ours, theirs = (tmp_path / name for name in ("O", "A", "B"))
    base.write_bytes(b"{}")
    ours.write_bytes(b'{"shelves":{}}')
    theirs.write_bytes(b"<<<<<<< not json")
    result = subprocess.run([sys.executable, "-m", "storage.sync.driver", str(base), str(ours), str(theirs), "x.json"],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 1
    assert "x.json" in result.stderr and "not valid JSON" in result.stderr
    assert ours.read_bytes() == b'{"shelves":{}}'


@pytest.mark.parametrize("argv", [[], ["a", "b", "c"]])
def test_driver_usage(argv):
    assert driver.main(argv) == 2
