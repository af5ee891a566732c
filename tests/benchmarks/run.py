"""The performance suite: `uv run python -m tests.benchmarks.run [--sizes 1000,10000,100000]`.

Each figure is a median over repeats and comes with a floor measured in the same run, so the
ratio means something on a noisy machine. Prints a table and writes results/latest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from storage.tools.demo import generate
from storage.library import Library
from storage.files.tinystore import atomic_write_bytes

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CACHE = Path(os.environ.get("PAPERSHELF_BENCH_CACHE", "/tmp/papershelf-bench"))
QUERIES = ("critique", "reinforcement learning", "is:unread tag:rlhf", "-is:read policy", '"reward model"')


def library_of(size: int) -> Path:
    """A generated library of `size` papers, built once and cached between runs."""
    folder = CACHE / f"lib-{size}"
    if not (folder / "catalogue.json").exists():
        Library.open(folder).import_papers(generate(size), "generated")
    return folder


def raw_text_bytes(folder: Path) -> int:
    lib = Library.open(folder)
    return sum(len((e.paper.title + e.paper.abstract + e.shelf.notes).encode()) for e in lib.entries())


def probe(*args: str) -> dict:
    started = time.time()
    out = subprocess.run([sys.executable, str(HERE / "probe.py"), *args], cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {"ms": (result["painted"] - started) * 1000, "peak_rss": result["peak_rss"]}


def bench_startup(folder: Path, repeats: int) -> dict:
    """Startup to the first rows (the abstracts are read after that); memory in the steady
    state: abstracts in and the search index built."""
    probe("app", str(folder))  # a schema-1 cache is upgraded on its first open: not timed
    bare, app = [], []
    for _ in range(repeats):  # interleaved, so that the machine's drift hits both alike
        bare.append(probe("bare"))
        app.append(probe("app", str(folder)))
    steady = probe("memory", str(folder))
    return {
        "startup_ms": statistics.median(r["ms"] for r in app),
        "bare_app_ms": statistics.median(r["ms"] for r in bare),
        "ready_ms": steady["ms"],
        "peak_rss": steady["peak_rss"],
        "bare_rss": max(r["peak_rss"] for r in bare),
    }


def bench_toggle(folder: Path, repeats: int = 40) -> dict:
    lib = Library.open(folder)
    pid = lib.entries()[len(lib) // 2].id
    times, floor = [], []
    for i in range(repeats):
        t0 = time.perf_counter()
        lib.set_read([pid], i % 2 == 0) if i % 4 < 2 else lib.set_starred([pid], i % 2 == 0)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        atomic_write_bytes(CACHE / "floor.json", b'{"x": 1}')
        floor.append(time.perf_counter() - t0)
    return {"toggle_ms": statistics.median(times) * 1000, "fsync_floor_ms": statistics.median(floor) * 1000}


def page_text(size: int) -> str:
    blocks = ["new", "Get trending papers in your email inbox!", "Subscribe", "byAK and the research community", "Mar 11"]
    for paper in generate(size, seed=11):
        blocks += [paper.title, paper.abstract]
    return "\n\n".join(blocks) + "\n"


def bench_import(size: int) -> dict:
    text = page_text(size)
    target = CACHE / f"import-{size}"
    for old in target.glob("*.json") if target.exists() else ():
        old.unlink()
    t0 = time.perf_counter()
    result = Library.open(target).import_text(text, "page.txt")
    elapsed = time.perf_counter() - t0
    t0 = time.perf_counter()
    atomic_write_bytes(CACHE / "floor-page.txt", text.encode())
    floor = time.perf_counter() - t0
    assert len(result.added) == size
    return {"import_ms": elapsed * 1000, "write_page_floor_ms": floor * 1000}


def bench_filter(folder: Path) -> dict:
    return asyncio.run(_filter_in_app(folder))


async def _filter_in_app(folder: Path) -> dict:
    """Keystroke to repaint: the time from the filter bar's value changing to the first
    screen refresh after the list took the new rows."""
    from rapidfuzz import fuzz, process

    from tui.app import PapershelfApp
    from tui.widgets.filter_bar import FilterBar
    from tui.widgets.paper_list import PaperList

    lib = Library.open(folder)
    titles = [e.paper.title.lower() for e in lib.entries()]
    app = PapershelfApp(lib)
    per_query, core = {}, {}
    async with app.run_test(size=(120, 36)) as pilot:
        bar, rows = app.screen.query_one(FilterBar), app.screen.query_one(PaperList)
        painted: list[float] = []
        set_rows = rows.set_rows

        def timed_set_rows(*args, **kwargs):
            set_rows(*args, **kwargs)
            app.call_after_refresh(lambda: painted.append(time.perf_counter()))

        rows.set_rows = timed_set_rows
        lib.search("warm up the index")
        for query in QUERIES:
            samples = []
            for _ in range(7):
                bar.value = query[:-1]
                await _settle(app, pilot)
                painted.clear()
                t0 = time.perf_counter()
                bar.value = query
                while not painted:
                    await pilot.pause()
                samples.append(painted[0] - t0)
            per_query[query] = statistics.median(samples) * 1000
            t0 = time.perf_counter()
            lib.search_lazily(query)  # as the list asks for it: matches made when drawn
            core[query] = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    process.extract("critique", titles, scorer=fuzz.partial_ratio, score_cutoff=80, limit=None)
    floor = (time.perf_counter() - t0) * 1000
    return {"filter_ms": max(per_query.values()), "filter_by_query_ms": per_query,
            "search_core_ms": core, "extract_titles_floor_ms": floor}


async def _settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def compile_bytecode() -> None:
    """Startup is measured as users see it: with compiled bytecode (PYTHONDONTWRITEBYTECODE
    may be set, and then every process would compile Textual from source again)."""
    import compileall
    import sysconfig

    for folder in (sysconfig.get_paths()["purelib"], ROOT / "storage", ROOT / "tui"):
        compileall.compile_dir(str(folder), quiet=1, workers=0)


def run(sizes: list[int], repeats: int) -> dict:
    CACHE.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    results = {"machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}", "sizes": {}}
    for size in sizes:
        folder = library_of(size)
        row = {"raw_text_bytes": raw_text_bytes(folder)}
        row |= bench_startup(folder, repeats)
        row |= bench_filter(folder)
        row |= bench_toggle(folder)
        row |= bench_import(size)
        row["memory_ratio"] = (row["peak_rss"] - row["bare_rss"]) / row["raw_text_bytes"]
        results["sizes"][str(size)] = row
        print(f"{size}: done", file=sys.stderr)
    return results


def show(results: dict) -> None:
    table = Table(title=f"papershelf benchmarks — {results['machine']}")
    table.add_column("papers", justify="right")
    for name in ("startup (bare)", "filter (extract floor)", "toggle (fsync floor)", "import (write floor)", "memory over bare / raw text"):
        table.add_column(name, justify="right")
    for size, r in results["sizes"].items():
        table.add_row(
            f"{int(size):,}",
            f"{r['startup_ms']:.0f} ms ({r['bare_app_ms']:.0f})",
            f"{r['filter_ms']:.1f} ms ({r['extract_titles_floor_ms']:.1f})",
            f"{r['toggle_ms']:.2f} ms ({r['fsync_floor_ms']:.2f})",
            f"{r['import_ms']:.0f} ms ({r['write_page_floor_ms']:.0f})",
            f"{(r['peak_rss'] - r['bare_rss']) / 2**20:.0f} MiB / {r['raw_text_bytes'] / 2**20:.0f} MiB = {r['memory_ratio']:.1f}x",
        )
    Console().print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    results = run([int(s) for s in args.sizes.split(",")], args.repeats)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))
    show(results)


if __name__ == "__main__":
    main()
