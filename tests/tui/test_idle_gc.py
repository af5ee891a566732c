"""The garbage collector waits for a pause in typing (tui/idle_gc.py)."""

from __future__ import annotations

import gc

import pytest

from tui import idle_gc
from tui.idle_gc import IdleCollector


@pytest.fixture
def collector():
    made = IdleCollector()
    try:
        yield made
    finally:
        made.stop()


def allocate(containers: int) -> list[list[int]]:
    return [[n] for n in range(containers)]


def test_no_collection_while_keys_come(collector: IdleCollector) -> None:
    kept = allocate(idle_gc.SOME * 2)
    collector.key_pressed()
    assert not collector.tick()
    assert gc.get_count()[0] > idle_gc.SOME and not gc.isenabled()
    del kept


def test_a_collection_once_the_keyboard_is_quiet(collector: IdleCollector, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = allocate(idle_gc.SOME * 2)
    collector.key_pressed()
    monkeypatch.setattr(idle_gc.time, "monotonic", lambda: collector.last_key + idle_gc.QUIET)
    assert collector.tick()
    assert gc.get_count()[0] < idle_gc.SOME
    del kept


def test_a_collection_during_a_long_burst_once_much_was_allocated(collector: IdleCollector, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(idle_gc, "MUST_COLLECT", 5_000)
    kept = allocate(6_000)
    collector.key_pressed()
    assert collector.tick()
    del kept


def test_nothing_to_collect_nothing_done(collector: IdleCollector, monkeypatch: pytest.MonkeyPatch) -> None:
    gc.collect()
    monkeypatch.setattr(idle_gc.time, "monotonic", lambda: collector.last_key + 60)
    assert not collector.tick()


async def test_the_app_turns_the_collector_off_while_it_runs_and_on_after(tui, sample_library) -> None:
    gc.enable()  # (as a process starts; a test before this one may have paused it)
    async with tui(sample_library) as shelf:
        await shelf.settle()
        assert not gc.isenabled()
        assert any(timer.name == "collect-when-idle" for timer in shelf.app._timers)
    assert gc.isenabled()


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()  # (the objects of later tests are collected as usual)


def test_a_slow_collection_freezes_what_survived(collector: IdleCollector, monkeypatch: pytest.MonkeyPatch, unfrozen) -> None:
    monkeypatch.setattr(idle_gc, "SLOW_COLLECTION", 0.0)  # every collection counts as slow
    kept = allocate(idle_gc.SOME * 2)
    monkeypatch.setattr(idle_gc.time, "monotonic", lambda: collector.last_key + idle_gc.QUIET)
    assert collector.tick()
    assert gc.get_freeze_count() >= len(kept)  # the survivors are out of later collections
    del kept


def test_a_quick_collection_freezes_nothing(collector: IdleCollector, monkeypatch: pytest.MonkeyPatch, unfrozen) -> None:
    monkeypatch.setattr(idle_gc, "SLOW_COLLECTION", 60.0)
    kept = allocate(idle_gc.SOME * 2)
    monkeypatch.setattr(idle_gc.time, "monotonic", lambda: collector.last_key + idle_gc.QUIET)
    assert collector.tick()
    assert gc.get_freeze_count() == 0
    del kept
