"""What `papershelf doctor` and `papershelf stats` say about a synced library's repository.

Read-only and quick (a few git runs): the remote, when a sync last reached it, what has not
gone out yet, and what a killed sync or a hand-edited repository left behind.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from storage.files import paths
from storage.files.journal import journal_path
from storage.sync.files import DATA_FILES, DRIVER_NAME, GITATTRIBUTES, GITATTRIBUTES_TEXT, GITIGNORE, GITIGNORE_TEXT
from storage.sync.git import Git, SyncError
from storage.sync.sync_lock import NAME as SYNC_LOCK
from storage.model.text import plural

REMOTE, BRANCH = "origin", "main"  # (as engine.py: imported from there they would load the merge code)


@dataclass
class RepoStatus:
    remote: str = ""
    last_sync: datetime | None = None  # when a sync last fetched from the remote
    unsent_commits: int = 0  # commits of ours the remote's branch (as last fetched) does not have
    local_changes: bool = False  # the library changed since the last commit
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: "synced with URL, last sync 2026-01-01 10:00 UTC; 3 changes not sent yet"."""
        if not self.remote:
            return "git repository without a remote: papershelf sync --remote URL"
        when = f"last sync {self.last_sync:%Y-%m-%d %H:%M} UTC" if self.last_sync else "never synced"
        pending = []
        if self.unsent_commits:
            pending.append(f"{plural(self.unsent_commits, 'commit')} not sent yet")
        if self.local_changes:
            pending.append("changes since the last sync")
        return f"synced with {self.remote}, {when}" + (f"; {', '.join(pending)}" if pending else "; up to date")


def repository_status(directory: str | Path) -> RepoStatus | None:
    """The library's repository, or None if the library is not synced (no .git)."""
    folder = Path(directory)
    git_dir = folder / ".git"
    if not git_dir.exists():
        return None
    status = RepoStatus()
    try:
        git = Git(folder)
    except SyncError as exc:
        status.problems.append(str(exc))
        return status
    if not git_dir.is_dir() or not git.ok("rev-parse", "--git-dir"):
        status.problems.append(".git is not a usable git repository: move it away, then papershelf sync --remote URL")
        return status
    config = git.config(rf"^(merge\.{DRIVER_NAME}\.driver|remote\.{REMOTE}\.url)$")
    status.remote = config.get(f"remote.{REMOTE}.url", "")
    fetched = git_dir / "FETCH_HEAD"
    if fetched.exists():
        status.last_sync = datetime.fromtimestamp(fetched.stat().st_mtime, timezone.utc)
    _pending(git, folder, status)
    _leftovers(git, folder, config, status)
    return status


def _pending(git: Git, folder: Path, status: RepoStatus) -> None:
    head, theirs = git.rev("HEAD"), git.rev(f"refs/remotes/{REMOTE}/{BRANCH}")
    if head and theirs:
        status.unsent_commits = int(git.out("rev-list", "--count", f"{theirs}..{head}") or 0)
    elif head:
        status.unsent_commits = int(git.out("rev-list", "--count", head) or 0)
    changed = git.run("status", "--porcelain", "--untracked-files=all", "--", *DATA_FILES, check=False).stdout.strip()
    journal = journal_path(folder / paths.ANNOTATIONS)
    status.local_changes = bool(changed) or (journal.exists() and journal.stat().st_size > 0)


def _leftovers(git: Git, folder: Path, config: dict[str, str], status: RepoStatus) -> None:
    if f"merge.{DRIVER_NAME}.driver" not in config:
        status.warnings.append("the merge driver is not registered (the next papershelf sync registers it)")
    for name, text in ((GITIGNORE, GITIGNORE_TEXT), (GITATTRIBUTES, GITATTRIBUTES_TEXT)):
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8", errors="replace") != text:
            status.warnings.append(f"{name} is missing or changed (the next papershelf sync writes it again)")
    locks = [p.name for p in [*(folder / ".git").glob("*.lock"), *(folder / ".git" / "refs").rglob("*.lock")] if p.name != SYNC_LOCK]
    if locks and not _sync_running(folder / ".git"):
        status.warnings.append(f"git lock files left by a killed sync ({', '.join(sorted(locks))}): the next sync removes them")
    for name in DATA_FILES:
        path = folder / name
        if path.exists() and b"\n<<<<<<< " in path.read_bytes():
            status.problems.append(f"{name} holds git conflict markers (a merge by hand without papershelf's driver)")


def _sync_running(git_dir: Path) -> bool:
    path = git_dir / SYNC_LOCK
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
