"""Fixtures for the source clients (the network guard is in tests/conftest.py): a local server as every endpoint, a fake clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.sources.http import Client, Pacer

DATA = Path(__file__).resolve().parents[2] / "data" / "sources"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Responses are cached in the test's folder, never the user's cache."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("PAPERSHELF_CACHE_DIR", str(folder))
    monkeypatch.setenv("PAPERSHELF_ARXIV_DELAY", "0")
    return folder


@pytest.fixture
def endpoints(httpserver, monkeypatch: pytest.MonkeyPatch):
    """Every source endpoint points at the local server."""
    monkeypatch.setenv("PAPERSHELF_HF_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("PAPERSHELF_ARXIV_API_URL", httpserver.url_for("/api/query"))
    monkeypatch.setenv("PAPERSHELF_ARXIV_RSS_URL", httpserver.url_for("/rss"))
    return httpserver


class FakeClock:
    """A monotonic clock that only moves when slept on: pacing is checked without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(clock: FakeClock):
    with Client(pacer=Pacer(clock, clock.sleep), timeout=5) as client:
        yield client


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()
