"""What a person sees, in a real terminal: `uv run python -m tests.benchmarks.pty_burst [--sizes 10000,100000] [--runs 3]`.

Runs papershelf (`python -m tui --library DIR`) and a bare Textual app in turn on a 120x36
pseudo-terminal, records every byte they write with the time it was read, and replays it
through a terminal emulator (pyte) to find when the screen first showed something:

- **start → first rows**: process start until the list pane shows the rows it settles on;
- **start → full first screen**: until the counts line, the list and the detail pane's title
  are all as they settle (the bare app: until "hello" is shown, its one frame);
- **burst**: a query typed at 10 ms a key, from its last key until the filter line, the list
  and the counts line are as they settle, and stay so (a stale result shown after the
  right one counts: the time is when the screen stops changing there);
- **one keystroke**: the query's last key alone, typed once the screen settled on the rest;
- **peak memory**: the app's peak RSS (VmHWM) at the end of its session, over the bare app's,
  against the raw text (titles, abstracts, notes).

The settled screen is checked against the library: the counts line must say "showing N" with N
from `Library.search` of the query. Timing is taken as bytes arrive; pyte runs afterwards.
Prints each budget of issue 19 as met or not, and writes results/pty_burst.json.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyte

from tests.benchmarks.run import CACHE, HERE, ROOT, compile_bytecode, library_of

WIDTH, HEIGHT = 120, 36
KEY_INTERVAL = 0.010
GIVE_UP = 30.0  # seconds after the last key without the right result on screen: an error
PANE_EDGE = "▕"  # the list pane's right edge; the detail pane starts after it

# Each query's last key changes the screen (checked): most generated abstracts hold every word
# of the vocabulary, so a negation's last letter would change nothing, and so comes first.
QUERIES = {
    "free words": ("critique", "calibration", "distillation", "reward model", "sparse planning"),
    "field token": ("is:unread", "tag:rlhf", "is:starred", "tag:agents", "is:read"),
    "negation": ("-policy critique", "-reward calibration", "-sparse distillation", "-agents planning", "-is:read reward"),
}

# budget name -> {papers: limit}; ratios are to the bare app measured in the same run
BUDGETS = {
    "start -> first rows": {10_000: 1.3, 100_000: 1.8},
    "start -> full first screen": {10_000: 1.4, 100_000: 2.0},
    "last key of a burst -> result (ms)": {10_000: 30, 100_000: 80},
    "one keystroke -> result (ms)": {10_000: 20, 100_000: 40},
    "peak memory / raw text": {10_000: 3.5, 100_000: 3.0},
}

BARE_APP = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

Bare().run()
"""


# --- a program on a pseudo-terminal, every byte timed ------------------------------------------


@dataclass
class Chunk:
    at: float  # perf_counter when read
    data: bytes


@dataclass
class Terminal:
    """A process on a new pty. A thread of its own reads the output as it comes and times each
    read, so that replaying the screen (pyte, slow) never delays a timestamp by more than
    Python's thread switch interval (set to 1 ms in main)."""

    argv: list[str]
    chunks: list[Chunk] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            self.argv, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, start_new_session=True,
            env=dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor"),
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read_all, daemon=True)
        self._reader.start()

    def _read_all(self) -> None:
        while True:
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:  # the process ended (EIO) or the pty was closed
                return
            if not data:
                return
            self.chunks.append(Chunk(time.perf_counter(), data))  # (list.append: atomic)

    @staticmethod
    def pump_until(deadline: float) -> None:
        """Let the output come in until `deadline` (the reader thread takes it)."""
        time.sleep(max(0.0, deadline - time.perf_counter()))

    def pump_until_seen(self, text: bytes, timeout: float = 30) -> None:
        deadline = time.perf_counter() + timeout
        while text not in b"".join(c.data[-4096:] for c in self.chunks[-8:]):
            if time.perf_counter() > deadline:
                seen = b"".join(c.data for c in self.chunks[-8:])
                raise RuntimeError(f"{self.argv}: {text!r} never appeared; the terminal got {seen[-300:]!r}")
            time.sleep(0.002)

    def type(self, keys: list[bytes], interval: float = KEY_INTERVAL) -> float:
        """Write the keys `interval` apart; returns when the last one was written."""
        sent = time.perf_counter()
        for n, key in enumerate(keys):
            if n:
                self.pump_until(sent + interval)
            os.write(self.master, key)
            sent = time.perf_counter()
        return sent

    def peak_rss(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmHWM")

    def quit(self, timeout: float = 20) -> None:
        """`q`, as a person leaves (it saves what the next start shows first)."""
        os.write(self.master, b"q")
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        os.close(self.master)


class Replay:
    """The chunks fed to a terminal emulator in order; `seek` answers questions about the screen."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.screen = pyte.Screen(WIDTH, HEIGHT)
        self.stream = pyte.ByteStream(self.screen)
        self.fed = 0

    def snapshots(self, view: Callable[[pyte.Screen], object], upto: int | None = None) -> list[tuple[float, object]]:
        """(time, view of the screen) after each chunk from the next unfed one to `upto`."""
        chunks = self.terminal.chunks[self.fed : upto]
        seen = []
        for chunk in chunks:
            self.stream.feed(chunk.data)
            seen.append((chunk.at, view(self.screen)))
        self.fed += len(chunks)
        return seen


def settled_at(seen: list[tuple[float, object]]) -> tuple[float, object]:
    """When the view became what it ended as, for good; and that final view."""
    final = seen[-1][1]
    at = seen[-1][0]
    for when, view in reversed(seen):
        if view != final:
            break
        at = when
    return at, final


def first_at(seen: list[tuple[float, object]], wanted: object) -> float:
    return next(when for when, view in seen if view == wanted)


# --- views of papershelf's screen (120x36) --------------------------------------------------
# A view takes the emulator's screen; text only, but for the list pane, whose highlights count
# (typing the last letter of "critique" after "critiqu" may change only the underlined part).


def counts_line(screen: pyte.Screen) -> str:
    return screen.display[0].strip()


def filter_line(screen: pyte.Screen) -> str:
    return screen.display[1].rstrip()


def list_width(screen: pyte.Screen) -> int:
    """Where the list pane's edge is (found on the screen: the panes' widths are the app's to set)."""
    edges = [line.find(PANE_EDGE) for line in screen.display[2:-1]]
    return max(edges, default=-1) if max(edges, default=-1) > 0 else WIDTH


def list_pane(screen: pyte.Screen) -> tuple[str, ...]:
    width = list_width(screen)
    return tuple(line[:width].rstrip() for line in screen.display[2:-1])


def list_pane_styled(screen: pyte.Screen) -> tuple:
    rows, width = [], list_width(screen)
    for y in range(2, HEIGHT - 1):
        line = screen.buffer[y]
        rows.append(tuple((c.data, c.fg, c.bold, c.underscore) for c in (line[x] for x in range(width))))
    return tuple(rows)


def detail_title(screen: pyte.Screen) -> str:
    """The detail pane's first paragraph, its lines joined (a scrollbar may wrap it anew)."""
    title, start = [], list_width(screen) + 1
    for line in screen.display[2:-1]:
        part = line[start:].strip(" ▁▂▃▄▅▆▇█▔")  # (and the scrollbar's thumb)
        if not part:
            break
        title.append(part)
    return " ".join(title)


def first_screen(screen: pyte.Screen) -> tuple:
    return counts_line(screen), list_pane(screen), detail_title(screen)


def result_view(screen: pyte.Screen) -> tuple:
    """What a query changes. A "searching…" note left on the counts line after the result
    is shown is not counted (the old code could leave one until the next result)."""
    return filter_line(screen), counts_line(screen).replace(" · searching…", ""), list_pane_styled(screen)


# --- expected answers, from the library itself (once per library, cached) ---------------------


def expectations(size: int) -> dict:
    """Raw text bytes and the match count of each query and of it less its last letter, made in a subprocess
    (opening 100,000 papers here would swell this process) and cached beside the library."""
    cached = CACHE / f"expected-{size}.json"
    if not cached.exists():
        queries = [q for kind in QUERIES.values() for q in kind]
        code = (
            "import json, sys\n"
            "from tests.benchmarks.run import library_of, raw_text_bytes\n"
            "from storage import Library\n"
            f"folder = library_of({size})\n"
            "lib = Library.open(folder)\n"
            f"queries = {queries!r}\n"
            "counts = {q: len(lib.search(q)) for q in queries + [q[:-1] for q in queries]}\n"
            "print(json.dumps({'raw_text_bytes': raw_text_bytes(folder), 'counts': counts}))\n"
        )
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        cached.write_text(out.stdout.strip().splitlines()[-1])
    expected = json.loads(cached.read_text())
    return expected


# --- one session of each ---------------------------------------------------------------------


def bare_session(script: Path) -> dict:
    term = Terminal([sys.executable, str(script)])
    try:
        term.pump_until_seen(b"hello")
        term.pump_until(time.perf_counter() + 0.3)
        replay = Replay(term)
        shown = first_at(replay.snapshots(lambda screen: "hello" in "".join(screen.display)), True)
        return {"start_ms": (shown - term.started) * 1000, "peak_rss": term.peak_rss()}
    finally:
        term.close()


def app_session(folder: Path, size: int, expected: dict, settle: float, ready: float) -> dict:
    """Start papershelf, wait until its screen settles (abstracts in), then type every query
    in a burst, and its last key alone; the time of each from the last key."""
    term = Terminal([sys.executable, "-m", "tui", "--library", str(folder)])
    try:
        term.pump_until_seen(b"palette")
        term.pump_until(term.started + ready)  # the abstracts come in, the index is built
        replay = Replay(term)
        seen = replay.snapshots(lambda screen: (list_pane(screen), first_screen(screen)))
        final_rows, final_screen = seen[-1][1]
        if f"{size:,} papers" not in final_screen[0] or len([r for r in final_rows if r.strip()]) < 10:
            raise RuntimeError(f"papershelf did not settle on its first screen: {final_screen[0]!r}")
        result = {
            "first_rows_ms": (first_at([(t, v[0]) for t, v in seen], final_rows) - term.started) * 1000,
            "full_screen_ms": (first_at([(t, v[1]) for t, v in seen], final_screen) - term.started) * 1000,
            "burst_ms": {}, "keystroke_ms": {},
        }
        for kind, queries in QUERIES.items():
            for query in queries:
                burst = timed_query(term, replay, query, expected["counts"], settle, alone=False)
                one = timed_query(term, replay, query, expected["counts"], settle, alone=True)
                result["burst_ms"][query], result["keystroke_ms"][query] = burst, one
        result["peak_rss"] = term.peak_rss()
        term.quit()
        return result
    finally:
        term.close()


def warm_up(folder: Path, ready: float) -> None:
    """A session not timed: a library written by an older papershelf is upgraded, and the
    first screen the next start shows is saved when it quits."""
    term = Terminal([sys.executable, "-m", "tui", "--library", str(folder)])
    try:
        term.pump_until_seen(b"palette")
        term.pump_until(term.started + ready)
        term.quit()
    finally:
        term.close()


def shows(view: tuple, query: str, count: int) -> bool:
    """The filter line holds `query` and the counts line says `showing count`."""
    filter_text, counts, _ = view
    return filter_text.strip().endswith(query) and f"showing {count:,}" in counts


def timed_query(term: Terminal, replay: Replay, query: str, counts: dict[str, int], settle: float, alone: bool) -> float:
    """Type `/` and `query` in a burst (`alone`: all but its last key, wait until the screen
    shows their result, then the last key alone); ms from the last key until the screen
    shows the query's result for good. Leaves the filter cleared."""
    before = None
    if alone:
        term.type([k.encode() for k in ["/", *query[:-1]]])
        wait_for_result(term, replay, query[:-1], counts[query[:-1]], time.perf_counter(), settle)
        before = result_view(replay.screen)
        sent = term.type([query[-1].encode()])
    else:
        sent = term.type([k.encode() for k in ["/", *query]])
    replay.snapshots(result_view, upto=len(term.chunks))
    at, final = settled_at(wait_for_result(term, replay, query, counts[query], sent, settle))
    if before is not None and before[1:] == final[1:]:
        raise RuntimeError(f"the last key of {query!r} changes nothing on the screen: no figure")
    term.type([b"\x1b"])  # esc clears the filter and goes back to the list
    term.pump_until(time.perf_counter() + settle)
    return (at - sent) * 1000


def wait_for_result(term: Terminal, replay: Replay, query: str, count: int, sent: float, settle: float) -> list[tuple[float, object]]:
    """Read until the screen shows `query`'s result (a slow search may take seconds), and
    `settle` seconds more; the views since the last feed."""
    seen: list[tuple[float, object]] = []
    while not seen or not shows(seen[-1][1], query, count):
        if time.perf_counter() - sent > GIVE_UP:
            final = seen[-1][1] if seen else result_view(replay.screen)
            raise RuntimeError(f"typed {query!r}: the screen shows {final[0].strip()!r} / {final[1]!r}, expected showing {count:,}")
        term.pump_until(time.perf_counter() + settle)
        seen += replay.snapshots(result_view)
    return seen


# --- the run -----------------------------------------------------------------------------------


def measure(size: int, runs: int, settle: float, ready: float) -> dict:
    folder = library_of(size)
    expected = expectations(size)
    bare_script = Path(os.environ.get("TMPDIR", "/tmp")) / "papershelf-bare-app.py"
    bare_script.write_text(BARE_APP)
    warm_up(folder, ready)
    bare, app = [], []
    for n in range(runs):  # in turn, so that the machine's drift hits both alike
        bare.append(bare_session(bare_script))
        app.append(app_session(folder, size, expected, settle, ready))
        print(f"{size:,} papers: run {n + 1} of {runs} done", file=sys.stderr)
    return summarise(size, bare, app, expected["raw_text_bytes"])


def summarise(size: int, bare: list[dict], app: list[dict], raw_text: int) -> dict:
    median = statistics.median
    bare_ms = median(b["start_ms"] for b in bare)
    per_query = {
        name: {q: median(run[name][q] for run in app) for q in app[0][name]} for name in ("burst_ms", "keystroke_ms")
    }
    return {
        "papers": size, "runs": len(app), "load": os.getloadavg(),
        "bare_start_ms": bare_ms,
        "first_rows_ms": median(r["first_rows_ms"] for r in app),
        "full_screen_ms": median(r["full_screen_ms"] for r in app),
        "burst_ms": per_query["burst_ms"], "keystroke_ms": per_query["keystroke_ms"],
        "peak_rss": median(r["peak_rss"] for r in app), "bare_rss": median(b["peak_rss"] for b in bare),
        "raw_text_bytes": raw_text,
    }


def verdicts(r: dict) -> list[tuple[str, str, float, float]]:
    """(budget, figure as shown, value, limit) for one size."""
    size = r["papers"]
    kinds = {kind: [r["burst_ms"][q] for q in queries] for kind, queries in QUERIES.items()}
    memory = (r["peak_rss"] - r["bare_rss"]) / r["raw_text_bytes"]
    rows = [
        ("start -> first rows", f"{r['first_rows_ms']:.0f} ms / bare {r['bare_start_ms']:.0f} ms", r["first_rows_ms"] / r["bare_start_ms"]),
        ("start -> full first screen", f"{r['full_screen_ms']:.0f} ms / bare {r['bare_start_ms']:.0f} ms", r["full_screen_ms"] / r["bare_start_ms"]),
    ]
    for kind, values in kinds.items():
        rows.append((f"last key of a burst -> result (ms)|{kind}", f"slowest of {len(values)}, median {statistics.median(values):.1f}", max(values)))
    key = list(r["keystroke_ms"].values())
    rows.append(("one keystroke -> result (ms)", f"slowest of {len(key)}, median {statistics.median(key):.1f}", max(key)))
    rows.append(("peak memory / raw text", f"{(r['peak_rss'] - r['bare_rss']) / 2**20:.0f} MiB over bare / {r['raw_text_bytes'] / 2**20:.0f} MiB", memory))
    return [(name, shown, value, BUDGETS[name.split("|")[0]][size]) for name, shown, value in rows]


def report(results: list[dict]) -> bool:
    met_all = True
    for r in results:
        load = ", ".join(f"{x:.2f}" for x in r["load"])
        print(f"\n{r['papers']:,} papers, {r['runs']} runs (medians; load average {load})")
        for name, shown, value, limit in verdicts(r):
            met = value <= limit
            met_all &= met
            label = name.replace("|", ": ")
            unit = "x" if "(ms)" not in name else " ms"
            print(f"  {'met    ' if met else 'NOT MET'}  {label:48s} {value:7.2f}{unit} (budget {limit}{unit})  {shown}")
        for name in ("burst_ms", "keystroke_ms"):
            print(f"  {name[:-3]}: " + "  ".join(f"{q} {ms:.0f}" for q, ms in r[name].items()))
    return met_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--settle", type=float, default=None, help="seconds to wait for a screen to settle (default: by size)")
    parser.add_argument("--ready", type=float, default=None, help="seconds from start until the abstracts are in and the index is built (default: 3 at 10,000 papers, 20 above; here the index at 100,000 papers is ready after ~9 s)")
    args = parser.parse_args()
    sys.setswitchinterval(0.001)  # the reader thread timestamps output within 1 ms of its arrival
    CACHE.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        settle = args.settle or (0.8 if size <= 10_000 else 1.5)
        ready = args.ready or (3.0 if size <= 10_000 else 20.0)
        results.append(measure(size, args.runs, settle, ready))
        report(results[-1:])  # as each size is done
        out = HERE / "results"
        out.mkdir(exist_ok=True)
        (out / "pty_burst.json").write_text(json.dumps(results, indent=2))
    print("\nevery budget met" if all(value <= limit for r in results for _, _, value, limit in verdicts(r)) else "\nsome budgets not met")


if __name__ == "__main__":
    main()
