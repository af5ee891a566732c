"""Libraries that sync through a bare repository on local disk, and a clock that ticks."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.storage.sync.helpers import Clock

if shutil.which("git") is None:
    pytest.skip("sync tests need the git command, and none was found", allow_module_level=True)


@pytest.fixture(autouse=True)
def git_without_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """git as a new user has it: no global or system config (so no identity either)."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    """An empty bare repository: the shared remote."""
    path = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(path)], check=True)
    return path


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Every change is stamped one second after the one before (so "later" is well defined)."""
    import storage.library

    ticking = Clock(itertools.count())
    monkeypatch.setattr(storage.library, "now_iso", ticking)
    return ticking
