"""Fixtures for the source clients: a network guard, a local server as every endpoint, a fake clock."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from storage.sources.http import Client, Pacer

DATA = Path(__file__).resolve().parents[2] / "data" / "sources"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch):
    """Any attempt to reach a non-loopback address fails the test (and is refused).
    To move to tests/conftest.py so that every test gets it."""
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


def _host(host) -> str:
    return host.decode() if isinstance(host, bytes) else str(host)


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
