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
def _git_as_a_new_user(git_without_user_config) -> None:
    """Every sync test runs with git as a new user has it (tests/conftest.py)."""


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
