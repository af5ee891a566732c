"""First starts: what `uv run` adds, and a Python that may not write bytecode.

`uv run python -m tests.benchmarks.first_start [--size 10000] [--runs 7]` prints:
- `uv run papershelf --version` against the installed script itself (what uv's own check costs
  on every start, and whether it printed anything);
- startup to the first rows with PYTHONDONTWRITEBYTECODE set and an empty bytecode cache (a
  separate PYTHONPYCACHEPREFIX holding only the standard library's, as an installer leaves it,
  so the checkout's cache is left alone): the first start, which compiles the startup packages
  once, then the starts after it, beside an ordinary start.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time

from tests.benchmarks.run import HERE, ROOT, library_of


def timed_ms(cmd: list[str], env: dict | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return (time.perf_counter() - started) * 1000, done.stderr


def uv_overhead(runs: int) -> dict:
    script = os.path.join(os.path.dirname(sys.executable), "papershelf")
    uv = [timed_ms(["uv", "run", "--frozen", "papershelf", "--version"]) for _ in range(runs)]
    direct = [timed_ms([script, "--version"])[0] for _ in range(runs)]
    return {
        "uv_run_ms": statistics.median(ms for ms, _ in uv),
        "script_ms": statistics.median(direct),
        "uv_stderr": sorted({err.strip() for _, err in uv}),
    }


def probe_ms(library: str, env: dict) -> float:
    started = time.time()
    out = subprocess.run([sys.executable, str(HERE / "probe.py"), "app", library], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    import json

    return (json.loads(out.stdout.strip().splitlines()[-1])["painted"] - started) * 1000


def without_bytecode(size: int, runs: int) -> dict:
    library = str(library_of(size))
    cache = tempfile.mkdtemp(prefix="papershelf-pyc-")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": cache}
    try:
        # Python's own library comes compiled by its installer: the same in the empty cache.
        stdlib = sysconfig.get_paths()["stdlib"]
        subprocess.run([sys.executable, "-m", "compileall", "-q", "-j0", "-x", "test|idlelib|tkinter|lib2to3", stdlib], env=env, check=False, capture_output=True)
        probe_ms(library, os.environ.copy())  # warm the disk cache
        first = probe_ms(library, env)
        later = statistics.median(probe_ms(library, env) for _ in range(runs))
        ordinary = statistics.median(probe_ms(library, os.environ.copy()) for _ in range(runs))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return {"first_start_ms": first, "later_starts_ms": later, "ordinary_start_ms": ordinary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    uv = uv_overhead(args.runs)
    print(f"uv run papershelf --version: {uv['uv_run_ms']:.0f} ms; the script itself: {uv['script_ms']:.0f} ms; uv printed: {uv['uv_stderr'] or 'nothing'}")
    cold = without_bytecode(args.size, args.runs)
    print(
        f"{args.size:,} papers, PYTHONDONTWRITEBYTECODE=1, empty bytecode cache: first start {cold['first_start_ms']:.0f} ms "
        f"(compiles once), later starts {cold['later_starts_ms']:.0f} ms; ordinary start {cold['ordinary_start_ms']:.0f} ms"
    )


if __name__ == "__main__":
    main()
