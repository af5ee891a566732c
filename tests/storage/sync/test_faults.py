"""Sync when things go wrong: no remote, a refusing remote, a race to push, a foreign remote,
a library changed during a sync, damaged files; nothing is lost and the next sync finishes."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from storage.library import Library
from storage.sync import engine
from storage.sync.engine import Syncer
from storage.sync.git import SyncError
from tests.storage.sync.helpers import change, conflict_markers, git, library_with, papers, pid, shelf, state, sync

TITLES = ("Alpha paper", "Beta paper", "Gamma paper")


@pytest.fixture
def pair(tmp_path: Path, bare: Path, clock) -> tuple[Path, Path]:
    a = library_with(tmp_path / "a", *TITLES)
    sync(a, bare)
    b = tmp_path / "b"
    sync(b, bare)
    return a, b


def head(directory: Path) -> str:
    return git(directory, "rev-parse", "HEAD").strip()


def test_unreachable_remote_keeps_the_change_and_the_next_sync_sends_it(pair, bare):
    a, b = pair
    away = bare.with_name("away.git")
    bare.rename(away)
    change(a, lambda lib: lib.set_read([pid("Alpha paper")]))
    with pytest.raises(SyncError, match="could not fetch .*committed locally"):
        sync(a)
    assert shelf(a, "Alpha paper").read  # the library is usable, the change is there
    change(a, lambda lib: lib.set_starred([pid("Beta paper")]))
    away.rename(bare)
    sync(a), sync(b)
    assert shelf(b, "Alpha paper").read and shelf(b, "Beta paper").starred


def test_a_remote_that_refuses_the_push(pair, bare):
    a, b = pair
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'read-only mirror' >&2\nexit 1\n")
    hook.chmod(0o755)
    change(a, lambda lib: lib.set_notes(pid("Gamma paper"), "keep me"))
    with pytest.raises(SyncError, match="refused the push"):
        sync(a)
    assert shelf(a, "Gamma paper").notes == "keep me"
    hook.unlink()
    sync(a), sync(b)
    assert shelf(b, "Gamma paper").notes == "keep me"


def test_a_push_overtaken_by_another_is_merged_and_retried(pair, monkeypatch):
    a, b = pair
    change(a, lambda lib: lib.set_read([pid("Alpha paper")]))
    change(b, lambda lib: lib.set_starred([pid("Beta paper")]))
    real_push, pushes = Syncer._push, []

    def push_after_b(self, commit):
        if self.directory == a and not pushes:
            sync(b)  # B pushes between A's merge and A's push: A's push is not a fast-forward
        pushed = real_push(self, commit)
        if self.directory == a:
            pushes.append(pushed)
        return pushed

    monkeypatch.setattr(Syncer, "_push", push_after_b)
    sync(a)
    monkeypatch.undo()
    assert pushes == [False, True]
    sync(b)
    assert state(a) == state(b)
    assert shelf(b, "Alpha paper").read and shelf(a, "Beta paper").starred


def test_a_remote_that_is_not_a_papershelf_library_is_refused(tmp_path, clock):
    other = tmp_path / "project"
    other.mkdir()
    git(other, "init", "--quiet", "--initial-branch", "main")
    (other / "README").write_text("a project")
    git(other, "add", "README")
    git(other, "-c", "user.name=x", "-c", "user.email=x@example.invalid", "commit", "--quiet", "-m", "x")
    a = library_with(tmp_path / "a", *TITLES)
    before = {p.name: p.read_bytes() for p in a.iterdir() if p.is_file()}
    with pytest.raises(SyncError, match="not a papershelf library"):
        sync(a, other)
    assert not (a / ".git").exists()
    assert {p.name: p.read_bytes() for p in a.iterdir() if p.is_file()} == before
    with pytest.raises(SyncError, match="not a papershelf library"):
        sync(tmp_path / "new", other)
    assert not (tmp_path / "new").exists()


def test_switching_to_a_foreign_remote_is_refused_and_the_old_one_kept(pair, tmp_path, bare):
    a, _ = pair
    foreign = tmp_path / "foreign.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(foreign)], check=True)
    git(a, "push", "--quiet", str(foreign), "HEAD:refs/heads/other")
    with pytest.raises(SyncError, match="not a papershelf library"):
        sync(a, foreign)
    assert git(a, "remote", "get-url", "origin").strip() == str(bare)


def test_a_change_made_during_the_network_part_goes_out_too(pair, monkeypatch):
    a, b = pair
    real_fetch = Syncer._fetch

    def fetch_while_the_tui_writes(self):
        change(a, lambda lib: lib.set_read([pid("Gamma paper")]))  # another process, mid-sync
        return real_fetch(self)

    monkeypatch.setattr(Syncer, "_fetch", fetch_while_the_tui_writes)
    sync(a)
    monkeypatch.undo()
    assert git(a, "status", "--porcelain") == ""
    sync(b)
    assert shelf(b, "Gamma paper").read


def test_a_write_during_the_merge_waits_for_it_and_is_kept(pair, monkeypatch):
    a, b = pair
    change(b, lambda lib: lib.set_starred([pid("Alpha paper")]))
    sync(b)
    library = Library.open(a)
    real_integrate, writer = Syncer._integrate, []

    def integrate_with_a_writer(self, theirs):
        thread = threading.Thread(target=lambda: library.set_notes(pid("Beta paper"), "typed during the sync"))
        thread.start()  # blocks on the library lock the sync holds
        writer.append(thread)
        real_integrate(self, theirs)

    monkeypatch.setattr(Syncer, "_integrate", integrate_with_a_writer)
    try:
        sync(a)
        monkeypatch.undo()
        writer[0].join(timeout=30)
        library.refresh()
        assert library.entry(pid("Beta paper")).shelf.notes == "typed during the sync"
        assert library.entry(pid("Alpha paper")).shelf.starred
    finally:
        library.close()
    sync(a), sync(b)
    assert shelf(b, "Beta paper").notes == "typed during the sync"


def test_a_damaged_library_file_is_not_committed(pair):
    a, _ = pair
    before = head(a)
    (a / "catalogue.json").write_text('{"papers": {"1": ')
    with pytest.raises(SyncError, match="catalogue.json .*not valid JSON.*doctor"):
        sync(a)
    assert head(a) == before
    assert "catalogue.json" in git(a, "status", "--porcelain")  # left for doctor, not reset


def test_a_remote_file_that_cannot_be_merged_changes_nothing(pair, tmp_path):
    a, b = pair
    change(a, lambda lib: lib.set_read([pid("Alpha paper")]))
    sync(a)
    hand = tmp_path / "by-hand"
    git(tmp_path, "clone", "--quiet", str(a / ".git" / ".."), str(hand))  # someone pushes a broken file
    (hand / "annotations.json").write_text("not json")
    git(hand, "-c", "user.name=x", "-c", "user.email=x@example.invalid", "commit", "--quiet", "-am", "broken")
    git(hand, "push", "--quiet", git(a, "remote", "get-url", "origin").strip(), "HEAD:main")
    change(b, lambda lib: lib.set_starred([pid("Beta paper")]))
    with pytest.raises(SyncError, match="cannot merge annotations.json"):
        sync(b)
    files = {p.name: p.read_bytes() for p in b.iterdir() if p.is_file() and p.suffix == ".json"}
    assert shelf(b, "Beta paper").starred
    assert {p.name: p.read_bytes() for p in b.iterdir() if p.is_file() and p.suffix == ".json"} == files
    assert conflict_markers(b) == []


def test_without_git_sync_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(SyncError, match="needs git"):
        sync(tmp_path / "a", tmp_path / "remote.git")


def test_commits_have_an_author_without_a_git_identity(pair):
    a, _ = pair
    change(a, lambda lib: lib.set_read([pid("Alpha paper")]))
    sync(a)
    assert git(a, "log", "-1", "--format=%an <%ae>").strip() == "papershelf <papershelf@localhost>"


def test_leftover_git_locks_of_a_killed_sync_are_cleared(pair):
    a, b = pair
    (a / ".git" / "index.lock").write_text("")
    (a / ".git" / "refs" / "heads" / "main.lock").write_text("")
    change(a, lambda lib: lib.set_read([pid("Alpha paper")]))
    sync(a), sync(b)
    assert shelf(b, "Alpha paper").read


def test_the_push_retries_are_bounded(pair, monkeypatch):
    a, _ = pair
    change(a, lambda lib: lib.set_read([pid("Alpha paper")]))
    monkeypatch.setattr(Syncer, "_push", lambda self, commit: False)
    with pytest.raises(SyncError, match=f"{engine.PUSH_ATTEMPTS} attempts"):
        sync(a)
    assert shelf(a, "Alpha paper").read


@pytest.mark.parametrize("b_changed", [False, True])
def test_a_library_from_a_newer_papershelf_is_not_taken(pair, tmp_path, b_changed):
    a, b = pair
    hand = tmp_path / "by-hand"
    git(tmp_path, "clone", "--quiet", "--branch", "main", git(a, "remote", "get-url", "origin").strip(), str(hand))
    path = hand / "catalogue.json"
    path.write_text(path.read_text().replace('"schema":', '"schema":99,"was":'))
    git(hand, "-c", "user.name=x", "-c", "user.email=x@example.invalid", "commit", "--quiet", "-am", "newer")
    git(hand, "push", "--quiet", "origin", "HEAD:main")
    if b_changed:  # a merge rather than a fast-forward
        change(b, lambda lib: lib.import_papers(papers("Only on B"), "b.txt"))
    before = {p.name: p.read_bytes() for p in b.iterdir() if p.suffix == ".json"}
    with pytest.raises(SyncError, match="newer papershelf .*schema 99.*upgrade papershelf"):
        sync(b)
    assert {p.name: p.read_bytes() for p in b.iterdir() if p.suffix == ".json"} == before


def test_git_messages_reach_the_user_as_plain_text(pair, bare):
    a, _ = pair
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\nprintf 'error: \\033]0;pwned\\007 \\033[31mred\\n' >&2\nexit 1\n")
    hook.chmod(0o755)
    change(a, lambda lib: lib.set_read([pid("Alpha paper")]))
    with pytest.raises(SyncError) as caught:
        sync(a)
    assert "\x1b" not in str(caught.value) and "\x07" not in str(caught.value)


def test_a_user_config_that_signs_commits_or_hooks_pushes_does_not_stop_sync(pair, tmp_path):
    a, b = pair
    config = Path(tmp_path / "no-gitconfig")  # the fixture's GIT_CONFIG_GLOBAL
    config.write_text("[commit]\n\tgpgSign = true\n[gpg]\n\tprogram = false\n[core]\n\thooksPath = " + str(tmp_path / "hooks") + "\n")
    (tmp_path / "hooks").mkdir()
    for name in ("pre-commit", "pre-push", "commit-msg"):
        hook = tmp_path / "hooks" / name
        hook.write_text("#!/bin/sh\nexit 1\n")
        hook.chmod(0o755)
    change(a, lambda lib: lib.set_read([pid("Alpha paper")]))
    change(b, lambda lib: lib.set_starred([pid("Alpha paper")]))
    sync(a), sync(b), sync(a)
    assert shelf(a, "Alpha paper").read and shelf(a, "Alpha paper").starred
