"""Shared fixtures: libraries on disk (empty, the sample page), a fixed clock, TUI helpers."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from storage.model.records import Entry, Paper, Shelf
from tests.helpers import NO_SEED, SAMPLE_PAGE, SEED
from tests.tui.pilot import tui  # noqa: F401  (the app under Pilot: tests/tui/pilot.py)

FIXED_NOW = "2025-03-11T08:00:00+00:00"


@pytest.fixture
def sample_path() -> Path:
    """The project's own trending page (tests/data/trending-sample.txt, 48 papers)."""
    return SAMPLE_PAGE


LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch):
    """Every test: any attempt to reach a non-loopback address is refused and fails the test
    (the machines have no network, and no test may depend on one)."""
    attempts: list[str] = []
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host, *args, **kwargs):
        if _host(host) not in LOOPBACK:
            attempts.append(f"resolve {host}")
            raise socket.gaierror(socket.EAI_NONAME, f"tests may not resolve {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(sock, address):
        if isinstance(address, tuple) and _host(address[0]) not in LOOPBACK:
            attempts.append(f"connect {address[0]}")
            raise ConnectionRefusedError(f"tests may not connect to {address[0]}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    yield attempts
    if attempts:
        pytest.fail(f"the test tried to reach the network: {', '.join(attempts)}")


@pytest.fixture(autouse=True)
def sources_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every source endpoint at a loopback port nobody listens on, unless a test points it at
    its local server (the `endpoints` fixture): a papershelf run as a subprocess (run_cli, a
    pty) is outside no_network's reach, and must not reach the real sources either."""
    monkeypatch.setenv("PAPERSHELF_HF_URL", "http://127.0.0.1:9/hf")
    monkeypatch.setenv("PAPERSHELF_ARXIV_API_URL", "http://127.0.0.1:9/arxiv/api/query")
    monkeypatch.setenv("PAPERSHELF_ARXIV_RSS_URL", "http://127.0.0.1:9/arxiv/rss")


def _host(host) -> str:
    return host.decode() if isinstance(host, bytes) else str(host)


@pytest.fixture
def git_without_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """git as a new user has it: no global or system config (so no identity either). The sync
    tests use it (`pytest.mark.usefixtures`); child processes inherit it."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def seed_path() -> Path:
    """The real page of 78 papers beside the checkout; the test is skipped where it is absent."""
    if not SEED.exists():
        pytest.skip(NO_SEED)
    return SEED


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every timestamp the library writes is FIXED_NOW (deterministic screens and files)."""
    import storage.library

    monkeypatch.setattr(storage.library, "now_iso", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    return tmp_path / "library"


@pytest.fixture
def empty_library(library_dir: Path):
    from storage.library import Library

    return Library.open(library_dir)


@pytest.fixture
def sample_library(empty_library, sample_path: Path):
    """A library holding the 48 papers of the sample page, untouched."""
    empty_library.import_file(sample_path)
    return empty_library


@pytest.fixture
def make_entries() -> Callable[..., list[Entry]]:
    """Entries built directly (no library): for widgets at scale."""

    def make(count: int, *, title: str = "Paper {i} about reinforcement learning") -> list[Entry]:
        entries = []
        for i in range(count):
            paper = Paper(id=f"p{i:06d}", title=title.format(i=i), abstract=f"Abstract {i}.", position=i)
            shelf = Shelf(read=i % 3 == 0, starred=i % 7 == 0, tags=("rl",) if i % 5 == 0 else ())
            entries.append(Entry(paper, shelf))
        return entries

    return make


WaitFor = Callable[..., Awaitable[None]]


@pytest.fixture
def wait_for() -> WaitFor:
    """Wait (by letting the app run, never by sleeping blindly) until a condition holds."""

    async def wait(pilot, condition: Callable[[], bool], *, timeout: float = 10.0, what: str = "") -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for {what or condition}")
            await pilot.pause(0.02)

    return wait
