"""Sources benchmark (issue #16): `uv run python -m tests.benchmarks.bench_sources`.

Against a real local HTTP server (a `http.server` thread serving answers in the documented
formats, generated here), with PAPERSHELF_ARXIV_DELAY=0 and a fresh cache each run:

- `papershelf fetch hf --date D` of a 100-paper HF day, as a subprocess (budget <= 1 s);
- `papershelf enrich` of a 78-paper trending page (budget <= 5 s), every title known by HF's
  list of its day or by an arXiv title search;
- a filter keystroke in the TUI (Pilot) with and without `R` fetching from a slow server
  (budget: no worse than without).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from storage.model.ids import normalise_title
from tests.storage.sources.answers import Known, arxiv_feed, hf_daily

DAY = "2026-03-11"
ROOT = Path(__file__).resolve().parents[2]


def known_papers(count: int, prefix: str) -> list[Known]:
    return [Known(f"{prefix} paper number {n} on sequence models", f"2603.{n:05d}", (f"Author {n}", "Second Author"),
                  "2026-03-10") for n in range(count)]  # fmt: skip


class Sources:
    """HF knows `day` (a list) for its date; arXiv knows `by_title` (title searches) and every id."""

    def __init__(self, day: list[Known], by_title: list[Known], delay: float = 0.0) -> None:
        self.day, self.delay = day, delay
        self.by_title = {normalise_title(p.title): p for p in by_title}
        self.by_id = {p.arxiv_id: p for p in [*day, *by_title]}

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[bytes, str]:
        time.sleep(self.delay)  # (a slow server, for the TUI measurement)
        if path == "/api/daily_papers":
            return hf_daily(self.day if query.get("date", [DAY])[0] == DAY else [], DAY), "application/json"
        if "id_list" in query:
            return arxiv_feed([self.by_id[i] for i in query["id_list"][0].split(",") if i in self.by_id]), "application/atom+xml"
        wanted = normalise_title(query.get("search_query", [""])[0].removeprefix("ti:"))
        return arxiv_feed([self.by_title[wanted]] if wanted in self.by_title else []), "application/atom+xml"


def serve(sources: Sources) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            body, kind = sources.answer(parts.path, parse_qs(parts.query))
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def environment(server: ThreadingHTTPServer, folder: Path) -> dict[str, str]:
    base = f"http://127.0.0.1:{server.server_address[1]}"
    return {**os.environ, "PAPERSHELF_HF_URL": base, "PAPERSHELF_ARXIV_API_URL": f"{base}/api/query",
            "PAPERSHELF_ARXIV_RSS_URL": f"{base}/rss", "PAPERSHELF_ARXIV_DELAY": "0",
            "PAPERSHELF_CACHE_DIR": str(folder / "cache")}  # fmt: skip


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tui", *args], env=env, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"papershelf {' '.join(args)} failed: {done.stderr}")
    return elapsed


def trending_page(papers: list[Known]) -> str:
    blocks = [f"{p.title}\n\nAbstract of {p.title}." for p in papers]
    return "Trending Papers\n\nMar 11\n\n" + "\n\n".join(blocks) + "\n"


def bench_fetch_day(runs: int) -> list[float]:
    server = serve(Sources(known_papers(100, "HF"), []))
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            env = environment(server, Path(folder))
            times.append(timed(["--library", f"{folder}/lib", "fetch", "hf", "--date", DAY], env))
    server.shutdown()
    return times


def bench_enrich(runs: int) -> list[float]:
    on_hf, by_search = known_papers(40, "HF"), known_papers(38, "Searched")
    server = serve(Sources(on_hf, by_search))
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            env = environment(server, Path(folder))
            page = Path(folder) / "trending.txt"
            page.write_text(trending_page([*on_hf, *by_search]))
            timed(["--library", f"{folder}/lib", "import", str(page)], env)
            times.append(timed(["--library", f"{folder}/lib", "enrich"], env))
    server.shutdown()
    return times


async def keystroke_ms(library_dir: Path, fetching: bool, keys: int = 30) -> list[float]:
    from storage.library import Library
    from tui.app import PapershelfApp

    app = PapershelfApp(Library.open(library_dir))
    times = []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        if fetching:
            await pilot.press("R")
        await pilot.press("slash")
        for n in range(keys):
            key = "abcdefghij"[n % 10] if n % 2 == 0 else "backspace"
            bar = app.screen.filter_bar
            start = time.perf_counter()
            await pilot.press(key)
            while bar._shown != bar.value:  # the list shows the answer to the text in the bar
                await pilot.pause()
            times.append((time.perf_counter() - start) * 1000)
    return times


def bench_keystrokes() -> tuple[float, float]:
    server = serve(Sources([], known_papers(200, "Searched"), delay=0.05))
    with tempfile.TemporaryDirectory() as folder:
        env = environment(server, Path(folder))
        os.environ.update(env)
        page = Path(folder) / "trending.txt"
        page.write_text(trending_page(known_papers(200, "Local")))
        timed(["--library", f"{folder}/lib", "import", str(page)], env)
        without: list[float] = []
        with_fetch: list[float] = []
        for _ in range(3):  # interleaved, so that the machine's load weighs on both alike
            shutil.rmtree(Path(folder) / "cache", ignore_errors=True)
            without += asyncio.run(keystroke_ms(Path(folder) / "lib", fetching=False, keys=40))
            shutil.rmtree(Path(folder) / "cache", ignore_errors=True)
            with_fetch += asyncio.run(keystroke_ms(Path(folder) / "lib", fetching=True, keys=40))
    server.shutdown()
    return statistics.median(without), statistics.median(with_fetch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    day = bench_fetch_day(runs)
    print(f"fetch hf (100-paper day), subprocess: median {statistics.median(day) * 1000:,.0f} ms "
          f"(best {min(day) * 1000:,.0f}) — budget 1,000 ms: {'met' if statistics.median(day) <= 1 else 'NOT met'}")
    enriched = bench_enrich(runs)
    print(f"enrich (78 titles, delay 0), subprocess: median {statistics.median(enriched) * 1000:,.0f} ms "
          f"(best {min(enriched) * 1000:,.0f}) — budget 5,000 ms: {'met' if statistics.median(enriched) <= 5 else 'NOT met'}")
    without, with_fetch = bench_keystrokes()
    print(f"filter keystroke in the TUI (Pilot, 200 papers, 120 keys each): median {without:.1f} ms without a fetch, "
          f"{with_fetch:.1f} ms while R fetches from a slow server (Pilot's own wait is most of either)")


if __name__ == "__main__":
    main()
