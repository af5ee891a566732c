"""`papershelf sync`: the library directory is a git repository; a sync commits local changes,
fetches, merges record by record, and pushes.

Steps, and why they are safe:
- The library lock is held only while the library's files are read or written here (commit,
  merge): never across the network, so the TUI is kept waiting for milliseconds at most.
- Local changes are committed first (the journal folded into annotations.json), and again
  right before merging (whatever the TUI wrote in the meantime).
- The merge is computed in memory from git's blobs (storage/sync/rules.py, the rules the git
  merge driver uses too) before any file is touched: a file that cannot be merged stops the
  sync with nothing changed. The files are then replaced atomically (as every library write
  is), and only then is the branch moved. A kill at any moment leaves files that are each
  whole, old or new; the next sync commits what it finds and merges again, which changes
  nothing already merged.
- A push the remote rejects as not fast-forward (someone pushed meanwhile) is retried after
  fetching and merging again.
"""

from __future__ import annotations

import shutil
import socket
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from storage.files import paths
from storage.files.journal import fold, journal_path
from storage.files.locking import LibraryLock
from storage.files.tinystore import atomic_write_bytes, file_signature
from storage.model.text import clean_line, plural
from storage.sync.files import (
    DATA_FILES, DRIVER_NAME, GITATTRIBUTES, GITATTRIBUTES_TEXT, GITIGNORE, GITIGNORE_TEXT, MergeError, encode, merge_bytes,
    parse, readable,
)  # fmt: skip
from storage.sync.git import Git, SyncError
from storage.sync.sync_lock import SyncLock
from storage.sync.rules import Tables, changed_keys

REMOTE, BRANCH = "origin", "main"
PUSH_ATTEMPTS = 5
CONFIG_FILES = {GITIGNORE: GITIGNORE_TEXT.encode(), GITATTRIBUTES: GITATTRIBUTES_TEXT.encode()}
CONFIG_PATTERN = rf"^(merge\.{DRIVER_NAME}\.|remote\.{REMOTE}\.url$|user\.(name|email)$)"
JOURNAL = journal_path(Path(paths.ANNOTATIONS)).name
LAST_COMMAND = "last_command"  # storage/library.py's setting for `papershelf undo` (not imported: it loads the whole library code)
LAST_COMMAND_KEY = f'"{LAST_COMMAND}":{{'.encode()  # present only while it holds a step
KEPT = "Your changes are safe in the library (committed locally); the next sync sends them."


@dataclass
class Changes:
    """Which papers and annotations changed (record keys), from one side's view."""

    papers: set[str] = field(default_factory=set)
    annotations: set[str] = field(default_factory=set)
    settings: bool = False

    def add(self, old: Tables, new: Tables) -> None:
        self.papers |= changed_keys(old, new, "papers") | changed_keys(old, new, "abstracts")
        self.annotations |= changed_keys(old, new, "shelves")
        self.settings = self.settings or bool(changed_keys(old, new, "settings"))

    def describe(self) -> str:
        parts = [plural(len(self.papers), "paper") if self.papers else "",
                 plural(len(self.annotations), "annotation") if self.annotations else "",
                 "settings" if self.settings else ""]  # fmt: skip
        return ", ".join(p for p in parts if p) or "nothing"


@dataclass
class SyncResult:
    action: str  # "set up", "cloned", "joined" or "synced"
    remote: str
    came_in: Changes
    went_out: Changes

    def summary(self) -> str:
        return f"{self.action} with {self.remote}: {self.came_in.describe()} in; {self.went_out.describe()} out"


def git_problem(stderr: bytes) -> str:
    """What git said went wrong: its first `fatal:`/`error:` line (else its last line), as
    plain text (a remote's messages come through here: no escape sequences get out)."""
    lines = [clean_line(line) for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    for line in lines:
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line.removeprefix(prefix)
    return lines[-1] if lines else "git failed"


def sync_library(directory: str | Path, remote: str | None = None, lock: LibraryLock | None = None) -> SyncResult:
    """Sync the library in `directory` with its remote (`remote`: set it, the first time).
    `lock`: the library lock of a Library open in this process (the TUI), if any."""
    return Syncer(Path(directory), lock).run(remote)


class Syncer:
    def __init__(self, directory: Path, lock: LibraryLock | None = None) -> None:
        self.directory = directory
        self.git = Git(directory)
        self.lock = lock or LibraryLock(directory / paths.LOCK)
        self.remote_url = ""
        self.came_in = Changes()
        self._committed: tuple | None = None  # the files' signatures when last committed (nothing new since)

    # -- the whole sync ----------------------------------------------------------------------

    def run(self, remote: str | None) -> SyncResult:
        with ExitStack() as self._held:
            return self._run(remote)

    def _hold_sync_lock(self) -> None:
        """One sync at a time (see sync_lock.py); every git command from now on inherits the lock."""
        self.git.inherited_fds = (self._held.enter_context(SyncLock(self.directory / ".git")),)

    def _run(self, remote: str | None) -> SyncResult:
        if not (self.directory / ".git").exists():
            if not remote:
                raise SyncError(f"{self.directory} is not synced yet: run `papershelf sync --remote URL` once "
                                "(URL: a git repository, e.g. a new empty one on your git host or a bare repository)")  # fmt: skip
            action, theirs = self._set_up(remote)
        else:
            action, theirs = "synced", self._reconnect(remote)
        went_out = self._exchange(theirs)
        return SyncResult(action, self.remote_url, self.came_in, went_out)

    def _set_up(self, url: str) -> tuple[str, str | None]:
        """Make the library a repository with `url` as its remote; refused (and undone) if the
        remote cannot be reached or is not a papershelf library."""
        made = not self.directory.exists()
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            self.git.check_version()
            self.git.run("init", "--quiet", "--initial-branch", BRANCH)
            self._hold_sync_lock()
            self.git.run("remote", "add", REMOTE, url)
            self.remote_url = url
            theirs = self._fetch()
        except BaseException:
            shutil.rmtree(self.directory / ".git", ignore_errors=True)  # ours: made a moment ago
            if made:
                shutil.rmtree(self.directory, ignore_errors=True)
            raise
        self._configure(self.git.config(CONFIG_PATTERN))
        with self.lock:
            fold(self.directory / paths.ANNOTATIONS)
            if theirs is not None and self._library_is_empty():
                self._take(None, theirs)
                return "cloned", theirs
            self._canonicalise()
            self._commit_local()
        return ("joined" if theirs is not None else "set up"), theirs

    def _reconnect(self, url: str | None) -> str | None:
        """Set the remote's URL if one is given; commit what changed; fetch."""
        if not (self.directory / ".git").is_dir():
            raise SyncError(f"{self.directory / '.git'} is not a git repository; move it away and sync with --remote again")
        self._hold_sync_lock()
        config = self.git.config(CONFIG_PATTERN)
        old = config.get(f"remote.{REMOTE}.url", "")
        if url and url != old:
            self.git.run("remote", "set-url" if old else "add", REMOTE, url)
        self.remote_url = url or old
        if not self.remote_url:
            raise SyncError("this library's repository has no remote: run `papershelf sync --remote URL`")
        self._configure(config)
        with self.lock:
            self._commit_local()
        try:
            return self._fetch()
        except SyncError:
            if url and url != old and old:
                self.git.run("remote", "set-url", REMOTE, old)  # the new remote was refused: back to the old one
            raise

    def _exchange(self, theirs: str | None) -> Changes:
        """Merge the remote's branch in and push, again (fetch, merge) if someone pushed
        meanwhile; what went out."""
        for attempt in range(PUSH_ATTEMPTS):
            if attempt:
                theirs = self._fetch()
            with self.lock:
                self._commit_local()
                head = self._integrate(theirs)
            if head is None or head == theirs:
                return Changes()
            went_out = self._outgoing(theirs, head)
            if self._push(head):
                return went_out
        raise SyncError(f"{self.remote_url} kept changing while papershelf pushed ({PUSH_ATTEMPTS} attempts); everything "
                        "is merged and committed here: sync again")  # fmt: skip

    # -- the repository --------------------------------------------------------------------

    def _configure(self, config: dict[str, str]) -> None:
        """The merge driver, for git commands run by hand in the library too (this Python,
        so that it works from an installed papershelf); the identity for commits."""
        import shlex
        import sys

        wanted = {f"merge.{DRIVER_NAME}.name": "papershelf record-by-record merge",
                  f"merge.{DRIVER_NAME}.driver": f"{shlex.quote(sys.executable)} -m storage.sync.driver %O %A %B %P"}  # fmt: skip
        for name, value in wanted.items():
            if config.get(name) != value:
                self.git.run("config", name, value)
        self.git.identity(config)

    def _canonicalise(self) -> None:
        """The library's files in the layout sync shares (older libraries wrote other layouts)."""
        for name in DATA_FILES:
            path = self.directory / name
            if path.exists():
                data = path.read_bytes()
                canonical = encode(self._parse_local(name, data))
                if canonical != data:
                    atomic_write_bytes(path, canonical)

    def _library_is_empty(self) -> bool:
        for name in (paths.CATALOGUE, paths.ANNOTATIONS):
            path = self.directory / name
            tables = self._parse_local(name, path.read_bytes()) if path.exists() else {}
            if any(tables.get(t) for t in ("papers", "shelves", "settings")):
                return False
        return True

    def _parse_local(self, name: str, data: bytes) -> Tables:
        try:
            return parse(data, name, "this library")
        except MergeError as exc:
            raise SyncError(f"{exc}; nothing was synced. `papershelf doctor` says how to restore it") from None

    def _signatures(self) -> tuple:
        names = (*DATA_FILES, *CONFIG_FILES, JOURNAL)
        return tuple(file_signature(self.directory / name) for name in names)

    def _commit_local(self) -> None:
        """Commit what changed in the library since the last commit (the caller holds the lock)."""
        if self._committed is not None and self._committed == self._signatures():
            return  # nothing written since this sync committed
        fold(self.directory / paths.ANNOTATIONS)
        self._forget_last_command()
        for name, text in CONFIG_FILES.items():
            path = self.directory / name
            if not path.exists() or path.read_bytes() != text:
                atomic_write_bytes(path, text)
        self.git.run("add", "--all")
        changed = [name for name in self.git.run("diff", "--cached", "--name-only", "-z").stdout.decode().split("\0") if name]
        if changed:
            self._check_files(changed)
            message = f"papershelf: changes on {socket.gethostname()} ({', '.join(changed)})"
            self.git.run(*self.git.identity(), "commit", "--quiet", "--no-verify", "-m", message)
        self._committed = self._signatures()

    def _forget_last_command(self) -> None:
        """`papershelf undo` undoes the last command run here since the last sync, never one
        from another machine: the setting it reads is cleared before it would be shared."""
        path = self.directory / paths.ANNOTATIONS
        data = path.read_bytes() if path.exists() else b""
        if LAST_COMMAND_KEY not in data:
            return
        tables = self._parse_local(paths.ANNOTATIONS, data)
        settings = tables.get("settings", {}).get("1")
        if isinstance(settings, dict) and settings.get(LAST_COMMAND) is not None:
            settings[LAST_COMMAND] = None
            atomic_write_bytes(path, encode(tables))

    def _check_files(self, changed: list[str]) -> None:
        """Refuse to commit a damaged file (it is left as it is, for doctor)."""
        try:
            for name in set(changed) & set(DATA_FILES):
                path = self.directory / name
                if path.exists():
                    self._parse_local(name, path.read_bytes())
        except SyncError:
            self.git.run("reset", "--quiet")
            raise

    def _fetch(self) -> str | None:
        """Fetch; the remote's branch (None if the remote is empty). A remote that is not a
        papershelf library is refused."""
        result = self.git.run("fetch", "--quiet", "--prune", REMOTE, check=False)
        if result.returncode != 0:
            kept = KEPT if self.git.rev("HEAD") else "Nothing was changed."
            raise SyncError(f"could not fetch from {self.remote_url}: {git_problem(result.stderr)}. {kept}")
        theirs = self.git.rev(f"refs/remotes/{REMOTE}/{BRANCH}")
        if theirs is None:
            if self.git.out("for-each-ref", f"refs/remotes/{REMOTE}/"):
                raise SyncError(f"{self.remote_url} is not a papershelf library (it has no {BRANCH} branch): refused, nothing changed")
            return None
        attributes = self.git.read_blob(self.git.blobs(theirs).get(GITATTRIBUTES)) or b""
        if f"merge={DRIVER_NAME}".encode() not in attributes:
            raise SyncError(f"{self.remote_url} is not a papershelf library (no papershelf .gitattributes on its "
                            f"{BRANCH} branch): refused, nothing changed")  # fmt: skip
        return theirs

    def _push(self, head: str) -> bool:
        """Push; False if the remote moved on meanwhile (fetch, merge and push again)."""
        result = self.git.run("push", "--quiet", "--porcelain", "--no-verify", REMOTE, f"{head}:refs/heads/{BRANCH}", check=False)
        if result.returncode == 0:
            return True
        said = (result.stdout + result.stderr).decode("utf-8", "replace")
        if "non-fast-forward" in said or "fetch first" in said:
            return False
        raise SyncError(f"{self.remote_url} refused the push: {git_problem(result.stderr)}. {KEPT}")

    # -- merging -----------------------------------------------------------------------------

    def _integrate(self, theirs: str | None) -> str | None:
        """Bring the remote's branch into ours (the caller holds the lock); our branch then."""
        ours = self.git.rev("HEAD")
        if theirs is None or theirs == ours:
            return ours
        if ours is None:
            return self._take(None, theirs)
        base = self.git.run("merge-base", ours, theirs, check=False).stdout.decode().strip() or None
        if base == theirs:
            return ours  # we are ahead
        if base == ours:
            return self._take(ours, theirs)
        return self._merge(base, ours, theirs)

    def _take(self, ours: str | None, theirs: str) -> str:
        """Fast-forward: the remote's files as they are."""
        old, new = self.git.blobs(ours), self.git.blobs(theirs)
        names = [name for name in (*DATA_FILES, *CONFIG_FILES) if name in new and old.get(name) != new[name]]
        contents = self.git.read_blobs([*(new[n] for n in names), *(old.get(n) for n in names if n in DATA_FILES)])
        files = {name: contents[new[name]] for name in names}
        for name in set(names) & set(DATA_FILES):
            try:
                taken = readable(parse(files[name], name, "theirs"), name, "theirs")
            except MergeError as exc:
                raise SyncError(f"cannot take {exc}; nothing was changed (library and repository are as they were)") from None
            self.came_in.add(parse(contents[old.get(name)], name, "ours"), taken)
        self._write(files)
        self._move_branch(theirs, ours)
        return theirs

    def _merge(self, base: str | None, ours: str, theirs: str) -> str:
        """Three-way, file by file, record by record; all computed before any file is written."""
        blobs = {side: self.git.blobs(commit) for side, commit in (("base", base), ("ours", ours), ("theirs", theirs))}
        sides = {name: tuple(blobs[side].get(name) for side in ("base", "ours", "theirs")) for name in DATA_FILES}
        sides = {name: (b, o, t) for name, (b, o, t) in sides.items() if o != t and b != t}  # else ours stands
        contents = self.git.read_blobs([blob for triple in sides.values() for blob in triple])
        files = {}
        for name, (b, o, t) in sides.items():
            try:
                files[name], ours_tables, _, merged = merge_bytes(name, contents[b], contents[o], contents[t])
            except MergeError as exc:
                raise SyncError(f"cannot merge {exc}; nothing was changed (library and repository are as they were)") from None
            self.came_in.add(ours_tables, merged)
        self._write(files)
        if files:
            self.git.run("add", "--", *files)
        tree = self.git.out("write-tree")
        commit = self.git.commit_tree(tree, [ours, theirs], f"papershelf: merge on {socket.gethostname()}")
        self._move_branch(commit, ours)
        return commit

    def _write(self, files: dict[str, bytes | None]) -> None:
        for name in (*DATA_FILES, *CONFIG_FILES):  # abstracts before the catalogue, as the library writes them
            if files.get(name) is not None:
                atomic_write_bytes(self.directory / name, files[name])
        self._committed = None

    def _move_branch(self, new: str, old: str | None) -> None:
        self.git.run("update-ref", f"refs/heads/{BRANCH}", new, old or "0" * 40)
        self.git.run("reset", "--quiet")  # the index as the branch: the files are already there
        self._committed = self._signatures()

    def _outgoing(self, theirs: str | None, head: str) -> Changes:
        """What the push takes to the remote: the records that differ between its branch and ours."""
        went_out = Changes()
        old, new = self.git.blobs(theirs), self.git.blobs(head)
        names = [name for name in DATA_FILES if old.get(name) != new.get(name)]
        contents = self.git.read_blobs([blob for name in names for blob in (old.get(name), new.get(name))])
        for name in names:
            went_out.add(parse(contents[old.get(name)], name, "theirs"), parse(contents[new.get(name)], name, "ours"))
        return went_out
