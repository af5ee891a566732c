"""The `git` command, run in a library directory, with clear errors.

git runs with a fixed environment: no prompts (a remote that wants a password fails instead of
hanging), no pager, English messages (to tell a rejected push from an unreachable remote), and
an identity for commits when the user has none configured.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from storage.model.errors import PapershelfError

MINIMUM = (2, 30)
IDENTITY = ("papershelf", "papershelf@localhost")


class SyncError(PapershelfError):
    """Sync stopped; the message says why and what was left as it was."""


class GitError(SyncError):
    def __init__(self, args: list[str], stderr: str) -> None:
        from storage.model.text import clean_line

        self.stderr = clean_line(stderr)
        super().__init__(f"git {' '.join(args[:2])} failed: {self.stderr or 'no message'}")


def git_executable() -> str:
    found = shutil.which("git")
    if found is None:
        raise SyncError("sync needs git (version 2.30 or later), and no `git` command was found; install git and try again")
    return found


class Git:
    """git in `directory` (the library)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.executable = git_executable()
        self._env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C", "LANGUAGE": "C",
                     "GIT_ASKPASS": "", "SSH_ASKPASS": "", "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")}
        for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):  # a hook's environment must not redirect us
            self._env.pop(name, None)
        self._identity: list[str] | None = None
        self.inherited_fds: tuple[int, ...] = ()  # kept open in every git run (the sync lock)
        self._trees: dict[str, dict[str, str]] = {}

    def run(self, *args: str, check: bool = True, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        result = subprocess.run([self.executable, *args], cwd=self.directory, env=self._env, input=input,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
                                pass_fds=self.inherited_fds)  # fmt: skip
        if check and result.returncode != 0:
            raise GitError(list(args), result.stderr.decode("utf-8", "replace"))
        return result

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.decode("utf-8", "replace").strip()

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0

    def version(self) -> tuple[int, ...]:
        text = self.out("--version").split()[-1]
        return tuple(int(p) for p in text.split(".")[:2] if p.isdigit())

    def check_version(self) -> None:
        if self.version() < MINIMUM:
            raise SyncError(f"sync needs git 2.30 or later; this is {self.out('--version')}")

    def config(self, pattern: str) -> dict[str, str]:
        """The config values whose names match the regular expression `pattern` (every scope)."""
        result = self.run("config", "--null", "--get-regexp", pattern, check=False)
        values = {}
        for item in filter(None, result.stdout.decode("utf-8", "replace").split("\0")):
            name, _, value = item.partition("\n")
            values[name] = value
        return values

    def identity(self, config: dict[str, str] | None = None) -> list[str]:
        """`-c` options for papershelf's commits: an author when git has none configured
        (`config`: the user.* values, if already read), and no signing (a signing prompt would
        hang a sync in the background)."""
        if self._identity is None:
            known = config if config is not None else self.config(r"^user\.(name|email)$")
            self._identity = ["-c", "commit.gpgSign=false"]
            if not known.get("user.name"):
                self._identity += ["-c", f"user.name={IDENTITY[0]}"]
            if not known.get("user.email"):
                self._identity += ["-c", f"user.email={IDENTITY[1]}"]
        return self._identity

    def commit_tree(self, tree: str, parents: list[str], message: str) -> str:
        args = [*self.identity(), "commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        return self.out(*args, "-m", message)

    def rev(self, ref: str) -> str | None:
        result = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        if result.returncode != 0:
            return None
        return result.stdout.decode().strip() or None

    def blobs(self, commit: str | None) -> dict[str, str]:
        """Path -> blob id of the files at the top of `commit`'s tree (remembered per commit)."""
        if commit is None:
            return {}
        if commit not in self._trees:
            self._trees[commit] = self._list_tree(commit)
        return self._trees[commit]

    def _list_tree(self, commit: str) -> dict[str, str]:
        listing = self.run("ls-tree", "-z", commit).stdout.decode("utf-8", "replace")
        blobs = {}
        for item in filter(None, listing.split("\0")):
            meta, name = item.split("\t", 1)
            kind, blob = meta.split()[1:3]
            if kind == "blob":
                blobs[name] = blob
        return blobs

    def read_blob(self, blob: str | None) -> bytes | None:
        return self.read_blobs([blob])[blob] if blob else None

    def read_blobs(self, blobs: list[str | None]) -> dict[str | None, bytes | None]:
        """Blob id -> content, all in one git run (None -> None)."""
        wanted = [b for b in dict.fromkeys(blobs) if b]
        found: dict[str | None, bytes | None] = {None: None}
        if not wanted:
            return found
        out = self.run("cat-file", "--batch", input="".join(f"{b}\n" for b in wanted).encode()).stdout
        at = 0
        for blob in wanted:
            header_end = out.index(b"\n", at)
            header = out[at:header_end].split()
            if len(header) != 3 or header[1] != b"blob":
                raise SyncError(f"git has no file {blob} ({out[at:header_end].decode('utf-8', 'replace')})")
            size = int(header[2])
            found[blob] = out[header_end + 1 : header_end + 1 + size]
            at = header_end + 1 + size + 1
        return found
