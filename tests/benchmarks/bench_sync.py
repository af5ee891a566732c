"""Sync benchmark: `uv run python -m tests.benchmarks.bench_sync [--papers 10000] [--repeats 7]`.

Two libraries of generated papers (storage/tools/demo.generate, a fifth of them annotated)
share a bare repository on local disk. Timed, per case, over several runs:

- out: one read toggle on A, then `sync` on A (commit, fetch, push)
- in: `sync` on B takes that change (a fast-forward)
- merge: one toggle on each side, A syncs, then B's sync merges (three-way, record by record)
- nothing: a sync with nothing to do
- cli out: the out case as a user runs it, `papershelf sync` in a new process

Also: the lines a read toggle changes in the diff of annotations.json. Budget (issue 17): a sync
of a 10,000-paper library with one change <= 1 s on local disk. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from storage.library import Library
from storage.sync.engine import sync_library
from storage.tools.demo import generate

ROOT = Path(__file__).resolve().parent.parent.parent
BUDGET_MS = 1000.0


def toggle(directory: Path, index: int) -> None:
    library = Library.open(directory, abstracts_later=True)
    try:
        entry = library.entries()[index]
        library.set_read([entry.id], not entry.shelf.read)
    finally:
        library.close()


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def cli_sync(directory: Path) -> None:
    subprocess.run([sys.executable, "-m", "tui", "--library", str(directory), "sync"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def diff_lines(directory: Path) -> tuple[int, int]:
    """Lines removed and added in annotations.json by the newest commit."""
    out = subprocess.run(["git", "show", "--format=", "--unified=0", "HEAD", "--", "annotations.json"], cwd=directory,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    lines = [line for line in out.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    return sum(line.startswith("-") for line in lines), sum(line.startswith("+") for line in lines)


def run(papers: int, repeats: int) -> dict[str, list[float]]:
    root = Path(tempfile.mkdtemp(prefix="papershelf-bench-sync-"))
    remote, a, b = root / "remote.git", root / "a", root / "b"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    library = Library.open(a)
    library.import_papers(generate(papers), "generated")
    library.close()
    print(f"set up: {timed(lambda: sync_library(a, str(remote))):,.0f} ms; clone: {timed(lambda: sync_library(b, str(remote))):,.0f} ms")
    sizes = {p.name: p.stat().st_size for p in a.iterdir() if p.suffix == ".json"}
    print("files: " + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sorted(sizes.items())))
    times: dict[str, list[float]] = {"out": [], "in": [], "merge": [], "nothing": [], "cli out": []}
    for n in range(repeats):
        toggle(a, 3 * n)
        times["out"].append(timed(lambda: sync_library(a)))
        times["in"].append(timed(lambda: sync_library(b)))
        toggle(a, 3 * n + 1)
        toggle(b, 3 * n + 2)
        sync_library(a)
        times["merge"].append(timed(lambda: sync_library(b)))
        sync_library(a)
        times["nothing"].append(timed(lambda: sync_library(a)))
        toggle(a, 3 * n + 2)
        times["cli out"].append(timed(lambda: cli_sync(a)))
        sync_library(b)
    toggle(a, 0)
    sync_library(a)
    print("a read toggle in the diff of annotations.json: -%d +%d lines" % diff_lines(a))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")
    times = run(args.papers, args.repeats)
    print(f"\nsync of a {args.papers:,}-paper library, ms over {args.repeats} runs (budget {BUDGET_MS:,.0f} ms):")
    print(f"{'case':<10} {'median':>8} {'max':>8}")
    for case, values in times.items():
        print(f"{case:<10} {statistics.median(values):>8.0f} {max(values):>8.0f}")
    worst = max(statistics.median(values) for values in times.values())
    print("within budget" if worst <= BUDGET_MS else f"OVER BUDGET: {worst:.0f} ms")


if __name__ == "__main__":
    main()
