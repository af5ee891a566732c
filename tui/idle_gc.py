"""The garbage collector runs while nobody types.

Each keystroke's search at 100,000 papers makes sets and lists of ~100,000 items, and CPython's
collector, set off by allocations, walks through whichever of them are alive when it runs:
pauses of 5-30 ms in the middle of a burst of typing (seen with `gc.callbacks`). Reference
counting frees those at once when they are dropped; only cycles need the collector. So once
the first screen is up the automatic collector stays off, and a timer collects when the
keyboard has been quiet for a moment, or when much has been allocated since (a long burst).

A full collection walks every container alive, and the library read after the first screen is
most of them: at 100,000 papers the slowest five of 34 took 197-315 ms (timed in a pty session), long
enough to hold up a key typed meanwhile. So a slow collection freezes what survived it (the
library, the index): later collections skip those (then most took under 20 ms). The price: a cycle among frozen objects
that dies later is never collected. Papers and the index hold no cycles; the widgets' caches
alive at that moment do, a few MB at most, once per slow collection (after the library is
read, or read again).
"""

from __future__ import annotations

import gc
import time

from tui.platform.memory import give_back_free_memory

QUIET = 0.5  # seconds without a key before collecting
CHECK_EVERY = 0.25  # seconds between two looks
SOME = 1_000  # containers allocated (net) since the last collection: below that, no need
MUST_COLLECT = 200_000  # ... above that, collect even while keys come
SLOW_COLLECTION = 0.020  # seconds: a collection this slow walked many long-lived objects


class IdleCollector:
    def __init__(self) -> None:
        self.last_key = time.monotonic()
        gc.disable()

    def key_pressed(self) -> None:
        self.last_key = time.monotonic()

    def tick(self) -> bool:
        """Collect if it is time to (called every CHECK_EVERY seconds); whether it did."""
        allocated = gc.get_count()[0]
        quiet = time.monotonic() - self.last_key >= QUIET
        if allocated > MUST_COLLECT or (quiet and allocated > SOME):
            started = time.perf_counter()
            gc.collect()
            if time.perf_counter() - started >= SLOW_COLLECTION:
                gc.freeze()  # what survived stays out of the next collections
            give_back_free_memory()
            return True
        return False

    @staticmethod
    def stop() -> None:
        """The app ended: the automatic collector again (tests run many apps in one process)."""
        gc.enable()
