"""Typing in bursts: whatever keys come, and however the searches race, the list always shows
the results of a query the filter bar held, and ends on the results of the text it holds."""

from __future__ import annotations

import asyncio
import random
import threading

import pytest
from textual import events
from textual.keys import _character_to_key

from tui.screens.main import MainScreen

# What a burst is made of: words of the sample page, field tokens, negations, a phrase,
# backspaces ("\b") and spaces. Some are malformed on the way ("is:", "-", an open quote).
PIECES = ("critique", "rl", "model", "learning", "agent", "is:unread", "is:starred", "tag:rlhf",
          "-survey", "-is:read", '"reward model"', "title:policy", "note:x", " ", "\b", "\b\b\b", "q")  # fmt: skip
SEEDS = (1, 2, 3)
BURSTS = 12


NAMED = {"\b": ("backspace", "\x08"), "\n": ("enter", "\r"), "\x1b": ("escape", "\x1b")}


def burst(rng: random.Random) -> str:
    """A few pieces, a space between; then enter (to the list, the results as typed) or
    esc (the filter cleared: the whole library again). The list has the focus after it."""
    text = "/" + " ".join(rng.choices(PIECES, k=rng.randint(1, 4)))
    return text + ("\x1b" if rng.random() < 0.25 else "\n")


async def type_burst(app, rng: random.Random, text: str) -> None:
    """Keys as a terminal sends them, each posted without waiting for the app to handle the one
    before (Pilot.press would wait for it), a few turns of the event loop apart (none, or up to
    twenty: the app gets through some of its messages between two keys, not all)."""
    for char in text:
        key, character = NAMED.get(char, (_character_to_key(char) if not char.isalnum() else char, char))
        app._driver.send_message(events.Key(key, character))
        for _ in range(rng.choice((0, 0, 3, 20))):
            await loop_turn()


async def loop_turn() -> None:
    """Let the event loop run the callbacks that are ready, once (no clock involved)."""
    loop = asyncio.get_running_loop()
    turned = loop.create_future()
    loop.call_soon(turned.set_result, None)
    await turned


def expected_ids(screen: MainScreen, text: str) -> list[str]:
    return screen.session.rows(text).ids


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_bursts_always_end_on_the_filter_bars_text(tui, sample_library, seed):
    rng = random.Random(seed)
    async with tui(sample_library) as shelf:
        screen = shelf.main
        bar = screen.filter_bar
        real_search = bar._search
        searches_started = threading.Semaphore(0)

        def racing_search(text: str, should_stop):
            """The real search, made to race: either it pauses first (giving up as soon as it
            is stale, as the real one does), or it finishes and is late to hand its result
            over (a stale result the filter bar must drop). Searches end in any order."""
            searches_started.release()
            pause, steps = threading.Event(), rng.choice((0, 0, 5, 20))
            if rng.random() < 0.5:
                result = real_search(text, lambda: False)
                for _ in range(steps):
                    pause.wait(0.002)
                return result
            for _ in range(steps):
                if should_stop():
                    break
                pause.wait(0.002)
            return real_search(text, should_stop)

        shown_for: list[tuple[str, list[str], list[str]]] = []
        set_rows = screen.papers.set_rows

        def checked_set_rows(rows, *args, **kwargs):
            # every result the list takes belongs to the filter bar's text at that moment
            shown_for.append((bar.value, rows.ids, expected_ids(screen, bar.value)))
            set_rows(rows, *args, **kwargs)

        screen.papers.set_rows = checked_set_rows
        bar._search = racing_search
        for _ in range(BURSTS):
            await type_burst(shelf.app, rng, burst(rng))
            await shelf.settle()
            assert screen.papers.entries is not None
            listed = [e.id for e in screen.papers.entries]
            assert listed == expected_ids(screen, bar.value), f"the list is not the result of {bar.value!r}"
            if bar.value.strip() and not bar.has_class("-invalid"):
                assert f"showing {len(listed):,}" in shelf.counts
        wrong = [(text, shown) for text, shown, expected in shown_for if shown != expected]
        assert not wrong, f"results shown for another query than the filter bar's: {wrong[:1]}"
        assert searches_started.acquire(blocking=False), "no search ran"


class Held:
    """Something a search holds while it runs (its sets of hits, at 100,000 papers megabytes)."""


def test_a_search_given_up_frees_what_it_held_at_once() -> None:
    """Without waiting for the garbage collector (paused while keys come: tui/idle_gc.py)."""
    import gc
    import weakref

    from tui.widgets.filter_bar import FilterBar

    held: list[weakref.ref] = []

    def search(query: str, should_stop) -> list:
        hits = Held()
        held.append(weakref.ref(hits))
        raise RuntimeError(f"given up: {query!r} is stale")  # as SearchCancelled, from inside

    bar = FilterBar(search)
    gc.disable()
    try:
        answer = bar._answer("crit", bar._generation + 1)  # a stale search's answer, kept
        assert held and held[0]() is None and isinstance(answer, FilterBar.Failed)
    finally:
        gc.enable()
